using BenchmarkDotNet.Attributes;
using PartialWave.Kinematics;
using PartialWave.Randomness;

using PartialWave.Benchmarks.Tracking;

namespace PartialWave.Benchmarks;

/// <summary>
/// Flat three-body phase space for J/psi → γ π0 π0 (3.0969 → 0, 0.1349768, 0.1349768 GeV), 1,000,000 events on all
/// cores (issue 5's target: at least 20 M events/s on the 2-core machines). <see cref="IntoColumns"/> writes the
/// twelve four-momentum columns into preallocated arrays (the generator's own rate); <see cref="NewSample"/>
/// allocates them and adds the three m2_ij columns, as <c>pwa phsp</c> would; <see cref="Genbod"/> is the general
/// n-body generator on the same decay, flat by per-event acceptance, for comparison.
/// </summary>
[Throughput(Events, "events")]
public class PhaseSpaceBenchmarks
{
    /// <summary>Events per call.</summary>
    public const int Events = 1_000_000;
    private static readonly double[] Daughters = [0, 0.1349768, 0.1349768];
    private const double Parent = 3.0969;
    private readonly ThreeBodyPhaseSpace _threeBody = new(Parent, Daughters[0], Daughters[1], Daughters[2]);
    private readonly PhaseSpaceGenerator _genbod = new(Parent, Daughters);
    private readonly FourMomentumColumns _columns = new(3, Events);
    private long _first;

    /// <summary>Each call draws the next million events, so no two calls repeat a sample.</summary>
    private long NextFirst() => Interlocked.Add(ref _first, Events) - Events;

    /// <summary>1 M events into preallocated columns.</summary>
    [Benchmark(Baseline = true)]
    public double IntoColumns()
    {
        _threeBody.Generate(new RandomStream(1), NextFirst(), _columns, 0, Events);
        return _columns.E(0)[Events - 1];
    }

    /// <summary>1 M events as a new event sample with the pair masses squared.</summary>
    [Benchmark]
    public int NewSample() => PhaseSpace.FlatSample(Parent, Daughters, Events, new RandomStream(1), NextFirst()).Count;

    /// <summary>1 M flat events from the general GENBOD generator.</summary>
    [Benchmark]
    public int Genbod() => _genbod.GenerateFlat(new RandomStream(1), Events, NextFirst()).EventCount;
}
