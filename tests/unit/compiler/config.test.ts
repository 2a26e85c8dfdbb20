import { afterAll, describe, expect, it } from 'vitest';
import { compile } from '../../../src/api/compile.js';
import { loadConfig, TargetNotFound } from '../../../src/config/load.js';
import type { ResolvedConfig } from '../../../src/config/types.js';
import { UsageError } from '../../../src/diagnostics/diagnostic.js';
import { resolveLlmConfig } from '../../../src/graph/llm-config.js';
import { assertValidManifest } from '../../support/artifact-schemas.js';
import { projectFrom, removeTempProjects } from '../../support/fixture-projects.js';

afterAll(removeTempProjects);

const PROJECT = `name: cfg
vars: { min_length: 10, region: eu }
defaults:
  llm: { provider: openai, model: gpt-4o-mini, temperature: 0, max_tokens: 100, seed: 7 }
targets:
  dev: { provider: offline, llm: { temperature: 0.3 } }
  openai: { threads: 8, concurrency: 2, llm: { model: gpt-4o, max_tokens: 200 } }
  bare: ~
default_target: dev
`;

function configOf(text: string, overrides: Parameters<typeof loadConfig>[1] = {}): ResolvedConfig {
  const loaded = loadConfig(projectFrom({ 'loom_project.yml': text }), overrides);
  expect(loaded.diagnostics).toEqual([]);
  return loaded.config!;
}

describe('loadConfig', () => {
  it('fills defaults and freezes the result', () => {
    const config = configOf('name: minimal\n');
    expect(config).toMatchObject({
      name: 'minimal',
      version: null,
      modelPaths: ['models'],
      pipelinePaths: ['pipelines'],
      promptPaths: ['prompts'],
      contextPaths: ['context'],
      targetPath: 'target',
      warehouse: '.loom/warehouse.duckdb',
      threads: 4,
      vars: {},
      defaults: { llm: {}, materialized: 'table', batch_size: 100, passthrough: true, embedding_model: 'text-embedding-3-small', judge: {} },
      target: { name: 'dev', provider: 'offline' },
      targetNames: ['dev'],
    });
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.defaults.llm)).toBe(true);
    expect(() => {
      (config.vars as Record<string, unknown>).x = 1;
    }).toThrow();
  });

  it('uses default_target, and --target picks another', () => {
    expect(configOf(PROJECT).target).toMatchObject({ name: 'dev', provider: 'offline', llm: { temperature: 0.3 } });
    const openai = configOf(PROJECT, { target: 'openai' });
    expect(openai.target).toMatchObject({ name: 'openai', provider: undefined, providerSettings: { concurrency: 2, timeout_ms: 60_000, max_retries: 5 } });
    expect(openai.threads).toBe(8);
    expect(configOf(PROJECT, { target: 'bare' }).target).toMatchObject({ name: 'bare', llm: {} });
  });

  it('an unknown --target is a TargetNotFound naming the nearest target and all of them', () => {
    const dir = projectFrom({ 'loom_project.yml': PROJECT });
    expect(() => loadConfig(dir, { target: 'opneai' })).toThrow(TargetNotFound);
    expect(() => loadConfig(dir, { target: 'opneai' })).toThrow('unknown target `opneai` (did you mean `openai`?); targets in loom_project.yml: `dev`, `openai` or `bare`');
  });

  it('compile() turns an unknown --target into a UsageError (exit code 2), not a project error', async () => {
    const dir = projectFrom({ 'loom_project.yml': PROJECT });
    await expect(compile({ projectDir: dir, target: 'prod' })).rejects.toThrow(UsageError);
    await expect(compile({ projectDir: dir, target: 'de' })).rejects.toThrow('unknown target `de` (did you mean `dev`?)');
  });

  it('an unknown default_target is a project error at its line', () => {
    const loaded = loadConfig(projectFrom({ 'loom_project.yml': 'name: p\ntargets:\n  dev: {}\ndefault_target: deev\n' }));
    expect(loaded.config).toBeNull();
    expect(loaded.diagnostics.map((d) => `${d.location!.line}:${d.location!.col} ${d.code} ${d.message}`)).toEqual([
      '4:17 LOOM021 default_target `deev` is not one of the targets (did you mean `dev`?); defined targets: `dev`',
    ]);
  });

  it('--vars override project vars key by key; --threads overrides threads', () => {
    const config = configOf(PROJECT, { vars: { min_length: 20, extra: [1] }, threads: 2 });
    expect(config.vars).toEqual({ min_length: 20, region: 'eu', extra: [1] });
    expect(config.threads).toBe(2);
  });

  it('a missing project file is LOOM020 and says how to make one; a .yaml file is spotted', () => {
    expect(loadConfig(projectFrom({})).diagnostics[0]).toMatchObject({ code: 'LOOM020', location: undefined });
    const yaml = loadConfig(projectFrom({ 'loom_project.yaml': 'name: p\n' }));
    expect(yaml.diagnostics[0].message).toContain('found loom_project.yaml: rename it to loom_project.yml');
  });

  it('a project file that cannot be read is LOOM003, not a crash', () => {
    const dir = projectFrom({ 'loom_project.yml/inside.txt': 'a folder, not a file' });
    expect(loadConfig(dir).diagnostics.map((d) => `${d.code} ${d.message}`)).toEqual(['LOOM003 cannot read loom_project.yml: EISDIR: illegal operation on a directory, read']);
  });

  it('a project file that is not a mapping is LOOM011', () => {
    const loaded = loadConfig(projectFrom({ 'loom_project.yml': '- name: p\n' }));
    expect(loaded.diagnostics.map((d) => `${d.code} ${d.message}`)).toEqual(['LOOM011 loom_project.yml must be a mapping of settings']);
  });
});

describe('resolveLlmConfig: defaults.llm < target.llm < model llm; the target provider wins', () => {
  it('layers settings in order', () => {
    const dev = configOf(PROJECT);
    expect(resolveLlmConfig(dev, undefined)).toEqual({ provider: 'offline', model: 'gpt-4o-mini', temperature: 0.3, max_tokens: 100, seed: 7, fallback_models: [] });
    expect(resolveLlmConfig(dev, { temperature: 0.9, model: 'gpt-4.1', fallback_models: ['gpt-4o'] })).toEqual({
      provider: 'offline',
      model: 'gpt-4.1',
      temperature: 0.9,
      max_tokens: 100,
      seed: 7,
      fallback_models: ['gpt-4o'],
    });
    const openai = configOf(PROJECT, { target: 'openai' });
    expect(resolveLlmConfig(openai, undefined)).toEqual({ provider: 'openai', model: 'gpt-4o', temperature: 0, max_tokens: 200, seed: 7, fallback_models: [] });
    expect(resolveLlmConfig(openai, { max_tokens: 5 })).toMatchObject({ model: 'gpt-4o', max_tokens: 5 });
  });

  it("a target's provider overrides a model's own provider (dev never reaches the network)", () => {
    expect(resolveLlmConfig(configOf(PROJECT), { provider: 'openai' })!.provider).toBe('offline');
  });

  it('without a target provider, the model provider, then the default provider, then openai', () => {
    const config = configOf('name: p\ntargets:\n  prod: {}\ndefaults:\n  llm: { model: m }\n');
    expect(resolveLlmConfig(config, undefined)!.provider).toBe('openai');
    expect(resolveLlmConfig(config, { provider: 'offline' })!.provider).toBe('offline');
  });

  it('no model anywhere: null (reported as LOOM074 by the linker)', async () => {
    expect(resolveLlmConfig(configOf('name: p\n'), { temperature: 0 })).toBeNull();
    const dir = projectFrom({
      'loom_project.yml': 'name: p\n',
      'models/m.yml': "sources:\n  - { name: s, tables: [{ name: t, path: d.csv }] }\nmodels:\n  - name: x\n    kind: llm\n    from: source('s', 't')\n    prompt: p\n",
      'prompts/p.njk': 'hi {{ row.a }}\n',
    });
    const outcome = await compile({ projectDir: dir, write: false });
    expect(outcome.diagnostics.map((d) => `${d.location!.file}:${d.location!.line}:${d.location!.col} ${d.code}`)).toEqual(['models/m.yml:4:11 LOOM074']);
  });

  it('--vars reach templates', async () => {
    const dir = projectFrom({
      'loom_project.yml': 'name: p\nvars: { n: 1 }\n',
      'models/m.yml': "models:\n  - { name: x, kind: sql, sql: 'select {{ var(\"n\") }}' }\n",
    });
    const outcome = await compile({ projectDir: dir, write: false, vars: { n: 42 } });
    assertValidManifest(outcome.manifest);
    expect(outcome.manifest!.nodes['model.p.x'].compiled_code).toBe('select 42');
  });
});

describe('a loom_project.yml with errors', () => {
  it('falls back to defaults for the bad keys, keeps the good ones, and reports every error', () => {
    const loaded = loadConfig(projectFrom({ 'loom_project.yml': 'name: p\nthreds: 3\nthreads: many\nvars: { n: 1 }\ntargets:\n  dev: { provider: offline, rpm: lots }\n' }));
    expect(loaded.diagnostics.map((d) => `${d.location?.line}:${d.code}`)).toEqual(['2:LOOM010', '3:LOOM011', '6:LOOM011']);
    expect(loaded.config).toMatchObject({ name: 'p', threads: 4, vars: { n: 1 }, target: { name: 'dev', provider: 'offline' } });
    expect(loaded.config!.target.providerSettings.rpm).toBeUndefined();
  });

  it('gives no config when what is wrong is the file as a whole (no name)', () => {
    const loaded = loadConfig(projectFrom({ 'loom_project.yml': 'threads: 2\n' }));
    expect(loaded.diagnostics.map((d) => d.code)).toEqual(['LOOM013']);
    expect(loaded.config).toBeNull();
  });
});
