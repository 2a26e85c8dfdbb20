/** End-to-end: flags keep what was typed, help tells the truth, dbt commands point to Loom's, validate checks the key. */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { afterAll, describe, it } from 'vitest';
import { copyFixture, removeTempProjects, tempDir } from '../support/fixture-projects.js';
import { runLoom, stackFrames } from '../support/loom-cli.js';

afterAll(removeTempProjects);

const NO_KEY = { OPENAI_API_KEY: undefined, OPENAI_BASE_URL: undefined };

describe.concurrent('flags keep the text typed', () => {
  it('quarantine list --run takes a run-id prefix that looks like a number', async ({ expect }) => {
    const dir = copyFixture('basic');
    for (const prefix of ['96366e62', '12345678']) {
      const r = await runLoom(['quarantine', 'list', '--run', prefix], { cwd: dir });
      expect(stackFrames(r.stderr)).toEqual([]);
      expect(r.stderr).not.toMatch(/internal error/);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('No quarantined rows.');
    }
  });

  it('a repeated --output is its last value, the same for ls and quarantine list', async ({ expect }) => {
    const dir = copyFixture('basic');
    const ls = await runLoom(['ls', '--output', 'name', '--output', 'json'], { cwd: dir });
    expect(ls.stderr).toBe('');
    expect(ls.code).toBe(0);
    const lines = ls.stdout.trim().split('\n');
    expect(lines.map((l) => (JSON.parse(l) as { name: string }).name)).toEqual(['tickets', 'tickets_clean', 'ticket_topics', 'topic_counts']);
    const q = await runLoom(['quarantine', 'list', '--output', 'json', '--output', 'table'], { cwd: dir });
    expect(q.code).toBe(0);
    expect(q.stdout).toContain('No quarantined rows.');
  });
});

describe.concurrent('help tells the truth', () => {
  it('shows no positional terms for build, ls and compile, `init <dir>`, and no default on --no-* flags', async ({ expect }) => {
    const dir = tempDir('help');
    const top = await runLoom(['--help'], { cwd: dir });
    expect(top.stdout).not.toContain('[...terms]');
    expect(top.stdout).toMatch(/^ {2}init <dir> /m);
    for (const command of ['build', 'ls', 'compile']) {
      const help = await runLoom([command, '--help'], { cwd: dir });
      expect(help.stdout).toMatch(new RegExp(`\\$ loom ${command}\\n`));
      expect(help.stdout).not.toContain('(default: true)');
    }
    const build = await runLoom(['build', '--help'], { cwd: dir });
    expect(build.stdout).toMatch(/--no-cache +Do not read the LLM cache/);
    expect(build.stdout).toMatch(/--no-partial-parse +Parse and render every file/);
    const init = await runLoom(['init'], { cwd: dir });
    expect(init.code).toBe(2);
    expect(init.stderr).toContain('loom init needs a directory');
  });
});

describe.concurrent('dbt commands answer with what to do in Loom', () => {
  it.for([
    ['test', /evaluate:.*loom build/],
    ['seed', /source with `path:`/],
    ['snapshot', /incremental by `unique_key`/],
    ['deps', /nothing to install/],
    ['parse', /`loom compile`.*`loom validate`/],
    ['show', /query the warehouse.*`loom quarantine list`/],
    ['retry', /`loom build` is incremental.*`loom quarantine retry <model>`/],
  ] as const)('loom %s', async ([command, equivalent], { expect }) => {
    const r = await runLoom([command, '--select', 'x'], { cwd: tempDir('dbt') });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`\`${command}\` is a dbt command.`);
    expect(r.stderr).toMatch(equivalent);
    expect(r.stderr.trim().split('\n').length).toBeLessThanOrEqual(2);
  });

  it('a word that is no command at all still gets "unknown command"', async ({ expect }) => {
    const r = await runLoom(['biuld'], { cwd: tempDir('dbt') });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown command `biuld` \(did you mean `build`\?\)/);
  });
});

describe.concurrent('loom validate checks the key of the target', () => {
  const withOpenAiTarget = () => {
    const dir = copyFixture('basic');
    const file = join(dir, 'loom_project.yml');
    writeFileSync(file, `${readFileSync(file, 'utf8')}\n`.replace(/^targets:\n/m, 'targets:\n  keyed: { provider: openai, api_key_env: MY_LLM_KEY }\n'));
    return dir;
  };

  it('is an error naming the variable (never a value) when the key is not set', async ({ expect }) => {
    const dir = withOpenAiTarget();
    const r = await runLoom(['validate', '--target', 'keyed'], { cwd: dir, env: { ...NO_KEY, MY_LLM_KEY: undefined } });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^loom_project\.yml:\d+:\d+: error LOOM025: target `keyed` sends 1 llm model\(s\) \(ticket_topics\) to an openai endpoint, but MY_LLM_KEY is not set/m);
    const set = await runLoom(['validate', '--target', 'keyed'], { cwd: dir, env: { ...NO_KEY, MY_LLM_KEY: 'sk-secret-value' } });
    expect(set.stderr).toBe('');
    expect(set.code).toBe(0);
    expect(set.stdout).not.toContain('sk-secret-value');
  });

  it('is no error for an offline target, or compile', async ({ expect }) => {
    const dir = withOpenAiTarget();
    expect((await runLoom(['validate'], { cwd: dir, env: { ...NO_KEY, MY_LLM_KEY: undefined } })).code).toBe(0);
    expect((await runLoom(['compile', '--target', 'keyed'], { cwd: dir, env: { ...NO_KEY, MY_LLM_KEY: undefined } })).code).toBe(0);
  });
});

describe.concurrent('project files', () => {
  it('an absolute target-path is used as it is', async ({ expect }) => {
    const dir = copyFixture('basic');
    const target = join(tempDir('abs-target'), 'out');
    const file = join(dir, 'loom_project.yml');
    writeFileSync(file, `${readFileSync(file, 'utf8')}\ntarget-path: ${target}\n`);
    const r = await runLoom(['compile'], { cwd: dir });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(existsSync(join(target, 'manifest.json'))).toBe(true);
    expect(existsSync(join(dir, target))).toBe(false);
    const build = await runLoom(['build', '--target', 'dev'], { cwd: dir, env: NO_KEY });
    expect(build.code).toBe(0);
    expect(existsSync(join(target, 'run_results.json'))).toBe(true);
  });

  it("loom init's $schema lines point at schema files that exist", async ({ expect }) => {
    const parent = tempDir('init-schema');
    expect((await runLoom(['init', 'p'], { cwd: parent })).code).toBe(0);
    for (const file of ['loom_project.yml', 'models/feedback.yml']) {
      const path = join(parent, 'p', file);
      const schema = /^# yaml-language-server: \$schema=(.+)$/m.exec(readFileSync(path, 'utf8'))?.[1];
      expect(schema, file).toBeDefined();
      expect(existsSync(resolve(dirname(path), schema!)), `${file}: ${schema}`).toBe(true);
    }
  });
});
