using BenchmarkDotNet.Attributes;
using PartialWave.Benchmarks.Tracking;

namespace PartialWave.Benchmarks;

/// <summary>
/// The regression gate's yardstick: a fixed arithmetic kernel that uses none of PartialWave's code, so it changes only
/// when the machine does. Every workload is compared as its time divided by this one's, measured in the same run,
/// which cancels most of the difference between a fast and a slow machine (or a busy and an idle one). It runs on
/// all cores, as most workloads do: a polynomial, a square root and a division per element over a cache-resident
/// array, repeated.
/// </summary>
[Throughput(Elements, "elements")]
public class CalibrationBenchmarks
{
    /// <summary>Elements per operation (all threads together).</summary>
    public const int Elements = 1 << 22;
    private const int Block = 1 << 13;
    private double[][] _blocks = [];

    /// <summary>One block per core, filled with fixed values.</summary>
    [GlobalSetup]
    public void Setup() =>
        _blocks = Enumerable.Range(0, Environment.ProcessorCount)
            .Select(t => Enumerable.Range(0, Block).Select(i => 0.5 + (i * 7 + t) % 1000 / 1000.0).ToArray()).ToArray();

    /// <summary>The kernel: each core takes an equal share of the elements, sweeping its own block.</summary>
    [Benchmark]
    public double Arithmetic()
    {
        int threads = _blocks.Length;
        var sums = new double[threads];
        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t => sums[t] = Sweep(_blocks[t], Elements / threads));
        return sums.Sum();
    }

    private static double Sweep(double[] block, int count)
    {
        double s = 0;
        for (int done = 0; done < count; done += block.Length)
            foreach (var x in block)
                s += Math.Sqrt(((1.25 * x - 0.5) * x + 2.0) * x + 0.75) / (1.0 + x);
        return s;
    }
}
