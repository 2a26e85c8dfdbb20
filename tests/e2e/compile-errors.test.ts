/**
 * End-to-end: the built binary on broken projects and bad invocations. Exit codes: 0 ok, 1 project errors,
 * 2 usage (and internal) errors. A user's mistake never prints a stack trace. Project errors print
 * `path:line:col: error LOOMnnn: message` followed by a code frame.
 */
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { expectedHeaders, headerLines } from '../support/diagnostic-lines.js';
import { copyFixture, FIXTURES_DIR, removeTempProjects, tempDir } from '../support/fixture-projects.js';
import { runLoom, stackFrames } from '../support/loom-cli.js';
// @ts-expect-error -- the bench's project generator is plain JavaScript
import { generateProject } from '../../bench/generate-project.mjs';

let basic: string;
beforeAll(() => {
  basic = copyFixture('basic');
});
afterAll(removeTempProjects);

const BROKEN = readdirSync(FIXTURES_DIR).filter((name) => name.startsWith('broken_')).sort();

describe.concurrent('broken projects: exit 1, every diagnostic as `path:line:col: error CODE: message` plus a code frame', () => {
  it.concurrent.for(BROKEN)('%s', async (name, { expect }) => {
    const dir = copyFixture(name);
    const run = await runLoom(['compile'], { cwd: dir });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(headerLines(run.stderr)).toEqual(expectedHeaders(join(FIXTURES_DIR, name)));
    expect(stackFrames(run.stderr)).toEqual([]);
    const headers = expectedHeaders(join(FIXTURES_DIR, name));
    const count = headers.filter((h) => h.includes(': error LOOM')).length;
    const warnings = headers.length - count;
    const summary = `Found ${count} error${count === 1 ? '' : 's'}${warnings ? `, ${warnings} warning${warnings === 1 ? '' : 's'}` : ''}.`;
    expect(run.stderr.trimEnd().split('\n').pop()).toBe(summary);
    // Each error header is followed by its code frame: the offending line marked with `>` and an underline.
    const blocks = run.stderr.split('\n\n').filter((b) => /^\S+:\d+:\d+: error LOOM/.test(b));
    expect(blocks).toHaveLength(count);
    for (const block of blocks) {
      const [header, ...frame] = block.split('\n');
      const line = Number(header.split(':')[1]);
      expect(frame.some((l) => l.startsWith(`> ${line} | `) || new RegExp(`^> +${line} \\| `).test(l)), block).toBe(true);
      expect(frame.some((l) => /^ +\| +\^+$/.test(l)), block).toBe(true);
    }
  });

  it('the code frame of a template error shows the template line, a cycle lists its edges', async ({ expect }) => {
    const syntax = await runLoom(['validate'], { cwd: copyFixture('broken_template_syntax') });
    expect(syntax.stderr).toContain(
      [
        'prompts/label.njk:5:18: error LOOM050: template syntax error: expected variable end',
        '  4 | {% for tag in row.tags %}',
        '> 5 | - {{ tag | upper }',
        '    |                  ^',
      ].join('\n'),
    );
    const cycle = await runLoom(['validate'], { cwd: copyFixture('broken_cycle') });
    expect(cycle.code).toBe(1);
    expect(cycle.stderr).toContain(
      [
        'models/marts/b.yml:6:15: error LOOM060: dependency cycle: alpha -> beta -> gamma -> alpha',
        '  5 |       select *',
        "> 6 |       from {{ ref('alpha') }} -- error: LOOM060",
        '    |               ^^^^^^^^^^^^',
        '  = alpha -> beta: models/marts/b.yml:6:15',
        '  = beta -> gamma: models/marts/b.yml:9:11',
        '  = gamma -> alpha: models/a.yml:4:27',
      ].join('\n'),
    );
  });

  it('ls on a broken project fails the same way and lists nothing', async ({ expect }) => {
    const run = await runLoom(['ls'], { cwd: copyFixture('broken_missing_ref') });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(headerLines(run.stderr)).toEqual(expectedHeaders(join(FIXTURES_DIR, 'broken_missing_ref')));
  });

  it('a directory without loom_project.yml is a project error with a hint', async ({ expect }) => {
    const run = await runLoom(['compile'], { cwd: tempDir('empty') });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^error LOOM020: no loom_project.yml in .*; run `loom init <dir>` to create a project, or pass --project-dir\n/);
    expect(stackFrames(run.stderr)).toEqual([]);
  });
});

describe.concurrent('usage errors: exit 2, one line, no stack trace', () => {
  it.concurrent.for([
    ['an unknown flag', ['compile', '--bogus'], 'loom: Unknown option `--bogus`'],
    ['an unknown command', ['compiel'], 'loom: unknown command `compiel` (did you mean `compile`?); run `loom --help` for the list'],
    ['bad --vars YAML', ['compile', '--vars', '{a: [}'], 'loom: --vars is not valid YAML or JSON: Flow sequence in block collection must be sufficiently indented and end with a ] at line 1, column 6'],
    ['--vars that is not a mapping', ['validate', '--vars', '42'], "loom: --vars must be a mapping such as '{min_length: 20}'; got \"42\""],
    ['an unknown --target', ['compile', '--target', 'prd'], 'loom: unknown target `prd`; targets in loom_project.yml: `dev` or `openai`'],
    ['a mistyped --target', ['ls', '--target', 'opeani'], 'loom: unknown target `opeani` (did you mean `openai`?); targets in loom_project.yml: `dev` or `openai`'],
    ['state: without --state', ['ls', '-s', 'state:modified'], "loom: The selector 'state:modified' compares with a previous manifest, so `--state <dir>` is required: point it at a folder holding the manifest.json to compare with (for instance a copy of the target/ of your main branch)"],
    ['--state pointing at nothing', ['ls', '-s', 'state:modified', '--state', 'no/such/dir'], 'loom: --state no/such/dir: no manifest.json there; point it at the target/ folder of an earlier compile'],
    ['an empty --select', ['ls', '--select', ''], 'loom: Empty selector given to --select: name at least one node, tag, path or other `method:value` (to select every node, leave out --select)'],
    ['a malformed selector', ['ls', '-s', '+'], "loom: Invalid selector '+' in --select:"],
    ['a missing flag value', ['ls', '--select'], 'loom: option `-s, --select <selector>` value is missing'],
    ['an unknown --output', ['ls', '--output', 'yaml'], 'loom: --output must be one of name, path, json, selector; got `yaml`'],
    ['an unknown --resource-type', ['ls', '--resource-type', 'modle'], 'loom: --resource-type must be one of model, source, destination; got `modle` (did you mean `model`?)'],
    ['init without a directory', ['init'], 'loom: loom init needs a directory: loom init my_project'],
  ] as [string, string[], string][])('%s', async ([, args, message], { expect }) => {
    const run = await runLoom(args, { cwd: basic });
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr.startsWith(message)).toBe(true);
    expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(stackFrames(run.stderr)).toEqual([]);
  });

  it('a numeric-looking --project-dir is a path, not a number', async ({ expect }) => {
    const parent = tempDir('parent');
    const run = await runLoom(['validate', '--project-dir', '2024'], { cwd: parent });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`no loom_project.yml in ${join(parent, '2024')}`);
    expect(stackFrames(run.stderr)).toEqual([]);
  });
});

describe.concurrent('bad --state manifests and unwritable targets are reported, never crash', () => {
  it('a manifest of another schema version, or a broken one, is a usage error', async ({ expect }) => {
    const old = tempDir('state');
    writeFileSync(join(old, 'manifest.json'), '{"metadata": {"loom_schema_version": "v0"}}');
    const run = await runLoom(['ls', '-s', 'state:modified', '--state', old], { cwd: basic });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('has manifest schema v0; this loom reads https://loom.dev/schemas/manifest/v1.json');
    expect(stackFrames(run.stderr)).toEqual([]);

    const broken = tempDir('state');
    writeFileSync(join(broken, 'manifest.json'), '{"metadata": {"loom_schema_version": "https://loom.dev/schemas/manifest/v1.json"}, "nodes": null}');
    const corrupt = await runLoom(['ls', '-s', 'state:modified', '--state', broken], { cwd: basic });
    expect(corrupt.code).toBe(2);
    expect(corrupt.stderr).toMatch(/manifest.json is not a manifest Loom can read \(.*\); recompile it\n$/);
    expect(stackFrames(corrupt.stderr)).toEqual([]);

    const notJson = tempDir('state');
    writeFileSync(join(notJson, 'manifest.json'), '{');
    expect((await runLoom(['ls', '-s', 'state:new', '--state', notJson], { cwd: basic })).code).toBe(2);
  });

  it('a file where target/ should be is a project error (exit 1), not an internal one', async ({ expect }) => {
    const dir = copyFixture('basic');
    writeFileSync(join(dir, 'target'), 'not a folder');
    const run = await runLoom(['compile'], { cwd: dir });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^error LOOM004: cannot write target\/: target is a file, not a folder: move or delete it\n/);
    expect(stackFrames(run.stderr)).toEqual([]);
  });

  it.for([
    ['a small project (written in the main thread)', 0],
    ['a large one (written by a worker thread)', 300],
  ] as const)('a folder where a compiled file should be is a project error too: %s', async ([, models], { expect }) => {
    const dir = models ? tempDir('large') : copyFixture('basic');
    if (models) generateProject(dir, models);
    expect((await runLoom(['compile'], { cwd: dir })).code).toBe(0);
    const compiled = readdirSync(join(dir, 'target/compiled'), { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
    expect(compiled.length).toBeGreaterThanOrEqual(models || 5);
    const victim = compiled[Math.floor(compiled.length / 2)]!;
    rmSync(join(dir, 'target'), { recursive: true });
    mkdirSync(join(victim.parentPath, victim.name), { recursive: true });
    const run = await runLoom(['compile'], { cwd: dir });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^error LOOM004: cannot write target\/: EISDIR: illegal operation on a directory/);
    expect(stackFrames(run.stderr)).toEqual([]);
    expect(existsSync(join(dir, 'target/manifest.json'))).toBe(false);
  });
});

describe.concurrent('help and version', () => {
  it('--help and --version exit 0; no command prints help', async ({ expect }) => {
    const help = await runLoom(['--help'], { cwd: basic });
    expect(help.code).toBe(0);
    for (const command of ['compile', 'validate', 'ls', 'init', 'clean']) expect(help.stdout).toContain(command);
    expect((await runLoom(['--version'], { cwd: basic })).stdout).toMatch(/^loom\/\d+\.\d+\.\d+/);
    const bare = await runLoom([], { cwd: basic });
    expect(bare.code).toBe(0);
    expect(bare.stdout).toContain('Usage');
  });
});
