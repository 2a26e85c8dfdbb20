import type { ManifestNode } from '../contracts/manifest.js';
import { didYouMean, listOf } from '../diagnostics/suggest.js';
import { analyzeTemplate } from '../template/analyze.js';
import { rowFieldsRead } from '../template/names.js';
import type { Connection } from '../warehouse/database.js';
import { describeRelation, isLoomColumn, outputColumns, type Column, type LlmTableSpec } from '../warehouse/llm-table.js';
import { splitRelation } from '../warehouse/materialize.js';
import type { RunContext } from './types.js';
import { explainWarehouseError } from './warehouse-errors.js';

/** A problem with the node's input or settings that ends it in error with this message. */
export class NodeFailure extends Error {}

/** Columns of the input and of the table to write, checked against unique_key and passthrough. */
export async function tableSpec(reader: Connection, node: ManifestNode, input: string, inputName: string, ctx: RunContext): Promise<LlmTableSpec> {
  const all = await describeRelation(reader, input).catch((e: Error) => {
    throw new NodeFailure(`cannot read the input ${inputName}: ${explainWarehouseError(e, node, ctx.manifest)}`);
  });
  const inputColumns = all.filter((c) => !isLoomColumn(c.name));
  const names = inputColumns.map((c) => c.name);
  const unknown = rowFieldsRead(node.prompt ? [node.prompt.compiled, node.prompt.system?.compiled ?? ''] : [], analyzeTemplate).find((f) => !names.includes(f));
  if (unknown !== undefined) {
    throw new NodeFailure(`the prompt reads \`row.${unknown}\`, but ${inputName} has no column \`${unknown}\`${didYouMean(unknown, names)}; its columns: ${listOf(names, 'and')} (write \`row.${unknown} | default('')\` if it may be missing)`);
  }
  const key = (node.config.unique_key as string | undefined) ?? null;
  if (key && !names.includes(key)) {
    throw new NodeFailure(`unique_key \`${key}\` is not a column of ${inputName}${didYouMean(key, names)}; its columns: ${listOf(names, 'and')}`);
  }
  const outputs = outputColumns(node.output_schema);
  const outputNames = new Set(outputs.map((c) => c.name));
  const passthrough = node.config.passthrough ?? true;
  let copied: Column[];
  if (passthrough === true) copied = inputColumns.filter((c) => !outputNames.has(c.name) || c.name === key);
  else if (passthrough === false) copied = [];
  else {
    const missing = passthrough.filter((p) => !names.includes(p));
    if (missing.length) {
      throw new NodeFailure(`passthrough column \`${missing[0]}\` is not a column of ${inputName}${didYouMean(missing[0], names)}; its columns: ${listOf(names, 'and')}`);
    }
    const clash = passthrough.find((p) => outputNames.has(p));
    if (clash) throw new NodeFailure(`passthrough column \`${clash}\` has the same name as an output field; remove it from passthrough or rename the field`);
    copied = inputColumns.filter((c) => passthrough.includes(c.name));
  }
  if (key) {
    if (outputNames.has(key)) outputs.splice(outputs.findIndex((c) => c.name === key), 1);
    copied = [inputColumns.find((c) => c.name === key)!, ...copied.filter((c) => c.name !== key)];
  }
  const [schema, table] = splitRelation(node.relation_name);
  return { nodeId: node.unique_id, relation: node.relation_name, schema, table, input, inputColumns, keyColumn: key, copied, outputs };
}
