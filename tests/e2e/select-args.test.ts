import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loom, REPO, removeDir, tempDir } from './support/project.js';

describe('selector arguments, as dbt takes them', () => {
  let dir: string;
  beforeAll(() => {
    dir = tempDir();
    for (const part of ['loom_project.yml', 'models', 'prompts', 'context', 'pipelines', 'data']) cpSync(join(REPO, part), join(dir, part), { recursive: true });
  });
  afterAll(() => removeDir(dir));

  it('takes several terms after one -s, as one quoted argument, or as repeated flags, all the same', async () => {
    const spaced = await loom(['ls', '-s', 'reviews_clean', 'review_issues+', '--exclude', 'product_summary', '--output', 'name'], dir);
    const quoted = await loom(['ls', '-s', 'reviews_clean review_issues+', '--exclude', 'product_summary', '--output', 'name'], dir);
    const repeated = await loom(['ls', '-s', 'reviews_clean', '-s', 'review_issues+', '--exclude=product_summary', '--output', 'name'], dir);
    expect(spaced.code).toBe(0);
    expect(spaced.stdout.trim().split('\n')).toEqual(['reviews_clean', 'review_issues', 'negative_review_queue', 'product_feedback', 'support_reply_drafts']);
    expect(quoted.stdout).toBe(spaced.stdout);
    expect(repeated.stdout).toBe(spaced.stdout);
  });

  it('refuses a stray argument that is not a selector term', async () => {
    const r = await loom(['ls', 'review_issues'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unexpected argument `review_issues`/);
  });
});
