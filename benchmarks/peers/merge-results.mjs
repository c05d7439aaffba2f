// Merges peer runs into one results file, keeping per (engine, trace, measurement) the record with
// the lowest main-thread CPU median. On a shared machine every run is inflated by whatever else ran
// at the time, by different amounts per cell; taking each peer's best observed median makes our
// ratios conservative (a peer is never compared at its slowest). Memory records come from the last run.
//   node merge-results.mjs OUT IN1 IN2 [...]
import fs from 'node:fs';

const [out, ...inputs] = process.argv.slice(2);
if (!out || inputs.length < 2) {
  console.error('usage: node merge-results.mjs OUT IN1 IN2 [...]');
  process.exit(2);
}
const runs = inputs.map((f) => JSON.parse(fs.readFileSync(f, 'utf8')));
const best = new Map();
for (const run of runs) {
  for (const r of run.results) {
    const key = `${r.engine}|${r.trace}|${r.measurement}`;
    const held = best.get(key);
    // Untimed records (memory, n/a) come from the latest run.
    const better = !held || r.cpuMedianMs == null || held.cpuMedianMs == null || r.cpuMedianMs < held.cpuMedianMs;
    if (better) best.set(key, { ...r, fromRun: run.machine.date });
  }
}
const last = runs[runs.length - 1];
const merged = {
  ...last,
  machine: { ...last.machine, date: `${runs.map((r) => r.machine.date).join(' and ')} (per cell the run with the lower CPU median)` },
  mergedFrom: runs.map((r) => ({ date: r.machine.date, loadAverageAtStart: r.machine.loadAverageAtStart, loadAverageAtEnd: r.machine.loadAverageAtEnd })),
  results: last.results.map((r) => best.get(`${r.engine}|${r.trace}|${r.measurement}`)),
};
fs.writeFileSync(out, JSON.stringify(merged, null, 2) + '\n');
console.log(`merged ${runs.length} runs into ${out}`);
