/**
 * A small keep-alive HTTP/1.1 client for plain-`http:` endpoints (local OpenAI-compatible servers and the
 * fake server). Each request goes out in one write and the answer is parsed without streams; bodies are
 * buffered whole (we never stream). Handles content-length, chunked and read-until-close bodies, 1xx
 * heads, gzip/deflate/br, and resends once on a fresh socket when a reused keep-alive socket turns out to
 * have been closed by the server before it saw the request.
 *
 * Why not `fetch`/`http.request`: on a 2-core box they cost 100-300 µs of CPU per call, which caps a
 * build near 3,000 calls/s; this costs a fraction of that.
 */
import net from 'node:net';
import zlib from 'node:zlib';

export interface Http1Response {
  status: number;
  /** Lower-case names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  body: Buffer;
}

export interface Http1Request {
  method: string;
  /** Path and query, e.g. `/v1/chat/completions`. */
  path: string;
  /** Pre-rendered header lines (`name: value\r\n` each), without host, content-length or connection. */
  headerLines: string;
  body: string | Uint8Array | null;
  signal?: AbortSignal;
  /** Gives up (Http1TimeoutError) when no complete answer arrived in this many ms. */
  timeoutMs?: number;
}

export interface Http1ClientOptions {
  /** Max open sockets per origin; requests beyond it wait for a free one. */
  maxSocketsPerOrigin?: number;
  /** Close idle sockets after this long (servers close theirs too; we try to do it first). */
  idleTimeoutMs?: number;
}

/** No complete answer within the request's timeoutMs. */
export class Http1TimeoutError extends Error {
  constructor(ms: number) {
    super(`Request timed out after ${ms} ms.`);
    this.name = 'Http1TimeoutError';
  }
}

/** The socket failed; `reused`/`receivedBytes` tell whether resending is safe. */
export class Http1ConnectionError extends Error {
  constructor(
    message: string,
    readonly reused: boolean,
    readonly receivedBytes: number,
    cause: unknown,
  ) {
    super(message, { cause });
    this.name = 'Http1ConnectionError';
  }
}

export function abortError(): Error {
  return new DOMException('This operation was aborted', 'AbortError');
}

const DEFAULT_IDLE_MS = 4_000;
const MAX_HEAD_BYTES = 64 * 1024;

interface Pending {
  resolve(response: Http1Response): void;
  reject(error: Error): void;
  method: string;
  reused: boolean;
  receivedBytes: number;
}

/** One keep-alive connection and its response parser. */
class Connection {
  readonly socket: net.Socket;
  pending: Pending | null = null;
  alive = true;
  idleTimeoutMs: number;
  private buffer: Buffer | null = null;
  private phase: 'head' | 'fixed' | 'chunked' | 'until-close' = 'head';
  private status = 0;
  private headers: Record<string, string> = {};
  private keepAlive = true;
  private remaining = 0;
  private bodyParts: Buffer[] = [];
  private chunkState: 'size' | 'data' | 'data-crlf' | 'trailer' = 'size';

  constructor(
    host: string,
    port: number,
    private readonly onIdle: (c: Connection) => void,
    private readonly onGone: (c: Connection) => void,
    idleTimeoutMs: number,
  ) {
    this.idleTimeoutMs = idleTimeoutMs;
    this.socket = net.connect({ host, port });
    this.socket.setNoDelay(true);
    this.socket.on('data', (chunk: Buffer) => this.onData(chunk));
    this.socket.on('error', (err) => this.fail(err));
    this.socket.on('close', () => this.fail(new Error('other side closed')));
    this.socket.on('timeout', () => {
      if (!this.pending) this.socket.destroy();
    });
  }

  send(head: string, body: string | Uint8Array | null, pending: Pending): void {
    this.pending = pending;
    this.phase = 'head';
    this.buffer = null;
    this.socket.setTimeout(0);
    this.socket.ref();
    if (body === null) this.socket.write(head, 'latin1');
    else if (typeof body === 'string') this.socket.write(head + body, 'utf8');
    else {
      this.socket.cork();
      this.socket.write(head, 'latin1');
      this.socket.write(body);
      this.socket.uncork();
    }
  }

  /** Drops the connection (its request is abandoned). */
  abort(): void {
    const wasAlive = this.alive;
    this.pending = null;
    this.alive = false;
    this.socket.destroy();
    if (wasAlive) this.onGone(this);
  }

  private fail(err: Error): void {
    const wasAlive = this.alive;
    this.alive = false;
    const pending = this.pending;
    this.pending = null;
    if (this.phase === 'until-close' && pending && err.message === 'other side closed') this.finish(pending);
    else if (pending) pending.reject(new Http1ConnectionError(err.message, pending.reused, pending.receivedBytes, err));
    if (wasAlive) this.onGone(this);
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    const pending = this.pending;
    if (!pending) {
      this.socket.destroy(); // bytes nobody asked for: the connection is out of sync
      return;
    }
    pending.receivedBytes += chunk.length;
    try {
      this.parse(chunk, pending);
    } catch (err) {
      this.pending = null;
      const wasAlive = this.alive;
      this.alive = false;
      this.socket.destroy();
      if (wasAlive) this.onGone(this);
      pending.reject(new Http1ConnectionError(`invalid HTTP response: ${(err as Error).message}`, pending.reused, pending.receivedBytes, err));
    }
  }

  private parse(chunk: Buffer, pending: Pending): void {
    let data = this.buffer ? Buffer.concat([this.buffer, chunk]) : chunk;
    this.buffer = null;
    for (;;) {
      if (this.phase === 'head') {
        const end = data.indexOf('\r\n\r\n');
        if (end < 0) {
          if (data.length > MAX_HEAD_BYTES) throw new Error('response head too large');
          if (data.length > 0) this.buffer = data;
          return;
        }
        const informational = this.parseHead(data.toString('latin1', 0, end), pending.method);
        data = data.subarray(end + 4);
        if (!informational && (this.phase as string) === 'fixed' && this.remaining === 0) return this.finish(pending);
        continue;
      }
      if (data.length === 0) return;
      if (this.phase === 'fixed') {
        const take = Math.min(this.remaining, data.length);
        this.bodyParts.push(data.subarray(0, take));
        this.remaining -= take;
        if (this.remaining === 0) return this.finish(pending);
        return;
      }
      if (this.phase === 'until-close') {
        this.bodyParts.push(data);
        return;
      }
      if (this.chunkState === 'data') {
        const take = Math.min(this.remaining, data.length);
        this.bodyParts.push(data.subarray(0, take));
        this.remaining -= take;
        data = data.subarray(take);
        if (this.remaining === 0) this.chunkState = 'data-crlf';
        continue;
      }
      const eol = data.indexOf('\r\n');
      if (eol < 0) {
        this.buffer = data;
        return;
      }
      const line = data.toString('latin1', 0, eol);
      data = data.subarray(eol + 2);
      if (this.chunkState === 'data-crlf') {
        this.chunkState = 'size';
      } else if (this.chunkState === 'trailer') {
        if (line === '') return this.finish(pending);
      } else {
        const size = parseInt(line, 16);
        if (!Number.isFinite(size) || size < 0) throw new Error(`bad chunk size "${line.slice(0, 20)}"`);
        if (size === 0) this.chunkState = 'trailer';
        else {
          this.remaining = size;
          this.chunkState = 'data';
        }
      }
    }
  }

  /** Returns true for a 1xx head (another head follows). */
  private parseHead(head: string, method: string): boolean {
    const lines = head.split('\r\n');
    const statusLine = lines[0]!;
    const match = /^HTTP\/(\d)\.(\d) (\d{3})/.exec(statusLine);
    if (!match) throw new Error(`bad status line "${statusLine.slice(0, 80)}"`);
    const status = Number(match[3]);
    if (status >= 100 && status < 200) return true;
    const headers: Record<string, string> = {};
    for (let i = 1; i < lines.length; i++) {
      const line = lines[i]!;
      const colon = line.indexOf(':');
      if (colon <= 0) continue;
      const name = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      headers[name] = name in headers ? `${headers[name]}, ${value}` : value;
    }
    this.status = status;
    this.headers = headers;
    this.bodyParts = [];
    const http10 = match[1] === '1' && match[2] === '0';
    const connection = (headers['connection'] ?? '').toLowerCase();
    this.keepAlive = http10 ? connection.includes('keep-alive') : !connection.includes('close');
    const keepAliveHint = /timeout=(\d+)/i.exec(headers['keep-alive'] ?? '');
    if (keepAliveHint) this.idleTimeoutMs = Math.max(0, Math.min(this.idleTimeoutMs, Number(keepAliveHint[1]) * 1000 - 1000));
    if (method === 'HEAD' || status === 204 || status === 304) {
      this.phase = 'fixed';
      this.remaining = 0;
    } else if ((headers['transfer-encoding'] ?? '').toLowerCase().includes('chunked')) {
      this.phase = 'chunked';
      this.chunkState = 'size';
    } else if (headers['content-length'] !== undefined) {
      this.phase = 'fixed';
      this.remaining = Number(headers['content-length']);
      if (!Number.isSafeInteger(this.remaining) || this.remaining < 0) throw new Error('bad content-length');
    } else {
      this.phase = 'until-close';
      this.keepAlive = false;
    }
    return false;
  }

  private finish(pending: Pending): void {
    this.pending = null;
    let body = this.bodyParts.length === 1 ? this.bodyParts[0]! : Buffer.concat(this.bodyParts);
    this.bodyParts = [];
    this.phase = 'head';
    const headers = this.headers;
    const encoding = headers['content-encoding'];
    if (this.keepAlive && this.alive) this.onIdle(this);
    else if (this.alive) {
      this.alive = false;
      this.onGone(this);
      this.socket.destroy();
    }
    try {
      if (encoding && encoding !== 'identity') body = decompress(body, encoding);
    } catch (err) {
      pending.reject(new Http1ConnectionError(`could not decode the ${encoding} body: ${(err as Error).message}`, pending.reused, pending.receivedBytes, err));
      return;
    }
    pending.resolve({ status: this.status, headers, body });
  }
}

function decompress(body: Buffer, encoding: string): Buffer {
  switch (encoding.toLowerCase()) {
    case 'gzip':
    case 'x-gzip':
      return zlib.gunzipSync(body);
    case 'deflate':
      return zlib.inflateSync(body);
    case 'br':
      return zlib.brotliDecompressSync(body);
    default:
      throw new Error(`unsupported content-encoding "${encoding}"`);
  }
}

class Origin {
  private idle: Connection[] = [];
  private open = 0;
  private waiting: Array<(c: Connection, reused: boolean) => void> = [];

  constructor(
    private readonly host: string,
    private readonly port: number,
    private readonly maxSockets: number,
    private readonly idleTimeoutMs: number,
  ) {}

  /** A free connection (reused when possible), waiting when the origin is at its socket limit. */
  acquire(): { connection: Connection; reused: boolean } | Promise<{ connection: Connection; reused: boolean }> {
    while (this.idle.length > 0) {
      const c = this.idle.pop()!;
      if (c.alive && !c.socket.destroyed) return { connection: c, reused: true };
    }
    if (this.open < this.maxSockets) return { connection: this.connect(), reused: false };
    return new Promise((resolve) => this.waiting.push((connection, reused) => resolve({ connection, reused })));
  }

  /** A brand-new connection, beyond the limit if need be (for the one resend after a stale socket). */
  fresh(): Connection {
    return this.connect();
  }

  private connect(): Connection {
    this.open++;
    return new Connection(
      this.host,
      this.port,
      (c) => this.release(c),
      (c) => this.gone(c),
      this.idleTimeoutMs,
    );
  }

  private release(c: Connection): void {
    const next = this.waiting.shift();
    if (next) return next(c, true);
    c.socket.setTimeout(c.idleTimeoutMs);
    c.socket.unref();
    this.idle.push(c);
  }

  private gone(c: Connection): void {
    this.open--;
    const i = this.idle.indexOf(c);
    if (i >= 0) this.idle.splice(i, 1);
    const next = this.waiting.shift();
    if (next) next(this.connect(), false);
  }

  close(): void {
    for (const c of this.idle) c.socket.destroy();
    this.idle = [];
  }
}

export class Http1Client {
  private readonly origins = new Map<string, Origin>();
  private readonly maxSockets: number;
  private readonly idleTimeoutMs: number;

  constructor(options: Http1ClientOptions = {}) {
    this.maxSockets = options.maxSocketsPerOrigin ?? 1024;
    this.idleTimeoutMs = options.idleTimeoutMs ?? DEFAULT_IDLE_MS;
  }

  /** Sends one request to `http://host:port`. Rejects with AbortError, Http1TimeoutError or Http1ConnectionError. */
  async request(hostname: string, port: number, req: Http1Request): Promise<Http1Response> {
    const key = `${hostname}:${port}`;
    let origin = this.origins.get(key);
    if (!origin) {
      origin = new Origin(hostname, port, this.maxSockets, this.idleTimeoutMs);
      this.origins.set(key, origin);
    }
    if (req.signal?.aborted) throw abortError();
    const bodyLength = req.body === null ? -1 : typeof req.body === 'string' ? Buffer.byteLength(req.body) : req.body.byteLength;
    const host = hostname.includes(':') ? `[${hostname}]` : hostname;
    let head = `${req.method} ${req.path} HTTP/1.1\r\nhost: ${port === 80 ? host : `${host}:${port}`}\r\n${req.headerLines}`;
    if (bodyLength >= 0) head += `content-length: ${bodyLength}\r\n`;
    else if (req.method === 'POST' || req.method === 'PUT' || req.method === 'PATCH') head += 'content-length: 0\r\n';
    head += 'connection: keep-alive\r\n\r\n';
    try {
      return await this.attempt(origin, head, req, false);
    } catch (err) {
      // A keep-alive socket the server had just closed: the request never reached it, so send it once more.
      if (err instanceof Http1ConnectionError && err.reused && err.receivedBytes === 0 && !req.signal?.aborted) {
        return this.attempt(origin, head, req, true);
      }
      throw err;
    }
  }

  /** Closes idle sockets (busy ones close when their request ends). */
  close(): void {
    for (const origin of this.origins.values()) origin.close();
  }

  private async attempt(origin: Origin, head: string, req: Http1Request, fresh: boolean): Promise<Http1Response> {
    const got = fresh ? { connection: origin.fresh(), reused: false } : await origin.acquire();
    const { connection, reused } = got;
    const signal = req.signal;
    if (signal?.aborted) {
      connection.abort();
      throw abortError();
    }
    return new Promise<Http1Response>((resolve, reject) => {
      let timer: NodeJS.Timeout | null = null;
      const onAbort = () => {
        cleanup();
        connection.abort();
        reject(abortError());
      };
      const cleanup = () => {
        if (timer !== null) clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
      };
      if (signal) signal.addEventListener('abort', onAbort, { once: true });
      if (req.timeoutMs !== undefined && req.timeoutMs > 0) {
        const ms = req.timeoutMs;
        timer = setTimeout(() => {
          cleanup();
          connection.abort();
          reject(new Http1TimeoutError(ms));
        }, ms);
      }
      connection.send(head, req.body, {
        method: req.method,
        reused,
        receivedBytes: 0,
        resolve: (r) => {
          cleanup();
          resolve(r);
        },
        reject: (e) => {
          cleanup();
          reject(e);
        },
      });
    });
  }
}

/** Renders header lines, refusing line breaks (header injection) and the headers the client sets itself. */
export function renderHeaderLines(headers: Iterable<[string, string]>): string {
  let out = '';
  for (const [name, value] of headers) {
    const lower = name.toLowerCase();
    if (lower === 'host' || lower === 'content-length' || lower === 'connection' || lower === 'transfer-encoding' || lower === 'keep-alive') continue;
    if (/[\r\n]/.test(name) || /[\r\n]/.test(value)) throw new TypeError(`Invalid header ${name}: contains a line break`);
    out += `${lower}: ${value}\r\n`;
  }
  return out;
}
