/**
 * A `fetch` for the openai SDK's `fetch` option: plain-`http:` URLs go through our keep-alive HTTP/1.1
 * client (much cheaper per call than undici), everything else (https, streaming bodies) through the
 * global fetch. Returns the subset of `Response` the SDK reads, over a fully buffered body.
 */
import { Http1Client, Http1ConnectionError, type Http1ClientOptions, Http1TimeoutError, renderHeaderLines } from './http1-client.js';

type FetchLike = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

export interface Http1Fetch extends FetchLike {
  /** Closes idle sockets. */
  close(): void;
}

export class LightHeaders {
  constructor(private readonly map: Record<string, string>) {}
  get(name: string): string | null {
    return this.map[name.toLowerCase()] ?? null;
  }
  has(name: string): boolean {
    return name.toLowerCase() in this.map;
  }
  *entries(): IterableIterator<[string, string]> {
    for (const key of Object.keys(this.map)) yield [key, this.map[key]!];
  }
  *keys(): IterableIterator<string> {
    yield* Object.keys(this.map);
  }
  *values(): IterableIterator<string> {
    for (const key of Object.keys(this.map)) yield this.map[key]!;
  }
  forEach(callback: (value: string, key: string, parent: LightHeaders) => void): void {
    for (const key of Object.keys(this.map)) callback(this.map[key]!, key, this);
  }
  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.entries();
  }
}

class LightResponse {
  readonly ok: boolean;
  readonly statusText = '';
  readonly redirected = false;
  readonly type = 'basic';
  readonly body = null;
  bodyUsed = false;
  readonly headers: LightHeaders;
  constructor(
    readonly status: number,
    private readonly rawHeaders: Record<string, string>,
    private readonly payload: Buffer,
    readonly url: string,
  ) {
    this.ok = status >= 200 && status < 300;
    this.headers = new LightHeaders(rawHeaders);
  }
  private consume(): Buffer {
    if (this.bodyUsed) throw new TypeError('Body is unusable: Body has already been read');
    this.bodyUsed = true;
    return this.payload;
  }
  async text(): Promise<string> {
    return this.consume().toString('utf8');
  }
  async json(): Promise<unknown> {
    return JSON.parse(this.consume().toString('utf8'));
  }
  async arrayBuffer(): Promise<ArrayBuffer> {
    const b = this.consume();
    return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
  }
  clone(): LightResponse {
    return new LightResponse(this.status, this.rawHeaders, this.payload, this.url);
  }
}

function headerPairs(headers: RequestInit['headers']): Array<[string, string]> {
  if (!headers) return [];
  if (Array.isArray(headers)) return headers.map(([k, v]) => [String(k), String(v)]);
  if (typeof (headers as Headers).forEach === 'function') {
    const out: Array<[string, string]> = [];
    (headers as Headers).forEach((v, k) => out.push([k, v]));
    return out;
  }
  return Object.entries(headers as Record<string, string>).filter(([, v]) => v !== undefined).map(([k, v]) => [k, String(v)]);
}

function simpleBody(body: RequestInit['body']): string | Uint8Array | null | undefined {
  if (body === undefined || body === null) return null;
  if (typeof body === 'string') return body;
  if (body instanceof Uint8Array) return body;
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  if (body instanceof URLSearchParams) return body.toString();
  return undefined;
}

export function createHttp1Fetch(options: Http1ClientOptions & { fallbackFetch?: FetchLike } = {}): Http1Fetch {
  const client = new Http1Client(options);
  const fallback: FetchLike = options.fallbackFetch ?? ((input, init) => globalThis.fetch(input, init));

  const http1Fetch = (async (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    if (typeof input !== 'string' && !(input instanceof URL)) return fallback(input, init);
    const url = typeof input === 'string' ? input : input.href;
    const body = simpleBody(init.body);
    if (!url.startsWith('http://') || body === undefined) return fallback(input, init);
    const parsed = new URL(url);
    try {
      const r = await client.request(parsed.hostname.replace(/^\[|\]$/g, ''), Number(parsed.port || 80), {
        method: (init.method ?? 'GET').toUpperCase(),
        path: parsed.pathname + parsed.search,
        headerLines: renderHeaderLines(headerPairs(init.headers)),
        body,
        signal: init.signal ?? undefined,
      });
      if (r.status >= 300 && r.status < 400 && r.status !== 304 && r.headers['location']) return fallback(input, init);
      return new LightResponse(r.status, r.headers, r.body, url) as unknown as Response;
    } catch (err) {
      // Shaped like undici's failures, so the SDK classifies them the same way.
      if (err instanceof Http1ConnectionError || err instanceof Http1TimeoutError) throw new TypeError('fetch failed', { cause: err });
      throw err;
    }
  }) as Http1Fetch;
  http1Fetch.close = () => client.close();
  return http1Fetch;
}
