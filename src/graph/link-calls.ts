import type { ResolvedConfig } from '../config/types.js';
import { error, type Diagnostic, type SourceLocation } from '../diagnostics/diagnostic.js';
import { didYouMean, listOf } from '../diagnostics/suggest.js';
import type { TemplateCall } from '../template/analyze.js';
import { displayName } from './ids.js';
import type { LinkedNode } from './types.js';

/** What a call inside a template can resolve against. */
export interface NameTables {
  config: ResolvedConfig;
  env: Readonly<Record<string, string | undefined>>;
  /** model name → unique_id */
  models: Map<string, string>;
  /** `source.table` → unique_id */
  sources: Map<string, string>;
  contexts: Map<string, string>;
  brokenModels: Set<string>;
  brokenSources: Set<string>;
  /** .csv files no source reads, by name: a ref() to one is a dbt seed habit, answered with a hint. */
  undeclaredData?: Map<string, string>;
}

/**
 * Resolves the ref/source/context/var/env_var calls of one template of `node`: records edges and contexts on the
 * node, and returns a diagnostic for every call that names nothing.
 */
export function resolveCalls(
  node: LinkedNode,
  calls: readonly TemplateCall[],
  locate: (call: TemplateCall) => SourceLocation,
  names: NameTables,
): Diagnostic[] {
  const out: Diagnostic[] = [];
  const where = `in ${node.resource_type} \`${node.name}\``;
  for (const call of calls) {
    const args = call.args;
    const strings = args.every((a) => typeof a === 'string');
    if (!call.literal && (call.fn === 'ref' || call.fn === 'source' || call.fn === 'context')) {
      out.push(
        error('LOOM053', `${call.fn}() ${where} must be called with quoted names (e.g. ${example(call.fn)}) so the DAG is known before anything runs`, locate(call)),
      );
      continue;
    }
    switch (call.fn) {
      case 'ref': {
        if (args.length !== 1 || !strings) {
          out.push(error('LOOM052', `ref() ${where} takes one model name, e.g. ref('orders'); got ${call.text}`, locate(call)));
          break;
        }
        const name = args[0] as string;
        const id = names.models.get(name);
        if (id) {
          if (!node.parents.has(id)) node.parents.set(id, () => locate(call));
          if (!node.refs.includes(name)) node.refs.push(name);
        } else if (names.brokenModels.has(name)) {
          // Its definition has errors (already reported): this node cannot be compiled either, and must not cascade.
          node.broken = true;
        } else {
          out.push(error('LOOM040', `${call.text} ${where}: no model is named \`${name}\`${didYouMean(name, names.models.keys())}${seedHint(name, names)}`, locate(call)));
        }
        break;
      }
      case 'source': {
        if (args.length !== 2 || !strings) {
          out.push(error('LOOM052', `source() ${where} takes a source name and a table name, e.g. source('shop', 'orders'); got ${call.text}`, locate(call)));
          break;
        }
        const [source, table] = args as [string, string];
        const key = `${source}.${table}`;
        const id = names.sources.get(key);
        if (id) {
          if (!node.parents.has(id)) node.parents.set(id, () => locate(call));
          if (!node.sources.some(([s, t]) => s === source && t === table)) node.sources.push([source, table]);
        } else if (names.brokenSources.has(key)) {
          node.broken = true;
        } else {
          const tables = [...names.sources.keys()].filter((k) => k.startsWith(`${source}.`)).map((k) => k.slice(source.length + 1));
          const message = tables.length
            ? `${call.text} ${where}: source \`${source}\` has no table \`${table}\`${didYouMean(table, tables)}; its tables: ${listOf(tables, 'and')}`
            : `${call.text} ${where}: no source is named \`${source}\`${didYouMean(key, names.sources.keys())}`;
          out.push(error('LOOM041', message, locate(call)));
        }
        break;
      }
      case 'context': {
        if (args.length !== 1 || !strings) {
          out.push(error('LOOM052', `context() ${where} takes one context name, e.g. context('style_guide'); got ${call.text}`, locate(call)));
          break;
        }
        const name = args[0] as string;
        const path = names.contexts.get(name);
        if (path) node.contexts.set(name, path);
        else {
          const dirs = names.config.contextPaths.join(', ');
          out.push(
            error(
              'LOOM044',
              `${call.text} ${where}: no context file named \`${name}\` in ${dirs}${didYouMean(name, names.contexts.keys())}` +
                (names.contexts.size ? `; context files: ${listOf([...names.contexts.keys()], 'and')}` : ''),
              locate(call),
            ),
          );
        }
        break;
      }
      case 'var': {
        if (!call.literal || typeof args[0] !== 'string') break; // a computed name is checked when rendered
        const name = args[0];
        if (args.length < 2 && !(name in names.config.vars)) {
          const defined = Object.keys(names.config.vars);
          out.push(
            error(
              'LOOM042',
              `${call.text} ${where}: variable \`${name}\` is not defined in loom_project.yml \`vars:\` or --vars and has no default${didYouMean(name, defined)}` +
                (defined.length ? `; defined: ${listOf(defined, 'and')}` : ''),
              locate(call),
            ),
          );
        }
        break;
      }
      case 'env_var': {
        if (!call.literal || typeof args[0] !== 'string') break;
        if (args.length < 2 && names.env[args[0]] === undefined) {
          out.push(error('LOOM045', `${call.text} ${where}: environment variable \`${args[0]}\` is not set and has no default (write env_var('${args[0]}', 'default'))`, locate(call)));
        }
        break;
      }
    }
  }
  return out;
}

/** A ref() to a CSV file no source declares: what dbt calls a seed is a source in Loom. */
function seedHint(name: string, names: NameTables): string {
  const path = names.undeclaredData?.get(name);
  if (!path) return '';
  return (
    `; ${path} exists but is not declared: Loom reads data files as sources, not seeds. Declare it, e.g. ` +
    `sources: [{ name: seeds, tables: [{ name: ${name}, path: ${path} }] }], and read it with source('seeds', '${name}')`
  );
}

function example(fn: string): string {
  return fn === 'ref' ? "ref('orders')" : fn === 'source' ? "source('shop', 'orders')" : "context('style_guide')";
}

export { displayName };
