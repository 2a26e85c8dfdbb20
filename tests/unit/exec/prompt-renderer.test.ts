import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ResolvedConfig } from '../../../src/config/types.js';
import { manifestResolvers } from '../../../src/exec/prompt-renderer.js';
import { makeManifest, makeNode } from '../select/manifest-builder.js';

describe('manifestResolvers', () => {
  const dir = mkdtempSync(join(tmpdir(), 'loom-resolvers-'));
  writeFileSync(join(dir, 'tone.md'), 'Be brief.');
  writeFileSync(join(dir, 'topics.md'), 'billing, shipping');
  const manifest = makeManifest([
    makeNode({ name: 'a', kind: 'llm', contexts: ['tone.md'] }),
    makeNode({ name: 'b', kind: 'llm', contexts: ['topics.md'] }),
    makeNode({ name: 'c', kind: 'sql' }),
  ]);
  const config = { projectDir: dir, vars: {} } as unknown as ResolvedConfig;

  it("finds a context file used by any node of the manifest, from every node's resolvers", () => {
    const first = manifestResolvers(manifest, config, {});
    const second = manifestResolvers(manifest, config, {});
    expect(first.context('topics.md')).toBe('billing, shipping');
    expect(second.context('tone.md')).toBe('Be brief.');
    expect(second.context('topics.md')).toBe('billing, shipping');
  });

  it('names a context no node uses', () => {
    expect(() => manifestResolvers(manifest, config, {}).context('style.md')).toThrow('no context file named `style.md`');
  });
});
