using BenchmarkDotNet.Attributes;
using PartialWave.Data;
using PartialWave.Estimation;
using PartialWave.Modeling;
using PartialWave.Optimization;
using PartialWave.Parsing;

using PartialWave.Benchmarks.Tracking;

namespace PartialWave.Benchmarks;

// MIGRAD on the two fits of issue 4's speed targets, the counterparts of ../shared/peers/gauss_exp_fit.py (iminuit
// with a Numba-parallel likelihood) and ../shared/reference-fits/jpsi_gamma_pi0pi0/peer_fit.py (iminuit with a
// lambdified NumPy likelihood). run-fit-vs-iminuit.sh runs them beside the peers and writes the ratios. Each
// operation is one whole MIGRAD from the start values on an already compiled likelihood, as the peers time it.

/// <summary>The extended peak-over-background fit with N_SIG = 200,000 (about 1.5 M events in [1, 9]).</summary>
[Throughput(1, "fits")]
public class GaussExpFitBenchmarks
{
    /// <summary>Density of counts: a Gaussian and an exponential, each normalised on [1, 9] (the peer's pdfs).</summary>
    public const string Model =
        "ns*exp(-(x - mu)**2/(2*sigma**2))/(sqrt(2*pi)*sigma*(erf((9 - mu)/(sqrt(2)*sigma)) - erf((1 - mu)/(sqrt(2)*sigma)))/2)"
        + " + nb*exp(-x/lambd)/(lambd*(exp(-1/lambd) - exp(-9/lambd)))";

    private const int NSig = 200_000;
    private ExtendedUnbinnedNll? _nll;

    [GlobalSetup]
    public void Setup()
    {
        // The peer's sample: N(5, 0.5) signal and Exp(scale 4) background, ten times as many, kept in (1, 9).
        var rng = new Random(1);
        var x = new List<double>(11 * NSig);
        for (int i = 0; i < NSig; i++)
            x.Add(5 + 0.5 * Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble()));
        for (int i = 0; i < 10 * NSig; i++) x.Add(-4 * Math.Log(1 - rng.NextDouble()));
        var sample = new EventSample([new("x", x.Where(v => v is > 1 and < 9).ToArray())]);
        var f = Lambdify.Compile(InfixReader.Parse(Model).GetValueOrThrow(), ["x"],
            new[] { "ns", "nb", "mu", "sigma", "lambd" }.Select(n => ParameterSpec.Real(n, 1)).ToList());
        _nll = new ExtendedUnbinnedNll(f, sample, InfixReader.Parse("ns + nb").GetValueOrThrow());
        Console.WriteLine($"// gauss_exp: {sample.Count} events");
    }

    private FitResult Migrad(bool analytic)
    {
        _nll!.UseAnalyticGradient = analytic;
        var m = new Minuit(_nll, new FitParameter[] {
            new("ns", NSig, 0.01 * NSig, Lower: 0), new("nb", 10 * NSig, 0.1 * NSig, Lower: 0),
            new("mu", 5, 0.05), new("sigma", 0.5, 0.005, Lower: 0), new("lambd", 4, 0.04, Lower: 0) });
        return FitRuns.ValidMigrad(m);
    }

    /// <summary>MIGRAD with the analytic gradient of the fused likelihood kernel (PartialWave's default).</summary>
    [Benchmark(Baseline = true)]
    public double MigradAnalytic() => Migrad(true).Fval;

    /// <summary>MIGRAD differentiating numerically, as iminuit does.</summary>
    [Benchmark]
    public double MigradNumerical() => Migrad(false).Fval;
}

/// <summary>The J/ψ → γπ⁰π⁰ reference fit (10 k data, 100 k phase space, 12 free parameters).</summary>
[Throughput(1, "fits")]
public class JpsiFitBenchmarks
{
    private UnbinnedFit? _fit;
    private FitDefinition? _definition;

    [GlobalSetup]
    public void Setup()
    {
        var dir = Path.Combine(Path.GetDirectoryName(SharedModels.Directory)!, "reference-fits", "jpsi_gamma_pi0pi0");
        _definition = FitDefinition.Load(Path.Combine(dir, "fit.json"));
        var model = ModelFile.Load(Path.Combine(dir, _definition.ModelFile!)).GetValueOrThrow();
        var data = CsvEvents.Read(Path.Combine(dir, _definition.DataFile!)).GetValueOrThrow();
        var phsp = CsvEvents.Read(Path.Combine(dir, _definition.PhspFile!)).GetValueOrThrow();
        _fit = UnbinnedFit.Create(model, _definition, data, phsp);
        // The coupling-only variant: f0(1500) mass and width fixed at their start values.
        _couplings = _definition.CouplingsOnly();
        _cached = UnbinnedFit.Create(model, _couplings, data, phsp);
        _uncached = new UnbinnedNll(_cached.Function, data, phsp, _cached.Likelihood.Map, cacheNormalisation: false);
        Console.WriteLine($"// couplings only: {_cached.Likelihood.NormalisationMode}");
    }

    private FitDefinition? _couplings;
    private UnbinnedFit? _cached;
    private UnbinnedNll? _uncached;

    private double CouplingMigrad(UnbinnedNll nll)
    {
        return FitRuns.ValidMigrad(FitRuns.Minuit(nll, _couplings!)).Fval;
    }

    /// <summary>Couplings only, normalisation from the cached K × K matrix.</summary>
    [Benchmark]
    public double CouplingsOnlyCached() => CouplingMigrad(_cached!.Likelihood);

    /// <summary>Couplings only, normalisation summed over the 100 k phase-space events at every call.</summary>
    [Benchmark]
    public double CouplingsOnlyFullSum() => CouplingMigrad(_uncached!);

    private FitResult Migrad(bool analytic)
    {
        _fit!.Likelihood.UseAnalyticGradient = analytic;
        return FitRuns.ValidMigrad(FitRuns.Minuit(_fit.Likelihood, _definition!));
    }

    /// <summary>MIGRAD with the analytic gradient (PartialWave's default).</summary>
    [Benchmark(Baseline = true)]
    public double MigradAnalytic() => Migrad(true).Fval;

    /// <summary>MIGRAD differentiating numerically, as iminuit does (635 calls, like the peer).</summary>
    [Benchmark]
    public double MigradNumerical() => Migrad(false).Fval;

    /// <summary>HESSE at the minimum (analytic gradient differences).</summary>
    [Benchmark]
    public double MigradAndHesse()
    {
        _fit!.Likelihood.UseAnalyticGradient = true;
        var m = FitRuns.Minuit(_fit.Likelihood, _definition!);
        m.Migrad();
        return m.Hesse().Fval;
    }
}

internal static class FitRuns
{
    public static Minuit Minuit(IObjective objective, FitDefinition definition) =>
        new(objective, definition.FitParameters()) { Strategy = definition.Strategy, Tolerance = definition.Tolerance };

    /// <summary>MIGRAD, refusing to time a fit that did not converge.</summary>
    public static FitResult ValidMigrad(Minuit m)
    {
        var r = m.Migrad();
        if (!r.IsValid) throw new InvalidOperationException("invalid minimum:\n" + r.ToTable());
        return r;
    }
}

/// <summary>
/// Fit fractions of the J/ψ reference fit (6 components, 15 interference terms, 100 k phase-space events) with their
/// propagated errors, from the fit's result: the fraction kernel's compilation and one summed pass with gradient per
/// component, pair and the total (issue 21's speed target: under 50 ms).
/// </summary>
public class FitFractionBenchmarks
{
    private FitDefinition? _definition;
    private PartialWave.Symbolic.Expr? _model;
    private EventSample? _phsp;
    private FitResult? _result;

    [GlobalSetup]
    public void Setup()
    {
        var dir = Path.Combine(Path.GetDirectoryName(SharedModels.Directory)!, "reference-fits", "jpsi_gamma_pi0pi0");
        _definition = FitDefinition.Load(Path.Combine(dir, "fit.json"));
        _model = ModelFile.Load(Path.Combine(dir, _definition.ModelFile!)).GetValueOrThrow();
        var data = CsvEvents.Read(Path.Combine(dir, _definition.DataFile!)).GetValueOrThrow();
        _phsp = CsvEvents.Read(Path.Combine(dir, _definition.PhspFile!)).GetValueOrThrow();
        using var fit = UnbinnedFit.Create(_model, _definition, data, _phsp);
        fit.Minuit.Migrad();
        _result = fit.Minuit.Hesse();
    }

    /// <summary>Fractions and interference with propagated errors.</summary>
    [Benchmark]
    public double Fractions() => FitFractionCalculator.Compute(_model!, _definition!, _result!, _phsp!).Sum.Value;
}
