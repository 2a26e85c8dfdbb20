import http from 'node:http';
import net from 'node:net';
import zlib from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { Http1Client, Http1ConnectionError, Http1TimeoutError, renderHeaderLines } from '../../../src/llm/http1-client.js';
import { createHttp1Fetch } from '../../../src/llm/http1-fetch.js';

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (closers.length) await closers.pop()!();
});

/** A raw TCP server answering each request (after its blank line + body) with `reply(n)`. */
async function rawServer(reply: (n: number, socket: net.Socket, request: string) => void): Promise<{ port: number; connections: () => number }> {
  let n = 0;
  let connections = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    let buf = '';
    socket.on('data', (d) => {
      buf += d.toString('latin1');
      for (;;) {
        const end = buf.indexOf('\r\n\r\n');
        if (end < 0) return;
        const len = Number(/content-length: (\d+)/i.exec(buf.slice(0, end))?.[1] ?? 0);
        if (buf.length < end + 4 + len) return;
        const request = buf.slice(0, end + 4 + len);
        buf = buf.slice(end + 4 + len);
        reply(++n, socket, request);
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  closers.push(
    () =>
      new Promise((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  );
  return { port: (server.address() as net.AddressInfo).port, connections: () => connections };
}

const post = (body = '{"x":1}') => ({ method: 'POST', path: '/v1/chat/completions', headerLines: 'content-type: application/json\r\n', body });

describe('Http1Client', () => {
  it('sends one well-formed request and reuses the connection', async () => {
    const requests: string[] = [];
    const srv = await rawServer((n, socket, request) => {
      requests.push(request);
      const body = `{"n":${n}}`;
      socket.write(`HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n${body}`);
    });
    const client = new Http1Client();
    const a = await client.request('127.0.0.1', srv.port, post());
    const b = await client.request('127.0.0.1', srv.port, post('{"é":"ü"}'));
    expect(a.status).toBe(200);
    expect(a.headers['content-type']).toBe('application/json');
    expect(a.body.toString()).toBe('{"n":1}');
    expect(b.body.toString()).toBe('{"n":2}');
    expect(srv.connections()).toBe(1);
    expect(requests[0]).toBe(
      `POST /v1/chat/completions HTTP/1.1\r\nhost: 127.0.0.1:${srv.port}\r\ncontent-type: application/json\r\ncontent-length: 7\r\nconnection: keep-alive\r\n\r\n{"x":1}`,
    );
    expect(requests[1]).toContain('content-length: 11\r\n'); // bytes, not characters
    client.close();
  });

  it('decodes chunked bodies split at awkward places, and skips 1xx heads', async () => {
    const srv = await rawServer((_n, socket) => {
      const parts = ['HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n', '\r\n5\r\n{"a":', '\r\n3\r', '\n10}\r\n0\r\n', 'x-trailer: 1\r\n\r\n'];
      let i = 0;
      const next = () => {
        if (i < parts.length) {
          socket.write(parts[i++]!);
          setTimeout(next, 5);
        }
      };
      next();
    });
    const client = new Http1Client();
    const r = await client.request('127.0.0.1', srv.port, post());
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body.toString())).toEqual({ a: 10 });
    client.close();
  });

  it('reads to the end of an HTTP/1.0 answer without a length and does not reuse it', async () => {
    const srv = await rawServer((n, socket) => {
      socket.end(`HTTP/1.0 200 OK\r\ncontent-type: text/plain\r\n\r\nbody ${n}`);
    });
    const client = new Http1Client();
    expect((await client.request('127.0.0.1', srv.port, post())).body.toString()).toBe('body 1');
    expect((await client.request('127.0.0.1', srv.port, post())).body.toString()).toBe('body 2');
    expect(srv.connections()).toBe(2);
    client.close();
  });

  it('honors connection: close', async () => {
    const srv = await rawServer((_n, socket) => {
      socket.write('HTTP/1.1 503 Service Unavailable\r\nconnection: close\r\ncontent-length: 2\r\n\r\n{}');
      socket.end();
    });
    const client = new Http1Client();
    expect((await client.request('127.0.0.1', srv.port, post())).status).toBe(503);
    expect((await client.request('127.0.0.1', srv.port, post())).status).toBe(503);
    expect(srv.connections()).toBe(2);
    client.close();
  });

  it('inflates gzip bodies', async () => {
    const srv = await rawServer((_n, socket) => {
      const body = zlib.gzipSync('{"zipped":true}');
      socket.write(`HTTP/1.1 200 OK\r\ncontent-encoding: gzip\r\ncontent-length: ${body.length}\r\n\r\n`);
      socket.write(body);
    });
    const client = new Http1Client();
    expect(JSON.parse((await client.request('127.0.0.1', srv.port, post())).body.toString())).toEqual({ zipped: true });
    client.close();
  });

  it('resends once on a fresh socket when a kept-alive socket was closed by the server', async () => {
    const srv = await rawServer((n, socket) => {
      if (n === 2) {
        socket.destroy(); // the server dropped the idle connection just as we reused it
        return;
      }
      socket.write(`HTTP/1.1 200 OK\r\ncontent-length: 1\r\n\r\n${n}`);
    });
    const client = new Http1Client();
    expect((await client.request('127.0.0.1', srv.port, post())).body.toString()).toBe('1');
    expect((await client.request('127.0.0.1', srv.port, post())).body.toString()).toBe('3');
    expect(srv.connections()).toBe(2);
    client.close();
  });

  it('does not resend when the first connection fails, or after part of an answer arrived', async () => {
    const srv = await rawServer((_n, socket) => {
      socket.write('HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\npartial');
      socket.destroy();
    });
    const client = new Http1Client();
    const err = await client.request('127.0.0.1', srv.port, post()).catch((e) => e);
    expect(err).toBeInstanceOf(Http1ConnectionError);
    expect((err as Http1ConnectionError).receivedBytes).toBeGreaterThan(0);
    client.close();
  });

  it('rejects garbage as a connection error', async () => {
    const srv = await rawServer((_n, socket) => socket.write('SMTP ready\r\n\r\n'));
    const client = new Http1Client();
    const err = await client.request('127.0.0.1', srv.port, post()).catch((e) => e);
    expect(err).toBeInstanceOf(Http1ConnectionError);
    expect((err as Error).message).toMatch(/bad status line/);
  });

  it('times out and aborts', async () => {
    const srv = await rawServer(() => undefined);
    const client = new Http1Client();
    const started = Date.now();
    expect(await client.request('127.0.0.1', srv.port, { ...post(), timeoutMs: 80 }).catch((e) => e)).toBeInstanceOf(Http1TimeoutError);
    expect(Date.now() - started).toBeGreaterThanOrEqual(75);
    const controller = new AbortController();
    const pending = client.request('127.0.0.1', srv.port, { ...post(), signal: controller.signal }).catch((e) => e);
    setTimeout(() => controller.abort(), 20);
    expect(((await pending) as Error).name).toBe('AbortError');
    client.close();
  });

  it('queues requests beyond maxSocketsPerOrigin', async () => {
    let open = 0;
    let maxOpen = 0;
    const server = http.createServer((_req, res) => {
      open++;
      maxOpen = Math.max(maxOpen, open);
      setTimeout(() => {
        open--;
        res.end('ok');
      }, 10);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    closers.push(() => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); }));
    const client = new Http1Client({ maxSocketsPerOrigin: 3 });
    const port = (server.address() as net.AddressInfo).port;
    const all = await Promise.all(Array.from({ length: 12 }, () => client.request('127.0.0.1', port, post())));
    expect(all.every((r) => r.body.toString() === 'ok')).toBe(true);
    expect(maxOpen).toBe(3);
    client.close();
  });

  it('refuses header values with line breaks', () => {
    expect(() => renderHeaderLines([['x-evil', 'a\r\nhost: other']])).toThrow(/line break/);
    expect(renderHeaderLines([['Content-Length', '5'], ['X-Ok', 'v']])).toBe('x-ok: v\r\n');
  });
});

describe('createHttp1Fetch', () => {
  it('gives the SDK a Response-like object and hands https to the fallback', async () => {
    const srv = await rawServer((_n, socket) => {
      socket.write('HTTP/1.1 201 Created\r\ncontent-type: application/json\r\nx-request-id: req_1\r\ncontent-length: 8\r\n\r\n{"ok":1}');
    });
    const seen: string[] = [];
    const f = createHttp1Fetch({ fallbackFetch: async (input) => (seen.push(String(input)), new Response('fallback')) });
    const r = await f(`http://127.0.0.1:${srv.port}/v1/x`, { method: 'POST', body: '{}', headers: new Headers({ authorization: 'Bearer k' }) });
    expect(r.ok).toBe(true);
    expect(r.status).toBe(201);
    expect(r.headers.get('X-Request-Id')).toBe('req_1');
    expect([...r.headers.entries()].length).toBe(3);
    expect(await r.json()).toEqual({ ok: 1 });
    await expect(r.text()).rejects.toThrow(/already been read/);
    await f('https://api.openai.com/v1/models');
    expect(seen).toEqual(['https://api.openai.com/v1/models']);
    f.close();
  });
});
