/** unique_id conventions, as in dbt: `<resource_type>.<project>.<name...>`. */
export const modelId = (project: string, name: string): string => `model.${project}.${name}`;
export const sourceId = (project: string, source: string, table: string): string => `source.${project}.${source}.${table}`;
export const destinationId = (project: string, name: string): string => `destination.${project}.${name}`;

/** `model.p.x` → `x`; `source.p.s.t` → `s.t` — how a node is named in messages. */
export function displayName(uniqueId: string): string {
  const parts = uniqueId.split('.');
  return parts.slice(2).join('.');
}
