import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Manifest, ManifestNode } from '../compile/manifest-types.js';
import type { ResolvedConfig } from '../config/types.js';
import type { ChatMessage } from '../llm/types.js';
import { createTemplateEnvironment, TemplateLookupError, type TemplateResolvers } from '../template/environment.js';
import { nunjucks } from '../template/nunjucks.js';

/** Build-time resolvers, from the manifest: the same answers compile gave, for whatever the compiled prompt still calls. */
export function manifestResolvers(manifest: Manifest, config: ResolvedConfig, env: Readonly<Record<string, string | undefined>>): TemplateResolvers {
  const project = manifest.metadata.project_name;
  const contextCache = new Map<string, string>();
  return {
    ref(name) {
      const node = manifest.nodes[`model.${project}.${name}`];
      if (!node) throw new TemplateLookupError(`ref('${name}'): no model is named \`${name}\``);
      return node.relation_name;
    },
    source(source, table) {
      const node = manifest.nodes[`source.${project}.${source}.${table}`];
      if (!node) throw new TemplateLookupError(`source('${source}', '${table}'): no such source table`);
      return node.relation_name;
    },
    var(name, fallback) {
      if (Object.prototype.hasOwnProperty.call(config.vars, name)) return config.vars[name];
      if (fallback !== undefined) return fallback;
      throw new TemplateLookupError(`var('${name}') is not defined`);
    },
    env_var(name, fallback) {
      const value = env[name];
      if (value !== undefined) return value;
      if (fallback !== undefined) return fallback;
      throw new TemplateLookupError(`env_var('${name}') is not set`);
    },
    context(name) {
      let text = contextCache.get(name);
      if (text === undefined) {
        const path = contextPaths(manifest).get(name);
        if (!path) throw new TemplateLookupError(`no context file named \`${name}\``);
        text = readFileSync(join(config.projectDir, path), 'utf8');
        contextCache.set(name, text);
      }
      return text;
    },
  };
}

const contextPathsOf = new WeakMap<Manifest, Map<string, string>>();

/**
 * Every context file the manifest's nodes use, by name: listed once per manifest and only when a prompt still
 * calls context() at build time, not once per llm node (a 10,000-node manifest has 5,000 of them).
 */
function contextPaths(manifest: Manifest): Map<string, string> {
  let paths = contextPathsOf.get(manifest);
  if (!paths) {
    paths = new Map();
    for (const node of Object.values(manifest.nodes)) for (const c of node.contexts) paths.set(c.name, c.path);
    contextPathsOf.set(manifest, paths);
  }
  return paths;
}

export interface PromptRenderer {
  /** The messages for one input row. Throws a render error for a row the template cannot handle. */
  messages(row: Record<string, unknown>): ChatMessage[];
}

/** Compiles a node's compiled prompt (and system prompt) once; renders them per row with `row` bound. */
export function promptRenderer(node: ManifestNode, manifest: Manifest, config: ResolvedConfig, env: Readonly<Record<string, string | undefined>>): PromptRenderer {
  const environment = createTemplateEnvironment(config.projectDir, config.promptPaths, manifestResolvers(manifest, config, env));
  const prompt = node.prompt!;
  const Template = nunjucks().Template;
  const user = new Template(prompt.compiled, environment, prompt.path, true);
  const system = prompt.system ? new Template(prompt.system.compiled, environment, prompt.system.path, true) : null;
  return {
    messages(row) {
      const context = { row };
      const out: ChatMessage[] = [];
      if (system) out.push({ role: 'system', content: system.render(context) });
      out.push({ role: 'user', content: user.render(context) });
      return out;
    },
  };
}
