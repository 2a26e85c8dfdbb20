import { hash } from 'node:crypto';

/** Hex sha256 of a string; the one-shot crypto.hash is several times cheaper than a Hash object for short input. */
export function sha256(text: string): string {
  return hash('sha256', text, 'hex');
}

/**
 * JSON with object keys sorted at every level, so equal values always hash equally. Same output as
 * JSON.stringify of a key-sorted copy, written directly instead of building the copy (it runs for every node).
 */
export function canonicalJson(value: unknown): string {
  return write(value) as string;
}

function write(value: unknown): string | undefined {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      return Number.isFinite(value) ? JSON.stringify(value) : 'null';
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object': {
      if (Array.isArray(value)) {
        let out = '[';
        for (let i = 0; i < value.length; i++) out += `${i ? ',' : ''}${write(value[i]) ?? 'null'}`;
        return `${out}]`;
      }
      const withJson = value as { toJSON?: () => unknown };
      if (typeof withJson.toJSON === 'function') return write(withJson.toJSON());
      const record = value as Record<string, unknown>;
      let out = '{';
      let first = true;
      for (const key of Object.keys(record).sort()) {
        const text = write(record[key]);
        if (text === undefined) continue;
        out += `${first ? '' : ','}${JSON.stringify(key)}:${text}`;
        first = false;
      }
      return `${out}}`;
    }
    default:
      return undefined;
  }
}

export function hashOf(value: unknown): string {
  return sha256(typeof value === 'string' ? value : canonicalJson(value));
}
