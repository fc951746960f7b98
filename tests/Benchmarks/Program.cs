using BenchmarkDotNet.Running;
using PartialWave.Benchmarks.Tracking;

namespace PartialWave.Benchmarks;

/// <summary>
/// The benchmark suite's entry point. Commands (perf-results/README.md explains the files):
/// <c>run [--profile short|full] [--filter PATTERN]... [--no-history]</c> measures and writes perf-results/latest.json
/// and latest.md (and a copy in history/); <c>gate [--baseline F] [--run F]</c> compares a run with the baseline;
/// <c>ci</c> runs the short profile and the gate (rechecking what looks slower once); <c>baseline --reason TEXT</c>
/// makes the latest run the baseline; <c>plot</c> draws the history. Anything else goes to BenchmarkDotNet's own
/// command line under the full profile (e.g. <c>--filter '*Throughput*'</c>, as the run-*-vs-*.sh scripts do).
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length > 0 && PerfCommands.Names.Contains(args[0]))
            return PerfCommands.Execute(args[0], args[1..], Console.Out, Console.Error);
        var artifacts = Path.Combine(Repository.Root, "BenchmarkDotNet.Artifacts");
        var summaries = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, PerfRunner.Config(PerfProfile.Full, artifacts));
        return summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success)) ? 1 : 0;
    }
}
