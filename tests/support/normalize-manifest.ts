import type { Manifest } from '../../src/contracts/manifest.js';

/**
 * A manifest with what changes on every run (time, invocation id, git state, loom version) and the temp
 * project directory replaced by placeholders, so it can be snapshotted and compared across runs.
 */
export function normalizeManifest(manifest: Manifest, projectDir: string): Manifest {
  const copy = JSON.parse(JSON.stringify(manifest).split(projectDir).join('<project>')) as Manifest;
  copy.metadata = {
    ...copy.metadata,
    generated_at: '<generated_at>',
    invocation_id: '<invocation_id>',
    loom_version: '<loom_version>',
    // Whether the temp copy sits inside a git repository depends on the machine (TMPDIR), not on the code.
    git: '<git>' as unknown as Manifest['metadata']['git'],
  };
  return copy;
}
