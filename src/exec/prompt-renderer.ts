import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Manifest, ManifestNode } from '../contracts/manifest.js';
import type { ResolvedConfig } from '../config/types.js';
import type { ChatMessage } from '../llm/types.js';
import type { Template } from 'nunjucks';
import { createTemplateEnvironment, TemplateLookupError, type TemplateResolvers } from '../template/environment.js';
import { nunjucks } from '../template/nunjucks.js';
import { rowRenderer, type RowRender } from '../template/row-render.js';

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

/**
 * Compiles a node's compiled prompt (and system prompt) once; renders them per row with `row` bound. Prompts
 * that are text plus `{{ row... }}` lookups render without nunjucks (template/row-render.ts); nunjucks is
 * loaded only for the others, or for a row the fast path hands back.
 */
export function promptRenderer(node: ManifestNode, manifest: Manifest, config: ResolvedConfig, env: Readonly<Record<string, string | undefined>>): PromptRenderer {
  const prompt = node.prompt!;
  let templates: { user: Template; system: Template | null } | undefined;
  const nunjucksTemplates = () => {
    if (!templates) {
      const environment = createTemplateEnvironment(config.projectDir, config.promptPaths, manifestResolvers(manifest, config, env));
      const Template = nunjucks().Template;
      templates = {
        user: new Template(prompt.compiled, environment, prompt.path, true),
        system: prompt.system ? new Template(prompt.system.compiled, environment, prompt.system.path, true) : null,
      };
    }
    return templates;
  };
  const fastUser = rowRenderer(prompt.compiled);
  const fastSystem = prompt.system ? rowRenderer(prompt.system.compiled) : null;
  // Compiled now when nunjucks renders every row, so a prompt it cannot compile fails the node before any row.
  if (!fastUser || (prompt.system && !fastSystem)) nunjucksTemplates();
  const render = (fast: RowRender | null, template: () => Template, row: Record<string, unknown>) =>
    fast?.(row) ?? template().render({ row });
  return {
    messages(row) {
      const out: ChatMessage[] = [];
      if (prompt.system) out.push({ role: 'system', content: render(fastSystem, () => nunjucksTemplates().system!, row) });
      out.push({ role: 'user', content: render(fastUser, () => nunjucksTemplates().user, row) });
      return out;
    },
  };
}
