/**
 * End-to-end: partial parsing. A compile of an unchanged project reuses the last manifest (target/partial_parse.json
 * says what it was made from) and only refreshes its metadata, in place; any change to what a compile reads
 * compiles again.
 */
import { execFileSync } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, it } from 'vitest';
import type { Manifest } from '../../src/contracts/manifest.js';
import { assertValidManifest } from '../support/artifact-schemas.js';
import { copyFixture, removeTempProjects } from '../support/fixture-projects.js';
import { runLoom } from '../support/loom-cli.js';

afterAll(removeTempProjects);

const COMPILED_PROMPT = 'target/compiled/basic/models/marts/ticket_topics.prompt.njk';
const readManifest = (dir: string) => JSON.parse(readFileSync(join(dir, 'target/manifest.json'), 'utf8')) as Manifest;
/** Compiled files are written only by a full compile: their mtime tells a reused manifest from a new one. */
const compiledAt = (dir: string) => statSync(join(dir, COMPILED_PROMPT)).mtimeMs;

async function compile(dir: string, args: string[] = [], env?: Record<string, string | undefined>) {
  const run = await runLoom(['compile', ...args], { cwd: dir, env });
  if (run.code !== 0) throw new Error(`loom compile exited ${run.code}: ${run.stderr}`);
  const manifest = readManifest(dir);
  assertValidManifest(manifest);
  return manifest;
}

describe.concurrent('partial parsing', () => {
  it('an unchanged project reuses the manifest with fresh metadata; validate still writes nothing', async ({ expect }) => {
    const dir = copyFixture('basic');
    const first = await compile(dir);
    expect(existsSync(join(dir, 'target/partial_parse.json'))).toBe(true);
    const written = compiledAt(dir);
    const second = await compile(dir);
    expect(compiledAt(dir)).toBe(written);
    expect(second.nodes).toEqual(first.nodes);
    expect(second.parent_map).toEqual(first.parent_map);
    expect(second.metadata.invocation_id).not.toBe(first.metadata.invocation_id);

    const bytes = readFileSync(join(dir, 'target/manifest.json'));
    const validate = await runLoom(['validate'], { cwd: dir });
    expect(validate.code).toBe(0);
    expect(readFileSync(join(dir, 'target/manifest.json')).equals(bytes)).toBe(true);
  });

  it('a changed prompt, context file, --vars value or env_var() value compiles again', async ({ expect }) => {
    const dir = copyFixture('basic');
    const base = await compile(dir);
    const id = 'model.basic.ticket_topics';

    appendFileSync(join(dir, 'prompts/classify_ticket.njk'), '\nAnswer in English.\n');
    const prompt = await compile(dir);
    expect(prompt.nodes[id]!.fingerprint.data).not.toBe(base.nodes[id]!.fingerprint.data);
    expect(readFileSync(join(dir, COMPILED_PROMPT), 'utf8')).toContain('Answer in English.');

    appendFileSync(join(dir, 'context/topics.md'), '- warranty\n');
    const context = await compile(dir);
    expect(context.nodes[id]!.fingerprint.data).not.toBe(prompt.nodes[id]!.fingerprint.data);
    expect(readFileSync(join(dir, COMPILED_PROMPT), 'utf8')).toContain('- warranty');

    const vars = await compile(dir, ['--vars', '{min_length: 42}']);
    expect(vars.nodes['model.basic.tickets_clean']!.compiled_code).toContain('>= 42');
    const back = await compile(dir);
    expect(back.nodes['model.basic.tickets_clean']!.compiled_code).not.toContain('>= 42');

    const region = await compile(dir, [], { LOOM_BASIC_REGION: 'us' });
    expect(region.nodes['model.basic.tickets_clean']!.compiled_code).toContain("'us' = 'eu'");
    const noPartial = await compile(dir, ['--no-partial-parse'], { LOOM_BASIC_REGION: 'us' });
    expect(noPartial.nodes).toEqual(region.nodes);
  });

  it('metadata that grows or shrinks (another git branch) keeps manifest.json valid', async ({ expect }) => {
    const dir = copyFixture('basic');
    const git = (...args: string[]) => execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], { cwd: dir, stdio: 'pipe' });
    appendFileSync(join(dir, '.gitignore'), 'target/\n.loom/\n');
    git('init', '-q', '-b', 'main');
    git('add', '.');
    git('commit', '-q', '-m', 'fixture');
    const first = await compile(dir);
    const written = compiledAt(dir);
    git('checkout', '-q', '-b', 'a-much-longer-branch-name-than-main');
    const longer = await compile(dir);
    expect(longer.metadata.git).toEqual({ ...first.metadata.git, branch: 'a-much-longer-branch-name-than-main' });
    git('checkout', '-q', 'main');
    const shorter = await compile(dir);
    expect(shorter.metadata.git).toEqual(first.metadata.git);
    expect(shorter.nodes).toEqual(first.nodes);
    expect(compiledAt(dir)).toBe(written);
  });
});
