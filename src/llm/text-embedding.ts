/**
 * Deterministic "hashed bag of words" vectors: texts that share words point in similar directions, so
 * cosine similarity behaves plausibly without a model. Used by the offline provider and the fake server.
 */
import { fnv1a } from './answer-seed.js';

export const DEFAULT_EMBEDDING_DIMS = 64;

const TOKEN = /[\p{L}\p{N}]+/gu;
const SUFFIX = /(ing|ed|es|ly|s)$/;

export function embedText(text: string, dims = DEFAULT_EMBEDDING_DIMS): number[] {
  const vector = new Array<number>(dims).fill(0);
  let any = false;
  for (const match of text.toLowerCase().matchAll(TOKEN)) {
    const token = match[0];
    if (token.length < 2) continue;
    any = true;
    addFeature(vector, token, 1);
    const stem = token.length > 4 ? token.replace(SUFFIX, '') : token;
    if (stem !== token) addFeature(vector, stem, 0.5);
    else addFeature(vector, '~' + token, 0.5);
  }
  if (!any) vector[0] = 1;
  let norm = 0;
  for (const v of vector) norm += v * v;
  norm = Math.sqrt(norm) || 1;
  for (let i = 0; i < dims; i++) vector[i] = Math.round((vector[i]! / norm) * 1e6) / 1e6;
  return vector;
}

function addFeature(vector: number[], feature: string, weight: number): void {
  const h = fnv1a(feature);
  const index = h % vector.length;
  vector[index]! += (h & 0x80000000) !== 0 ? -weight : weight;
}

export function cosineSimilarity(a: readonly number[], b: readonly number[]): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}
