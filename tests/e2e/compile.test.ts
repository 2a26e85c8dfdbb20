/**
 * End-to-end: the BUILT binary (`node bin/loom.js`, built by `npm run build`) on good projects:
 * compile, validate, ls with every output format and selector family, state:modified against --state.
 */
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import type { Manifest } from '../../src/contracts/manifest.js';
import { assertValidManifest } from '../support/artifact-schemas.js';
import { copyDemoProject, copyFixture, removeTempProjects, tempDir } from '../support/fixture-projects.js';
import { LOOM_BIN, runLoom, stackFrames } from '../support/loom-cli.js';

let basic: string;
beforeAll(() => {
  if (!existsSync(join(LOOM_BIN, '..', '..', 'dist', 'cli', 'main.js'))) throw new Error('dist/ is missing: run `npm run build` first (npm test does)');
  basic = copyFixture('basic');
});
afterAll(removeTempProjects);

const loom = (args: string[], cwd = basic, env?: Record<string, string | undefined>) => runLoom(args, { cwd, env });
const lines = (text: string) => text.split('\n').filter((l) => l.length > 0);
const readManifest = (dir: string, target = 'target') => JSON.parse(readFileSync(join(dir, target, 'manifest.json'), 'utf8')) as Manifest;

describe.concurrent('loom compile', () => {
  it('compiles the basic fixture, writes a valid manifest and the compiled files, exit 0', async ({ expect }) => {
    const dir = copyFixture('basic');
    const run = await loom(['compile'], dir);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Compiled 2 sql models, 1 llm model, 1 source, 0 destinations in \d+\.\d\ds → target\/manifest.json\n$/);
    const manifest = readManifest(dir);
    assertValidManifest(manifest);
    expect(manifest.metadata.project_name).toBe('basic');
    expect(manifest.metadata.git).toBeNull();
    expect(readFileSync(join(dir, 'target/compiled/basic/models/staging/tickets_clean.sql'), 'utf8')).toContain('from "support"."tickets"');
  });

  it('--project-dir, --target and --vars are honoured', async ({ expect }) => {
    const dir = copyFixture('basic');
    const run = await loom(['compile', '--project-dir', dir, '--target', 'openai', '--vars', '{min_length: 42}'], tempDir('elsewhere'));
    expect(run.code).toBe(0);
    const manifest = readManifest(dir);
    assertValidManifest(manifest);
    expect(manifest.metadata.target_name).toBe('openai');
    expect(manifest.nodes['model.basic.ticket_topics'].config.llm).toMatchObject({ provider: 'openai', temperature: 0.2 });
    expect(manifest.nodes['model.basic.tickets_clean'].compiled_code).toContain('>= 42');
  });

  it('env vars reach env_var()', async ({ expect }) => {
    const dir = copyFixture('basic');
    expect((await loom(['compile'], dir, { LOOM_BASIC_REGION: 'us' })).code).toBe(0);
    expect(readManifest(dir).nodes['model.basic.tickets_clean'].compiled_code).toContain("'us' = 'eu'");
  });

  it('inside a git repository the manifest records commit, branch and dirty flag', async ({ expect }) => {
    const dir = copyDemoProject();
    const git = (...args: string[]) => import('node:child_process').then(({ execFileSync }) => execFileSync('git', args, { cwd: dir, stdio: 'pipe' }));
    await git('init', '-q', '-b', 'main');
    await git('-c', 'user.email=t@example.com', '-c', 'user.name=t', 'add', '.');
    await git('-c', 'user.email=t@example.com', '-c', 'user.name=t', 'commit', '-q', '-m', 'demo');
    expect((await loom(['compile'], dir)).code).toBe(0);
    const clean = readManifest(dir);
    assertValidManifest(clean);
    expect(clean.metadata.git).toEqual({ commit: expect.stringMatching(/^[0-9a-f]{40}$/), branch: 'main', dirty: false });
    writeFileSync(join(dir, 'context/style_guide.md'), 'Changed.\n');
    expect((await loom(['compile'], dir)).code).toBe(0);
    expect(readManifest(dir).metadata.git).toEqual({ ...clean.metadata.git, dirty: true });
  });

  it("compiles the repository's own demo project (copied to a temp dir)", async ({ expect }) => {
    const dir = copyDemoProject();
    const run = await loom(['compile'], dir);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const manifest = readManifest(dir);
    assertValidManifest(manifest);
    const kinds = Object.values(manifest.nodes).map((n) => n.kind);
    expect(kinds.filter((k) => k === 'sql').length + kinds.filter((k) => k === 'llm').length).toBeGreaterThanOrEqual(6);
    expect(kinds).toContain('llm');
    expect(kinds).toContain('sql');
  });
});

describe.concurrent('loom validate', () => {
  it('checks everything and writes nothing', async ({ expect }) => {
    const dir = copyFixture('basic');
    const run = await loom(['validate'], dir);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Project is valid: 2 sql models, 1 llm model, 1 source, 0 destinations \(\d+\.\d\ds, nothing written\)\n$/);
    expect(existsSync(join(dir, 'target'))).toBe(false);
  });
});

describe.concurrent('loom ls', () => {
  it('--output selector (default), name, path and json', async ({ expect }) => {
    expect(lines((await loom(['ls'])).stdout)).toEqual(['basic.support.tickets', 'basic.staging.tickets_clean', 'basic.marts.ticket_topics', 'basic.marts.topic_counts']);
    expect(lines((await loom(['ls', '--output', 'name'])).stdout)).toEqual(['support.tickets', 'tickets_clean', 'ticket_topics', 'topic_counts']);
    expect(lines((await loom(['ls', '--output', 'path'])).stdout)).toEqual([
      'models/staging/tickets.yml',
      'models/staging/tickets.yml',
      'models/marts/topics.yml',
      'models/marts/topics.yml',
    ]);
    const json = lines((await loom(['ls', '--output', 'json'])).stdout).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(json.map((n) => n.unique_id)).toEqual(['source.basic.support.tickets', 'model.basic.tickets_clean', 'model.basic.ticket_topics', 'model.basic.topic_counts']);
    expect(json[2]).toMatchObject({
      name: 'ticket_topics',
      resource_type: 'model',
      kind: 'llm',
      original_file_path: 'models/marts/topics.yml',
      tags: ['nightly'],
      depends_on: ['model.basic.tickets_clean'],
      relation_name: '"main"."ticket_topics"',
      config: { materialized: 'table', unique_key: 'ticket_id', from: 'model.basic.tickets_clean' },
    });
    expect(existsSync(join(basic, 'target'))).toBe(false);
  });

  it.concurrent.for([
    ['+name (ancestors)', ['-s', '+ticket_topics'], ['support.tickets', 'tickets_clean', 'ticket_topics']],
    ['name+ (descendants)', ['--select', 'tickets_clean+'], ['tickets_clean', 'ticket_topics', 'topic_counts']],
    ['@name', ['-s', '@tickets_clean'], ['support.tickets', 'tickets_clean', 'ticket_topics', 'topic_counts']],
    ['tag:', ['-s', 'tag:nightly'], ['ticket_topics', 'topic_counts']],
    ['path:', ['-s', 'path:models/staging'], ['support.tickets', 'tickets_clean']],
    ['kind:', ['-s', 'kind:sql'], ['tickets_clean', 'topic_counts']],
    ['config.x:y', ['-s', 'config.materialized:view'], ['topic_counts']],
    ['comma intersection', ['-s', 'tag:nightly,kind:llm'], ['ticket_topics']],
    ['repeated --select and spaces are unions', ['-s', 'ticket_topics', '-s', 'support.tickets 1+topic_counts'], ['support.tickets', 'ticket_topics', 'topic_counts']],
    ['--exclude', ['-s', 'tickets_clean+', '--exclude', 'topic_counts'], ['tickets_clean', 'ticket_topics']],
    ['--resource-type', ['--resource-type', 'source'], ['support.tickets']],
  ] as [string, string[], string[]][])('selects with %s', async ([, args, expected], { expect }) => {
    const run = await loom(['ls', '--output', 'name', ...args]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(lines(run.stdout)).toEqual(expected);
  });

  it('a selector that matches nothing is a warning, exit 0', async ({ expect }) => {
    const run = await loom(['ls', '-s', 'no_such_model']);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain("warning LOOM301: The selection criterion 'no_such_model' does not match any enabled nodes");
  });

  it('state:modified against --state of an earlier compile, after editing a prompt', async ({ expect }) => {
    const dir = copyFixture('basic');
    expect((await loom(['compile'], dir)).code).toBe(0);
    const state = tempDir('state');
    cpSync(join(dir, 'target'), state, { recursive: true });

    expect(lines((await loom(['ls', '--output', 'name', '-s', 'state:modified', '--state', state], dir)).stdout)).toEqual([]);
    const prompt = join(dir, 'prompts/classify_ticket.njk');
    writeFileSync(prompt, readFileSync(prompt, 'utf8').replace('Classify the support ticket', 'Classify the customer ticket'));

    const modified = await loom(['ls', '--output', 'name', '-s', 'state:modified', '--state', state], dir);
    expect(modified.code).toBe(0);
    expect(lines(modified.stdout)).toEqual(['ticket_topics']);
    expect(lines((await loom(['ls', '--output', 'name', '-s', 'state:modified.prompt', '--state', state], dir)).stdout)).toEqual(['ticket_topics']);
    expect(lines((await loom(['ls', '--output', 'name', '-s', 'state:modified.body', '--state', state], dir)).stdout)).toEqual([]);
    expect(lines((await loom(['ls', '--output', 'name', '-s', 'state:modified+', '--state', state], dir)).stdout)).toEqual(['ticket_topics', 'topic_counts']);
  });

  it('never prints a stack trace', async ({ expect }) => {
    const run = await loom(['ls', '--output', 'json', '-s', '+topic_counts']);
    expect(stackFrames(run.stdout + run.stderr)).toEqual([]);
  });
});
