import { describe, expect, it } from 'vitest';
import { TaskWindow } from '../../../src/exec/task-window.js';

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

function deferred() {
  let resolve!: () => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('TaskWindow', () => {
  it('never has more than `limit` tasks unfinished, and add() waits for a free slot', async () => {
    const window = new TaskWindow(3);
    const tasks = Array.from({ length: 5 }, deferred);
    await window.add(tasks[0]!.promise);
    await window.add(tasks[1]!.promise);
    let thirdReturned = false;
    const third = window.add(tasks[2]!.promise).then(() => (thirdReturned = true));
    await tick();
    expect(window.size).toBe(3);
    expect(thirdReturned).toBe(false);
    tasks[1]!.resolve();
    await third;
    expect(window.size).toBe(2);
  });

  it('drain() waits for every task', async () => {
    const window = new TaskWindow(10);
    const tasks = Array.from({ length: 4 }, deferred);
    for (const t of tasks) await window.add(t.promise);
    let drained = false;
    const draining = window.drain().then(() => (drained = true));
    tasks.slice(0, 3).forEach((t) => t.resolve());
    await tick();
    expect(drained).toBe(false);
    tasks[3]!.resolve();
    await draining;
    expect(window.size).toBe(0);
  });

  it('throws the first failure from the next add() or from drain()', async () => {
    const window = new TaskWindow(10);
    const failing = deferred();
    await window.add(failing.promise);
    failing.reject(new Error('row blew up'));
    await tick();
    await expect(window.add(Promise.resolve())).rejects.toThrow('row blew up');

    const other = new TaskWindow(10);
    const late = deferred();
    await other.add(late.promise);
    const draining = other.drain();
    late.reject(new Error('late failure'));
    await expect(draining).rejects.toThrow('late failure');
  });

  it('keeps one reaction per task however many tasks run (no Promise.race over the running set)', async () => {
    const window = new TaskWindow(64);
    let thens = 0;
    const counted = (p: Promise<void>) => {
      const then = p.then.bind(p);
      (p as { then: unknown }).then = (...args: Parameters<typeof then>) => {
        thens++;
        return then(...args);
      };
      return p;
    };
    const tasks = Array.from({ length: 500 }, () => counted(new Promise<void>((resolve) => setImmediate(resolve))));
    for (const t of tasks) await window.add(t);
    await window.drain();
    expect(thens).toBe(500);
  });
});
