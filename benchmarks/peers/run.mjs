// Side-by-side measurements on real editing traces: our engine (CrdtCollab, C#, through the
// benchmark program's `worker` mode) and the peers Yjs, Yrs (ywasm), diamond-types, json-joy.
//
//   node --expose-gc run.mjs [--runs N] [--rounds R] [--trace NAME]... [--engine ID]... [--measurement M]... [--max-seconds S] [--out FILE] [--no-build]
//   node run.mjs --export-yjs OUTDIR [--trace NAME]...
//
// The parent process only orchestrates. Each worker times one (engine, trace, measurement) in its
// own child process so one engine's or one measurement's JIT state, heap garbage or wasm memory
// never bleeds into another's numbers, and each memory sample is taken in a further fresh process
// (wasm linear memory never shrinks, so a growth figure is only meaningful from a clean start).
// The engines are interleaved (interleave.mjs): for each (trace, measurement), R rounds each spawn
// every engine's worker in turn, so all engines sample the same phases of this noisy machine. See
// README.md for what each number means.

import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { ENGINE_IDS, ENGINE_META, loadEngine } from './engines.mjs';
import { foldRounds, median, roundPlan } from './interleave.mjs';
import { OURS, prepareOurs, printCompareTable, spawnOurs } from './ours.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const DATA_DIR = path.resolve(HERE, '../Data');
const TRACES = ['automerge-paper', 'seph-blog1', 'sveltecomponent'];
const MEASUREMENTS = ['local', 'encode', 'load', 'incremental', 'encodeV2', 'loadV2'];
const DEFAULT_RUNS = 5;
// Three rounds catch a slow/fast phase change within a measurement without multiplying the
// per-worker start-up and warm-up cost too much.
const DEFAULT_ROUNDS = 3;
// Ours first, then the peers: the order every round spawns the workers in.
const ALL_ENGINE_IDS = [OURS.id, ...ENGINE_IDS];
const engineMeta = (id) => (id === OURS.id ? OURS : ENGINE_META.find((e) => e.id === id));
// Budget in seconds for the timed runs of one (engine, trace, measurement): when the warm-up shows
// N runs would take longer, fewer runs are made (never fewer than one) and the table says so, so a
// full run stays within minutes on a 2-core machine.
const DEFAULT_MAX_SECONDS = 60;
const MIN_WARMUP_RUNS = 3;
const MIN_WARMUP_MS = 1000;
const MAX_WARMUP_RUNS = 30;
const MIN_TIMED_REGION_MS = 200;
const MAX_BATCH = 1000;
// Memory is deterministic enough that three fresh processes give a stable median.
const MEMORY_SAMPLES = 3;
const SLOW_MEMORY_PROBE_MS = 20_000;

function parseArgs(argv) {
  const args = { runs: DEFAULT_RUNS, rounds: DEFAULT_ROUNDS, traces: [], engines: [], measurements: [], maxSeconds: DEFAULT_MAX_SECONDS, out: path.join(HERE, 'results.json'), build: true };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    switch (a) {
      case '--runs': args.runs = Math.max(1, parseInt(next(), 10)); break;
      case '--rounds': args.rounds = Math.max(1, parseInt(next(), 10)); break;
      case '--no-build': args.build = false; break;
      case '--trace': args.traces.push(next()); break;
      case '--engine': args.engines.push(next()); break;
      case '--measurement': args.measurements.push(next()); break;
      case '--max-seconds': args.maxSeconds = Number(next()); break;
      case '--out': args.out = path.resolve(next()); break;
      case '--export-yjs': args.exportYjs = path.resolve(next()); break;
      case '--worker': args.worker = { engine: next(), trace: next(), measurement: next() }; break;
      case '--memory-probe': args.memoryProbe = { engine: next(), trace: next() }; break;
      case '--help': case '-h': args.help = true; break;
      default: throw new Error(`unknown argument '${a}'`);
    }
  }
  if (args.traces.length === 0) args.traces = TRACES;
  if (args.engines.length === 0) args.engines = ALL_ENGINE_IDS;
  if (args.measurements.length === 0) args.measurements = [...MEASUREMENTS, 'memory'];
  for (const m of args.measurements) if (m !== 'memory' && !MEASUREMENTS.includes(m)) throw new Error(`unknown measurement '${m}' (known: ${MEASUREMENTS.join(', ')}, memory)`);
  for (const t of args.traces) if (!TRACES.includes(t)) throw new Error(`unknown trace '${t}' (known: ${TRACES.join(', ')})`);
  for (const e of args.engines) if (!ALL_ENGINE_IDS.includes(e)) throw new Error(`unknown engine '${e}' (known: ${ALL_ENGINE_IDS.join(', ')})`);
  return args;
}

function loadTrace(name) {
  const trace = JSON.parse(gunzipSync(fs.readFileSync(path.join(DATA_DIR, `${name}.json.gz`))).toString('utf8'));
  // All shipped traces start empty; a non-empty start becomes one leading insert transaction so
  // every engine still sees the same history.
  if (trace.startContent) trace.txns.unshift({ time: null, patches: [[0, 0, trace.startContent]] });
  return trace;
}

function traceStats(trace) {
  let patches = 0;
  for (const t of trace.txns) patches += t.patches.length;
  return { txns: trace.txns.length, patches, finalLength: trace.endContent.length };
}

const gc = () => {
  if (typeof global.gc !== 'function') throw new Error('run with node --expose-gc');
  global.gc();
  global.gc();
};

const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');

function sha256OfAll(chunks) {
  const h = createHash('sha256');
  for (const c of chunks) h.update(c);
  return h.digest('hex');
}

// CPU time of the main JS thread, in ns, from the scheduler (ns resolution, unlike getrusage's
// ticks). Wall-clock time on a shared 2-core machine swings several-fold with other load; the main
// thread's own CPU time does not, and on a quiet machine it is close to wall time (V8's helper
// threads run on the other core). Linux only; null elsewhere.
const SCHEDSTAT = `/proc/self/task/${process.pid}/schedstat`;
const HAVE_SCHEDSTAT = fs.existsSync(SCHEDSTAT);
function threadCpuNs() {
  if (!HAVE_SCHEDSTAT) return null;
  return Number(fs.readFileSync(SCHEDSTAT, 'utf8').split(' ')[0]);
}

// No forced GC before a timed run: a full global.gc() right before made Yjs's `local` 2x slower
// here (V8 shrinks the young generation and then pays for it in scavenges during the run).
function timed(fn) {
  const c0 = threadCpuNs();
  const t0 = performance.now();
  const value = fn();
  const ms = performance.now() - t0;
  const c1 = threadCpuNs();
  return { ms, cpuMs: c0 === null ? null : (c1 - c0) / 1e6, value };
}

function expectText(engine, handle, trace, what) {
  const actual = engine.text(handle);
  if (actual !== trace.endContent) {
    throw new Error(`${what}: final text differs from endContent (length ${actual.length} vs ${trace.endContent.length})`);
  }
}

// ---- worker: one measurement for one (engine, trace) -----------------------------------------
//
// Like BenchmarkDotNet, each measurement gets its own process: interleaving e.g. `local` with
// `incremental` in one process makes V8's inline caches polymorphic and slowed Yjs's `local` ~2x,
// which would flatter us. Inputs a measurement needs (a document, its encoding, the per-transaction
// updates) are prepared untimed before the warm-up.

async function runWorker({ engine: engineId, trace: traceName, measurement }, runs, maxSeconds) {
  const engine = await loadEngine(engineId);
  const trace = loadTrace(traceName);
  const out = { engine: engineId, trace: traceName, measurement, runsRequested: runs };
  // op() is the timed work; after(value) checks and frees its result, untimed.
  let op;
  let after = (value) => engine.free(value);
  let cleanup = () => {};
  switch (measurement) {
    case 'local':
      op = () => engine.local(trace);
      after = (doc) => {
        expectText(engine, doc, trace, 'local');
        engine.free(doc);
      };
      break;
    case 'encode': {
      const doc = engine.local(trace);
      const bytes = engine.encode(doc);
      Object.assign(out, { bytes: bytes.length, sha256: sha256(bytes) });
      if (engine.encodeV2) out.bytesV2 = engine.encodeV2(doc).length;
      op = () => engine.encode(doc);
      after = () => {};
      cleanup = () => engine.free(doc);
      break;
    }
    case 'load': {
      const doc = engine.local(trace);
      const bytes = engine.encode(doc);
      engine.free(doc);
      op = () => engine.load(bytes);
      after = (loaded) => {
        expectText(engine, loaded, trace, 'load');
        engine.free(loaded);
      };
      break;
    }
    case 'encodeV2': {
      if (!engine.encodeV2) throw new Error('no V2 update format');
      const doc = engine.local(trace);
      const bytes = engine.encodeV2(doc);
      Object.assign(out, { bytes: bytes.length, sha256: sha256(bytes) });
      op = () => engine.encodeV2(doc);
      after = () => {};
      cleanup = () => engine.free(doc);
      break;
    }
    case 'loadV2': {
      if (!engine.loadV2) throw new Error('no V2 update format');
      const doc = engine.local(trace);
      const bytes = engine.encodeV2(doc);
      engine.free(doc);
      op = () => engine.loadV2(bytes);
      after = (loaded) => {
        expectText(engine, loaded, trace, 'loadV2');
        engine.free(loaded);
      };
      break;
    }
    case 'incremental': {
      const captured = engine.capture(trace);
      expectText(engine, captured.doc, trace, 'capture');
      engine.free(captured.doc);
      const updates = captured.updates;
      let updateBytes = 0;
      for (const u of updates) updateBytes += u.length;
      Object.assign(out, { updates: updates.length, updateBytes, updatesSha256: sha256OfAll(updates) });
      op = () => engine.applyAll(updates);
      after = (doc) => {
        expectText(engine, doc, trace, 'incremental');
        engine.free(doc);
      };
      break;
    }
    default:
      throw new Error(`unknown measurement '${measurement}'`);
  }
  // One run = `batch` back-to-back invocations, reported per invocation. Batching keeps a timed
  // region >= MIN_TIMED_REGION_MS, because the scheduler's per-thread CPU clock only advances in
  // ticks and a 1 ms region would read as 0 or 4 ms.
  //
  // Inside a batch only the latest result stays reachable, as in an application that holds one
  // document: keeping all of a batch's documents alive would charge the garbage-collected engines
  // (Yjs, json-joy, ours) for tracing up to MAX_BATCH documents that exist only because of the
  // batching. The wasm engines' handles must be freed explicitly, and their linear memory is not
  // traced, so they keep every handle until the clocks are read and free them afterwards.
  let batch = 1;
  const freesHandles = engine.wasmMemoryBytes() !== null;
  const step = () => {
    const values = freesHandles ? new Array(batch) : null;
    let last;
    const r = timed(() => {
      for (let i = 0; i < batch; i++) {
        last = op();
        if (values !== null) values[i] = last;
      }
    });
    if (values !== null) for (const v of values) after(v);
    else after(last);
    return { ms: r.ms / batch, cpuMs: r.cpuMs === null ? null : r.cpuMs / batch, totalMs: r.ms };
  };

  // V8 needs a few runs to tier up (on 2 cores its optimising compiler runs concurrently with the
  // benchmark): warm up at least MIN_WARMUP_RUNS times and for MIN_WARMUP_MS, unless the warm-up
  // alone would eat a quarter of the budget.
  const loadAvgBefore = os.loadavg()[0];
  const warmupRunsMs = [];
  const warmupCapMs = (maxSeconds * 1000) / 4;
  let warmupTotalMs = 0;
  do {
    const r = step();
    warmupRunsMs.push(r.ms);
    warmupTotalMs += r.totalMs;
    batch = Math.min(MAX_BATCH, Math.max(1, Math.ceil(MIN_TIMED_REGION_MS / Math.max(r.ms, 1e-3))));
  } while (
    warmupRunsMs.length < MAX_WARMUP_RUNS &&
    warmupTotalMs < warmupCapMs &&
    (warmupRunsMs.length < MIN_WARMUP_RUNS || warmupTotalMs < MIN_WARMUP_MS)
  );
  const perRunMs = Math.max(warmupRunsMs[warmupRunsMs.length - 1] * batch, 1e-6);
  const effectiveRuns = Math.max(1, Math.min(runs, Math.floor((maxSeconds * 1000) / perRunMs)));
  const runsMs = [];
  const cpuRunsMs = [];
  for (let r = 0; r < effectiveRuns; r++) {
    const { ms, cpuMs } = step();
    runsMs.push(ms);
    cpuRunsMs.push(cpuMs);
  }
  cleanup();
  const fmt = (xs) => xs.map((x) => x.toFixed(1)).join(' ');
  process.stderr.write(`  ${measurement}: warm-up ${fmt(warmupRunsMs)} ms | runs (x${batch}) ${fmt(runsMs)} ms wall, ${HAVE_SCHEDSTAT ? fmt(cpuRunsMs) : '-'} ms cpu\n`);
  const cpu = HAVE_SCHEDSTAT
    ? { cpuRunsMs, cpuMedianMs: median(cpuRunsMs), cpuMinMs: Math.min(...cpuRunsMs) }
    : { cpuRunsMs: null, cpuMedianMs: null, cpuMinMs: null };
  return {
    ...out, status: 'ok', runs: effectiveRuns, invocationsPerRun: batch, warmupRunsMs, runsMs, medianMs: median(runsMs), minMs: Math.min(...runsMs),
    ...cpu, loadAvg1m: [loadAvgBefore, os.loadavg()[0]],
  };
}

// ---- memory probe: one fresh process, one local run ---------------------------------------------

async function runMemoryProbe({ engine: engineId, trace: traceName }) {
  const engine = await loadEngine(engineId);
  const trace = loadTrace(traceName);
  gc();
  const heapBefore = process.memoryUsage().heapUsed;
  const wasmBefore = engine.wasmMemoryBytes();
  const doc = engine.local(trace);
  gc();
  const heapAfter = process.memoryUsage().heapUsed;
  const wasmAfter = engine.wasmMemoryBytes();
  // Read the text only after measuring, so the materialised string is not counted.
  expectText(engine, doc, trace, 'memory');
  return {
    heapUsedDeltaBytes: heapAfter - heapBefore,
    wasmMemoryGrowthBytes: wasmBefore === null ? null : wasmAfter - wasmBefore,
    wasmMemoryAfterBytes: wasmAfter,
  };
}

// ---- parent: orchestration, tables, results.json -----------------------------------------------

function spawnSelf(args) {
  const r = spawnSync(process.execPath, ['--expose-gc', '--max-old-space-size=8192', fileURLToPath(import.meta.url), ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 64 * 1024 * 1024,
  });
  const lastLine = (r.stdout || '').trim().split('\n').pop();
  if (r.status !== 0 || !lastLine) throw new Error(`child ${args.join(' ')} failed (exit ${r.status}${r.signal ? `, ${r.signal}` : ''})`);
  const parsed = JSON.parse(lastLine);
  if (parsed.error) throw new Error(parsed.error);
  return parsed;
}

function packageVersion(pkg) {
  try {
    return JSON.parse(fs.readFileSync(path.join(HERE, 'node_modules', pkg, 'package.json'), 'utf8')).version;
  } catch {
    return null;
  }
}

const fmtMs = (ms) => (ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2));
const fmtBytes = (b) => (b >= 1 << 20 ? `${(b / (1 << 20)).toFixed(2)} MiB` : b >= 1024 ? `${(b / 1024).toFixed(1)} KiB` : `${b} B`);

function cell(record, render) {
  if (!record) return '—';
  if (record.status !== 'ok') return `n/a (${record.reason})`;
  return render(record);
}

function renderTables(results, traces, engines) {
  const find = (trace, engine, m) => results.find((r) => r.trace === trace && r.engine === engine && r.measurement === m);
  const label = (id) => engineMeta(id).label;
  const runsNote = (r) => (r.runs < r.runsRequested ? ` (n=${r.runs})` : '');
  const table = (title, render, engineCols = engines) => {
    const lines = [`### ${title}`, '', `| trace | ${engineCols.map(label).join(' | ')} |`, `|---|${engineCols.map(() => '---:').join('|')}|`];
    for (const t of traces) lines.push(`| ${t} | ${engineCols.map((e) => render(t, e)).join(' | ')} |`);
    return lines.join('\n');
  };
  const ms = (r) => (r.cpuMedianMs === null ? fmtMs(r.medianMs) : `${fmtMs(r.cpuMedianMs)} (${fmtMs(r.medianMs)})`) + runsNote(r);
  const msTable = (m, title) => table(title, (t, e) => cell(find(t, e, m), ms));
  return [
    msTable('local', 'local: apply the trace as local edits, one transaction per trace txn (ms, median: main-thread CPU (wall))'),
    table('encode: whole document as one update (ms, median: main-thread CPU (wall) / encoded size)', (t, e) =>
      cell(find(t, e, 'encode'), (r) => `${ms(r)} / ${r.bytes.toLocaleString('en-US')} B`)),
    msTable('load', 'load: apply that one update to a fresh document (ms, median: main-thread CPU (wall))'),
    table('incremental: apply the per-transaction updates in order to a fresh document (ms, median: main-thread CPU (wall) / updates / total update bytes)', (t, e) =>
      cell(find(t, e, 'incremental'), (r) => `${ms(r)} / ${r.updates.toLocaleString('en-US')} / ${fmtBytes(r.updateBytes)}`)),
    table('encodeV2: whole document as one update in format V2 (ms, median: main-thread CPU (wall) / encoded size)', (t, e) =>
      cell(find(t, e, 'encodeV2'), (r) => `${ms(r)} / ${r.bytes.toLocaleString('en-US')} B`)),
    msTable('loadV2', 'loadV2: apply that V2 update to a fresh document (ms, median: main-thread CPU (wall))'),
    table('memory: growth after local, GC before and after (JS heapUsed delta / wasm linear-memory growth; ours: managed bytes retained)', (t, e) =>
      cell(find(t, e, 'memory'), (r) => (r.retainedBytes !== undefined
        ? `${fmtBytes(r.retainedBytes)} (managed)`
        : `${fmtBytes(r.heapUsedDeltaBytes)} / ${r.wasmMemoryGrowthBytes === null ? 'n/a (pure JS)' : fmtBytes(r.wasmMemoryGrowthBytes)}`))),
  ].join('\n\n');
}

// Our engine runs only when dotnet is there and the benchmark program builds; otherwise the run
// goes on with the peers and says why ours is missing.
function prepareEngines(args) {
  const engines = ALL_ENGINE_IDS.filter((id) => args.engines.includes(id));
  if (!engines.includes(OURS.id)) return { engines, ours: null };
  const ours = prepareOurs({ build: args.build });
  if (ours.reason) {
    process.stderr.write(`skipping ${OURS.id}: ${ours.reason}\n`);
    return { engines: engines.filter((id) => id !== OURS.id), ours: null };
  }
  return { engines, ours };
}

function memoryRecord(engineId, traceName, ours) {
  if (engineId === OURS.id) {
    // Our memory mode samples three fresh documents in one process: a full compacting GC makes
    // managed retained bytes agree to within a few hundred bytes, unlike a wasm high-water mark.
    const { engine: _e, trace: _t, measurement: _m, ...rec } = spawnOurs(ours.dll, traceName, 'memory');
    return rec;
  }
  const samples = [];
  // One sample only when a probe is slow (Yrs on the long traces): memory barely varies.
  for (let i = 0; i < MEMORY_SAMPLES; i++) {
    const t0 = Date.now();
    samples.push(spawnSelf(['--memory-probe', engineId, traceName]));
    if (Date.now() - t0 > SLOW_MEMORY_PROBE_MS) break;
  }
  const wasm = samples.map((s) => s.wasmMemoryGrowthBytes);
  return {
    status: 'ok', runs: samples.length, runsRequested: samples.length,
    heapUsedDeltaBytes: median(samples.map((s) => s.heapUsedDeltaBytes)),
    wasmMemoryGrowthBytes: wasm[0] === null ? null : median(wasm),
    samples,
  };
}

function runAll(args) {
  const started = Date.now();
  const loadAvgAtStart = os.loadavg();
  const { engines, ours } = prepareEngines(args);
  if (engines.length === 0) throw new Error('no engine left to run');
  const plan = roundPlan(args.runs, args.rounds, args.maxSeconds);
  const workerArgs = ['--runs', String(plan.runsPerRound), '--max-seconds', String(plan.maxSecondsPerWorker)];
  const spawnWorker = (engineId, traceName, m) => (engineId === OURS.id
    ? spawnOurs(ours.dll, traceName, m, workerArgs)
    : spawnSelf(['--worker', engineId, traceName, m, ...workerArgs]));
  const traceInfo = {};
  for (const t of args.traces) traceInfo[t] = traceStats(loadTrace(t));
  const results = [];
  for (const traceName of args.traces) {
    for (const m of MEASUREMENTS.filter((x) => args.measurements.includes(x))) {
      const attempts = new Map(engines.map((e) => [e, []]));
      for (let round = 1; round <= plan.rounds; round++) {
        for (const engineId of engines) {
          process.stderr.write(`${traceName} / ${m} / round ${round} of ${plan.rounds}: ${engineId}\n`);
          const startedAt = new Date().toISOString();
          try {
            attempts.get(engineId).push({ round, startedAt, record: spawnWorker(engineId, traceName, m) });
          } catch (err) {
            attempts.get(engineId).push({ round, startedAt, error: String(err.message) });
          }
        }
      }
      engines.forEach((engineId, position) => {
        const interleaving = { rounds: plan.rounds, runsPerRound: plan.runsPerRound, position };
        results.push({ trace: traceName, engine: engineId, measurement: m, ...foldRounds(attempts.get(engineId), plan, interleaving) });
      });
    }
    for (const engineId of args.measurements.includes('memory') ? engines : []) {
      process.stderr.write(`${traceName} / memory: ${engineId}\n`);
      try {
        results.push({ trace: traceName, engine: engineId, measurement: 'memory', ...memoryRecord(engineId, traceName, ours) });
      } catch (err) {
        results.push({ trace: traceName, engine: engineId, measurement: 'memory', status: 'n/a', reason: String(err.message) });
      }
    }
  }

  // Byte-identity with Yjs, for the record: Yrs and the C# side target Yjs's exact encoding.
  for (const r of results) {
    if (r.status !== 'ok' || (r.measurement !== 'encode' && r.measurement !== 'encodeV2' && r.measurement !== 'incremental')) continue;
    const y = results.find((x) => x.trace === r.trace && x.engine === 'yjs' && x.measurement === r.measurement && x.status === 'ok');
    if (!y || !['ywasm', 'yjs', OURS.id].includes(r.engine)) continue;
    r.identicalToYjs = r.measurement === 'incremental' ? r.updatesSha256 === y.updatesSha256 : r.sha256 === y.sha256;
  }

  const cpus = os.cpus();
  const ourRuntime = results.find((r) => r.engine === OURS.id && r.runtime)?.runtime ?? null;
  const report = {
    schema: 2,
    machine: {
      cpuModel: cpus[0]?.model ?? 'unknown',
      cores: cpus.length,
      totalMemoryBytes: os.totalmem(),
      platform: `${os.platform()} ${os.release()} ${os.arch()}`,
      node: process.version,
      dotnet: ourRuntime,
      date: new Date(started).toISOString(),
      dateEnd: new Date().toISOString(),
      // Other work on the machine inflates wall-clock timings; cpuMedianMs is robust to it.
      loadAverageAtStart: loadAvgAtStart,
      loadAverageAtEnd: os.loadavg(),
    },
    config: {
      timeSource: HAVE_SCHEDSTAT ? 'wall + main-thread CPU (Node: schedstat; ours: CLOCK_THREAD_CPUTIME_ID)' : 'wall',
      runsRequested: plan.runsRequested, rounds: plan.rounds, runsPerRound: plan.runsPerRound, engineOrder: engines,
      minWarmupRuns: MIN_WARMUP_RUNS, minWarmupMs: MIN_WARMUP_MS, maxWarmupRuns: MAX_WARMUP_RUNS, minTimedRegionMs: MIN_TIMED_REGION_MS,
      maxSecondsPerMeasurement: args.maxSeconds, maxSecondsPerWorker: plan.maxSecondsPerWorker, memorySamples: MEMORY_SAMPLES,
    },
    engines: Object.fromEntries(engines.map((id) => {
      const meta = engineMeta(id);
      return id === OURS.id
        ? [id, { label: meta.label, package: null, version: ours.version, runtime: ourRuntime, wasm: false }]
        : [id, { label: meta.label, package: meta.pkg, version: packageVersion(meta.pkg), wasm: meta.wasm }];
    })),
    traces: traceInfo,
    results,
    totalSeconds: (Date.now() - started) / 1000,
  };
  fs.writeFileSync(args.out, `${JSON.stringify(report, null, 2)}\n`);

  const m = report.machine;
  console.log(`Machine: ${m.cpuModel}, ${m.cores} cores, Node ${m.node}${m.dotnet ? `, ${m.dotnet}` : ''}, ${m.date}; 1-min load average ${m.loadAverageAtStart[0].toFixed(1)} at start, ${m.loadAverageAtEnd[0].toFixed(1)} at end`);
  console.log(`Engines: ${Object.values(report.engines).map((e) => `${e.package ?? e.label} ${e.version}`).join(', ')}`);
  console.log(`Runs: ${plan.rounds} interleaved rounds (${engines.join(', ')}, then again), each worker ${plan.runsPerRound} run${plan.runsPerRound === 1 ? '' : 's'} after >= ${MIN_WARMUP_RUNS} warm-ups and >= ${MIN_WARMUP_MS} ms of warm-up; ` +
    `median over all ${plan.runsRequested} runs (n=k marks a measurement cut to k runs by the ${args.maxSeconds}s budget); memory: median of up to ${MEMORY_SAMPLES} samples.\n`);
  console.log(renderTables(results, args.traces, engines));
  console.log(`\nWrote ${path.relative(process.cwd(), args.out)} in ${report.totalSeconds.toFixed(0)} s.`);
  if (ours && results.some((r) => r.engine === OURS.id && r.status === 'ok')) {
    console.log('\n### Ours vs peers, same window\n');
    if (!printCompareTable(ours.dll, args.out, args.traces)) console.log(`(compare failed; run: dotnet ${path.relative(process.cwd(), ours.dll)} compare --peers ${args.out})`);
  }
}

// ---- --export-yjs: golden bytes for the C# tests and benchmarks ---------------------------------

function writeFramed(file, chunks) {
  let total = 0;
  for (const c of chunks) total += 4 + c.length;
  const buf = Buffer.allocUnsafe(total);
  let off = 0;
  for (const c of chunks) {
    buf.writeUInt32LE(c.length, off);
    off += 4;
    buf.set(c, off);
    off += c.length;
  }
  fs.writeFileSync(file, buf);
}

function readFramed(file) {
  const buf = fs.readFileSync(file);
  const chunks = [];
  for (let off = 0; off < buf.length;) {
    const len = buf.readUInt32LE(off);
    off += 4;
    chunks.push(buf.subarray(off, off + len));
    off += len;
  }
  return chunks;
}

async function exportYjs(args) {
  const engine = await loadEngine('yjs');
  fs.mkdirSync(args.exportYjs, { recursive: true });
  for (const traceName of args.traces) {
    const trace = loadTrace(traceName);
    const { updates, doc } = engine.capture(trace);
    expectText(engine, doc, trace, 'export');
    const final = engine.encode(doc);
    const base = path.join(args.exportYjs, traceName);
    writeFramed(`${base}.updates.bin`, updates);
    fs.writeFileSync(`${base}.final.bin`, final);
    fs.writeFileSync(`${base}.final.txt`, trace.endContent, 'utf8');
    // Self-check from the files just written: replaying the framed updates into a fresh Yjs doc
    // reproduces both the text and the exact final bytes.
    const replayed = engine.applyAll(readFramed(`${base}.updates.bin`));
    expectText(engine, replayed, trace, 'export replay');
    if (Buffer.compare(Buffer.from(engine.encode(replayed)), fs.readFileSync(`${base}.final.bin`)) !== 0) {
      throw new Error(`${traceName}: replayed updates do not re-encode to final.bin`);
    }
    console.log(`${traceName}: ${updates.length} updates, final update ${final.length} B -> ${base}.{updates.bin,final.bin,final.txt}`);
  }
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  if (args.help) {
    console.log('usage: node --expose-gc run.mjs [--runs N] [--rounds R] [--trace NAME]... [--engine ID]... [--max-seconds S] [--out FILE] [--no-build]\n' +
      '       node run.mjs --export-yjs OUTDIR [--trace NAME]...\n' +
      `traces: ${TRACES.join(', ')}; engines: ${ALL_ENGINE_IDS.join(', ')}`);
    return;
  }
  if (args.worker || args.memoryProbe) {
    // Children answer with one JSON line on stdout; progress goes to stderr.
    try {
      const result = args.worker ? await runWorker(args.worker, args.runs, args.maxSeconds) : await runMemoryProbe(args.memoryProbe);
      console.log(JSON.stringify(result));
    } catch (err) {
      console.log(JSON.stringify({ error: err.message }));
    }
    return;
  }
  if (args.exportYjs) {
    await exportYjs(args);
    return;
  }
  runAll(args);
}

await main();
