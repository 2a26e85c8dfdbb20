import { PROJECT_FILE } from '../config/load.js';
import type { ResolvedConfig } from '../config/types.js';
import type { Manifest } from '../contracts/manifest.js';
import { error, type Diagnostic } from '../diagnostics/diagnostic.js';
import { resolveOpenAICredentials } from '../llm/openai-provider.js';
import { YamlFile } from '../base/yaml-file.js';

/**
 * `loom validate`: an llm model that would talk to an openai endpoint with no key (and no base_url of a local
 * server, which needs none) is an error naming the variable, never its value, at the target in loom_project.yml.
 */
export function missingKeyDiagnostics(
  config: ResolvedConfig,
  manifest: Manifest,
  readSource: (file: string) => string | undefined,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Diagnostic[] {
  const openai = Object.values(manifest.nodes).filter((n) => n.kind === 'llm' && n.config.enabled && n.config.llm?.provider === 'openai');
  if (!openai.length) return [];
  try {
    resolveOpenAICredentials(config.target.providerSettings, env);
    return [];
  } catch {
    const variable = config.target.providerSettings.api_key_env?.trim() || 'OPENAI_API_KEY';
    const text = readSource(PROJECT_FILE);
    const location = text === undefined ? undefined : new YamlFile(PROJECT_FILE, text).locate(['targets', config.target.name], 'key');
    const names = openai.slice(0, 3).map((n) => n.name).join(', ') + (openai.length > 3 ? ', ...' : '');
    return [
      error(
        'LOOM025',
        `target \`${config.target.name}\` sends ${openai.length} llm model(s) (${names}) to an openai endpoint, but ${variable} is not set: ` +
          `export ${variable}=sk-..., set base_url to a local server that needs no key, or use an offline target (provider: offline)`,
        location,
      ),
    ];
  }
}
