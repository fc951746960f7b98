using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Jobs;
using PartialWave.Data;
using PartialWave.Parsing;
using PartialWave.Randomness;
using PartialWave.Simulation;

namespace PartialWave.Benchmarks;

// The accept-reject of ../shared/peers/gauss2d_simulate_fit.py: 1,000,000 flat events in [0, 20)², kept with
// probability I/max I for a 2-D Gaussian (A1 = 10, A2 = 3, A3 = 10, A4 = 3). Here end to end: generating the
// candidates, evaluating the model, drawing the acceptance numbers and gathering the kept events (the peer times
// evaluation and acceptance only; its candidates are drawn before its clock starts).

/// <summary>Accept-reject of the 2-D Gaussian over 1 M flat candidates.</summary>
[SimpleJob(RuntimeMoniker.Net10_0, warmupCount: 3, iterationCount: 15)]
[JsonExporterAttribute.Brief]
[MarkdownExporterAttribute.GitHub]
public class SimulationBenchmarks
{
    private const int Candidates = 1_000_000;
    private IParametrizedFunction? _model;
    private CandidateBatch? _candidates;
    private UniformFill? _acceptance;

    [GlobalSetup]
    public void Setup()
    {
        _model = Lambdify.Compile(InfixReader.Parse("1/(A2*A4)*exp(-((x - A1)**2/A2**2 + (y - A3)**2/A4**2))").GetValueOrThrow(),
            ["x", "y"], [], new Dictionary<string, System.Numerics.Complex> { ["A1"] = 10, ["A2"] = 3, ["A3"] = 10, ["A4"] = 3 },
            new LambdifyOptions { Hoisting = false }); // each candidate is evaluated once
        // The generators keep their arrays from batch to batch, as a long simulation would.
        _candidates = Flat(7);
        _acceptance = Acceptance(7);
    }

    /// <summary>
    /// Flat candidates in [0, 20)², x and y from two streams of the seed, filled in parallel slices into arrays reused
    /// from batch to batch (the simulation copies the kept rows out before asking for the next batch).
    /// </summary>
    internal static CandidateBatch Flat(ulong seed)
    {
        double[] x = [], y = [];
        var sx = new RandomStream(seed, 0);
        var sy = new RandomStream(seed, 1);
        return (first, count) =>
        {
            if (x.Length != count) { x = new double[count]; y = new double[count]; }
            var (bx, by) = (x, y);
            const int slice = 1 << 16;
            Parallel.For(0, (count + slice - 1) / slice, k =>
            {
                int start = k * slice, n = Math.Min(slice, count - start);
                sx.FillUniform(first + start, bx.AsSpan(start, n));
                sy.FillUniform(first + start, by.AsSpan(start, n));
                for (int i = start; i < start + n; i++)
                {
                    bx[i] *= 20;
                    by[i] *= 20;
                }
            });
            return new EventSample([new("x", bx), new("y", by)]);
        };
    }

    /// <summary>Acceptance numbers from stream 2.</summary>
    internal static UniformFill Acceptance(ulong seed)
    {
        var s = new RandomStream(seed, 2);
        return (first, destination) => s.FillUniform(first, destination);
    }

    /// <summary>Generate, evaluate, accept: the whole simulation of 1 M candidates (maximum known, as the peer's vals.max()).</summary>
    [Benchmark]
    public int AcceptReject()
    {
        var sim = new AcceptReject(_model!, _candidates!, _acceptance!) { Maximum = 1.0 / 9, Padding = 1.0 };
        return sim.Run(long.MaxValue, Candidates).Events.Count;
    }
}
