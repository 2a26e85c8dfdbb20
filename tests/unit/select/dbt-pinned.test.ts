import { describe, expect, it } from 'vitest';
import type { Manifest } from '../../../src/contracts/manifest.js';
import { UsageError } from '../../../src/diagnostics/diagnostic.js';
import { selectNodes } from '../../../src/graph/select/index.js';
import { cloneManifest, makeManifest, makeNode, type NodeOptions } from './manifest-builder.js';
import { ID, reviewsProject } from './reviews-project.js';
import { pick } from './select-helpers.js';

/**
 * The cases dbt-core pins for its selector (tests/unit/graph/test_selector.py `run_specs`): a binary tree of depth 2
 * whose nodes alternate between folders X and Y of package `m`, with the same tags. Edges:
 * X.a → Y.b, X.a → X.c, Y.b → Y.d, Y.b → X.e, X.c → Y.f, X.c → X.g.
 */
function dbtTree(): Manifest {
  const letters = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];
  const tags: Record<string, string[]> = { a: ['abc'], b: ['abc', 'bcef'], c: ['abc', 'bcef'], d: [], e: ['efg', 'bcef'], f: ['efg', 'bcef'], g: ['efg'] };
  const id = (i: number) => `model.m.${letters[i]}`;
  return makeManifest(
    letters.map((letter, i) => {
      const options: NodeOptions = {
        name: letter,
        package_name: 'm',
        fqn: ['m', i % 2 === 0 ? 'X' : 'Y', letter],
        tags: tags[letter],
        parents: i === 0 ? [] : [id(Math.floor((i - 1) / 2))],
      };
      return makeNode(options);
    }),
  );
}

function select(include: string[], exclude: string[] = []): string[] {
  const { selected } = selectNodes(dbtTree(), { select: include, exclude });
  return selected.map((unique_id) => unique_id.replace('model.m.', '')).sort();
}

function namesIn(manifest: Manifest, value: string): string[] {
  return selectNodes(manifest, { select: [value] }).selected.map((id) => manifest.nodes[id]!.name).sort();
}

/** dbt's expected sets, written as in its test (`m.X.a`), compared as sorted node names. */
function names(...ids: string[]): string[] {
  return ids.map((id) => id.split('.').pop()!).sort();
}

const RUN_SPECS: [string[], string[], string[]][] = [
  [['X.a'], [], names('m.X.a')],
  [['tag:abc'], [], names('m.X.a', 'm.Y.b', 'm.X.c')],
  [['*'], ['tag:abc'], names('m.Y.d', 'm.X.e', 'm.Y.f', 'm.X.g')],
  [['tag:abc', 'a'], [], names('m.X.a', 'm.Y.b', 'm.X.c')],
  [['tag:abc', 'd'], [], names('m.X.a', 'm.Y.b', 'm.X.c', 'm.Y.d')],
  [['X.a', 'b'], [], names('m.X.a', 'm.Y.b')],
  [['X.a+'], ['b'], names('m.X.a', 'm.X.c', 'm.Y.d', 'm.X.e', 'm.Y.f', 'm.X.g')],
  [['X.c+'], [], names('m.X.c', 'm.Y.f', 'm.X.g')],
  [['X.a+1'], [], names('m.X.a', 'm.Y.b', 'm.X.c')],
  [['X.a+'], ['tag:efg'], names('m.X.a', 'm.Y.b', 'm.X.c', 'm.Y.d')],
  [['+Y.f'], [], names('m.X.c', 'm.Y.f', 'm.X.a')],
  [['1+Y.f'], [], names('m.X.c', 'm.Y.f')],
  [['@X.c'], [], names('m.X.a', 'm.X.c', 'm.Y.f', 'm.X.g')],
  [['tag:abc', 'tag:bcef'], [], names('m.X.a', 'm.Y.b', 'm.X.c', 'm.X.e', 'm.Y.f')],
  [['tag:abc', 'tag:bcef'], ['tag:efg'], names('m.X.a', 'm.Y.b', 'm.X.c')],
  [['tag:abc', 'tag:bcef'], ['tag:efg', 'a'], names('m.Y.b', 'm.X.c')],
  [['a,a'], [], names('m.X.a')],
  [['+c,c+'], [], names('m.X.c')],
  [['a,b'], [], []],
  [['tag:abc,tag:bcef'], [], names('m.Y.b', 'm.X.c')],
  [['*,tag:abc,a'], [], names('m.X.a')],
  [['a,tag:abc,*'], [], names('m.X.a')],
  [['tag:abc,tag:bcef'], ['c'], names('m.Y.b')],
  [['tag:bcef,tag:efg'], ['tag:bcef,@b'], names('m.Y.f')],
  [['tag:bcef,tag:efg'], ['tag:bcef,@a'], []],
  [['*,@a,+b'], ['*,tag:abc,tag:bcef'], names('m.X.a')],
  [['tag:bcef,tag:efg', '*,tag:abc'], [], names('m.X.a', 'm.Y.b', 'm.X.c', 'm.X.e', 'm.Y.f')],
  [['tag:bcef,tag:efg', '*,tag:abc'], ['e'], names('m.X.a', 'm.Y.b', 'm.X.c', 'm.Y.f')],
  [['tag:bcef,tag:efg', '*,tag:abc'], ['e', 'f'], names('m.X.a', 'm.Y.b', 'm.X.c')],
  [['tag:bcef,tag:efg', '*,tag:abc'], ['tag:abc,tag:bcef'], names('m.X.a', 'm.X.e', 'm.Y.f')],
  [['tag:bcef,tag:efg', '*,tag:abc'], ['tag:abc,tag:bcef', 'tag:abc,a'], names('m.X.e', 'm.Y.f')],
];

describe("dbt-core's run_specs (tests/unit/graph/test_selector.py)", () => {
  for (const [include, exclude, expected] of RUN_SPECS) {
    it(`--select ${include.join(' ')}${exclude.length ? ` --exclude ${exclude.join(' ')}` : ''}`, () => {
      expect(select(include, exclude)).toEqual(expected);
    });
  }
});

describe('fqn without the project name (test_select_fqn)', () => {
  // dbt: fqn [pkg, unions, union_model] is selected by `pkg.unions` and, across packages, by `unions`.
  const manifest = makeManifest([
    makeNode({ name: 'union_model', fqn: ['pkg', 'unions', 'union_model'], package_name: 'pkg' }),
    makeNode({ name: 'table_model', fqn: ['pkg', 'table_model'], package_name: 'pkg' }),
    makeNode({ name: 'ext_model', fqn: ['ext', 'ext_model'], package_name: 'ext' }),
  ]);
  const selectIn = (value: string) => namesIn(manifest, value);

  it('matches with and without the package', () => {
    expect(selectIn('pkg.unions')).toEqual(['union_model']);
    expect(selectIn('unions')).toEqual(['union_model']);
    expect(selectIn('unions.union_model')).toEqual(['union_model']);
    expect(selectIn('fqn:unions.union_model')).toEqual(['union_model']);
    expect(selectIn('pkg')).toEqual(['table_model', 'union_model']);
    expect(selectIn('ext')).toEqual(['ext_model']);
  });

  it('never matches a folder of another package', () => {
    expect(selectIn('ext.unions')).toEqual([]);
  });

  it('lets a wildcard part match the rest of the unscoped fqn', () => {
    expect(selectIn('unions.*')).toEqual(['union_model']);
  });
});

describe('package:this (test_select_package_this)', () => {
  const manifest = makeManifest([
    makeNode({ name: 'table_model' }),
    makeNode({ name: 'other', package_name: 'foo', fqn: ['foo', 'other'] }),
  ]);

  it('is the project the manifest was compiled from', () => {
    expect(namesIn(manifest, 'package:this')).toEqual(['table_model']);
    expect(namesIn(manifest, 'package:proj')).toEqual(['table_model']);
    expect(namesIn(manifest, 'package:foo')).toEqual(['other']);
  });
});

describe("dbt's state:modified subselectors (test_select_state_*)", () => {
  function previousWith(change: (previous: Manifest) => void): Manifest {
    const previous = cloneManifest(reviewsProject());
    change(previous);
    return previous;
  }

  it('modified.configs is a config change, and only that (test_select_state_changed_seed_relation_documented)', () => {
    const state = previousWith((p) => (p.nodes[ID.review_sentiment]!.checksums.config = 'other'));
    expect(pick('state:modified.configs', { state })).toEqual(['review_sentiment']);
    expect(pick('state:modified.body', { state })).toEqual([]);
    expect(pick('state:modified.contract', { state })).toEqual([]);
  });

  it('modified.body is a body change, not a config one (test_select_state_changed_model_sql)', () => {
    const state = previousWith((p) => (p.nodes[ID.reviews_clean]!.checksums.body = 'other'));
    expect(pick('state:modified.body', { state })).toEqual(['reviews_clean']);
    expect(pick('state:modified.configs', { state })).toEqual([]);
    expect(pick('state:modified.relation', { state })).toEqual([]);
  });

  it('modified.relation is a change of where the node is stored', () => {
    const state = previousWith((p) => (p.nodes[ID.reviews_clean]!.relation_name = '"main"."old_name"'));
    expect(pick('state:modified.relation', { state })).toEqual(['reviews_clean']);
    expect(pick('state:modified.configs', { state })).toEqual([]);
  });

  it('modified.contract is a change of the output schema', () => {
    const state = previousWith((p) => (p.nodes[ID.review_sentiment]!.checksums.output = 'other'));
    expect(pick('state:modified.contract', { state })).toEqual(['review_sentiment']);
  });

  it('a new node is modified in every sense (test_select_state_added_model)', () => {
    const state = previousWith((p) => delete p.nodes[ID.review_summary]);
    for (const sub of ['configs', 'relation', 'contract', 'body']) {
      expect(pick(`state:modified.${sub}`, { state }), sub).toEqual(['review_summary']);
    }
  });

  it('an unchanged project selects nothing (test_select_state_no_change)', () => {
    const state = cloneManifest(reviewsProject());
    for (const sub of ['configs', 'relation', 'contract']) expect(pick(`state:modified.${sub}`, { state })).toEqual([]);
  });

  it('names what to write instead of dbt subselectors with no Loom counterpart', () => {
    const state = cloneManifest(reviewsProject());
    expect(() => pick('state:modified.persisted_descriptions', { state })).toThrow(UsageError);
    expect(() => pick('state:modified.persisted_descriptions', { state })).toThrow(/state:modified\.docs/);
    expect(() => pick('state:modified.macros', { state })).toThrow(/state:modified\.prompt/);
  });
});
