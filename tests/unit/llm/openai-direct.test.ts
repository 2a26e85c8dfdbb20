/** The direct transport (undici pool) against servers that misbehave in ways the fake server cannot. */
import http from 'node:http';
import net from 'node:net';
import { createRequire } from 'node:module';
import type * as OpenAIErrors from 'openai/error';

// The same (CommonJS) copy of the SDK's error classes that Loom loads, so `instanceof` means what it says.
const { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError, RateLimitError } = createRequire(import.meta.url)('openai/error') as typeof OpenAIErrors;
import { afterEach, describe, expect, it } from 'vitest';
import { DirectOpenAITransport, type DirectTransportOptions } from '../../../src/llm/openai-direct.js';
import { OpenAIProvider } from '../../../src/llm/openai-provider.js';
import { toLlmError } from '../../../src/llm/openai-errors.js';
import { type FakeOpenAI, startFakeOpenAI } from '../../support/fake-openai/index.js';
import { KEY_ENV, testSettings } from './memory-stores.js';

const closers: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (closers.length) await closers.pop()!();
});

interface SeenRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A node:http server that counts TCP connections and the requests open at once. */
async function httpServer(handle: (req: SeenRequest, res: http.ServerResponse, n: number) => void) {
  const seen: SeenRequest[] = [];
  const counters = { connections: 0, open: 0, maxOpen: 0 };
  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (d: string) => (body += d));
    req.on('end', () => {
      const r = { method: req.method!, url: req.url!, headers: req.headers, body };
      seen.push(r);
      counters.open++;
      counters.maxOpen = Math.max(counters.maxOpen, counters.open);
      res.on('close', () => counters.open--);
      handle(r, res, seen.length);
    });
  });
  server.on('connection', () => counters.connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  const port = (server.address() as net.AddressInfo).port;
  return { seen, counters, url: `http://127.0.0.1:${port}/v1` };
}

/** A raw TCP server that answers each request with whatever `reply` writes. */
async function rawServer(reply: (socket: net.Socket) => void) {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    let buf = '';
    socket.on('data', (d) => {
      buf += d.toString('latin1');
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      const length = Number(/content-length: (\d+)/i.exec(buf.slice(0, end))?.[1] ?? 0);
      if (buf.length < end + 4 + length) return;
      buf = '';
      reply(socket);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(
    () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  );
  return `http://127.0.0.1:${(server.address() as net.AddressInfo).port}/v1`;
}

function transport(baseURL: string, options: Partial<DirectTransportOptions> = {}): DirectOpenAITransport {
  const t = new DirectOpenAITransport({ baseURL, apiKey: 'sk-test', ...options });
  closers.push(() => t.close());
  return t;
}

const json = (res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
};

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected the request to fail');
}

describe('DirectOpenAITransport requests', () => {
  it('POSTs JSON with the configured headers, keeps the base URL query, and parses the JSON answer', async () => {
    const srv = await httpServer((_req, res) => json(res, 200, { ok: true, n: 'é' }));
    const t = transport(`${srv.url}/?api-version=2024-10-21`, {
      organization: 'org-1',
      project: 'proj-1',
      headers: { 'X-Title': 'loom', Host: 'evil.example', Connection: 'close', 'Content-Length': '1' },
    });
    const answer = await t.post('/chat/completions', { model: 'm', text: 'ü' }, { timeoutMs: 2_000 });
    expect(answer).toEqual({ ok: true, n: 'é' });
    const [req] = srv.seen;
    expect(req!.method).toBe('POST');
    expect(req!.url).toBe('/v1/chat/completions?api-version=2024-10-21');
    expect(JSON.parse(req!.body)).toEqual({ model: 'm', text: 'ü' });
    expect(req!.headers).toMatchObject({
      authorization: 'Bearer sk-test',
      'content-type': 'application/json',
      accept: 'application/json',
      'openai-organization': 'org-1',
      'openai-project': 'proj-1',
      'x-title': 'loom',
      'content-length': String(Buffer.byteLength(req!.body)),
    });
    expect(req!.headers.host).toBe(new URL(srv.url).host); // settings cannot redirect Host
    expect(req!.headers.connection).not.toBe('close');
  });

  it('sends no Authorization header without a bearer key', async () => {
    const srv = await httpServer((_req, res) => json(res, 200, {}));
    await transport(srv.url, { apiKey: undefined, headers: { 'api-key': 'azure-key' } }).post('/embeddings', {}, { timeoutMs: 2_000 });
    expect(srv.seen[0]!.headers['api-key']).toBe('azure-key');
    expect(srv.seen[0]!.headers.authorization).toBeUndefined();
  });

  it('returns a non-JSON 200 answer as text (the provider then reports invalid_response)', async () => {
    const srv = await httpServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html>proxy login</html>');
    });
    expect(await transport(srv.url).post('/chat/completions', {}, { timeoutMs: 2_000 })).toBe('<html>proxy login</html>');
  });

  it('refuses https and header values with line breaks at construction', () => {
    expect(() => new DirectOpenAITransport({ baseURL: 'https://api.openai.com/v1', apiKey: 'k' })).toThrow(/plain http only/);
    expect(() => new DirectOpenAITransport({ baseURL: 'http://127.0.0.1:9/v1', apiKey: 'k', headers: { 'x-evil': 'a\r\nhost: other' } })).toThrow(
      /line break/,
    );
  });
});

describe('DirectOpenAITransport keep-alive', () => {
  it('reuses its connections for sequential calls', async () => {
    const srv = await httpServer((_req, res) => json(res, 200, { ok: 1 }));
    const t = transport(srv.url);
    for (let i = 0; i < 3; i++) await t.post('/chat/completions', { i }, { timeoutMs: 2_000 });
    // undici may open a second socket while the first is being released; after that, no new ones.
    const warm = srv.counters.connections;
    expect(warm).toBeLessThanOrEqual(2);
    for (let i = 0; i < 20; i++) await t.post('/chat/completions', { i }, { timeoutMs: 2_000 });
    expect(srv.seen).toHaveLength(23);
    expect(srv.counters.connections).toBe(warm);
  });

  it('opens at most `connections` sockets and reuses them for the next burst', async () => {
    const srv = await httpServer((_req, res) => setTimeout(() => json(res, 200, { ok: 1 }), 15));
    const t = transport(srv.url, { connections: 3 });
    const burst = () => Promise.all(Array.from({ length: 12 }, (_, i) => t.post('/chat/completions', { i }, { timeoutMs: 5_000 })));
    expect(await burst()).toHaveLength(12);
    expect(srv.counters.maxOpen).toBe(3);
    expect(srv.counters.connections).toBe(3);
    await burst();
    expect(srv.seen).toHaveLength(24);
    expect(srv.counters.connections).toBe(3);
  });

  it('opens a new pool after close()', async () => {
    const srv = await httpServer((_req, res) => json(res, 200, { ok: 1 }));
    const t = transport(srv.url);
    await t.post('/chat/completions', {}, { timeoutMs: 2_000 });
    t.close();
    expect(await t.post('/chat/completions', {}, { timeoutMs: 2_000 })).toEqual({ ok: 1 });
    expect(srv.counters.connections).toBe(2);
  });
});

describe('DirectOpenAITransport failures', () => {
  it('times out a server that never answers, and does not reuse that socket', async () => {
    const srv = await httpServer((req, res, n) => {
      if (n === 1) return; // hang
      json(res, 200, { n });
    });
    const t = transport(srv.url);
    // No elapsed-time bounds: on a loaded machine they measure the machine. Without the deadline this call would
    // hang until the test's own timeout.
    const err = await rejection(t.post('/chat/completions', {}, { timeoutMs: 120 }));
    expect(err).toBeInstanceOf(APIConnectionTimeoutError);
    expect(toLlmError(err, 'm').kind).toBe('timeout');
    // Had the hung socket been reused, this request would hang behind the first one.
    expect(await t.post('/chat/completions', {}, { timeoutMs: 2_000 })).toEqual({ n: 2 });
    expect(srv.counters.connections).toBeGreaterThanOrEqual(2);
  });

  it('times out a body that stalls after the headers arrived (the deadline covers the whole answer)', async () => {
    const url = await rawServer((socket) => socket.write('HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 50\r\n\r\n{"choi'));
    const err = await rejection(transport(url).post('/chat/completions', {}, { timeoutMs: 120 }));
    expect(err).toBeInstanceOf(APIConnectionTimeoutError);
  });

  it('reports a caller abort as an abort, not a timeout', async () => {
    const srv = await httpServer(() => undefined);
    const controller = new AbortController();
    const pending = rejection(transport(srv.url).post('/chat/completions', {}, { timeoutMs: 5_000, signal: controller.signal }));
    setTimeout(() => controller.abort(), 20);
    const err = await pending;
    expect(err).toBeInstanceOf(APIUserAbortError);
    expect(toLlmError(err, 'm').kind).toBe('aborted');
    const already = await rejection(transport(srv.url).post('/chat/completions', {}, { timeoutMs: 5_000, signal: AbortSignal.abort() }));
    expect(already).toBeInstanceOf(APIUserAbortError);
  });

  it('maps a reset connection, a refused port, a cut-off body and garbage to connection errors', async () => {
    const reset = await rawServer((socket) => socket.destroy());
    const resetErr = await rejection(transport(reset).post('/chat/completions', {}, { timeoutMs: 2_000 }));
    expect(resetErr).toBeInstanceOf(APIConnectionError);
    expect(resetErr).not.toBeInstanceOf(APIConnectionTimeoutError);
    expect(toLlmError(resetErr, 'm').kind).toBe('connection');

    const closed = await startFakeOpenAI();
    const refusedURL = closed.baseURL;
    await closed.close();
    const refused = toLlmError(await rejection(transport(refusedURL).post('/chat/completions', {}, { timeoutMs: 2_000 })), 'm');
    expect(refused.kind).toBe('connection');
    expect(refused.message).toMatch(/ECONNREFUSED/);

    const cut = await rawServer((socket) => socket.end('HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{"partial":'));
    expect(toLlmError(await rejection(transport(cut).post('/x', {}, { timeoutMs: 2_000 })), 'm').kind).toBe('connection');

    const garbage = await rawServer((socket) => socket.end('SMTP ready\r\n\r\n'));
    expect(toLlmError(await rejection(transport(garbage).post('/x', {}, { timeoutMs: 2_000 })), 'm').kind).toBe('connection');
  });

  it('maps a 200 whose JSON is cut off to invalid_response', async () => {
    const srv = await httpServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"id":"chatcmpl-1","choices":[{"message":{"role":"assi');
    });
    const err = await rejection(transport(srv.url).post('/chat/completions', {}, { timeoutMs: 2_000 }));
    expect(err).toBeInstanceOf(SyntaxError);
    expect(toLlmError(err, 'm').kind).toBe('invalid_response');
  });

  it('raises the SDK status errors, with the headers that carry retry-after', async () => {
    const srv = await httpServer((_req, res, n) => {
      if (n === 1) return json(res, 429, { error: { message: 'slow down', type: 'requests', code: 'rate_limit_exceeded' } }, { 'retry-after-ms': '250', 'x-request-id': 'req_9' });
      if (n === 2) return json(res, 429, { error: { message: 'slow down' } }, { 'retry-after': '3' });
      res.writeHead(502, { 'content-type': 'text/plain' });
      res.end('Bad Gateway from nginx');
    });
    const t = transport(srv.url);
    const first = await rejection(t.post('/chat/completions', {}, { timeoutMs: 2_000 }));
    expect(first).toBeInstanceOf(RateLimitError);
    expect((first as OpenAIErrors.APIError).requestID).toBe('req_9');
    expect(toLlmError(first, 'm')).toMatchObject({ kind: 'rate_limit', status: 429, retryAfterMs: 250 });
    expect(toLlmError(await rejection(t.post('/chat/completions', {}, { timeoutMs: 2_000 })), 'm')).toMatchObject({ kind: 'rate_limit', retryAfterMs: 3_000 });
    const gateway = await rejection(t.post('/chat/completions', {}, { timeoutMs: 2_000 }));
    expect(gateway).toBeInstanceOf(APIError);
    expect((gateway as OpenAIErrors.APIError).message).toMatch(/Bad Gateway from nginx/);
    expect(toLlmError(gateway, 'm')).toMatchObject({ kind: 'server', status: 502 });
    for (let i = 0; i < 5; i++) await rejection(t.post('/chat/completions', {}, { timeoutMs: 2_000 }));
    expect(srv.counters.connections).toBeLessThanOrEqual(2); // error answers keep their connection alive too
  });
});

describe('direct transport against the fake server', () => {
  let server: FakeOpenAI | null = null;
  afterEach(async () => {
    await server?.close();
    server = null;
  });

  it('never has more requests in flight than the concurrency, and answers them all', async () => {
    server = await startFakeOpenAI({ latencyMs: 5 });
    const provider = new OpenAIProvider(testSettings({ base_url: server.baseURL, transport: 'direct', concurrency: 4 }), { env: KEY_ENV });
    closers.push(() => provider.close());
    let next = 0;
    const worker = async () => {
      while (next < 40) {
        const i = next++;
        const answer = await provider.complete({ params: { model: 'gpt-4o-mini' }, messages: [{ role: 'user', content: `row ${i}` }] }, { timeoutMs: 5_000 });
        expect(answer.content).not.toBe('');
      }
    };
    await Promise.all(Array.from({ length: 4 }, worker));
    expect(server.stats().byPath['/v1/chat/completions']).toBe(40);
    expect(server.stats().maxInFlight).toBeLessThanOrEqual(4);
    expect(server.stats().maxInFlight).toBeGreaterThan(1);
  });
});
