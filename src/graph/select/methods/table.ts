import type { MethodName } from '../spec.js';
import { configMethod } from './config.js';
import { fileMethod } from './file.js';
import { fqnMethod } from './fqn.js';
import { kindMethod } from './kind.js';
import { packageMethod } from './package.js';
import { pathMethod } from './path.js';
import { pipelineMethod } from './pipeline.js';
import { resourceTypeMethod } from './resource-type.js';
import { sourceMethod } from './source.js';
import { stateMethod } from './state.js';
import { tagMethod } from './tag.js';
import type { SelectorMethod } from './types.js';

/** Every selector method by name: the grammar checks names against it, the evaluator calls `search`. */
export const SELECTOR_METHODS: Readonly<Record<MethodName, SelectorMethod>> = {
  fqn: fqnMethod,
  tag: tagMethod,
  path: pathMethod,
  file: fileMethod,
  kind: kindMethod,
  resource_type: resourceTypeMethod,
  source: sourceMethod,
  config: configMethod,
  pipeline: pipelineMethod,
  package: packageMethod,
  state: stateMethod,
};
