using System.Numerics;
using BenchmarkDotNet.Attributes;
using PartialWave.Data;
using PartialWave.Modeling;
using PartialWave.Parsing;
using PartialWave.Symbolic;

using PartialWave.Benchmarks.Tracking;

namespace PartialWave.Benchmarks;

// Benchmarks of Lambdify.Compile and of the compiled functions on the three reference models, the counterpart of
// ../shared/peers/lambdify_anchor.py (sympy.lambdify + NumPy). run-lambdify-vs-numpy.sh runs them beside the
// peer and writes the ratios to perf-results/. The setup follows `pwa bench` (src/Cli/BenchCommand.cs): the
// reference points repeated to N events, parameters at their parameter_defaults, complex where the default is
// written [re, im]; in the steady-state benchmarks every free parameter moves slightly before each call, as
// in a fit.

/// <summary>A parsed reference model with its reference points, split into event columns and parameters as <c>pwa bench</c> does.</summary>
internal sealed class BenchModel
{
    /// <summary>The three reference models of the lambdify targets.</summary>
    public static readonly string[] Names = ["jpsi_gamma_pi0pi0", "jpsi_gamma_pi0pi0_f0f2_canonical", "lc2pkpi_default_full"];

    private BenchModel(string name, Expr expression, ReferencePoints reference, IReadOnlyDictionary<string, Complex> defaults, IReadOnlyList<string> inputs)
    {
        Name = name; Expression = expression; Reference = reference; Defaults = defaults; Inputs = inputs;
    }

    public string Name { get; }
    public Expr Expression { get; }
    public ReferencePoints Reference { get; }
    /// <summary>Parameter defaults of the symbols the expression has.</summary>
    public IReadOnlyDictionary<string, Complex> Defaults { get; }
    /// <summary>Kinematic variables: the expression's symbols without a parameter default.</summary>
    public IReadOnlyList<string> Inputs { get; }

    /// <summary>Parses the model (srepr) and loads its reference file.</summary>
    public static BenchModel Load(string name)
    {
        var expr = SreprReader.Parse(SharedModels.Read(name), name).GetValueOrThrow();
        var reference = ReferencePoints.Load(Path.Combine(SharedModels.Directory, name + ".json"));
        var symbols = expr.FreeSymbolNames();
        var defaults = reference.ParameterDefaults.Where(p => symbols.Contains(p.Key)).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        var inputs = symbols.Where(s => !defaults.ContainsKey(s)).ToList();
        var missing = inputs.Where(s => !reference.Points[0].Symbols.ContainsKey(s)).ToList();
        if (missing.Count > 0) throw new InvalidOperationException($"{name}: the reference points give no value for {string.Join(", ", missing)}");
        return new BenchModel(name, expr, reference, defaults, inputs);
    }

    /// <summary>The parameters for which <paramref name="free"/> holds, at their defaults (complex ones complex).</summary>
    public List<ParameterSpec> FreeParameters(Func<string, bool> free) =>
        Defaults.Where(p => free(p.Key)).OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => new ParameterSpec(p.Key, p.Value, Reference.ComplexParameters.Contains(p.Key))).ToList();

    /// <summary>The defaults of the other parameters, to fold into the kernel.</summary>
    public Dictionary<string, Complex> FixedValues(Func<string, bool> free) =>
        Defaults.Where(p => !free(p.Key)).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);

    /// <summary>
    /// <paramref name="n"/> events drawn from the reference points as <c>pwa bench</c> draws them (seed 0). Each
    /// column appears once per suffix (the same array), for models made of renamed copies.
    /// </summary>
    public EventSample Sample(int n, IReadOnlyList<string>? suffixes = null)
    {
        var rng = new Random(0);
        var index = Enumerable.Range(0, n).Select(_ => rng.Next(Reference.Points.Count)).ToArray();
        var columns = new List<KeyValuePair<string, double[]>>();
        foreach (var s in Inputs)
        {
            var values = index.Select(i => Reference.Points[i].Symbols[s].Real).ToArray();
            foreach (var suffix in suffixes ?? [""]) columns.Add(new(s + suffix, values));
        }
        return new EventSample(columns);
    }

    /// <summary>
    /// The expression with every free symbol s renamed to s + <paramref name="suffix"/>, assumptions kept (an
    /// Indexed symbol becomes a plain symbol of the new name). Symbol nodes that share a name but differ in
    /// assumptions stay distinct nodes, so a copy has the same structure as the original.
    /// </summary>
    public Expr Renamed(string suffix)
    {
        var map = new Dictionary<Expr, Expr>();
        foreach (var s in Expression.FreeSymbols()) map[s] = Expr.Symbol(s.Name + suffix, s.Assumptions);
        return Expression.Substitute(map);
    }
}

/// <summary>Moves every free parameter of a compiled function by a relative ±1e-9 around its start value, alternating, as a fit would between calls.</summary>
public sealed class ParameterWiggle(IParametrizedFunction function, IReadOnlyList<ParameterSpec> parameters)
{
    private int _step;

    public void Next()
    {
        _step++;
        var factor = 1 + (_step % 2 == 0 ? 1e-9 : -1e-9);
        foreach (var p in parameters) function.SetParameter(p.Name, p.Value * factor);
    }
}

/// <summary>
/// Compile time of a reference model with every parameter free (the srepr is parsed once in the setup, so parsing
/// is excluded), including the first evaluation on 256 events, which JIT-compiles the generated code and so
/// belongs to compiling. <see cref="Copies"/> = 4 compiles the sum of four copies of the model whose symbols
/// are renamed s#0..s#3 (inputs too: four independent copies); the target is that four copies of the Λc model
/// take at most 4.5 times one copy. Counterpart of the peer's lambdify_s_cse (<c>sympy.lambdify(cse=True)</c>).
/// </summary>
[Throughput(1, "compiles")]
public class CompileBenchmarks
{
    private const int WarmEvents = 256;
    private Expr _expression = Expr.Zero;
    private List<string> _inputs = [];
    private List<ParameterSpec> _parameters = [];
    private EventSample _warm = new([]);
    private double[] _re = [], _im = [];

    /// <summary>The reference model.</summary>
    [Params("jpsi_gamma_pi0pi0", "jpsi_gamma_pi0pi0_f0f2_canonical", "lc2pkpi_default_full")]
    public string Model { get; set; } = "";

    /// <summary>Copies of the model, renamed and summed (1 = the model itself).</summary>
    [Params(1, 4)]
    public int Copies { get; set; } = 1;

    /// <summary>Parses the model and builds the roles and the 256-event sample.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var m = BenchModel.Load(Model);
        var parameters = m.FreeParameters(_ => true);
        if (Copies == 1)
        {
            _expression = m.Expression;
            _inputs = m.Inputs.ToList();
            _parameters = parameters;
            _warm = m.Sample(WarmEvents);
        }
        else
        {
            var suffixes = Enumerable.Range(0, Copies).Select(k => "#" + k).ToList();
            _expression = Expr.Add(suffixes.Select(m.Renamed).ToList());
            _inputs = m.Inputs.SelectMany(i => suffixes.Select(s => i + s)).ToList();
            _parameters = parameters.SelectMany(p => suffixes.Select(s => p with { Name = p.Name + s })).ToList();
            _warm = m.Sample(WarmEvents, suffixes);
        }
        _re = new double[WarmEvents];
        _im = new double[WarmEvents];
        // One compilation outside the measurement, so that the compiler's own code is jitted before the pilot.
        Compile();
    }

    /// <summary>Lambdify.Compile with all parameters free, then the first evaluation on 256 events; the function is disposed.</summary>
    [Benchmark]
    public int Compile()
    {
        var f = Lambdify.Compile(_expression, _inputs, _parameters, null, null, out var statistics);
        f.Evaluate(_warm, _re, _im);
        f.Dispose();
        return statistics.OperationsPerEvent;
    }
}

/// <summary>
/// Steady-state evaluation of 1,000,000 events (the reference points repeated, as <c>pwa bench</c> does), every
/// parameter free at its default and moved slightly before each call: <see cref="SteadyStateBenchmarks.Value"/> evaluates into
/// preallocated arrays (counterpart of the peer's events_per_s_cse; target 20 times the peer's events/s),
/// <see cref="SumLog"/> and <see cref="SteadyStateBenchmarks.SumLogWithGradient"/> take Σ log f (target: the gradient at most 4 times
/// the value alone; the Ratio column of SumLogWithGradient is that ratio).
/// </summary>
[Throughput(Events, "events")]
public class ThroughputBenchmarks : SteadyStateBenchmarks
{
    /// <summary>Events per call.</summary>
    public const int Events = 1_000_000;

    /// <summary>The reference model.</summary>
    [Params("jpsi_gamma_pi0pi0", "jpsi_gamma_pi0pi0_f0f2_canonical", "lc2pkpi_default_full")]
    public string Model { get; set; } = "";

    /// <summary>The backend measured.</summary>
    protected virtual LambdifyOptions Options => new();

    /// <summary>Compiles the model with every parameter free, binds the sample and runs each call once.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var m = BenchModel.Load(Model);
        var parameters = m.FreeParameters(_ => true);
        Bind(Lambdify.Compile(m.Expression, m.Inputs, parameters, null, Options), parameters, m.Sample(Events));
        Function.SumLog(Sample);
    }

    /// <summary>Σ log f over all events, value only.</summary>
    [Benchmark(Baseline = true)]
    public double SumLog()
    {
        Wiggle.Next();
        return Function.SumLog(Sample).Value;
    }
}

/// <summary>
/// A compiled function evaluated over a fixed sample in steady state, every free parameter moved slightly before each
/// call as in a fit: <see cref="Value"/> into preallocated arrays, <see cref="SumLogWithGradient"/> as a fit asks.
/// </summary>
public abstract class SteadyStateBenchmarks
{
    private IParametrizedFunction? _f;
    private ParameterWiggle? _wiggle;
    private double[] _re = [], _im = [];

    protected IParametrizedFunction Function => _f ?? throw new InvalidOperationException("Bind was not called");
    protected ParameterWiggle Wiggle => _wiggle!;
    protected EventSample Sample { get; private set; } = new([]);

    /// <summary>Takes the function and sample, and runs each call once (buffers, JIT) outside the measurement.</summary>
    protected void Bind(IParametrizedFunction f, IReadOnlyList<ParameterSpec> parameters, EventSample sample)
    {
        _f = f;
        _wiggle = new ParameterWiggle(f, parameters);
        Sample = sample;
        _re = new double[sample.Count];
        _im = new double[sample.Count];
        f.Evaluate(sample, _re, _im);
        f.SumLog(sample, default, withGradient: true);
    }

    /// <summary>Releases the compiled function's native buffers.</summary>
    [GlobalCleanup]
    public void Cleanup() => _f?.Dispose();

    /// <summary>All events' values into preallocated re/im arrays.</summary>
    [Benchmark]
    public double Value()
    {
        Wiggle.Next();
        Function.Evaluate(Sample, _re, _im);
        return _re[0];
    }

    /// <summary>Σ log f over all events and its gradient with respect to every real parameter degree of freedom.</summary>
    [Benchmark]
    public double SumLogWithGradient()
    {
        Wiggle.Next();
        return Function.SumLog(Sample, default, withGradient: true).Value;
    }
}

/// <summary>
/// Hoisting on jpsi_gamma_pi0pi0: the couplings (parameters named C_...) free, masses and widths folded in,
/// 1,000,000 events, steady-state <c>Evaluate</c> with only the couplings moving between calls. With hoisting
/// the parameter-independent terms (Breit–Wigners, angular factors) are computed once per sample; target: on at
/// least 5 times faster than off (the Ratio column of HoistingOn is on/off, so at most 0.2).
/// </summary>
[Throughput(Events, "events")]
public class HoistingBenchmarks
{
    /// <summary>The model.</summary>
    public const string Model = "jpsi_gamma_pi0pi0";
    /// <summary>Events per call.</summary>
    public const int Events = 1_000_000;
    private IParametrizedFunction? _on, _off;
    private ParameterWiggle? _wiggleOn, _wiggleOff;
    private EventSample _sample = new([]);
    private double[] _re = [];

    private static bool IsCoupling(string name) => name.StartsWith("C_", StringComparison.Ordinal);

    /// <summary>Compiles the model twice (hoisting on and off), binds the sample and evaluates each once.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var m = BenchModel.Load(Model);
        var couplings = m.FreeParameters(IsCoupling);
        if (couplings.Count == 0) throw new InvalidOperationException($"{Model} has no parameter named C_...");
        var fixedValues = m.FixedValues(IsCoupling);
        _sample = m.Sample(Events);
        _re = new double[Events];
        _on = Lambdify.Compile(m.Expression, m.Inputs, couplings, fixedValues, new LambdifyOptions { Hoisting = true });
        _off = Lambdify.Compile(m.Expression, m.Inputs, couplings, fixedValues, new LambdifyOptions { Hoisting = false });
        _wiggleOn = new ParameterWiggle(_on, couplings);
        _wiggleOff = new ParameterWiggle(_off, couplings);
        // The intensity is real: its values only, as a fit or a weighting would ask (an imaginary column would be
        // zeros, written out at the same memory cost as a cached column read by the hoisted kernel).
        if (_on.IsComplexValued) throw new InvalidOperationException($"{Model} was expected to be real-valued");
        _on.Evaluate(_sample, _re);
        _off.Evaluate(_sample, _re);
    }

    /// <summary>Releases the compiled functions' native buffers.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _on?.Dispose();
        _off?.Dispose();
    }

    /// <summary>Evaluate with parameter-independent terms cached per sample.</summary>
    [Benchmark]
    public double HoistingOn()
    {
        _wiggleOn!.Next();
        _on!.Evaluate(_sample, _re);
        return _re[0];
    }

    /// <summary>Evaluate recomputing everything per call.</summary>
    [Benchmark(Baseline = true)]
    public double HoistingOff()
    {
        _wiggleOff!.Next();
        _off!.Evaluate(_sample, _re);
        return _re[0];
    }
}

/// <summary>
/// <see cref="ThroughputBenchmarks"/> with Vector512 kernels (<see cref="SimdWidth.Vector512"/>: eight events per
/// instruction where the machine has AVX-512). On demand only: <c>-- run --filter 'Vector512ThroughputBenchmarks.*'</c>
/// or, for BenchmarkDotNet's own table, <c>--filter 'PartialWave.Benchmarks.Vector512ThroughputBenchmarks*'</c>.
/// </summary>
[OnDemand]
public class Vector512ThroughputBenchmarks : ThroughputBenchmarks
{
    /// <inheritdoc/>
    protected override LambdifyOptions Options => new() { Simd = SimdWidth.Vector512 };
}
