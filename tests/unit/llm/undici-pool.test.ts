import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadPool } from '../../../src/llm/undici-pool.js';

describe('loadPool', () => {
  it("is undici's public Pool export", async () => {
    const undici = await import('undici');
    expect(await loadPool()).toBe(undici.Pool);
  });

  it("no source file reaches into undici's files beyond its package exports", () => {
    const src = fileURLToPath(new URL('../../../src', import.meta.url));
    const deep = readdirSync(src, { recursive: true, encoding: 'utf8' })
      .filter((file) => file.endsWith('.ts'))
      .filter((file) => /['"]undici\//.test(readFileSync(join(src, file), 'utf8')));
    expect(deep).toEqual([]);
  });

  it('gives a Pool that sends a request and reads the answer', async () => {
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => res.end(JSON.stringify({ method: req.method, url: req.url, body })));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const Pool = await loadPool();
    const pool = new Pool(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, { connections: 2 });
    try {
      const response = await pool.request({ method: 'POST', path: '/v1/x', body: 'hello' });
      expect(response.statusCode).toBe(200);
      expect(JSON.parse(await response.body.text())).toEqual({ method: 'POST', url: '/v1/x', body: 'hello' });
    } finally {
      await pool.close();
      server.close();
    }
  });
});
