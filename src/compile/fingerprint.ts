import type { ManifestNode, NodeChecksums } from './manifest-types.js';
import { canonicalJson, hashOf, sha256 } from './hash.js';

/** The parts of a node that its checksums and fingerprints are computed from. */
export interface FingerprintInput {
  node: Omit<ManifestNode, 'checksum' | 'checksums' | 'fingerprint'>;
  /** Text of each template the prompt pulls in (prompt, system, includes), in a stable order. */
  promptTexts: string[];
  /** Content of each context file, sorted by name. */
  contextTexts: [string, string][];
}

export function checksumsOf(input: FingerprintInput): NodeChecksums {
  const n = input.node;
  const { tags: _tags, meta: _meta, evaluate: _evaluate, ...configWithoutDocs } = n.config;
  return {
    body: hashOf({ kind: n.kind, raw: n.raw_code, location: n.location, from: n.depends_on.nodes.length && n.kind === 'llm' ? n.config.from ?? null : null }),
    config: hashOf(configWithoutDocs),
    prompt: hashOf(input.promptTexts),
    contexts: hashOf(input.contextTexts),
    output: hashOf(n.output_schema ?? null),
    evaluate: hashOf(n.config.evaluate ?? null),
    docs: hashOf({ description: n.description, columns: n.columns, tags: n.tags, meta: n.meta }),
  };
}

/**
 * Two fingerprints, as SQLMesh does: `data` changes whenever an answer or a row could change — the rendered code
 * or prompt, the context files, the LLM parameters, the output schema, the gates, and every parent's data
 * fingerprint; `metadata` changes with docs only. Sources fingerprint their location, not their content: rows
 * are compared one by one at build time, so a new row in a file does not invalidate every answer.
 */
export function fingerprintOf(
  input: FingerprintInput,
  parents: readonly { data: string; metadata: string }[],
): { data: string; metadata: string } {
  const n = input.node;
  const { tags: _tags, meta: _meta, ...config } = n.config;
  const data = sha256(
    canonicalJson({
      kind: n.kind,
      compiled: n.compiled_code,
      prompt: n.prompt ? [n.prompt.compiled, n.prompt.system?.compiled ?? null] : null,
      templates: input.promptTexts,
      contexts: input.contextTexts,
      config,
      output: n.output_schema,
      location: n.location,
      parents: parents.map((p) => p.data).sort(),
    }),
  );
  const metadata = sha256(
    canonicalJson({ description: n.description, columns: n.columns, tags: n.tags, meta: n.meta, parents: parents.map((p) => p.metadata).sort() }),
  );
  return { data, metadata };
}

export function overallChecksum(checksums: NodeChecksums): string {
  return sha256(Object.values(checksums).join(''));
}
