import { afterEach, describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/diagnostics/diagnostic.js';
import { list, parseThreads, parseVars, rawFlag } from '../../../src/cli/flags.js';

const argv = process.argv;
afterEach(() => {
  process.argv = argv;
});

describe('parseVars', () => {
  it('accepts YAML or JSON mappings', () => {
    expect(parseVars('{min_length: 20}')).toEqual({ min_length: 20 });
    expect(parseVars('{"a": [1, 2], "b": "x"}')).toEqual({ a: [1, 2], b: 'x' });
    expect(parseVars(undefined)).toBeUndefined();
  });

  it.each([
    ['{a: [}', '--vars is not valid YAML or JSON: Flow sequence in block collection must be sufficiently indented and end with a ] at line 1, column 6'],
    ['42', "--vars must be a mapping such as '{min_length: 20}'; got \"42\""],
    ['[1, 2]', "--vars must be a mapping such as '{min_length: 20}'; got \"[1, 2]\""],
    ['', "--vars must be a mapping such as '{min_length: 20}'; got \"\""],
  ])('%j is a usage error', (text, message) => {
    expect(() => parseVars(text)).toThrow(UsageError);
    expect(() => parseVars(text)).toThrow(message);
  });
});

describe('parseThreads', () => {
  it('takes whole numbers of at least 1', () => {
    expect(parseThreads('3')).toBe(3);
    expect(parseThreads(undefined)).toBeUndefined();
    expect(() => parseThreads('0')).toThrow('--threads must be a whole number of at least 1; got "0"');
    expect(() => parseThreads('1.5')).toThrow(UsageError);
  });
});

describe('raw flag values (cac turns number-like values into numbers)', () => {
  it('rawFlag reads values as typed, in order, long and short, with or without =', () => {
    const args = ['node', 'loom', 'ls', '-s', '007', '--select=', '--exclude', 'a b', '--state', '20240101', '--', '--select', 'x'];
    expect(rawFlag(['select', 's'], args)).toEqual(['007', '']);
    expect(rawFlag(['exclude'], args)).toEqual(['a b']);
    expect(rawFlag(['state'], args)).toEqual(['20240101']);
    expect(rawFlag(['target'], args)).toBeUndefined();
  });

  it('list keeps every value as a string, blank ones included', () => {
    expect(list(undefined)).toBeUndefined();
    expect(list('a')).toEqual(['a']);
    expect(list(['a', ' '])).toEqual(['a', ' ']);
  });
});
