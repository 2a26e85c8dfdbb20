/**
 * The one redactor of a run, built from the resolved target's secrets: its API key and every header value, as
 * configured and as expanded from the environment. Warehouse DSN passwords belong here once warehouses have them.
 */
import type { ResolvedConfig } from '../config/types.js';
import { createRedactor, targetSecrets, type Redactor } from '../llm/redact.js';

const VARIABLE = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

export function targetRedactor(config: ResolvedConfig, env: Readonly<Record<string, string | undefined>>): Redactor {
  const settings = config.target.providerSettings;
  const apiKey = env[settings.api_key_env?.trim() || 'OPENAI_API_KEY']?.trim();
  const headers: Record<string, string> = {};
  const variables: string[] = [];
  for (const [name, value] of Object.entries(settings.headers ?? {})) {
    // A variable that is not set adds nothing (the header then fails the node, LOOM204, whose message names it).
    headers[name] = value.replace(VARIABLE, (_, variable: string) => env[variable] ?? '');
    for (const [, variable] of value.matchAll(VARIABLE)) variables.push(env[variable] ?? '');
  }
  return createRedactor([...targetSecrets(apiKey, headers), ...variables]);
}
