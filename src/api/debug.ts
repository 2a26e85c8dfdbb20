import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadConfig, PROJECT_FILE, TargetNotFound } from '../config/load.js';
import type { ResolvedConfig } from '../config/types.js';
import { hasErrors, UsageError, type Diagnostic } from '../diagnostics/diagnostic.js';
import { DEFAULT_OPENAI_BASE_URL, resolveOpenAICredentials } from '../llm/openai-provider.js';
import { warehousePathOf } from './session.js';

export interface DebugOptions {
  projectDir?: string;
  target?: string;
  env?: Readonly<Record<string, string | undefined>>;
  /** How long the endpoint may take to answer (default 5 s). */
  timeoutMs?: number;
}

/** One line of `loom debug`: what was checked, what was found, and whether that is a problem. */
export interface DebugCheck {
  label: string;
  value: string;
  ok: boolean;
}

export interface DebugOutcome {
  checks: DebugCheck[];
  /** Problems in loom_project.yml, for code frames. */
  diagnostics: Diagnostic[];
  readSource(file: string): string | undefined;
  ok: boolean;
}

/** `loom debug`: the project file, the target, its endpoint and key, and the warehouse. Never reads a key's value out. */
export async function debug(options: DebugOptions = {}): Promise<DebugOutcome> {
  const env = options.env ?? process.env;
  const dir = resolve(options.projectDir ?? '.');
  const found = existsSync(join(dir, PROJECT_FILE));
  let loaded;
  try {
    loaded = loadConfig(dir, { target: options.target });
  } catch (e) {
    if (e instanceof TargetNotFound) throw new UsageError(e.message);
    throw e;
  }
  const config = loaded.config;
  // A config with errors still resolves (its bad keys fall back to defaults), so the other checks can run.
  const valid = !!config && !hasErrors(loaded.diagnostics);
  const checks: DebugCheck[] = [
    { label: 'project dir', value: dir, ok: true },
    { label: PROJECT_FILE, value: !found ? 'not found' : valid ? 'found, valid' : 'found, invalid (see above)', ok: valid },
  ];
  if (config) {
    checks.splice(1, 0, { label: 'project', value: config.name, ok: true });
    checks.push(...(await targetChecks(config, env, options.timeoutMs ?? 5000)), warehouseCheck(config));
  }
  return {
    checks,
    diagnostics: loaded.diagnostics,
    readSource: (file) => (file === PROJECT_FILE ? loaded.file?.text : undefined),
    ok: checks.every((c) => c.ok),
  };
}

async function targetChecks(config: ResolvedConfig, env: Readonly<Record<string, string | undefined>>, timeoutMs: number): Promise<DebugCheck[]> {
  const provider = config.target.provider ?? config.defaults.llm.provider ?? 'openai';
  const checks: DebugCheck[] = [
    { label: 'target', value: config.target.name, ok: true },
    { label: 'provider', value: provider, ok: true },
  ];
  if (provider !== 'openai') {
    checks.push({ label: 'endpoint', value: 'no endpoint (answers are made locally)', ok: true }, { label: 'api key', value: 'not needed', ok: true });
    return checks;
  }
  const settings = config.target.providerSettings;
  const keyVariable = settings.api_key_env?.trim() || 'OPENAI_API_KEY';
  let baseURL = settings.base_url?.trim() || env.OPENAI_BASE_URL?.trim() || DEFAULT_OPENAI_BASE_URL;
  let key: DebugCheck;
  try {
    const credentials = resolveOpenAICredentials(settings, env);
    baseURL = credentials.baseURL ?? baseURL;
    key = credentials.placeholderKey
      ? { label: 'api key', value: `${keyVariable} is not set (not needed by a local server at ${shown(baseURL)})`, ok: true }
      : { label: 'api key', value: `${keyVariable} is set`, ok: true };
  } catch {
    key = { label: 'api key', value: `${keyVariable} is not set: export ${keyVariable}=sk-...`, ok: false };
  }
  checks.push(await endpointCheck(baseURL, timeoutMs), key);
  return checks;
}

/** Any HTTP answer, even a 401 or 404, means the server is there; only a failed connection or a timeout is a problem. */
async function endpointCheck(baseURL: string, timeoutMs: number): Promise<DebugCheck> {
  const started = performance.now();
  try {
    const response = await fetch(baseURL, { method: 'GET', signal: AbortSignal.timeout(timeoutMs), redirect: 'manual' });
    await response.body?.cancel();
    return { label: 'endpoint', value: `${shown(baseURL)} reachable (HTTP ${response.status} in ${Math.round(performance.now() - started)} ms)`, ok: true };
  } catch (e) {
    const err = e as Error & { cause?: { code?: string; message?: string } };
    const why = err.name === 'TimeoutError' ? `no answer within ${timeoutMs / 1000}s` : (err.cause?.code ?? err.cause?.message ?? err.message);
    return { label: 'endpoint', value: `${shown(baseURL)} not reachable: ${why}`, ok: false };
  }
}

/** The URL without a user, password or query, which may carry a secret. */
function shown(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
  } catch {
    return '(an invalid base_url)';
  }
}

function warehouseCheck(config: ResolvedConfig): DebugCheck {
  const path = warehousePathOf(config);
  if (!existsSync(path)) return { label: 'warehouse', value: `${path} (not built yet: loom build creates it)`, ok: true };
  const stat = statSync(path);
  if (!stat.isFile()) return { label: 'warehouse', value: `${path} is not a file`, ok: false };
  const wal = existsSync(`${path}.wal`) ? statSync(`${path}.wal`).size : 0;
  return { label: 'warehouse', value: `${path} (${megabytes(stat.size + wal)}${wal ? ', with its .wal' : ''})`, ok: true };
}

function megabytes(bytes: number): string {
  return bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(1)} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
