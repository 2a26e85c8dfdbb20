import { UsageError } from '../diagnostics/diagnostic.js';
import { MANIFEST_SCHEMA_VERSION, type Manifest } from '../contracts/manifest.js';

/**
 * Brings a manifest written by an earlier Loom up to the current shape. Each schema version gets one upgrade
 * function from the version before it; there is only v1 so far.
 */
export function upgradeManifest(raw: unknown, file: string): Manifest {
  const version = (raw as { metadata?: { loom_schema_version?: string } })?.metadata?.loom_schema_version;
  if (version === MANIFEST_SCHEMA_VERSION) return raw as Manifest;
  throw new UsageError(
    `${file} has manifest schema ${version ?? '(none)'}; this loom reads ${MANIFEST_SCHEMA_VERSION}. Recompile it with this version of loom.`,
  );
}
