import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { evaluateExampleNotes } from '../schemas/evaluate-examples.js';
import { normalizeEvaluateBlock } from '../evaluate-spec/normalize-block.js';
import type { NodeConfig } from '../contracts/manifest.js';
import type { LlmConfigInput } from '../config/types.js';
import { error, warning, type Diagnostic, type SourceLocation } from '../diagnostics/diagnostic.js';
import { didYouMean } from '../diagnostics/suggest.js';
import type { PromptFile, PromptLibrary } from '../parse/prompt-library.js';
import type { Origin, RawModel } from '../parse/types.js';
import type { YamlPath } from '../base/yaml-file.js';
import { analyzeTemplate, type TemplateCall } from '../template/analyze.js';
import { locateInYamlString } from '../template/locate.js';
import { resolveCalls, type NameTables } from './link-calls.js';
import { resolveLlmConfig } from './llm-config.js';
import { outputSchemaProblems } from '../schemas/output-schema.js';
import type { JsonSchema } from '../contracts/llm.js';
import type { LinkedNode, LinkedPrompt } from './types.js';

const SQL_ONLY = ['sql', 'materialized'] as const;
const LLM_ONLY = ['from', 'prompt', 'system', 'unique_key', 'llm', 'output', 'passthrough', 'batch_size', 'budget_usd', 'evaluate'] as const;

/** Where a key of a model was written (pipelines write model keys elsewhere in their file). */
export function keyOrigin(model: RawModel, key: string): Origin {
  return model.keyOrigins[key] ?? { file: model.origin.file, path: [...model.origin.path, key] };
}

export function locateKey(model: RawModel, key: string, part: 'key' | 'value' = 'value'): SourceLocation {
  const o = keyOrigin(model, key);
  return o.file.locate(o.path, part);
}

/** Fills `node` from a raw model: config, templates, edges; returns what is wrong with it. */
export function linkModel(node: LinkedNode, model: RawModel, names: NameTables, prompts: PromptLibrary): Diagnostic[] {
  const out: Diagnostic[] = [];
  const body = model.body;
  const config = names.config;
  const wrongKind = model.kind === 'sql' ? LLM_ONLY : SQL_ONLY;
  for (const key of wrongKind) {
    if (body[key] !== undefined) {
      out.push(
        error('LOOM015', `\`${key}\` applies only to ${model.kind === 'sql' ? 'llm' : 'sql'} models; \`${model.name}\` is a ${model.kind} model`, locateKey(model, key, 'key')),
      );
    }
  }

  const nodeConfig: NodeConfig = {
    enabled: body.enabled !== false,
    tags: node.tags,
    meta: node.meta,
  };
  node.config = nodeConfig;

  if (model.kind === 'sql') {
    nodeConfig.materialized = (body.materialized as 'table' | 'view' | undefined) ?? config.defaults.materialized;
    if (typeof body.sql !== 'string') {
      out.push(error('LOOM013', `sql model \`${model.name}\` needs a \`sql:\` query`, model.origin.file.locate(model.origin.path)));
      return out;
    }
    const sqlOrigin = keyOrigin(model, 'sql');
    const text = body.sql;
    const analysis = analyzeTemplate(text, { keepAst: true });
    const file = model.sqlFile;
    node.sql = {
      text,
      raw: file?.text,
      // A .sql file is the template itself: its positions are the file's.
      locate: file
        ? (position, snippet) => ({ file: file.path, line: position.line, col: position.col, ...(snippet ? { endLine: position.line, endCol: position.col + snippet.length } : {}) })
        : (position, snippet) => locateInYamlString(sqlOrigin.file, sqlOrigin.path, text, position, snippet),
      analysis,
    };
    if (analysis.syntaxError) {
      out.push(error('LOOM050', `template syntax error in the sql of \`${model.name}\`: ${analysis.syntaxError.message}`, node.sql.locate(analysis.syntaxError)));
      return out;
    }
    if (analysis.includes.length) {
      const inc = analysis.includes[0];
      out.push(error('LOOM054', `the sql of \`${model.name}\` includes \`${inc.name}\`; include and import are for prompt templates, not inline sql`, node.sql.locate(inc)));
    }
    const sqlTemplate = node.sql;
    out.push(...resolveCalls(node, analysis.calls, (c) => sqlTemplate.locate(c, c.text), names));
    return out;
  }

  // kind: llm
  nodeConfig.materialized = 'table';
  nodeConfig.batch_size = (body.batch_size as number | undefined) ?? config.defaults.batch_size;
  nodeConfig.passthrough = (body.passthrough as boolean | string[] | undefined) ?? config.defaults.passthrough;
  if (body.unique_key !== undefined) nodeConfig.unique_key = body.unique_key as string;
  if (body.budget_usd !== undefined) nodeConfig.budget_usd = body.budget_usd as number;
  const llm = resolveLlmConfig(config, body.llm as LlmConfigInput | undefined);
  if (llm) nodeConfig.llm = llm;
  else {
    out.push(
      error(
        'LOOM074',
        `llm model \`${model.name}\` names no model: set ${model.pipeline ? '`transform.model`' : '`llm: { model: ... }`'} on it or \`defaults: { llm: { model: ... } }\` in loom_project.yml`,
        locateKey(model, body.llm ? 'llm' : 'name'),
      ),
    );
  }

  if (typeof body.from !== 'string') {
    out.push(error('LOOM013', `llm model \`${model.name}\` needs \`from:\`, the relation its rows come from, e.g. from: ref('reviews_clean')`, model.origin.file.locate(model.origin.path)));
  } else {
    out.push(...linkFrom(node, model, body.from, names));
  }

  if (typeof body.prompt !== 'string') {
    out.push(error('LOOM013', `llm model \`${model.name}\` needs \`prompt:\`, the name of a template in ${config.promptPaths.join(', ')}`, model.origin.file.locate(model.origin.path)));
  } else {
    const linked = linkPrompt(node, model, 'prompt', body.prompt, names, prompts, out);
    if (linked) node.prompt = linked;
  }
  if (typeof body.system === 'string') {
    const linked = linkPrompt(node, model, 'system', body.system, names, prompts, out);
    if (linked) node.system = linked;
  }

  if (body.output !== undefined) {
    const problems = outputSchemaProblems(body.output as JsonSchema);
    const origin = keyOrigin(model, 'output');
    for (const p of problems) {
      out.push(error('LOOM072', `the output schema of \`${model.name}\` ${p.message}`, origin.file.locate([...origin.path, ...p.path], p.part)));
    }
    if (!problems.length) node.output_schema = body.output as JsonSchema;
  }
  if (body.evaluate !== undefined) {
    nodeConfig.evaluate = body.evaluate as Record<string, unknown>;
    out.push(...checkEvaluate(model, body.evaluate, node.output_schema, names.config.projectDir));
  }
  return out;
}

function linkFrom(node: LinkedNode, model: RawModel, from: string, names: NameTables): Diagnostic[] {
  const origin = keyOrigin(model, 'from');
  const trimmed = from.trim();
  const text = trimmed.startsWith('{{') ? trimmed : `{{ ${trimmed} }}`;
  const analysis = analyzeTemplate(text, { keepAst: true });
  const locate = (call?: TemplateCall): SourceLocation =>
    call ? locateInYamlString(origin.file, origin.path, from, { line: 1, col: 1 }, call.text) : origin.file.locate(origin.path);
  const root = analysis.ast;
  const only = root?.children?.length === 1 && root.children[0].typename === 'Output' ? root.children[0].children : undefined;
  const justOneCall = analysis.segments ? analysis.segments.length === 1 : only?.length === 1 && only[0].typename === 'FunCall';
  const call = analysis.calls[0];
  const single = analysis.calls.length === 1 && justOneCall && (call.fn === 'ref' || call.fn === 'source');
  if (analysis.syntaxError || !single) {
    return [error('LOOM071', `\`from\` of \`${model.name}\` must be one ref('model') or source('source', 'table'); got \`${from}\``, locate())];
  }
  const before = new Set(node.parents.keys());
  const diagnostics = resolveCalls(node, analysis.calls, (c) => locate(c), names);
  const added = [...node.parents.keys()].find((id) => !before.has(id));
  node.from = added ?? [...node.parents.keys()][0] ?? null;
  return diagnostics;
}

function linkPrompt(
  node: LinkedNode,
  model: RawModel,
  key: 'prompt' | 'system',
  ref: string,
  names: NameTables,
  prompts: PromptLibrary,
  out: Diagnostic[],
): LinkedPrompt | null {
  const path = prompts.resolve(ref);
  const file = path ? prompts.read(path) : null;
  if (!file) {
    const dirs = names.config.promptPaths.join(', ');
    out.push(error('LOOM043', `${key} \`${ref}\` of \`${model.name}\`: no such template in ${dirs}${didYouMean(ref, prompts.names())}`, locateKey(model, key)));
    return null;
  }
  const includes: PromptFile[] = [];
  const seen = new Set<string>([file.path]);
  const queue = [file];
  while (queue.length) {
    const current = queue.shift()!;
    const a = current.analysis;
    const at = (p: { line: number; col: number }): SourceLocation => ({ file: current.path, line: p.line, col: p.col });
    if (a.syntaxError) continue; // reported once per file by linkProject
    out.push(...resolveCalls(node, a.calls, (c) => ({ ...at(c), endLine: c.line, endCol: c.col + c.text.length }), names));
    for (const inc of a.includes) {
      const incPath = prompts.resolve(inc.name);
      const incFile = incPath ? prompts.read(incPath) : null;
      if (!incFile) {
        out.push(error('LOOM043', `template \`${inc.name}\` included here does not exist${didYouMean(inc.name, prompts.names())}`, at(inc)));
        continue;
      }
      if (!seen.has(incFile.path)) {
        seen.add(incFile.path);
        includes.push(incFile);
        queue.push(incFile);
      }
    }
  }
  return { name: ref, file, includes };
}

/** The evaluate block's problems (missing inputs, unknown options, fields the output does not have) at their YAML positions. */
function checkEvaluate(model: RawModel, raw: unknown, outputSchema: JsonSchema | null, projectDir: string): Diagnostic[] {
  const block = normalizeEvaluateBlock(raw);
  const origin = keyOrigin(model, 'evaluate');
  const at = (path: readonly (string | number)[]) => origin.file.locate([...origin.path, ...path]);
  const shape = (path: readonly (string | number)[]) => evaluateExampleNotes(raw, path);
  const out: Diagnostic[] = block.problems.map((p) => error('LOOM080', `evaluate of \`${model.name}\`: ${p.message}`, at(p.path), shape(p.path)));
  out.push(...block.warnings.map((p) => warning('LOOM085', `evaluate of \`${model.name}\`: ${p.message}`, at(p.path))));
  const fields = outputSchema ? Object.keys((outputSchema.properties ?? {}) as object) : ['output'];
  const rawEvaluators = ((raw as { evaluators?: unknown[] }).evaluators ?? []) as Record<string, unknown>[];
  block.specs.forEach((spec, i) => {
    for (const [input, binding] of Object.entries(spec.inputs)) {
      if (binding?.from === 'output' && binding.field !== undefined) {
        const top = binding.field.split('.')[0];
        if (outputSchema && outputSchema.properties && !fields.includes(top)) {
          out.push(
            error(
              'LOOM081',
              `evaluator \`${spec.name}\` of \`${model.name}\` reads \`output.${binding.field}\`, but the output schema has no field \`${top}\`${didYouMean(top, fields)}; fields: ${fields.join(', ')}`,
              at(['evaluators', i, 'inputs', input]),
              shape(['evaluators', i]),
            ),
          );
        }
      }
    }
    if (spec.type === 'custom' && typeof spec.options.module === 'string' && !existsSync(join(projectDir, spec.options.module))) {
      const written = rawEvaluators[i]?.module !== undefined ? ['evaluators', i, 'module'] : ['evaluators', i];
      out.push(error('LOOM082', `custom evaluator \`${spec.name}\` of \`${model.name}\`: module ${spec.options.module} does not exist`, at(written), shape(['evaluators', i])));
    }
  });
  return out;
}

export type { YamlPath };
