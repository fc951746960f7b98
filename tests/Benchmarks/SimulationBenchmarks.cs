using System.Runtime.Intrinsics;
using BenchmarkDotNet.Attributes;
using PartialWave.Data;
using PartialWave.Parsing;
using PartialWave.Randomness;
using PartialWave.Simulation;

using PartialWave.Benchmarks.Tracking;

namespace PartialWave.Benchmarks;

// The accept-reject of ../shared/peers/gauss2d_simulate_fit.py: 1,000,000 flat events in [0, 20)², kept with
// probability I/max I for a 2-D Gaussian (A1 = 10, A2 = 3, A3 = 10, A4 = 3). Here end to end: generating the
// candidates, evaluating the model, drawing the acceptance numbers and gathering the kept events (the peer times
// evaluation and acceptance only; its candidates are drawn before its clock starts).

/// <summary>Accept-reject of the 2-D Gaussian over 1 M flat candidates.</summary>
[Throughput(Candidates, "candidates")]
public class SimulationBenchmarks
{
    private const int Candidates = 1_000_000;
    private CandidateBatch? _candidates;
    private UniformFill? _acceptance;

    // One single-threaded copy per worker; each candidate is evaluated once, so nothing is hoisted.
    private static IParametrizedFunction Model() =>
        Lambdify.Compile(InfixReader.Parse("1/(A2*A4)*exp(-((x - A1)**2/A2**2 + (y - A3)**2/A4**2))").GetValueOrThrow(),
            ["x", "y"], [], new Dictionary<string, System.Numerics.Complex> { ["A1"] = 10, ["A2"] = 3, ["A3"] = 10, ["A4"] = 3 },
            new LambdifyOptions { Hoisting = false, MaxThreads = 1 });

    private IParametrizedFunction[]? _copies;

    [GlobalSetup]
    public void Setup()
    {
        _copies = Enumerable.Range(0, Environment.ProcessorCount).Select(_ => Model()).ToArray();
        // The generators keep their arrays from batch to batch, as a long simulation would.
        _candidates = Flat(7);
        _acceptance = Acceptance(7);
    }

    /// <summary>
    /// Flat candidates in [0, 20)², x and y from two streams of the seed, into arrays each thread reuses from batch
    /// to batch (the simulation copies the kept rows out before a thread asks for its next batch).
    /// </summary>
    internal static CandidateBatch Flat(ulong seed)
    {
        var buffers = new ThreadLocal<(double[] X, double[] Y)>(() => ([], []));
        var sx = new RandomStream(seed, 0);
        var sy = new RandomStream(seed, 1);
        return (first, count) =>
        {
            var (x, y) = buffers.Value;
            if (x.Length != count) buffers.Value = (x, y) = (new double[count], new double[count]);
            sx.FillUniform(first, x);
            sy.FillUniform(first, y);
            Scale(x, 20);
            Scale(y, 20);
            return new EventSample([new("x", x), new("y", y)]);
        };
    }

    private static void Scale(double[] a, double factor)
    {
        var f = System.Runtime.Intrinsics.Vector256.Create(factor);
        int i = 0;
        for (; i + 4 <= a.Length; i += 4)
            (System.Runtime.Intrinsics.Vector256.Create(a.AsSpan(i, 4)) * f).CopyTo(a.AsSpan(i, 4));
        for (; i < a.Length; i++) a[i] *= factor;
    }

    /// <summary>Acceptance numbers from stream 2 (32-bit resolution: u · max &lt; I needs no more).</summary>
    internal static UniformFill Acceptance(ulong seed)
    {
        var s = new RandomStream(seed, 2);
        return (first, destination) => s.FillUniform32(first, destination);
    }

    /// <summary>Generate, evaluate, accept: the whole simulation of 1 M candidates (maximum known, as the peer's vals.max()).</summary>
    [Benchmark]
    public int AcceptReject()
    {
        // The compiled copies are made once in the setup and handed out again for every run.
        var pool = new Queue<IParametrizedFunction>(_copies ??= Enumerable.Range(0, Environment.ProcessorCount).Select(_ => Model()).ToArray());
        var sim = new AcceptReject(() => pool.Dequeue(), _candidates!, _acceptance!) { Maximum = 1.0 / 9, Padding = 1.0, BatchSize = 1 << 14 };
        return sim.Run(long.MaxValue, Candidates).Events.Count;
    }
}
