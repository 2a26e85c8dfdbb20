import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { explainSourceError } from '../../../src/exec/source-errors.js';

const NOT_UTF8 = new Error(
  "Invalid Input Error: CSV Error on Line: 2\nOriginal Line: id,text\nInvalid unicode (byte sequence mismatch) detected. This file is not utf-8 encoded.\n\nPossible Solution: Set the correct encoding, if available, to read this CSV File (e.g., encoding='UTF-16')\n\n  file = /x.csv\n  delimiter = , (Auto-Detected)\n\nLINE 1: create or replace table t as select 1\n         ^",
);

describe('explainSourceError', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'loom-source-errors-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const file = (absolutePath: string) => ({ path: 'data/x.csv', absolutePath, describe: 'shop.x, models/m.yml', options: {} });

  it('finds the real line of a non-UTF-8 byte past the first 1 MiB read, and drops the reader dump and SQL', () => {
    const path = join(dir, 'x.csv');
    const lines = ['id,text', ...Array.from({ length: 20_000 }, (_, i) => `${i},${'é'.repeat(40)}`)];
    writeFileSync(path, Buffer.concat([Buffer.from(lines.join('\n') + '\n'), Buffer.from([0x31, 0x2c, 0xe9, 0x0a])]));
    const text = explainSourceError(NOT_UTF8, file(path));
    expect(text).toBe(
      'cannot read data/x.csv (source shop.x, models/m.yml): Invalid Input Error: CSV Error on line 20002. Invalid unicode (byte sequence mismatch) detected. This file is not utf-8 encoded. ' +
        "Fix: the file is not UTF-8; name its encoding in the source's options, e.g. options: { encoding: latin-1 } (also utf-16)",
    );
  });

  it('keeps an error it has no hint for, whole but for the dump', () => {
    const e = new Error('Invalid Input Error: CSV Error on Line: 3\nExpected 2 columns, found 4.\n\nPossible Solution: set null_padding=true\n\n  file = /x.csv\n  delimiter = ,');
    expect(explainSourceError(e, file(join(dir, 'none.csv')))).toBe(
      'cannot read data/x.csv (source shop.x, models/m.yml): Invalid Input Error: CSV Error on Line: 3. Expected 2 columns, found 4. Possible Solution: set null_padding=true',
    );
  });
});
