/** End-to-end on a build of the shipped demo: quarantine list as a pipe reads it, the README's examples, ls names. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyDemoProject, REPO_ROOT, removeTempProjects } from '../support/fixture-projects.js';
import { runLoom } from '../support/loom-cli.js';

const NO_KEY = { OPENAI_API_KEY: undefined, OPENAI_BASE_URL: undefined, CI: '1' };
let dir: string;
beforeAll(async () => {
  dir = copyDemoProject();
  const build = await runLoom(['build'], { cwd: dir, env: NO_KEY });
  if (build.code !== 0) throw new Error(`the demo build failed:\n${build.stdout}\n${build.stderr}`);
}, 120_000);
afterAll(removeTempProjects);

interface Row {
  node_id: string;
  row_key: string;
  run_id: string;
  reason: string | null;
}

describe('loom quarantine list on the demo', () => {
  it('takes the run prefix the table prints, and prints whole reasons when stdout is not a terminal', async () => {
    const json = await runLoom(['quarantine', 'list', '--output', 'json'], { cwd: dir, env: NO_KEY });
    const rows = json.stdout.trim().split('\n').map((l) => JSON.parse(l) as Row);
    const longest = rows.reduce((a, r) => ((r.reason ?? '').length > (a.reason ?? '').length ? r : a));
    expect(longest.reason!.length).toBeGreaterThan(100);

    const table = await runLoom(['quarantine', 'list'], { cwd: dir, env: NO_KEY });
    expect(table.code).toBe(0);
    expect(table.stdout).not.toContain('…');
    const line = table.stdout.split('\n').find((l) => l.includes(` ${longest.row_key} `))!;
    expect(line.endsWith(longest.reason!)).toBe(true);

    const prefix = line.split(/ {2,}/)[3];
    expect(prefix).toBe(longest.run_id.slice(0, 8));
    const byRun = await runLoom(['quarantine', 'list', '--run', prefix, '--output', 'json'], { cwd: dir, env: NO_KEY });
    expect(byRun.code).toBe(0);
    expect(byRun.stdout.trim().split('\n').length).toBe(rows.filter((r) => r.run_id.startsWith(prefix)).length);
  });

  it("the README's `quarantine retry --ids` example names rows that are quarantined", async () => {
    const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
    const example = /^npx loom (quarantine retry \S+ --ids \S+)/m.exec(readme)?.[1];
    expect(example).toBeDefined();
    const r = await runLoom(example!.split(' '), { cwd: dir, env: NO_KEY });
    expect(r.stderr).not.toMatch(/not in quarantine|loom:/);
    expect(r.stdout).toMatch(/Retried 2 row\(s\) of review_issues/);
  });
});

describe('loom ls on the demo', () => {
  it.each(['name', 'selector'])('--output %s tells a pipeline model from its destination, each line selecting itself alone', async (format) => {
    const r = await runLoom(['ls', '--output', format], { cwd: dir, env: NO_KEY });
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(new Set(lines).size).toBe(lines.length);
    const destination = lines.find((l) => l.includes('customer_sentiment') && l.includes('destination'))!;
    const alone = await runLoom(['ls', '-s', destination, '--output', 'json'], { cwd: dir, env: NO_KEY });
    expect(alone.stdout.trim().split('\n').map((l) => (JSON.parse(l) as { unique_id: string }).unique_id)).toEqual(['destination.reviews_demo.customer_sentiment']);
  });
});
