import type { ManifestNode, NodeChecksums } from '../contracts/manifest.js';
import { canonicalJson, sha256 } from './hash.js';

/** The parts of a node that its checksums and fingerprints are computed from. */
export interface FingerprintInput {
  node: Omit<ManifestNode, 'checksum' | 'checksums' | 'fingerprint'>;
  /** Text of each template the prompt pulls in (prompt, includes, system, its includes), in a stable order. */
  promptTexts: string[];
  /** Content of each context file, sorted by name. */
  contextTexts: [string, string][];
  /** contextsDigest(contextTexts), when the caller already has it. */
  contextsChecksum?: string;
}

const memo = new Map<string, string>();

/** digest() of one short, often-repeated part (`null`, `[]`, a shared config): computed once per process. */
function digestOne(part: string): string {
  if (part.length > 256) return digest(part);
  let d = memo.get(part);
  if (d === undefined) {
    d = digest(part);
    memo.set(part, d);
  }
  return d;
}

/** sha256 over parts, each length-prefixed so that ("ab", "c") and ("a", "bc") differ. */
function digest(...parts: (string | null | undefined)[]): string {
  let text = '';
  for (const part of parts) {
    const p = part ?? '\u0000null';
    text += `${p.length}:${p}`;
  }
  return sha256(text);
}

const json = (value: unknown): string => (value === undefined || value === null ? 'null' : canonicalJson(value));

/** Each part of a node as canonical JSON or a hash, computed once and shared by checksums and fingerprints. */
interface Parts {
  config: string;
  /** The config minus what cannot change an answer, for the data fingerprint. */
  dataConfig: string;
  evaluate: string;
  location: string;
}

function partsOf(input: FingerprintInput): Parts {
  const { config, dataConfig } = configJsons(input.node.config as unknown as Record<string, unknown>);
  return { config, dataConfig, evaluate: json(input.node.config.evaluate), location: json(input.node.location) };
}

/** What is not config for checksums: tags and meta are docs, and the gates have their own checksum. */
const NOT_CONFIG = new Set(['tags', 'meta', 'evaluate']);
/** batch_size and budget_usd decide how rows are written and when sending stops, never what an answer is. */
const NOT_DATA = new Set(['batch_size', 'budget_usd']);

/** canonicalJson of the config and of its data part, in one pass over its keys (this runs for every node). */
function configJsons(config: Record<string, unknown>): { config: string; dataConfig: string } {
  let all = '';
  let data = '';
  for (const key of Object.keys(config).sort()) {
    if (NOT_CONFIG.has(key)) continue;
    const text = canonicalJson(config[key]) as string | undefined;
    if (text === undefined) continue;
    const entry = `${JSON.stringify(key)}:${text}`;
    all += all ? `,${entry}` : entry;
    if (!NOT_DATA.has(key)) data += data ? `,${entry}` : entry;
  }
  return { config: `{${all}}`, dataConfig: `{${data}}` };
}

const partsCache = new WeakMap<FingerprintInput, Parts>();
function parts(input: FingerprintInput): Parts {
  let p = partsCache.get(input);
  if (!p) {
    p = partsOf(input);
    partsCache.set(input, p);
  }
  return p;
}

const EMPTY = digest();

/** The `contexts` checksum: every context file's name and content, in name order. */
export function contextsDigest(contextTexts: readonly [string, string][]): string {
  return contextTexts.length ? digest(...contextTexts.flat()) : EMPTY;
}

export function checksumsOf(input: FingerprintInput): NodeChecksums {
  const n = input.node;
  const p = parts(input);
  return {
    body: digest(n.kind, n.raw_code, p.location, n.kind === 'llm' ? String(n.config.from ?? '') : ''),
    config: digestOne(p.config),
    prompt: input.promptTexts.length ? digest(...input.promptTexts) : EMPTY,
    contexts: input.contextsChecksum ?? contextsDigest(input.contextTexts),
    output: digestOne(json(n.output_schema)),
    evaluate: digestOne(p.evaluate),
    docs: digest(n.description, json(n.columns), json(n.tags), json(n.meta)),
  };
}

/**
 * Two fingerprints, as SQLMesh does: `data` changes whenever an answer or a row could change — the rendered code
 * or prompt, the templates it includes, the context files, the LLM parameters, the output schema, the gates, and
 * every parent's data fingerprint; `metadata` changes with docs only (description, columns, tags, meta) and with
 * the parents' metadata. Sources fingerprint their location, not their content: rows are compared one by one at
 * build time, so a new row in a file does not invalidate every answer. The checksums stand in for the texts they
 * hash, so nothing large is hashed twice.
 */
export function fingerprintOf(
  input: FingerprintInput,
  checksums: NodeChecksums,
  parents: readonly { data: string; metadata: string }[],
): { data: string; metadata: string } {
  const n = input.node;
  const p = parts(input);
  const data = digest(
    n.kind,
    n.compiled_code,
    n.prompt?.compiled,
    n.prompt?.system?.compiled,
    checksums.prompt,
    checksums.contexts,
    p.dataConfig,
    p.evaluate,
    checksums.output,
    p.location,
    ...parents.map((parent) => parent.data).sort(),
  );
  const metadata = digest(checksums.docs, ...parents.map((parent) => parent.metadata).sort());
  return { data, metadata };
}

export function overallChecksum(checksums: NodeChecksums): string {
  return digest(...Object.values(checksums));
}
