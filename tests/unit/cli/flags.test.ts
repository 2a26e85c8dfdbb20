import { cac } from 'cac';
import { describe, expect, it } from 'vitest';
import { COMMON_FLAGS, keepTypedValues, SELECT_FLAGS } from '../../../src/cli/flags.js';

/** Parses argv the way main.ts does: cac first, then the typed values put back. */
function parse(args: string[]): Record<string, unknown> {
  const cli = cac('loom');
  const command = cli.command('quarantine <action> [...terms]', '');
  for (const [raw, description] of [...COMMON_FLAGS, ...SELECT_FLAGS]) command.option(raw, description);
  command.option('--run <run_id>', '').option('--ids <keys>', '').option('--output <format>', '').option('--threads <n>', '').option('--warehouse', '');
  const argv = ['node', 'loom', ...args];
  cli.parse(argv, { run: false });
  keepTypedValues(cli.options, [...cli.globalCommand.options, ...cli.matchedCommand!.options], argv.slice(2));
  return cli.options;
}

describe('keepTypedValues: every value flag stays the string typed', () => {
  it.each([
    ['--run', '96366e62', 'run'],
    ['--run', '12345678', 'run'],
    ['--project-dir', '007', 'projectDir'],
    ['--target', '1', 'target'],
    ['--state', '20240101', 'state'],
    ['--threads', '08', 'threads'],
    ['--vars', '1e3', 'vars'],
    ['--output', '0x10', 'output'],
  ])('%s %s', (flag, value, key) => {
    expect(parse(['quarantine', 'list', flag, value])[key]).toBe(value);
    expect(parse(['quarantine', 'list', `${flag}=${value}`])[key]).toBe(value);
  });

  it('a repeated single-value flag is its last value, never an array', () => {
    const options = parse(['quarantine', 'list', '--output', 'name', '--output', 'json', '--run', '1', '--run', '2']);
    expect(options.output).toBe('json');
    expect(options.run).toBe('2');
  });

  it('repeatable flags are lists of strings: -s/--select (with the terms after it), --exclude, --ids', () => {
    const options = parse(['quarantine', 'list', '-s', '007', 'b', '--select', '1', '--exclude', '2', '--ids', '0001', '--ids', '0002,0003']);
    expect(options.select).toEqual(['007', 'b', '1']);
    expect(options.s).toEqual(['007', 'b', '1']);
    expect(options.exclude).toEqual(['2']);
    expect(options.ids).toEqual(['0001', '0002,0003']);
  });

  it('an empty value stays empty (the selector grammar refuses it later), booleans are left alone', () => {
    const options = parse(['quarantine', 'list', '--select', '', '--warehouse', '--no-partial-parse']);
    expect(options.select).toEqual(['']);
    expect(options.warehouse).toBe(true);
    expect(options.partialParse).toBe(false);
  });

  it('a value flag given without its value stays `true`, for cac to report as missing', () => {
    expect(parse(['quarantine', 'list', '--output']).output).toBe(true);
    expect(parse(['quarantine', 'list', '--output', 'name', '--output']).output).toBe(true);
  });

  it('values after `--` are not flags', () => {
    expect(parse(['quarantine', 'list', '--run', '5', '--', '--run', '6']).run).toBe('5');
  });
});
