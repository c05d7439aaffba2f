// Our engine (CrdtCollab, C#) as one more run.mjs engine, so it is timed in the same window as the
// peers. This 2-core VM has slow and fast phases (the same build swings 1.5-2x between minutes), so
// ratios between figures taken at different times say more about the phases than the engines.
//
// Its worker is the benchmark program's `worker` mode, which applies run.mjs's protocol (untimed
// inputs, warm-up, batched timed runs on main-thread CPU and wall clocks, text checked outside the
// timed region) and prints one record shaped like a Node worker's. The program is built once up
// front and its dll run directly: `dotnet run` would rebuild-check and add seconds per spawn.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, '../..');
const PROJECT = path.join(REPO, 'benchmarks');
// TargetFramework comes from Directory.Build.props; bump this with it.
const DLL = path.join(PROJECT, 'bin', 'Release', 'net10.0', 'CrdtCollab.Benchmarks.dll');

export const OURS = { id: 'crdtcollab', label: 'CrdtCollab (C#)', pkg: null, wasm: false };

function gitVersion() {
  const r = spawnSync('git', ['-C', REPO, 'describe', '--always', '--dirty'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}

// Returns { dll, version } when our worker can run, or { reason } when it cannot (no dotnet on
// PATH, failed build, missing dll). `build: false` uses the dll as it is.
export function prepareOurs({ build }) {
  const probe = spawnSync('dotnet', ['--version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) return { reason: `dotnet not found on PATH (${probe.error?.code ?? `exit ${probe.status}`})` };
  if (build) {
    process.stderr.write(`building ${path.relative(process.cwd(), PROJECT) || '.'} (Release) for ${OURS.id}\n`);
    // Build output goes to stderr: stdout carries only the tables.
    const b = spawnSync('dotnet', ['build', PROJECT, '-c', 'Release', '--nologo', '-v', 'q'], { stdio: ['ignore', 2, 2] });
    if (b.status !== 0) return { reason: `dotnet build failed (exit ${b.status})` };
  }
  if (!fs.existsSync(DLL)) return { reason: `${DLL} not found; build with: dotnet build benchmarks -c Release` };
  return { dll: DLL, version: gitVersion() };
}

// One measurement (`local` | `encode` | `load` | `incremental` | `memory`) in a fresh dotnet process.
export function spawnOurs(dll, trace, measurement, workerArgs = []) {
  const r = spawnSync('dotnet', [dll, 'worker', trace, measurement, ...workerArgs], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 64 * 1024 * 1024,
  });
  const lastLine = (r.stdout || '').trim().split('\n').pop();
  let parsed = null;
  try {
    parsed = lastLine ? JSON.parse(lastLine) : null;
  } catch {
    parsed = null;
  }
  if (parsed?.error) throw new Error(parsed.error);
  if (r.status !== 0 || !parsed) throw new Error(`dotnet worker ${trace} ${measurement} failed (exit ${r.status}${r.signal ? `, ${r.signal}` : ''})`);
  return parsed;
}

// Prints the ours-vs-peers table (benchmarks/Modes/CompareTable.cs) from a results file holding
// our records; returns false when that fails, so the caller can say so.
export function printCompareTable(dll, resultsFile, traces) {
  const r = spawnSync('dotnet', [dll, 'compare', '--peers', resultsFile, ...traces.flatMap((t) => ['--trace', t])], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (r.status !== 0) return false;
  process.stdout.write(r.stdout);
  return true;
}
