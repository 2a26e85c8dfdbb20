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

/**
 * `source` with its first chunk cut into growing pieces (`first`, twice that, ...): the first requests go out
 * after `first` rows are prepared, not after a whole 2,048-row chunk. Later chunks pass through whole.
 */
export async function* startSmall<T>(source: AsyncGenerator<T[]>, first: number): AsyncGenerator<T[]> {
  try {
    const head = await source.next();
    if (head.done) return;
    let size = Math.max(1, first);
    for (let at = 0; at < head.value.length; ) {
      yield head.value.slice(at, at + size);
      at += size;
      size *= 2;
    }
    for (;;) {
      const next = await source.next();
      if (next.done) return;
      yield next.value;
    }
  } finally {
    await source.return(undefined);
  }
}
