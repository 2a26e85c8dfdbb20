/**
 * The chunks of `source`, each passed through `prepare`, with the next one read and prepared while the caller
 * works on the current one — so the rows in flight never drain while the warehouse is queried.
 */
export async function* readAhead<T, R>(source: AsyncGenerator<T>, prepare: (item: T) => Promise<R>): AsyncGenerator<R> {
  const next = async (): Promise<{ value: R } | null> => {
    const item = await source.next();
    return item.done ? null : { value: await prepare(item.value) };
  };
  let pending = next();
  try {
    for (;;) {
      const current = await pending;
      if (!current) return;
      pending = next();
      yield current.value;
    }
  } finally {
    await pending.catch(() => undefined);
    await source.return(undefined);
  }
}
