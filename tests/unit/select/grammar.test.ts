import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/diagnostics/diagnostic.js';
import { formatSelectorSpec, parseSelection, parseSelector } from '../../../src/graph/select/index.js';

describe('parseSelector: tree shape', () => {
  it('parses a bare name as an inferred fqn criterion with no graph operators', () => {
    expect(parseSelector('orders')).toEqual({
      type: 'criterion',
      raw: 'orders',
      method: 'fqn',
      methodArgs: [],
      methodInferred: true,
      value: 'orders',
      parents: false,
      parentsDepth: null,
      children: false,
      childrenDepth: null,
      childrensParents: false,
    });
  });

  it('reads every graph operator and depth', () => {
    expect(parseSelector('+orders')).toMatchObject({ parents: true, parentsDepth: null, children: false });
    expect(parseSelector('orders+')).toMatchObject({ parents: false, children: true, childrenDepth: null });
    expect(parseSelector('2+orders')).toMatchObject({ parents: true, parentsDepth: 2, value: 'orders' });
    expect(parseSelector('orders+1')).toMatchObject({ children: true, childrenDepth: 1, value: 'orders' });
    expect(parseSelector('3+tag:nightly+12')).toMatchObject({
      method: 'tag',
      value: 'nightly',
      parentsDepth: 3,
      childrenDepth: 12,
    });
    expect(parseSelector('@orders')).toMatchObject({ childrensParents: true, parents: false, children: false });
    expect(parseSelector('0+orders')).toMatchObject({ parents: true, parentsDepth: 0 });
  });

  it('keeps digits that belong to the name', () => {
    expect(parseSelector('model1+')).toMatchObject({ value: 'model1', children: true, childrenDepth: null });
    expect(parseSelector('2orders')).toMatchObject({ value: '2orders', parents: false });
  });

  it('splits dotted method arguments for config', () => {
    expect(parseSelector('config.llm.model:gpt-4o-mini')).toMatchObject({
      method: 'config',
      methodArgs: ['llm', 'model'],
      value: 'gpt-4o-mini',
      methodInferred: false,
    });
  });

  it('keeps everything after the first colon as the value', () => {
    expect(parseSelector('config.meta.url:http://x.y/z')).toMatchObject({ value: 'http://x.y/z' });
  });

  it('infers path: for values with a slash or a yml/yaml/njk extension, fqn otherwise', () => {
    expect(parseSelector('models/staging')).toMatchObject({ method: 'path', methodInferred: true });
    expect(parseSelector('models\\staging')).toMatchObject({ method: 'path' });
    expect(parseSelector('reviews.yml')).toMatchObject({ method: 'path' });
    expect(parseSelector('reviews.YAML')).toMatchObject({ method: 'path' });
    expect(parseSelector('classify.njk')).toMatchObject({ method: 'path' });
    expect(parseSelector('shop.reviews')).toMatchObject({ method: 'fqn' });
    expect(parseSelector('stg_*')).toMatchObject({ method: 'fqn' });
  });

  it("infers file: for a bare .sql, .py or .csv name, as dbt's default_method does", () => {
    expect(parseSelector('stg_orders.sql')).toMatchObject({ method: 'file', methodInferred: true, value: 'stg_orders.sql' });
    expect(parseSelector('stg_orders.sql+')).toMatchObject({ method: 'file', children: true, childrenDepth: null });
    expect(parseSelector('seed.csv')).toMatchObject({ method: 'file' });
    expect(parseSelector('models/stg_orders.sql')).toMatchObject({ method: 'path' });
  });

  it('treats spaces as union and commas as intersection', () => {
    expect(formatSelectorSpec(parseSelector('a tag:x,kind:llm +b'))).toBe(
      'union(fqn:a, intersection(tag:x, kind:llm), +fqn:b)',
    );
    const spec = parseSelector('  a   b  ');
    expect(spec).toMatchObject({ type: 'union', raw: 'a b' });
  });

  it('keeps the term text as the raw of an intersection', () => {
    expect(parseSelector('tag:x,kind:llm')).toMatchObject({ type: 'intersection', raw: 'tag:x,kind:llm' });
  });
});

describe('parseSelection', () => {
  it('means every enabled node when nothing is selected', () => {
    expect(parseSelection({})).toEqual({ type: 'all' });
    expect(parseSelection({ select: [] })).toEqual({ type: 'all' });
  });

  it('unions all --select arguments and subtracts the union of --exclude arguments', () => {
    const spec = parseSelection({ select: ['a b', '+c'], exclude: ['d', 'tag:x,kind:sql'] });
    expect(formatSelectorSpec(spec)).toBe(
      'difference(union(fqn:a, fqn:b, +fqn:c), union(fqn:d, intersection(tag:x, kind:sql)))',
    );
  });

  it('applies exclude to everything when only --exclude is given', () => {
    expect(formatSelectorSpec(parseSelection({ exclude: ['a'] }))).toBe('difference(all, fqn:a)');
  });
});

describe('parseSelector: malformed selectors throw UsageError', () => {
  function messageOf(text: string): string {
    try {
      parseSelector(text, '--select');
    } catch (error) {
      expect(error).toBeInstanceOf(UsageError);
      return (error as Error).message;
    }
    throw new Error(`expected '${text}' to be rejected`);
  }

  it('suggests the method meant and lists the accepted ones', () => {
    const message = messageOf('tgs:nightly');
    expect(message).toContain("Invalid selector 'tgs:nightly' in --select");
    expect(message).toContain('unknown selector method `tgs` (did you mean `tag`?)');
    expect(message).toContain('Accepted methods: `fqn`, `tag`, `path`, `file`, `kind`, `resource_type`, `source`, `config.<key>`, `pipeline`, `package` and `state`.');
    expect(messageOf('tags:nightly')).toContain('(did you mean `tag`?)');
    expect(messageOf('kidn:llm')).toContain('(did you mean `kind`?)');
    expect(messageOf('TAG:x')).toContain('(did you mean `tag`?)');
    expect(messageOf('resource-type:model')).toContain('(did you mean `resource_type`?)');
    expect(messageOf('zzzzzz:x')).not.toContain('did you mean');
  });

  it('rejects an empty value', () => {
    expect(messageOf('tag:')).toContain("Invalid selector 'tag:' in --select: nothing after `tag:`");
    expect(messageOf('config.materialized:')).toContain('nothing after `config.materialized:`');
    expect(messageOf('+')).toContain('no node name or `method:value`');
    expect(messageOf('@')).toContain('no node name');
    expect(messageOf('2+')).toContain('no node name');
    expect(messageOf(':x')).toContain('a method name must come before `:`');
  });

  it('rejects bad depths and misplaced operators', () => {
    for (const bad of ['orders+x', 'x+orders', '-1+orders', '1.5+orders', 'orders++', 'a+b', 'ord@ers', '@@orders', 'tag:a+b']) {
      expect(messageOf(bad), bad).toMatch(/graph operators go at the start .* depth is a whole number/);
    }
  });

  it('rejects @ combined with a + suffix, as dbt does', () => {
    expect(messageOf('@orders+')).toContain('the `@` prefix and a `+` suffix cannot be combined');
    expect(messageOf('@orders+2')).toContain('cannot be combined');
  });

  it('rejects empty criteria between commas', () => {
    expect(messageOf('tag:a,')).toContain('a comma must sit between two criteria');
    expect(messageOf(',tag:a')).toContain('a comma must sit between two criteria');
    expect(messageOf('tag:a,,kind:llm')).toContain("Invalid selector 'tag:a,,kind:llm'");
  });

  it('rejects an empty or blank argument instead of selecting everything', () => {
    expect(messageOf('')).toContain('Empty selector given to --select');
    expect(messageOf('   ')).toContain('to select every node, leave out --select');
    expect(() => parseSelection({ select: ['a'], exclude: [''] })).toThrow(/Empty selector given to --exclude/);
  });

  it('checks dotted keys: required for config, refused elsewhere', () => {
    expect(messageOf('config:view')).toContain('`config` needs a dotted key: `config.<key>:<value>`');
    expect(messageOf('config..x:view')).toContain('`config` needs a dotted key');
    expect(messageOf('tag.x:nightly')).toContain('`tag` takes no dotted key (`tag.x`)');
  });

  it('validates enumerated values with a suggestion', () => {
    expect(messageOf('kind:llms')).toContain('unknown kind `llms` (did you mean `llm`?); accepted kinds are `source`, `sql`, `llm` or `load`');
    expect(messageOf('resource_type:modle')).toContain('unknown resource type `modle` (did you mean `model`?)');
    expect(messageOf('state:modifed')).toContain('unknown state `modifed` (did you mean `modified`?)');
    expect(messageOf('state:modified.bdy')).toContain('(did you mean `modified.body`?)');
    expect(messageOf('state:unmodified.body')).toContain('unknown state');
    expect(messageOf('source:a.b.c.d')).toContain('sources are selected as `source:<source_name>`');
    expect(messageOf('source:shop.')).toContain('sources are selected as');
  });

  it('names the flag only when one is given', () => {
    expect(() => parseSelector('tgs:x')).toThrow(/^Invalid selector 'tgs:x': unknown selector method/);
    expect(() => parseSelection({ exclude: ['tgs:x'] })).toThrow(/Invalid selector 'tgs:x' in --exclude/);
  });

  it('names the failing criterion, not the whole argument', () => {
    expect(messageOf('orders tag:a,kidn:llm')).toContain("Invalid selector 'kidn:llm' in --select");
  });

  it('allows + and @ inside free-text values (paths, config values, file names)', () => {
    expect(parseSelector('config.meta.team:c++team')).toMatchObject({ value: 'c++team' });
    expect(parseSelector('path:models/a+b')).toMatchObject({ value: 'models/a+b' });
    expect(parseSelector('config.meta.owner:ana@example.com')).toMatchObject({ value: 'ana@example.com' });
  });
});
