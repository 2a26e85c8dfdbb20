// Runs the loom CLI in this process and, when it exits, prints one JSON line to fd 3 with wall time and peak
// memory (maxRSS covers DuckDB's native allocations too). Used by bench/run.mjs: `node bench/measure.mjs <loom args>`.
import { writeSync } from 'node:fs';

const started = performance.now();
const startedAt = Date.now();
const peak = { heapTotal: 0, heapUsed: 0, external: 0, arrayBuffers: 0, rss: 0 };
// The breakdown of the peak (V8 heap, buffers) is sampled; maxRSS comes from the kernel and misses nothing. Every
// 250 ms: process.memoryUsage() takes up to ~0.5 ms on a large heap, which at every 50 ms cost the 200,000-row
// build ~0.45 s of its main thread (1%).
const sampler = setInterval(() => {
  const m = process.memoryUsage();
  for (const k of Object.keys(peak)) peak[k] = Math.max(peak[k], m[k] / 1048576);
}, 250);
sampler.unref();
process.on('exit', (code) => {
  const line = JSON.stringify({ code, startedAt, endedAt: Date.now(), seconds: (performance.now() - started) / 1000, maxRssMb: process.resourceUsage().maxRSS / 1024, peakMb: Object.fromEntries(Object.entries(peak).map(([k, v]) => [k, Math.round(v)])) });
  try {
    writeSync(3, `${line}\n`);
  } catch {
    process.stderr.write(`${line}\n`);
  }
});
process.argv[1] = new URL('../bin/loom.js', import.meta.url).pathname; // loom's CLI reads its args from argv[2..]
await import('../dist/cli/main.js');
