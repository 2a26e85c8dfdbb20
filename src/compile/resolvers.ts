import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LinkedProject } from '../graph/types.js';
import { modelId, sourceId } from '../graph/ids.js';
import { TemplateLookupError, type TemplateResolvers } from '../template/environment.js';
import { relationOf } from '../sql/quote.js';

/** What ref/source/var/env_var/context resolve to in a linked project; context files are read once each. */
export function projectResolvers(linked: LinkedProject, env: Readonly<Record<string, string | undefined>>): TemplateResolvers & { contextText(name: string): string } {
  const config = linked.config;
  const contextCache = new Map<string, string>();
  const contextText = (name: string): string => {
    let text = contextCache.get(name);
    if (text === undefined) {
      const path = linked.contextFiles.get(name);
      if (!path) throw new TemplateLookupError(`no context file named \`${name}\``);
      text = readFileSync(join(config.projectDir, path), 'utf8');
      contextCache.set(name, text);
    }
    return text;
  };
  return {
    ref(name) {
      const node = linked.nodes.get(modelId(config.name, name));
      if (!node) throw new TemplateLookupError(`ref('${name}'): no model is named \`${name}\``);
      return relationOf(node);
    },
    source(source, table) {
      const node = linked.nodes.get(sourceId(config.name, source, table));
      if (!node) throw new TemplateLookupError(`source('${source}', '${table}'): no such source table`);
      return relationOf(node);
    },
    var(name, fallback) {
      if (Object.prototype.hasOwnProperty.call(config.vars, name)) return config.vars[name];
      if (fallback !== undefined) return fallback;
      throw new TemplateLookupError(`var('${name}') is not defined in loom_project.yml vars or --vars and has no default`);
    },
    env_var(name, fallback) {
      const value = env[name];
      if (value !== undefined) return value;
      if (fallback !== undefined) return fallback;
      throw new TemplateLookupError(`env_var('${name}'): environment variable is not set and has no default`);
    },
    context: contextText,
    contextText,
  };
}
