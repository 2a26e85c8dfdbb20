import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { JsonFileWriter } from '../../../src/compile/json-file.js';

const dir = mkdtempSync(join(tmpdir(), 'loom-json-file-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('JsonFileWriter', () => {
  it('writes exactly what JSON.stringify gives, in pieces, counting UTF-8 bytes', () => {
    const value = {
      nodes: Object.fromEntries(
        Array.from({ length: 3000 }, (_, i) => [`model.p.m${i}`, { name: `m${i}`, text: `é ${'x'.repeat(i % 300)} 😀 "q" \u2028`, skip: undefined, n: i }]),
      ),
      list: [1, 'two', null],
      empty: {},
      when: new Date(0),
      gone: undefined,
      big: 'y'.repeat(1 << 19),
    };
    const path = join(dir, 'a.json');
    const out = new JsonFileWriter(path);
    out.write('{"head":1');
    const headBytes = out.bytes;
    for (const [key, v] of Object.entries(value)) {
      if (v === undefined) continue;
      out.write(`,${JSON.stringify(key)}:`);
      out.writeValue(v);
    }
    out.write('}');
    const bytes = out.bytes;
    expect(existsSync(path)).toBe(false);
    out.commit();
    const text = readFileSync(path, 'utf8');
    expect(text).toBe(JSON.stringify({ head: 1, ...value }));
    expect(bytes).toBe(Buffer.byteLength(text));
    expect(headBytes).toBe(Buffer.byteLength('{"head":1'));
    expect(readdirSync(dir).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('abandon leaves neither the file nor its temporary', () => {
    const path = join(dir, 'b.json');
    const out = new JsonFileWriter(path);
    out.write('x'.repeat(1 << 19));
    out.abandon();
    expect(existsSync(path)).toBe(false);
    expect(readdirSync(dir).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });
});
