using BenchmarkDotNet.Running;
using CrdtCollab.Benchmarks.Gate;
using CrdtCollab.Benchmarks.Modes;

// Program modes come first; any other arguments go to BenchmarkDotNet's switcher
// (e.g. `--filter *Local*`). Each mode is one line here and returns the process exit code;
// a new mode is one more line of the same shape.
switch (args.Length > 0 ? args[0] : "")
{
    case "memory": return MemoryMode.Run(args[1..]);
    case "verify": return VerifyMode.Run(args[1..]);
    case "compare": return CompareMode.Run(args[1..]);
    case "worker": return WorkerMode.Run(args[1..]);
    case "gate": return GateMode.Run(args[1..]);
    case "suite": return SuiteMode.Run(args[1..]);
    case "profile": return ProfileMode.Run(args[1..]);
    case "eventstore": return CrdtCollab.Benchmarks.EventStore.EventStoreBench.Run(args[1..]);
    case "sync": return CrdtCollab.Benchmarks.Sync.SyncBench.Run(args[1..]);
    case "progress": return CrdtCollab.Benchmarks.Progress.ProgressBench.Run(args[1..]);
    case "progress-report": return CrdtCollab.Benchmarks.Progress.ReportBenchmark.Run(args[1..]);
    case "progress-import": return CrdtCollab.Benchmarks.Progress.ImportBenchmark.Run(args[1..]);
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
