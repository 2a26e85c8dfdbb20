/** What is wrong with a sql model that is not exactly one statement (compile's LOOM057, or a node error). */
export function multiStatementMessage(model: string, count: number): string {
  const what = count === 0 ? 'no statement (only comments)' : `${count} statements`;
  return `the sql of \`${model}\` compiles to ${what}; a sql model is exactly one query. Look for a \`;\` in the sql and in the values it takes from var() and env_var() (--vars included)`;
}
