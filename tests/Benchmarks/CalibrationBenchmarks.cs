using BenchmarkDotNet.Attributes;
using PartialWave.Benchmarks.Tracking;

namespace PartialWave.Benchmarks;

/// <summary>
/// The regression gate's yardstick: a fixed arithmetic kernel that uses none of PartialWave's code, so it changes only
/// when the machine does. Every workload is compared as its time divided by this one's, measured just before it in
/// the same run, which cancels most of the difference between a fast and a slow machine (or a busy and an idle
/// one). It runs on all cores, as most workloads do, and has the two costs most workloads have: arithmetic (a
/// polynomial, a square root and a division per element over a cache-resident block) and memory traffic (one
/// read-modify-write sweep over 64 MB, far beyond the caches, as a sweep over a million events' columns is).
/// </summary>
[Throughput(Elements, "elements")]
public class CalibrationBenchmarks
{
    /// <summary>Elements per operation (all threads together).</summary>
    public const int Elements = 1 << 22;
    private const int Block = 1 << 13;
    /// <summary>Doubles in the memory sweep (64 MB).</summary>
    public const int StreamElements = 1 << 23;
    private double[][] _blocks = [];
    private double[] _stream = [];

    /// <summary>One block per core, filled with fixed values, and the large array.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _blocks = Enumerable.Range(0, Environment.ProcessorCount)
            .Select(t => Enumerable.Range(0, Block).Select(i => 0.5 + (i * 7 + t) % 1000 / 1000.0).ToArray()).ToArray();
        _stream = new double[StreamElements];
        for (int i = 0; i < _stream.Length; i++) _stream[i] = i % 1000 / 1000.0;
    }

    /// <summary>The kernel: each core takes an equal share of the elements, sweeping its own block, then its share of the large array.</summary>
    [Benchmark]
    public double Arithmetic()
    {
        int threads = _blocks.Length;
        var sums = new double[threads];
        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
        {
            int share = StreamElements / threads;
            sums[t] = Sweep(_blocks[t], Elements / threads) + Stream(_stream.AsSpan(t * share, share));
        });
        return sums.Sum();
    }

    // x -> 0.5 x + 0.25 keeps the values in [0.25, 0.75] however often it runs: the same work every time.
    private static double Stream(Span<double> a)
    {
        double s = 0;
        for (int i = 0; i < a.Length; i++)
        {
            double x = a[i] * 0.5 + 0.25;
            a[i] = x;
            s += x;
        }
        return s;
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
