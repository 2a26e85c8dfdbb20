import type { Manifest } from '../../../src/contracts/manifest.js';
import { idFor, makeManifest, makeNode } from './manifest-builder.js';

/**
 * The small project most selector tests run against:
 *
 *   shop.reviews → reviews_clean → review_sentiment → review_summary ← orders_clean ← shop.orders
 *                       │                  └──────→ export_sentiment
 *                       └→ old_stuff (disabled) → stuff_child
 *   support.tickets → support_classify → support_out          (pipeline `support`)
 */
export const ID = {
  reviews: idFor({ name: 'reviews', kind: 'source', source: 'shop' }),
  orders: idFor({ name: 'orders', kind: 'source', source: 'shop' }),
  reviews_clean: idFor({ name: 'reviews_clean' }),
  orders_clean: idFor({ name: 'orders_clean' }),
  review_sentiment: idFor({ name: 'review_sentiment' }),
  review_summary: idFor({ name: 'review_summary' }),
  export_sentiment: idFor({ name: 'export_sentiment', kind: 'load' }),
  old_stuff: idFor({ name: 'old_stuff' }),
  stuff_child: idFor({ name: 'stuff_child' }),
  tickets: idFor({ name: 'tickets', kind: 'source', source: 'support' }),
  support_classify: idFor({ name: 'support_classify' }),
  support_out: idFor({ name: 'support_out', kind: 'load' }),
} as const;

export type NodeName = keyof typeof ID;

export function reviewsProject(): Manifest {
  return makeManifest([
    makeNode({ name: 'reviews', kind: 'source', source: 'shop', path: 'models/sources.yml', location: 'data/reviews.csv' }),
    makeNode({ name: 'orders', kind: 'source', source: 'shop', path: 'models/sources.yml', location: 'data/orders.csv' }),
    makeNode({
      name: 'reviews_clean',
      fqn: ['proj', 'staging', 'reviews_clean'],
      parents: [ID.reviews],
      tags: ['staging'],
      path: 'models/staging/reviews.yml',
      config: { materialized: 'view' },
    }),
    makeNode({
      name: 'orders_clean',
      fqn: ['proj', 'staging', 'orders_clean'],
      parents: [ID.orders],
      tags: ['staging'],
      path: 'models/staging/orders.yml',
      config: { materialized: 'table', batch_size: 100 },
    }),
    makeNode({
      name: 'review_sentiment',
      kind: 'llm',
      fqn: ['proj', 'llm', 'review_sentiment'],
      parents: [ID.reviews_clean],
      tags: ['nightly'],
      path: 'models/llm/sentiment.yml',
      prompt: { path: 'prompts/classify.njk', includes: ['prompts/partials/header.njk'], system: 'prompts/system.njk' },
      contexts: ['contexts/policy.md'],
      config: {
        materialized: 'table',
        passthrough: true,
        llm: { provider: 'openai', model: 'gpt-4o-mini', temperature: 0, fallback_models: ['gpt-4o', 'gpt-4.1-mini'] },
      },
    }),
    makeNode({
      name: 'review_summary',
      kind: 'llm',
      fqn: ['proj', 'llm', 'review_summary'],
      parents: [ID.review_sentiment, ID.orders_clean],
      tags: ['nightly'],
      path: 'models/llm/summary.yml',
      prompt: { path: 'prompts/summarize.njk', includes: ['prompts/partials/header.njk'] },
      config: {
        tags: ['weekly'],
        materialized: 'table',
        passthrough: ['review_id'],
        llm: { provider: 'openai', model: 'gpt-4o', temperature: 0.2, fallback_models: [] },
      },
    }),
    makeNode({
      name: 'export_sentiment',
      kind: 'load',
      parents: [ID.review_sentiment],
      path: 'models/exports.yml',
      location: 'out/sentiment.parquet',
    }),
    makeNode({
      name: 'old_stuff',
      parents: [ID.reviews_clean],
      tags: ['nightly', 'legacy'],
      path: 'models/legacy/old_stuff.yml',
      config: { enabled: false, materialized: 'view' },
    }),
    makeNode({ name: 'stuff_child', parents: [ID.old_stuff], path: 'models/legacy/stuff_child.yml' }),
    makeNode({ name: 'tickets', kind: 'source', source: 'support', path: 'pipelines/support.yml', pipeline: 'support', location: 'https://example.com/tickets.json' }),
    makeNode({ name: 'support_classify', kind: 'llm', parents: [ID.tickets], path: 'pipelines/support.yml', pipeline: 'support', prompt: { path: 'prompts/classify.njk' } }),
    makeNode({ name: 'support_out', kind: 'load', parents: [ID.support_classify], path: 'pipelines/support.yml', pipeline: 'support' }),
  ]);
}

const NAME_BY_ID = new Map(Object.entries(ID).map(([name, id]) => [id as string, name]));

/** unique_ids → the short names above, for readable assertions. */
export function namesOf(ids: readonly string[]): string[] {
  return ids.map((id) => NAME_BY_ID.get(id) ?? id);
}
