/**
 * The OpenAI wire protocol (JSON POSTs, bearer auth) sent by Loom itself over an `undici` keep-alive pool,
 * for plain-http endpoints where per-call CPU decides throughput (the SDK over global fetch costs several
 * times more per call). It throws the openai SDK's own error classes (direct-errors.ts), so errors are
 * classified exactly as on the SDK path.
 *
 * undici's Pool is loaded when the first transport is built, not when this module loads (undici-pool.ts), so
 * commands that never call an LLM skip it.
 */
import { EventEmitter } from 'node:events';
import type { Dispatcher, Pool } from 'undici';
import { type StoppedBy, statusError, toSdkTransportError } from './direct-errors.js';
import { loadPool } from './undici-pool.js';

export interface DirectTransportOptions {
  /** http://host:port/prefix[?query] (as OPENAI_BASE_URL); the query is kept on every request. */
  baseURL: string;
  /** Sent as a bearer token; undefined sends no Authorization header (e.g. Azure's api-key header instead). */
  apiKey: string | undefined;
  headers?: Record<string, string>;
  organization?: string;
  project?: string;
  /** Most sockets open to the endpoint at once; requests beyond it wait for a free one. */
  connections?: number;
}

export interface DirectCallOptions {
  timeoutMs: number;
  signal?: AbortSignal;
}

/** Headers undici derives itself (or refuses): settings cannot override them. */
const MANAGED_HEADERS = new Set(['host', 'content-length', 'connection', 'transfer-encoding', 'keep-alive', 'upgrade', 'expect']);

/** Starts loading undici (~135 ms of CPU) while a run is still waiting on the warehouse, not when the first row is ready. */
export function preloadDirectTransport(): void {
  void loadPool().catch(() => undefined);
}

export class DirectOpenAITransport {
  private pool: Pool | null = null;
  private readonly origin: string;
  private readonly prefix: string;
  private readonly search: string;
  private readonly headers: Record<string, string>;
  private readonly connections: number;

  constructor(options: DirectTransportOptions) {
    const url = new URL(options.baseURL);
    if (url.protocol !== 'http:') throw new Error(`The direct transport speaks plain http only, not ${url.protocol} (${options.baseURL}).`);
    this.origin = url.origin;
    this.prefix = url.pathname.replace(/\/+$/, '');
    this.search = url.search;
    this.connections = Math.max(1, options.connections ?? 16);
    const headers: Record<string, string> = {
      accept: 'application/json',
      'content-type': 'application/json',
      'user-agent': 'loom (openai-compatible)',
    };
    if (options.apiKey !== undefined) headers.authorization = `Bearer ${options.apiKey}`;
    if (options.organization) headers['openai-organization'] = options.organization;
    if (options.project) headers['openai-project'] = options.project;
    for (const [name, value] of Object.entries(options.headers ?? {})) {
      const lower = name.toLowerCase();
      if (MANAGED_HEADERS.has(lower)) continue;
      if (/[\r\n\0]/.test(name) || /[\r\n\0]/.test(value)) throw new TypeError(`Invalid header ${name}: contains a line break`);
      headers[lower] = value;
    }
    this.headers = headers;
    void loadPool().catch(() => undefined); // start loading now; post() reports a failure to load
  }

  /** POSTs `body` as JSON to `<base>/<path>` and returns the parsed answer (text when it is not JSON). */
  async post(path: string, body: unknown, options: DirectCallOptions): Promise<unknown> {
    if (options.signal?.aborted) throw toSdkTransportError(undefined, 'caller');
    const pool = this.pool ?? (await this.openPool());
    const deadline = new Deadline(options);
    let response: Dispatcher.ResponseData;
    let text: string;
    try {
      response = await pool.request({
        method: 'POST',
        path: this.prefix + path + this.search,
        headers: this.headers,
        body: JSON.stringify(body),
        signal: deadline,
        // The deadline covers the whole exchange; undici's own per-phase timers would only duplicate it.
        ...(deadline.timed ? { headersTimeout: 0, bodyTimeout: 0 } : {}),
      });
      text = await response.body.text();
    } catch (err) {
      throw toSdkTransportError(err, deadline.stoppedBy);
    } finally {
      deadline.clear();
    }
    if (response.statusCode < 200 || response.statusCode >= 300) throw statusError(response.statusCode, text, response.headers);
    const type = response.headers['content-type'];
    const mediaType = (Array.isArray(type) ? type[0] : type)?.split(';')[0]!.trim() ?? '';
    return mediaType === 'application/json' || mediaType.endsWith('+json') ? JSON.parse(text) : text;
  }

  /** Closes the sockets once their requests end; a later post() opens a new pool. */
  close(): void {
    const pool = this.pool;
    this.pool = null;
    pool?.close().catch(() => undefined);
  }

  private async openPool(): Promise<Pool> {
    const Pool = await loadPool();
    this.pool ??= new Pool(this.origin, { connections: this.connections });
    return this.pool;
  }
}

/**
 * The request's abort signal, in the EventEmitter form undici accepts: emits 'abort' once timeoutMs has
 * passed or the caller's signal fires. An AbortController per request costs tens of µs of CPU more.
 */
class Deadline extends EventEmitter {
  /** Why the request was stopped, if it was. */
  stoppedBy: StoppedBy | undefined;
  readonly timed: boolean;
  private readonly timer: NodeJS.Timeout | undefined;
  private readonly userSignal: AbortSignal | undefined;
  private readonly onUserAbort: (() => void) | undefined;

  constructor(options: DirectCallOptions) {
    super();
    this.timed = options.timeoutMs > 0;
    if (this.timed) this.timer = setTimeout(() => this.stop('deadline'), options.timeoutMs);
    if (options.signal) {
      this.userSignal = options.signal;
      this.onUserAbort = () => this.stop('caller');
      options.signal.addEventListener('abort', this.onUserAbort, { once: true });
    }
  }

  clear(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    if (this.onUserAbort) this.userSignal!.removeEventListener('abort', this.onUserAbort);
  }

  private stop(by: StoppedBy): void {
    if (this.stoppedBy) return;
    this.stoppedBy = by;
    this.emit('abort');
  }
}
