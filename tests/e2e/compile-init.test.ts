/** End-to-end: `loom init <dir>` scaffolds a project from templates/project that compiles and builds offline; `loom clean`. */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, it } from 'vitest';
import type { Manifest } from '../../src/contracts/manifest.js';
import { assertValidManifest, assertValidRunResults } from '../support/artifact-schemas.js';
import { copyFixture, removeTempProjects, tempDir } from '../support/fixture-projects.js';
import { runLoom, stackFrames } from '../support/loom-cli.js';

afterAll(removeTempProjects);

describe.concurrent('loom init', () => {
  it('creates a working project named after its folder, which compiles and builds offline', async ({ expect }) => {
    const parent = tempDir('init');
    const init = await runLoom(['init', 'my-first.project'], { cwd: parent });
    expect(init.stderr).toBe('');
    expect(init.code).toBe(0);
    expect(init.stdout).toContain('Created Loom project `my_first_project` in my-first.project');
    const dir = join(parent, 'my-first.project');
    expect(readdirSync(dir).sort()).toEqual(['.gitignore', 'README.md', 'context', 'data', 'loom_project.yml', 'models', 'prompts']);
    expect(readFileSync(join(dir, 'loom_project.yml'), 'utf8')).toMatch(/^name: my_first_project$/m);
    expect(readFileSync(join(dir, '.gitignore'), 'utf8')).toContain('target/');

    const compile = await runLoom(['compile'], { cwd: dir });
    expect(compile.stderr).toBe('');
    expect(compile.code).toBe(0);
    const manifest = JSON.parse(readFileSync(join(dir, 'target/manifest.json'), 'utf8')) as Manifest;
    assertValidManifest(manifest);
    const kinds = Object.values(manifest.nodes).map((n) => n.kind).sort();
    expect(kinds).toEqual(['llm', 'source', 'sql']);
    const llm = Object.values(manifest.nodes).find((n) => n.kind === 'llm')!;
    expect(llm.output_schema).not.toBeNull();
    expect(llm.config.evaluate).toBeDefined();
    expect(llm.contexts.length).toBeGreaterThan(0);
    expect(llm.prompt!.includes.length).toBeGreaterThan(0);

    const build = await runLoom(['build'], { cwd: dir, env: { OPENAI_API_KEY: undefined } });
    expect(stackFrames(build.stdout + build.stderr)).toEqual([]);
    expect(build.code).toBe(0);
    assertValidRunResults(JSON.parse(readFileSync(join(dir, 'target/run_results.json'), 'utf8')));
  });

  it('into an existing empty folder works; into a non-empty one is a usage error', async ({ expect }) => {
    const parent = tempDir('init');
    mkdirSync(join(parent, 'empty'));
    expect((await runLoom(['init', 'empty'], { cwd: parent })).code).toBe(0);
    const again = await runLoom(['init', 'empty'], { cwd: parent });
    expect(again.code).toBe(2);
    expect(again.stderr).toBe('loom: empty already exists and is not empty; loom init only writes into a new or empty directory\n');
  });

  it('a folder name that is not an identifier still gives a valid project name', async ({ expect }) => {
    const parent = tempDir('init');
    expect((await runLoom(['init', '2024 reviews'], { cwd: parent })).code).toBe(0);
    expect(readFileSync(join(parent, '2024 reviews', 'loom_project.yml'), 'utf8')).toMatch(/^name: _2024_reviews$/m);
    expect((await runLoom(['validate'], { cwd: join(parent, '2024 reviews') })).code).toBe(0);
  });
});

describe.concurrent('loom clean', () => {
  it('removes target/ (and with --warehouse the local warehouse), nothing else', async ({ expect }) => {
    const dir = copyFixture('basic');
    expect((await runLoom(['compile'], { cwd: dir })).code).toBe(0);
    mkdirSync(join(dir, '.loom'));
    writeFileSync(join(dir, '.loom/warehouse.duckdb'), '');
    const clean = await runLoom(['clean'], { cwd: dir });
    expect(clean.code).toBe(0);
    expect(clean.stdout).toBe('Removed target\n');
    expect(existsSync(join(dir, 'target'))).toBe(false);
    expect(existsSync(join(dir, '.loom/warehouse.duckdb'))).toBe(true);
    expect(existsSync(join(dir, 'models'))).toBe(true);

    const all = await runLoom(['clean', '--warehouse'], { cwd: dir });
    expect(all.code).toBe(0);
    expect(all.stdout).toBe('Removed .loom\n');
    expect(existsSync(join(dir, '.loom'))).toBe(false);
    expect((await runLoom(['clean'], { cwd: dir })).stdout).toBe('Nothing to remove: target not found\n');
  });

  it('refuses a target-path outside the project', async ({ expect }) => {
    const dir = copyFixture('basic');
    writeFileSync(join(dir, 'loom_project.yml'), `${readFileSync(join(dir, 'loom_project.yml'), 'utf8')}target-path: ..\n`);
    const clean = await runLoom(['clean'], { cwd: dir });
    expect(clean.code).toBe(2);
    expect(clean.stderr).toMatch(/^loom: loom clean only deletes folders inside the project; `\.\.` resolves to /);
    expect(existsSync(join(dir, 'models'))).toBe(true);
  });

  it('outside a project it is a project error', async ({ expect }) => {
    const run = await runLoom(['clean'], { cwd: tempDir('empty') });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('error LOOM020');
  });
});
