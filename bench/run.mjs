// `npm run bench`: the figures the compiler and build issues ask for, measured in one run on this machine.
//   node bench/run.mjs [--only compile|build] [--quick]
// Compile: generated projects of 1,000 and 10,000 models (half sql, half llm with their own prompt files),
// cold (no target/) and no-op (nothing changed). Build: a 10,000-row llm model against the fake OpenAI server
// in its own process at 50 ms latency and concurrency 64, then the unchanged re-run (median of 3); then 1,000,000
// rows at zero latency (200,000 with --quick). Each figure is the median of the runs noted; memory is peak RSS.
// The cache figure: the same 10,000-row build, cold, with a cache that already holds 1,000,000 other answers
// (bench/seed-cache.mjs) against an empty cache, interleaved twice; the ratio of their totals must be within 10%.
import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { generateProject } from './generate-project.mjs';
import { generateBuildProject } from './build-project.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const WORK = join(ROOT, '.bench');
const { values } = parseArgs({ options: { only: { type: 'string' }, quick: { type: 'boolean' } } });

function measure(args, env = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'bench', 'measure.mjs'), ...args], {
      env: { ...process.env, NO_COLOR: '1', CI: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    let stats = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.stdio[3].on('data', (d) => (stats += d));
    child.on('error', reject);
    child.on('close', () => {
      const s = JSON.parse(stats.trim().split('\n').pop() || '{}');
      if (s.code !== 0) reject(new Error(`loom ${args.join(' ')} exited ${s.code}:\n${out.slice(-2000)}\n${err.slice(-2000)}`));
      else resolve({ ...s, stdout: out });
    });
  });
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function startServer(latency) {
  const child = spawn(process.execPath, [join(ROOT, 'tests/support/fake-openai/cli.mjs'), '--port', '0', '--latency', String(latency), '--log-bodies', '0'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise((resolve, reject) => {
    let buf = '';
    child.stdout.on('data', (d) => {
      buf += d;
      if (buf.includes('\n')) resolve(buf.split('\n')[0].trim());
    });
    child.on('error', reject);
    child.on('exit', (code) => reject(new Error(`fake server exited ${code}`)));
  });
  const base = url.replace(/\/v1\/?$/, '');
  return {
    baseURL: url,
    /** Chat and embedding requests answered since the last reset. */
    /** Wall-clock ms of the first API request's arrival and the last API reply (null before any). */
    async span() {
      const stats = await (await fetch(`${base}/__fake/stats`)).json();
      return { first: stats.firstApiArrivalAt, last: stats.lastApiReplyAt, heldMs: stats.apiHeldMs };
    },
    async requests() {
      const stats = await (await fetch(`${base}/__fake/stats`)).json();
      return Object.entries(stats.byPath)
        .filter(([path]) => /chat|embeddings/.test(path))
        .reduce((a, [, n]) => a + n, 0);
    },
    async reset() {
      await fetch(`${base}/__fake/reset`, { method: 'POST' });
    },
    stop() {
      child.kill('SIGTERM');
    },
  };
}

const rows = [];
const report = (name, value, unit, goal, ok, note = '') => {
  rows.push({ name, value, unit, goal, ok, note });
  console.log(`${ok ? 'PASS' : 'MISS'}  ${name.padEnd(52)} ${String(value).padStart(9)} ${unit.padEnd(6)} goal ${goal}${note ? `  (${note})` : ''}`);
};

// Cold means no target/, as on a fresh clone. Old targets and projects are moved aside and deleted only when
// every compile has been timed: on ext4 without a journal (these machines' disks) a file created within a minute
// of many deletions in the same block group makes the kernel step over every recently deleted inode
// (ext4 `recently_deleted()`), which made writing target/ two to three times slower. That is the disk's cost of
// the bench's own `rm -rf`, not a fresh clone's; it is measured once on its own row below, with no goal.
const trashed = [];
function moveAside(path) {
  if (!existsSync(path)) return;
  const to = join(WORK, `trash_${trashed.length}_${Date.now()}`);
  renameSync(path, to);
  trashed.push(to);
}
function emptyTrash() {
  for (const path of trashed.splice(0)) rmSync(path, { recursive: true, force: true });
}

async function benchCompile() {
  for (const models of [1000, 10000]) {
    const dir = join(WORK, `compile_${models}`);
    moveAside(dir);
    generateProject(dir, models);
    const cold = [];
    const noop = [];
    for (let i = 0; i < 3; i++) {
      moveAside(join(dir, 'target'));
      cold.push(await measure(['compile', '--project-dir', dir]));
      noop.push(await measure(['compile', '--project-dir', dir]));
    }
    const c = median(cold.map((r) => r.seconds));
    const n = median(noop.map((r) => r.seconds));
    const big = models === 10000;
    report(`compile ${models} models, cold`, c.toFixed(2), 's', big ? '< 2.0 s' : '-', !big || c < 2, `peak ${median(cold.map((r) => r.maxRssMb)).toFixed(0)} MB`);
    report(`compile ${models} models, no-op recompile`, n.toFixed(2), 's', big ? '< 0.5 s' : '-', !big || n < 0.5);
    if (big) {
      emptyTrash();
      rmSync(join(dir, 'target'), { recursive: true, force: true });
      const afterRm = await measure(['compile', '--project-dir', dir]);
      report(`  cold, right after rm -rf of the old target/`, afterRm.seconds.toFixed(2), 's', '-', true, 'the disk stepping over just-deleted inodes');
    }
  }
  emptyTrash();
}

async function benchBuild() {
  const server = await startServer(50);
  try {
    const dir = join(WORK, 'build_10k');
    await generateBuildProject(dir, 10000, { concurrency: 64 });
    const env = { OPENAI_BASE_URL: server.baseURL, OPENAI_API_KEY: 'sk-bench' };
    const cold = await measure(['build', '--project-dir', dir], env);
    const sent = await server.requests();
    const span = await server.span();
    const bound = (10000 * 0.05) / 64;
    // Where the time went, from the server's clock: before its first request, between its first request and
    // last answer, and after the last answer (wall-clock ms, same machine, so the clocks agree).
    // Requests the server held on average over that span: 64 would mean the client never left a slot empty.
    const held = span.heldMs / (span.last - span.first);
    const split = `start-up ${((span.first - cold.startedAt) / 1000).toFixed(2)} s, requests ${((span.last - span.first) / 1000).toFixed(2)} s (the server held ${held.toFixed(1)} of 64 at a time), after the last answer ${((cold.endedAt - span.last) / 1000).toFixed(2)} s`;
    report('build 10,000 rows @50 ms, concurrency 64', cold.seconds.toFixed(2), 's', `< ${(bound * 1.15).toFixed(2)} s (115% of ${bound.toFixed(2)})`, cold.seconds < bound * 1.15, `${sent} requests; ${split}`);
    // Without V8 flags of Loom's own (none since issue 16) this build peaks ~245-255 MB on the 2-core bench machine,
    // against ~180 MB with the old flags: the answer cache, its lookups and undici's loading were each swapped back
    // one at a time and none moved the figure, so the gap is the GC's own sizing. The goal stays; it is missed.
    report('  peak memory', cold.maxRssMb.toFixed(0), 'MB', '< 200 MB', cold.maxRssMb < 200);
    await server.reset();
    const again = [];
    for (let i = 0; i < 3; i++) again.push(await measure(['build', '--project-dir', dir], env));
    const resent = await server.requests();
    const rerun = median(again.map((r) => r.seconds));
    report('build 10,000 rows, unchanged re-run', rerun.toFixed(2), 's', '< 1.0 s, 0 requests', rerun < 1 && resent === 0, `${resent} requests in 3 runs`);
    await benchFullCache(dir, env, cold.seconds);
  } finally {
    server.stop();
  }

  const zero = await startServer(0);
  try {
    const n = values.quick ? 200_000 : 1_000_000;
    const dir = join(WORK, 'build_1m');
    await generateBuildProject(dir, n, { concurrency: 64 });
    const env = { OPENAI_BASE_URL: zero.baseURL, OPENAI_API_KEY: 'sk-bench' };
    const r = await measure(['build', '--project-dir', dir], env);
    const answered = await zero.requests();
    if (answered < n) throw new Error(`only ${answered} of ${n} rows were sent`);
    const rate = n / r.seconds;
    report(`build ${n.toLocaleString('en-US')} rows @0 ms`, Math.round(rate), 'rows/s', '>= 5,000 rows/s', rate >= 5000, `${r.seconds.toFixed(1)} s`);
    report('  peak memory', r.maxRssMb.toFixed(0), 'MB', '< 512 MB', r.maxRssMb < 512);
  } finally {
    zero.stop();
  }
}

const CACHED_OTHERS = 1_000_000;

/** The cold 10,000-row build with 1,000,000 other answers cached, against an empty cache (`emptySeconds` and one more). */
async function benchFullCache(dir, env, emptySeconds) {
  const warehouse = join(dir, '.loom', 'warehouse.duckdb');
  const seeded = join(WORK, 'cache_1m.duckdb');
  rmSync(seeded, { force: true });
  const t = performance.now();
  execFileSync(process.execPath, [join(ROOT, 'bench', 'seed-cache.mjs'), seeded, String(CACHED_OTHERS)], { stdio: 'inherit' });
  const seedSeconds = (performance.now() - t) / 1000;
  const coldWith = async (file) => {
    rmSync(join(dir, '.loom'), { recursive: true, force: true });
    rmSync(join(dir, 'target'), { recursive: true, force: true });
    if (file) {
      mkdirSync(join(dir, '.loom'), { recursive: true });
      copyFileSync(file, warehouse);
    }
    return (await measure(['build', '--project-dir', dir], env)).seconds;
  };
  const full = [await coldWith(seeded)];
  const empty = [emptySeconds, await coldWith(null)];
  full.push(await coldWith(seeded));
  const sum = (xs) => xs.reduce((a, b) => a + b, 0);
  const ratio = sum(full) / sum(empty);
  report(
    'build 10,000 rows, 1,000,000 other answers cached',
    (sum(full) / full.length).toFixed(2),
    's',
    'within 10% of an empty cache',
    ratio <= 1.1,
    `ratio ${ratio.toFixed(3)}: ${full.map((s) => s.toFixed(2)).join(', ')} s against ${empty.map((s) => s.toFixed(2)).join(', ')} s empty; seeding took ${seedSeconds.toFixed(1)} s`,
  );
  rmSync(seeded, { force: true });
}

mkdirSync(WORK, { recursive: true });
console.log(`loom bench on ${cpus().length} cores, node ${process.version}, ${new Date().toISOString()}`);
if (!values.only || values.only === 'compile') await benchCompile();
if (!values.only || values.only === 'build') await benchBuild();
writeFileSync(join(WORK, 'results.json'), `${JSON.stringify({ when: new Date().toISOString(), cores: cpus().length, rows }, null, 2)}\n`);
const missed = rows.filter((r) => !r.ok).length;
console.log(missed ? `${missed} goal(s) missed` : 'all goals met');
