import type { Manifest } from '../../../src/contracts/manifest.js';
import { selectNodes, type SelectionResult } from '../../../src/graph/select/index.js';
import { namesOf, reviewsProject } from './reviews-project.js';

export interface PickOptions {
  exclude?: string[];
  state?: Manifest | null;
  manifest?: Manifest;
}

export function run(select: string[] | undefined, options: PickOptions = {}): SelectionResult {
  return selectNodes(options.manifest ?? reviewsProject(), { select, exclude: options.exclude, state: options.state });
}

/** The selected node names, sorted (order has its own tests). */
export function pick(select: string | string[] | undefined, options: PickOptions = {}): string[] {
  const list = select === undefined ? undefined : Array.isArray(select) ? select : [select];
  return namesOf(run(list, options).selected).sort();
}
