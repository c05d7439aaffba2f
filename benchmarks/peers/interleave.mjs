// Interleaved rounds: how run.mjs splits one (trace, measurement) into rounds and folds each
// engine's per-round worker records back into one record.
//
// Each round runs every engine's worker in turn for a share of the runs, then the next round does
// it again, so every engine samples the same mix of this machine's slow and fast phases; an
// engine's median is then taken over all of its timed runs from all rounds.

export function median(xs) {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

// Timed runs per round, and the time budget of one worker: the whole budget of a
// (engine, trace, measurement) is shared by its rounds, so interleaving does not lengthen a run.
export function roundPlan(runs, rounds, maxSeconds) {
  const runsPerRound = Math.ceil(runs / rounds);
  return { rounds, runsPerRound, runsRequested: runsPerRound * rounds, maxSecondsPerWorker: maxSeconds / rounds };
}

// Fields that describe one worker's timed runs; everything else (sizes, hashes) describes the
// inputs and must agree across rounds.
const PER_ROUND = ['runs', 'runsRequested', 'invocationsPerRun', 'warmupRunsMs', 'runsMs', 'medianMs', 'minMs', 'cpuRunsMs', 'cpuMedianMs', 'cpuMinMs', 'loadAvg1m', 'status', 'engine', 'trace', 'measurement'];
const INPUT_FACTS = ['bytes', 'sha256', 'bytesV2', 'updates', 'updateBytes', 'updatesSha256'];

// attempts: [{ round, startedAt, record } | { round, startedAt, error }] of one engine, in round
// order. The result is ok when at least one round succeeded; failed rounds are listed.
export function foldRounds(attempts, plan, interleaving) {
  const ok = attempts.filter((a) => a.record);
  const failedRounds = attempts.filter((a) => a.error).map((a) => ({ round: a.round, reason: a.error }));
  if (ok.length === 0) return { status: 'n/a', reason: failedRounds[0]?.reason ?? 'no rounds ran', failedRounds, interleaving };
  const first = ok[0].record;
  for (const { record } of ok) {
    for (const k of INPUT_FACTS) {
      if (record[k] !== first[k]) return { status: 'n/a', reason: `rounds disagree on ${k}`, interleaving };
    }
  }
  const facts = Object.fromEntries(Object.entries(first).filter(([k]) => !PER_ROUND.includes(k)));
  const runsMs = ok.flatMap((a) => a.record.runsMs);
  const haveCpu = ok.every((a) => Array.isArray(a.record.cpuRunsMs));
  const cpuRunsMs = haveCpu ? ok.flatMap((a) => a.record.cpuRunsMs) : null;
  return {
    ...facts,
    status: 'ok',
    runs: runsMs.length,
    runsRequested: plan.runsRequested,
    invocationsPerRun: first.invocationsPerRun,
    runsMs,
    medianMs: median(runsMs),
    minMs: Math.min(...runsMs),
    cpuRunsMs,
    cpuMedianMs: haveCpu ? median(cpuRunsMs) : null,
    cpuMinMs: haveCpu ? Math.min(...cpuRunsMs) : null,
    loadAvg1m: [first.loadAvg1m[0], ok[ok.length - 1].record.loadAvg1m[1]],
    interleaving,
    rounds: ok.map(({ round, startedAt, record }) => ({
      round, startedAt, runs: record.runs, invocationsPerRun: record.invocationsPerRun, warmupRunsMs: record.warmupRunsMs,
      runsMs: record.runsMs, cpuRunsMs: record.cpuRunsMs, loadAvg1m: record.loadAvg1m,
    })),
    ...(failedRounds.length ? { failedRounds } : {}),
  };
}
