import { describe, expect, it } from 'vitest';
import { makeManifest, makeNode } from './manifest-builder.js';
import { pick } from './select-helpers.js';

describe('bare names and fqn:', () => {
  it('matches a node name exactly', () => {
    expect(pick('reviews_clean')).toEqual(['reviews_clean']);
    expect(pick('reviews_clea')).toEqual([]);
  });

  it('globs the name', () => {
    expect(pick('review_s*')).toEqual(['review_sentiment', 'review_summary']);
    expect(pick('*_clean')).toEqual(['orders_clean', 'reviews_clean']);
    expect(pick('review_su?mary')).toEqual(['review_summary']);
    expect(pick('*')).toHaveLength(11);
  });

  it('selects a source by source_name.table_name', () => {
    expect(pick('shop.reviews')).toEqual(['reviews']);
    expect(pick('shop.*')).toEqual(['orders', 'reviews']);
  });

  it('selects by fqn prefix like dbt: project, then folders', () => {
    expect(pick('fqn:proj.staging')).toEqual(['orders_clean', 'reviews_clean']);
    expect(pick('proj.staging')).toEqual(['orders_clean', 'reviews_clean']);
    expect(pick('fqn:proj.staging.reviews_clean')).toEqual(['reviews_clean']);
    expect(pick('fqn:proj.llm.*')).toEqual(['review_sentiment', 'review_summary']);
    expect(pick('fqn:proj.*.orders_clean')).toEqual(['orders_clean']);
    expect(pick('fqn:proj.shop')).toEqual(['orders', 'reviews']);
    // as in dbt, the project may be left out: a folder name alone is a prefix of the fqn without it
    expect(pick('staging')).toEqual(['orders_clean', 'reviews_clean']);
    expect(pick('staging.reviews_clean')).toEqual(['reviews_clean']);
    expect(pick('fqn:proj.staging.reviews_clean.extra')).toEqual([]);
  });

  it('treats dots inside an fqn segment as separators, as dbt does', () => {
    const manifest = makeManifest([makeNode({ name: 'a.b', fqn: ['proj', 'a.b'] }), makeNode({ name: 'c' })]);
    expect(pick('fqn:proj.a', { manifest })).toEqual(['model.proj.a.b']);
    expect(pick('a.b', { manifest })).toEqual(['model.proj.a.b']);
  });

  it('is case-sensitive, like dbt', () => {
    expect(pick('Reviews_Clean')).toEqual([]);
  });
});

describe('tag:', () => {
  it('matches node tags and config tags, with globs', () => {
    expect(pick('tag:staging')).toEqual(['orders_clean', 'reviews_clean']);
    expect(pick('tag:nightly')).toEqual(['review_sentiment', 'review_summary']);
    expect(pick('tag:weekly')).toEqual(['review_summary']);
    expect(pick('tag:*ly')).toEqual(['review_sentiment', 'review_summary']);
    expect(pick('tag:night')).toEqual([]);
  });
});

describe('path:', () => {
  it('matches a defining file exactly or a folder prefix', () => {
    expect(pick('path:models/staging/reviews.yml')).toEqual(['reviews_clean']);
    expect(pick('path:models/staging')).toEqual(['orders_clean', 'reviews_clean']);
    expect(pick('path:models/staging/')).toEqual(['orders_clean', 'reviews_clean']);
    expect(pick('path:./models/llm')).toEqual(['review_sentiment', 'review_summary']);
    expect(pick('path:models/stag')).toEqual([]);
    expect(pick('path:pipelines/support.yml')).toEqual(['support_classify', 'support_out', 'tickets']);
  });

  it('is inferred for bare values with a slash or a yml/yaml/njk extension', () => {
    expect(pick('models/staging')).toEqual(['orders_clean', 'reviews_clean']);
    expect(pick('models\\staging')).toEqual(['orders_clean', 'reviews_clean']);
    expect(pick('prompts/summarize.njk')).toEqual(['review_summary']);
  });

  it('globs, with * inside one folder and a matching folder selecting what it holds', () => {
    expect(pick('path:models/*.yml')).toEqual(['export_sentiment', 'orders', 'reviews']);
    expect(pick('path:models/**/*.yml')).toEqual([
      'export_sentiment',
      'orders',
      'orders_clean',
      'review_sentiment',
      'review_summary',
      'reviews',
      'reviews_clean',
      'stuff_child',
    ]);
    expect(pick('path:models/st*')).toEqual(['orders_clean', 'reviews_clean']);
  });

  it('selects llm models through their prompt, included templates, system prompt and contexts', () => {
    expect(pick('path:prompts/classify.njk')).toEqual(['review_sentiment', 'support_classify']);
    expect(pick('path:prompts/partials/header.njk')).toEqual(['review_sentiment', 'review_summary']);
    expect(pick('path:prompts/partials')).toEqual(['review_sentiment', 'review_summary']);
    expect(pick('path:prompts/system.njk')).toEqual(['review_sentiment']);
    expect(pick('path:contexts/policy.md')).toEqual(['review_sentiment']);
  });

  it('selects sources and destinations through the file they read or write, never a URL', () => {
    expect(pick('path:data/reviews.csv')).toEqual(['reviews']);
    expect(pick('path:data')).toEqual(['orders', 'reviews']);
    expect(pick('path:out/sentiment.parquet')).toEqual(['export_sentiment']);
    expect(pick('path:https://example.com/tickets.json')).toEqual([]);
  });

  it('selects everything for the project folder itself', () => {
    expect(pick('path:.')).toHaveLength(11);
  });
});

describe('file:', () => {
  it('matches the defining file name with or without extension', () => {
    expect(pick('file:reviews.yml')).toEqual(['reviews_clean']);
    expect(pick('file:sources')).toEqual(['orders', 'reviews']);
    expect(pick('file:s*.yml')).toEqual(['orders', 'review_sentiment', 'review_summary', 'reviews', 'stuff_child', 'support_classify', 'support_out', 'tickets']);
  });
});

describe('kind: and resource_type:', () => {
  it('matches how a node runs', () => {
    expect(pick('kind:llm')).toEqual(['review_sentiment', 'review_summary', 'support_classify']);
    expect(pick('kind:sql')).toEqual(['orders_clean', 'reviews_clean', 'stuff_child']);
    expect(pick('kind:source')).toEqual(['orders', 'reviews', 'tickets']);
    expect(pick('kind:load')).toEqual(['export_sentiment', 'support_out']);
  });

  it('matches what a node is', () => {
    expect(pick('resource_type:destination')).toEqual(['export_sentiment', 'support_out']);
    expect(pick('resource_type:source')).toEqual(['orders', 'reviews', 'tickets']);
    expect(pick('resource_type:model')).toHaveLength(6);
  });
});

describe('source:', () => {
  it('takes a source name, source.table or package.source.table, with globs', () => {
    expect(pick('source:shop')).toEqual(['orders', 'reviews']);
    expect(pick('source:shop.reviews')).toEqual(['reviews']);
    expect(pick('source:proj.shop.orders')).toEqual(['orders']);
    expect(pick('source:other.shop.orders')).toEqual([]);
    expect(pick('source:*.tickets')).toEqual(['tickets']);
    expect(pick('source:s*')).toEqual(['orders', 'reviews', 'tickets']);
  });

  it('never selects models that merely read the source', () => {
    expect(pick('source:reviews_clean')).toEqual([]);
  });
});

describe('config.<key>:', () => {
  it('compares strings at a dotted key', () => {
    expect(pick('config.materialized:view')).toEqual(['reviews_clean']);
    expect(pick('config.llm.model:gpt-4o-mini')).toEqual(['review_sentiment']);
    expect(pick('config.llm.model:gpt-4o')).toEqual(['review_summary']);
    expect(pick('config.llm.model:gpt-4o*')).toEqual(['review_sentiment', 'review_summary']);
    expect(pick('config.llm.provider:openai')).toEqual(['review_sentiment', 'review_summary']);
  });

  it('compares numbers and booleans as text', () => {
    expect(pick('config.batch_size:100')).toEqual(['orders_clean']);
    expect(pick('config.llm.temperature:0')).toEqual(['review_sentiment']);
    expect(pick('config.llm.temperature:0.0')).toEqual(['review_sentiment']);
    expect(pick('config.llm.temperature:0.2')).toEqual(['review_summary']);
    expect(pick('config.passthrough:true')).toEqual(['review_sentiment']);
    expect(pick('config.passthrough:TRUE')).toEqual(['review_sentiment']);
    expect(pick('config.passthrough:false')).toEqual([]);
  });

  it('matches arrays when any element matches', () => {
    expect(pick('config.llm.fallback_models:gpt-4.1-mini')).toEqual(['review_sentiment']);
    expect(pick('config.passthrough:review_id')).toEqual(['review_summary']);
    expect(pick('config.tags:weekly')).toEqual(['review_summary']);
  });

  it('never matches objects, missing keys or keys under a scalar', () => {
    expect(pick('config.llm:openai')).toEqual([]);
    expect(pick('config.nope:x')).toEqual([]);
    expect(pick('config.materialized.x:view')).toEqual([]);
    expect(pick('config.toString:x')).toEqual([]);
  });
});

describe('pipeline: and package:', () => {
  it('selects the nodes of a pipeline file', () => {
    expect(pick('pipeline:support')).toEqual(['support_classify', 'support_out', 'tickets']);
    expect(pick('pipeline:sup*')).toEqual(['support_classify', 'support_out', 'tickets']);
    expect(pick('pipeline:reviews')).toEqual([]);
  });

  it('selects the nodes of a package', () => {
    expect(pick('package:proj')).toHaveLength(11);
    expect(pick('package:other')).toEqual([]);
  });
});
