import { execFileSync } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadPool } from '../../../src/llm/undici-pool.js';

const dist = fileURLToPath(new URL('../../../dist/llm/undici-pool.js', import.meta.url));

describe('loadPool', () => {
  it("loads undici's Pool without its index, with a working request()", async () => {
    // In a fresh process, so nothing else has loaded undici yet.
    const script = `
      import { createRequire } from 'node:module';
      const { loadPool } = await import(${JSON.stringify(dist)});
      const Pool = await loadPool();
      const require = createRequire(${JSON.stringify(dist)});
      const index = require.resolve('undici');
      console.log(JSON.stringify({ request: typeof Pool.prototype.request, index: index in require.cache }));`;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(JSON.parse(out)).toEqual({ request: 'function', index: false });
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
