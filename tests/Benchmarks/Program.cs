using BenchmarkDotNet.Running;
using PartialWave.Benchmarks.Tracking;

namespace PartialWave.Benchmarks;

/// <summary>
/// The benchmark suite's entry point. Commands (perf-results/README.md explains the files):
/// <c>run [--profile short|full] [--filter PATTERN]... [--no-history]</c> measures and writes perf-results/latest.json
/// and latest.md (and a copy in history/); <c>ci</c> is CI's paired gate (this checkout against the baseline's commit,
/// built beside it, measured in alternating worker processes: <see cref="PairedSession"/>); <c>serve</c> is one side's
/// worker; <c>gate [--baseline F] [--run F]</c> compares a run with the stored baseline as ratios to the calibration
/// (the long-term trend, not CI's decision); <c>baseline --reason TEXT</c> makes the latest run the baseline (and its
/// commit the gate's reference); <c>plot</c> draws the history; <c>nist DIR</c> fits the NIST StRD problems as
/// run-nist-vs-iminuit.sh compares them with iminuit; <c>minuit-cases FILE</c> runs the behavioural cases
/// run-minuit-cases-vs-iminuit.sh compares with iminuit. Anything else goes to BenchmarkDotNet's own
/// command line under the full profile (e.g. <c>--filter '*Throughput*'</c>, as the run-*-vs-*.sh scripts do).
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "nist") return Nist.NistFits.Run(args[1..], Console.Out, Console.Error);
        if (args.Length > 0 && args[0] == "minuit-cases") return Nist.MinuitCases.Run(args[1..], Console.Out, Console.Error);
        if (args.Length > 0 && PerfCommands.Names.Contains(args[0]))
            return PerfCommands.Execute(args[0], args[1..], Console.Out, Console.Error);
        var artifacts = Path.Combine(Repository.Root, "BenchmarkDotNet.Artifacts");
        var summaries = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, PerfRunner.Config(PerfProfile.Full, artifacts));
        return summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success)) ? 1 : 0;
    }
}
