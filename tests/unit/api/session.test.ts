/**
 * runSession with a fake node runner over a real (temp) warehouse: what the session adds around the scheduler —
 * reporting, thrown errors turned into results, user errors passed through, run_results.json — without running
 * any node for real.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compile, type CompileOutcome } from '../../../src/api/compile.js';
import { expandHeaders, runSession, type NodeRunner } from '../../../src/api/session.js';
import type { ManifestNode } from '../../../src/contracts/manifest.js';
import { error, UserError } from '../../../src/diagnostics/diagnostic.js';
import { emptyResult, type BuildFlags, type NodeResult, type Reporter } from '../../../src/exec/types.js';
import { copyFixture, removeTempProjects } from '../../support/fixture-projects.js';

afterAll(() => removeTempProjects());

const flags: BuildFlags = { fullRefresh: false, readCache: true, failFast: false, threads: 2 };

async function compiled(): Promise<CompileOutcome> {
  const outcome = await compile({ projectDir: copyFixture('basic'), env: {} });
  expect(outcome.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return outcome;
}

function recordingReporter() {
  const events: string[] = [];
  const reporter: Reporter = {
    nodeStart: (node: ManifestNode) => void events.push(`start ${node.name}`),
    nodeProgress() {},
    nodeEnd: (node: ManifestNode, result: NodeResult) => void events.push(`end ${node.name} ${result.status}`),
    warn: (message: string) => void events.push(`warn ${message}`),
  };
  return { reporter, events };
}

describe('runSession', () => {
  it('runs every selected node through the runner, reports each, and writes run_results.json', async () => {
    const outcome = await compiled();
    const { reporter, events } = recordingReporter();
    const ran: string[] = [];
    const runNode: NodeRunner = async (node, ctx) => {
      ran.push(node.unique_id);
      expect(ctx.flags).toBe(flags);
      return { ...emptyResult(node.unique_id), rows: 3 };
    };
    const { runResults } = await runSession(outcome, outcome.selected, { flags, reporter, command: 'build' }, runNode);
    expect(ran.sort()).toEqual([...outcome.selected].sort());
    expect(runResults.status).toBe('success');
    expect(runResults.results.map((r) => [r.unique_id, r.status, r.rows])).toEqual(outcome.selected.map((id) => [id, 'success', 3]));
    for (const id of outcome.selected) {
      const name = outcome.manifest!.nodes[id].name;
      expect(events).toContain(`start ${name}`);
      expect(events).toContain(`end ${name} success`);
    }
    const written = JSON.parse(readFileSync(join(outcome.config!.projectDir, outcome.config!.targetPath, 'run_results.json'), 'utf8'));
    expect(written.metadata.run_id).toBe(runResults.metadata.run_id);
    expect(written.results).toHaveLength(outcome.selected.length);
  });

  it('turns a node that throws into an error result and skips its descendants, reporting them too', async () => {
    const outcome = await compiled();
    const [first, ...rest] = outcome.selected;
    const { reporter, events } = recordingReporter();
    const runNode: NodeRunner = async (node) => {
      if (node.unique_id === first) throw new Error('disk on fire');
      return emptyResult(node.unique_id);
    };
    const { runResults } = await runSession(outcome, outcome.selected, { flags, reporter, command: 'build' }, runNode);
    const byId = new Map(runResults.results.map((r) => [r.unique_id, r]));
    expect(byId.get(first!)!.status).toBe('error');
    expect(byId.get(first!)!.message).toContain('disk on fire');
    const descendants = rest.filter((id) => byId.get(id)!.status === 'skipped');
    expect(descendants.length).toBeGreaterThan(0);
    for (const id of descendants) expect(events).toContain(`end ${outcome.manifest!.nodes[id].name} skipped`);
    expect(runResults.status).toBe('error');
  });

  it("fails the node with a user's mistake word for word, not explained as a warehouse error", async () => {
    const outcome = await compiled();
    const [first] = outcome.selected;
    const runNode: NodeRunner = async (node) => {
      if (node.unique_id === first) throw new UserError(error('LOOM204', 'a user mistake'));
      return emptyResult(node.unique_id);
    };
    const { runResults } = await runSession(outcome, outcome.selected, { flags, command: 'build' }, runNode);
    expect(runResults.results[0]).toMatchObject({ unique_id: first, status: 'error', message: 'LOOM204: a user mistake' });
  });
});

describe('expandHeaders', () => {
  it('fills ${VAR} from the environment and leaves other text alone', () => {
    expect(expandHeaders({ 'api-key': '${AZURE_KEY}', 'x-team': 'data ${TEAM}!' }, { AZURE_KEY: 'k1', TEAM: 'ml' })).toEqual({ 'api-key': 'k1', 'x-team': 'data ml!' });
    expect(expandHeaders(undefined, {})).toBeUndefined();
  });

  it('names the header and the variable that is not set, never a value', () => {
    expect(() => expandHeaders({ 'api-key': '${AZURE_KEY}' }, {})).toThrow(/header `api-key` of target uses \$\{AZURE_KEY\}, but the environment variable AZURE_KEY is not set/);
  });
});
