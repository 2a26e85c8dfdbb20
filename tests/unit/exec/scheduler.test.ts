/** The DAG scheduler on its own: fake node runs that the test finishes by hand, so order is checked, not timed. */
import { describe, expect, it } from 'vitest';
import type { ManifestNode } from '../../../src/contracts/manifest.js';
import { schedule } from '../../../src/exec/scheduler.js';
import { emptyResult, type NodeResult, type NodeStatus } from '../../../src/exec/types.js';
import { idFor, makeManifest, makeNode } from '../select/manifest-builder.js';

const id = (name: string) => idFor({ name });
const node = (name: string, ...parents: string[]) => makeNode({ name, parents: parents.map(id) });
const tick = () => new Promise((resolve) => setImmediate(resolve));

/** Starts schedule() with runs that wait until the test calls finish(name, status) or fail(name, error). */
function harness(nodes: ManifestNode[], options: { threads?: number; failFast?: boolean; selected?: string[] } = {}) {
  const manifest = makeManifest(nodes);
  const pending = new Map<string, { resolve: (r: NodeResult) => void; reject: (e: unknown) => void }>();
  const events: string[] = [];
  const skipped: NodeResult[] = [];
  let running = 0;
  let peak = 0;
  let aborts = 0;
  const done = schedule(manifest, options.selected?.map(id) ?? nodes.map((n) => n.unique_id), {
    threads: options.threads ?? 4,
    failFast: options.failFast ?? false,
    abort: () => void aborts++,
    run: (n) => {
      events.push(`start ${n.name}`);
      peak = Math.max(peak, ++running);
      return new Promise<NodeResult>((resolve, reject) => pending.set(n.name, { resolve, reject })).finally(() => running--);
    },
    skipped: (_n, result) => void skipped.push(result),
  });
  const settle = async (name: string, how: (p: { resolve: (r: NodeResult) => void; reject: (e: unknown) => void }) => void) => {
    const p = pending.get(name);
    if (!p) throw new Error(`${name} is not running (events: ${events.join(', ')})`);
    pending.delete(name);
    events.push(`end ${name}`);
    how(p);
    await tick();
  };
  return {
    done,
    events,
    skipped,
    running: () => [...pending.keys()].sort(),
    peak: () => peak,
    aborts: () => aborts,
    finish: (name: string, status: NodeStatus = 'success') => settle(name, (p) => p.resolve(emptyResult(id(name), status, status === 'error' ? `${name} broke` : null))),
    fail: (name: string, error: unknown) => settle(name, (p) => p.reject(error)),
  };
}

const statuses = (results: NodeResult[]) => Object.fromEntries(results.map((r) => [r.unique_id.replace(/^model\.proj\./, ''), r.status]));

describe('schedule', () => {
  it('starts a node only once every selected parent has finished', async () => {
    const h = harness([node('a'), node('b', 'a'), node('c', 'a'), node('d', 'b', 'c')]);
    await tick();
    expect(h.running()).toEqual(['a']);
    await h.finish('a');
    expect(h.running()).toEqual(['b', 'c']);
    await h.finish('b');
    expect(h.running()).toEqual(['c']);
    await h.finish('c');
    expect(h.running()).toEqual(['d']);
    await h.finish('d');
    expect(statuses(await h.done)).toEqual({ a: 'success', b: 'success', c: 'success', d: 'success' });
  });

  it('returns the results in selection order, whatever order the nodes finished in', async () => {
    const h = harness([node('a'), node('b'), node('c')]);
    await tick();
    await h.finish('c');
    await h.finish('a');
    await h.finish('b');
    expect((await h.done).map((r) => r.unique_id)).toEqual([id('a'), id('b'), id('c')]);
  });

  it('runs at most `threads` nodes at once and starts the next as one finishes', async () => {
    const h = harness(['a', 'b', 'c', 'd', 'e'].map((n) => node(n)), { threads: 2 });
    await tick();
    expect(h.running()).toEqual(['a', 'b']);
    await h.finish('b');
    expect(h.running()).toEqual(['a', 'c']);
    for (const name of ['a', 'c', 'd', 'e']) await h.finish(name);
    await h.done;
    expect(h.peak()).toBe(2);
    expect(h.events.filter((e) => e.startsWith('start'))).toHaveLength(5);
  });

  it('ignores parents outside the selection', async () => {
    const h = harness([node('a'), node('b', 'a')], { selected: ['b'] });
    await tick();
    expect(h.running()).toEqual(['b']);
    await h.finish('b');
    expect(statuses(await h.done)).toEqual({ b: 'success' });
  });

  it('lets the children of a partial node run', async () => {
    const h = harness([node('a'), node('b', 'a')]);
    await tick();
    await h.finish('a', 'partial');
    expect(h.running()).toEqual(['b']);
    await h.finish('b');
    expect(statuses(await h.done)).toEqual({ a: 'partial', b: 'success' });
  });

  it('skips everything downstream of a failed node and runs the other branches', async () => {
    const h = harness([node('a'), node('b', 'a'), node('c', 'b'), node('x'), node('y', 'x')]);
    await tick();
    expect(h.running()).toEqual(['a', 'x']);
    await h.finish('a', 'error');
    expect(h.running()).toEqual(['x']);
    await h.finish('x');
    await h.finish('y');
    expect(statuses(await h.done)).toEqual({ a: 'error', b: 'skipped', c: 'skipped', x: 'success', y: 'success' });
    expect(h.skipped.map((r) => [r.unique_id, r.message])).toEqual([
      [id('b'), 'skipped: upstream a failed'],
      [id('c'), 'skipped: upstream b was skipped'],
    ]);
    expect(h.aborts()).toBe(0);
  });

  it('turns a node that throws into an error result; independent nodes still run', async () => {
    const h = harness([node('a'), node('b', 'a'), node('x')], { threads: 1 });
    await tick();
    await h.fail('a', new Error('connection refused'));
    expect(h.running()).toEqual(['x']);
    await h.finish('x');
    const results = await h.done;
    expect(statuses(results)).toEqual({ a: 'error', b: 'skipped', x: 'success' });
    expect(results[0]!.message).toBe('connection refused');
  });

  it('with failFast, aborts once on the first error, lets running nodes end and starts nothing new', async () => {
    const h = harness(['a', 'b', 'c', 'd'].map((n) => node(n)), { threads: 2, failFast: true });
    await tick();
    expect(h.running()).toEqual(['a', 'b']);
    await h.finish('a', 'error');
    expect(h.aborts()).toBe(1);
    expect(h.running()).toEqual(['b']);
    await h.finish('b', 'error');
    expect(h.aborts()).toBe(1);
    expect(statuses(await h.done)).toEqual({ a: 'error', b: 'error', c: 'skipped', d: 'skipped' });
    expect(h.skipped.map((r) => r.message)).toEqual(['skipped: --fail-fast stopped the build', 'skipped: --fail-fast stopped the build']);
    expect(h.events.filter((e) => e.startsWith('start'))).toEqual(['start a', 'start b']);
  });
});
