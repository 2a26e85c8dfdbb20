import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { debug } from '../../../src/api/debug.js';
import { copyFixture, removeTempProjects } from '../../support/fixture-projects.js';

afterEach(() => vi.unstubAllGlobals());
afterAll(removeTempProjects);

describe('debug() api key check', () => {
  const project = () => {
    const dir = copyFixture('basic');
    writeFileSync(join(dir, 'loom_project.yml'), 'name: basic\ntargets:\n  live: { provider: openai, api_key_env: LIVE_KEY }\n');
    return dir;
  };
  // The public endpoint is never called from a test: fetch answers 401 as api.openai.com would without a key.
  const fetch = vi.fn(async () => new Response('unauthorized', { status: 401 }));

  it('no key and no base_url of a local server: an error naming the variable', async () => {
    vi.stubGlobal('fetch', fetch);
    const outcome = await debug({ projectDir: project(), target: 'live', env: {} });
    expect(outcome.ok).toBe(false);
    expect(outcome.checks.find((c) => c.label === 'api key')).toEqual({ label: 'api key', value: 'LIVE_KEY is not set: export LIVE_KEY=sk-...', ok: false });
    expect(outcome.checks.find((c) => c.label === 'endpoint')).toMatchObject({ ok: true, value: expect.stringMatching(/^https:\/\/api\.openai\.com\/v1 reachable \(HTTP 401/) });
  });

  it('the key set: its name only, never its value', async () => {
    vi.stubGlobal('fetch', fetch);
    const outcome = await debug({ projectDir: project(), target: 'live', env: { LIVE_KEY: 'sk-hidden-1234' } });
    expect(outcome.ok).toBe(true);
    expect(JSON.stringify(outcome.checks)).not.toContain('sk-hidden-1234');
    expect(outcome.checks.find((c) => c.label === 'api key')?.value).toBe('LIVE_KEY is set');
  });

  it('a base_url with a user, password or query is shown without them', async () => {
    vi.stubGlobal('fetch', fetch);
    const dir = project();
    writeFileSync(join(dir, 'loom_project.yml'), 'name: basic\ntargets:\n  live: { provider: openai, base_url: "http://me:pw@127.0.0.1:9/v1?key=abc" }\n');
    const outcome = await debug({ projectDir: dir, target: 'live', env: {} });
    const text = JSON.stringify(outcome.checks);
    expect(text).toContain('http://127.0.0.1:9/v1');
    expect(text).not.toMatch(/pw|key=abc/);
  });
});
