import { DirectedGraph } from 'graphology';
import { describe, expect, it } from 'vitest';
import { graphFromManifest, selectNodes } from '../../../src/graph/select/index.js';
import { idFor, makeManifest, makeNode } from './manifest-builder.js';
import { ID, namesOf, reviewsProject } from './reviews-project.js';
import { pick, run } from './select-helpers.js';

const ALL_ENABLED = [
  'export_sentiment',
  'orders',
  'orders_clean',
  'review_sentiment',
  'review_summary',
  'reviews',
  'reviews_clean',
  'stuff_child',
  'support_classify',
  'support_out',
  'tickets',
];

describe('graph operators', () => {
  it('+name adds every ancestor', () => {
    expect(pick('+review_summary')).toEqual(['orders', 'orders_clean', 'review_sentiment', 'review_summary', 'reviews', 'reviews_clean']);
  });

  it('n+name adds ancestors up to n edges away', () => {
    expect(pick('0+review_summary')).toEqual(['review_summary']);
    expect(pick('1+review_summary')).toEqual(['orders_clean', 'review_sentiment', 'review_summary']);
    expect(pick('2+review_summary')).toEqual(['orders', 'orders_clean', 'review_sentiment', 'review_summary', 'reviews_clean']);
    expect(pick('3+review_summary')).toEqual(pick('+review_summary'));
  });

  it('name+ adds every descendant, walking through disabled nodes without returning them', () => {
    expect(pick('reviews_clean+')).toEqual(['export_sentiment', 'review_sentiment', 'review_summary', 'reviews_clean', 'stuff_child']);
  });

  it('name+n adds descendants up to n edges away', () => {
    expect(pick('reviews_clean+0')).toEqual(['reviews_clean']);
    expect(pick('reviews_clean+1')).toEqual(['review_sentiment', 'reviews_clean']);
    expect(pick('reviews_clean+2')).toEqual(['export_sentiment', 'review_sentiment', 'review_summary', 'reviews_clean', 'stuff_child']);
  });

  it('+name+ adds both directions, and depths combine', () => {
    expect(pick('+review_sentiment+')).toEqual(['export_sentiment', 'review_sentiment', 'review_summary', 'reviews', 'reviews_clean']);
    expect(pick('1+review_sentiment+1')).toEqual(['export_sentiment', 'review_sentiment', 'review_summary', 'reviews_clean']);
  });

  it('@name adds descendants and every ancestor of them', () => {
    // orders_clean and orders come in as parents of review_summary, a descendant; reviews_clean+ would miss them.
    expect(pick('@reviews_clean')).toEqual([
      'export_sentiment',
      'orders',
      'orders_clean',
      'review_sentiment',
      'review_summary',
      'reviews',
      'reviews_clean',
      'stuff_child',
    ]);
    expect(pick('@review_summary')).toEqual(pick('+review_summary'));
    expect(pick('@tickets')).toEqual(['support_classify', 'support_out', 'tickets']);
  });

  it('expands from every node a method matched', () => {
    expect(pick('+tag:staging')).toEqual(['orders', 'orders_clean', 'reviews', 'reviews_clean']);
    expect(pick('source:shop+1')).toEqual(['orders', 'orders_clean', 'reviews', 'reviews_clean']);
    expect(pick('path:prompts/classify.njk+')).toEqual(['export_sentiment', 'review_sentiment', 'review_summary', 'support_classify', 'support_out']);
  });

  it('does not expand from a disabled node', () => {
    expect(pick('old_stuff+')).toEqual([]);
    expect(pick('+old_stuff')).toEqual([]);
  });
});

describe('set operations', () => {
  it('space and separate arguments are a union', () => {
    expect(pick('reviews_clean orders_clean')).toEqual(['orders_clean', 'reviews_clean']);
    expect(pick(['reviews_clean', 'orders_clean tickets'])).toEqual(['orders_clean', 'reviews_clean', 'tickets']);
    expect(pick(['tag:staging', 'reviews_clean'])).toEqual(['orders_clean', 'reviews_clean']);
  });

  it('comma is an intersection, each side expanded first', () => {
    expect(pick('tag:nightly,kind:llm')).toEqual(['review_sentiment', 'review_summary']);
    expect(pick('tag:nightly,config.llm.model:gpt-4o')).toEqual(['review_summary']);
    expect(pick('+review_summary,tag:staging')).toEqual(['orders_clean', 'reviews_clean']);
    expect(pick('+review_summary,source:shop,shop.orders')).toEqual(['orders']);
  });

  it('exclude subtracts after both sides are expanded', () => {
    expect(pick('+review_summary', { exclude: ['source:shop'] })).toEqual(['orders_clean', 'review_sentiment', 'review_summary', 'reviews_clean']);
    expect(pick('+review_summary', { exclude: ['reviews_clean+'] })).toEqual(['orders', 'orders_clean', 'reviews']);
    expect(pick('+review_summary', { exclude: ['reviews_clean', 'orders_clean tag:nightly'] })).toEqual(['orders', 'reviews']);
    expect(pick('+review_summary', { exclude: ['tag:staging,orders_clean'] })).toEqual(['orders', 'review_sentiment', 'review_summary', 'reviews', 'reviews_clean']);
  });

  it('selects every enabled node when nothing is selected, and exclude still applies', () => {
    expect(pick(undefined)).toEqual(ALL_ENABLED);
    expect(pick([])).toEqual(ALL_ENABLED);
    expect(pick(undefined, { exclude: ['pipeline:support', 'source:*'] })).toEqual([
      'export_sentiment',
      'orders_clean',
      'review_sentiment',
      'review_summary',
      'reviews_clean',
      'stuff_child',
    ]);
  });

  it('never selects a disabled node, whatever selects it', () => {
    for (const selector of [undefined, ['tag:legacy'], ['old_stuff'], ['reviews_clean+'], ['+stuff_child'], ['@reviews'], ['path:models/legacy'], ['*']]) {
      expect(pick(selector)).not.toContain('old_stuff');
    }
    expect(pick('path:models/legacy')).toEqual(['stuff_child']);
  });
});

describe('order of selected', () => {
  it('lists parents before children, ties by unique_id', () => {
    expect(namesOf(run(undefined).selected)).toEqual([
      'orders',
      'orders_clean',
      'reviews',
      'reviews_clean',
      'review_sentiment',
      'export_sentiment',
      'review_summary',
      'stuff_child',
      'tickets',
      'support_classify',
      'support_out',
    ]);
    expect(namesOf(run(['+review_summary']).selected)).toEqual([
      'orders',
      'orders_clean',
      'reviews',
      'reviews_clean',
      'review_sentiment',
      'review_summary',
    ]);
  });

  it('orders through unselected nodes, and among independent selected nodes by unique_id only', () => {
    // zz is unselected and sorts last; c depends on it; d is independent.
    const manifest = makeManifest([
      makeNode({ name: 'zz' }),
      makeNode({ name: 'c', parents: [idFor({ name: 'zz' })] }),
      makeNode({ name: 'd' }),
      makeNode({ name: 'a' }),
      makeNode({ name: 'b', parents: [idFor({ name: 'zz' })] }),
      makeNode({ name: 'e', parents: [idFor({ name: 'c' })] }),
      makeNode({ name: 'x', parents: [idFor({ name: 'a' })] }),
      makeNode({ name: 'f', parents: [idFor({ name: 'x' })] }),
    ]);
    const order = (select: string[]): string[] =>
      selectNodes(manifest, { select }).selected.map((id) => id.replace('model.proj.', ''));
    expect(order(['c d'])).toEqual(['c', 'd']);
    expect(order(['a f e c d'])).toEqual(['a', 'c', 'd', 'e', 'f']);
    expect(order(['f a'])).toEqual(['a', 'f']);
    expect(order(['e c b'])).toEqual(['b', 'c', 'e']);
  });

  it('returns each id once', () => {
    const selected = run(['+review_summary', 'review_sentiment+', 'tag:nightly']).selected;
    expect(new Set(selected).size).toBe(selected.length);
  });

  it('still terminates on a cycle, putting the cycle last in unique_id order', () => {
    const a = idFor({ name: 'a' });
    const b = idFor({ name: 'b' });
    const manifest = makeManifest([
      makeNode({ name: 'a', parents: [b] }),
      makeNode({ name: 'b', parents: [a] }),
      makeNode({ name: 'z' }),
    ]);
    expect(selectNodes(manifest, {}).selected).toEqual([idFor({ name: 'z' }), a, b]);
    expect(selectNodes(manifest, { select: ['a+'] }).selected).toEqual([a, b]);
  });
});

describe('the graph', () => {
  it('graphFromManifest has one node per manifest node and an edge parent → child', () => {
    const manifest = reviewsProject();
    const graph = graphFromManifest(manifest);
    expect(graph.order).toBe(12);
    expect(graph.size).toBe(10);
    expect(graph.hasDirectedEdge(ID.reviews_clean, ID.review_sentiment)).toBe(true);
    expect(graph.hasDirectedEdge(ID.review_sentiment, ID.reviews_clean)).toBe(false);
  });

  it('builds the same graph from parent_map alone or child_map alone', () => {
    const manifest = reviewsProject();
    const onlyParents = { ...manifest, child_map: {} };
    const onlyChildren = { ...manifest, parent_map: {} };
    expect(pick('@reviews_clean', { manifest: onlyParents })).toEqual(pick('@reviews_clean'));
    expect(pick('@reviews_clean', { manifest: onlyChildren })).toEqual(pick('@reviews_clean'));
  });

  it('uses a prebuilt graph when given one', () => {
    const manifest = reviewsProject();
    const graph = graphFromManifest(manifest);
    graph.addDirectedEdge(ID.export_sentiment, ID.tickets);
    const names = namesOf(selectNodes(manifest, { select: ['export_sentiment+'] }, graph).selected);
    expect(names).toEqual(['export_sentiment', 'tickets', 'support_classify', 'support_out']);
  });

  it('ignores ids that exist only in the graph and tolerates manifest nodes missing from it', () => {
    const manifest = reviewsProject();
    const graph = new DirectedGraph();
    graph.mergeEdge(ID.reviews, 'model.proj.ghost');
    graph.mergeEdge('model.proj.ghost', ID.reviews_clean);
    const names = namesOf(selectNodes(manifest, { select: ['reviews+'] }, graph).selected);
    expect(names).toEqual(['reviews', 'reviews_clean']);
    expect(selectNodes(manifest, { select: ['tickets+'] }, graph).selected).toEqual([ID.tickets]);
  });
});
