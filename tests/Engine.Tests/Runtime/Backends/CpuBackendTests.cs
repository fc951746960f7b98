using System.Numerics;
using System.Text.Json;
using PartialWave.Compilation;
using PartialWave.Data;
using PartialWave.Modeling;
using PartialWave.Parsing;
using PartialWave.Symbolic;
using Xunit.Abstractions;
using PartialWave.Engine.Tests.Core.Numerics;

namespace PartialWave.Engine.Tests.Runtime.Backends;

/// <summary>
/// The agreement suite every compiled backend passes: reference models against SymPy's values under each of the
/// backend's layouts, small expressions, bit-identical results across the backend's own variations, gradients
/// against the reference derivative and finite differences. One subclass per backend.
/// </summary>
public abstract class CompiledBackendTests(ITestOutputHelper output)
{
    /// <summary>The backend's options for a split size and hoisting.</summary>
    protected abstract LambdifyOptions Options(int split, bool hoisting);

    /// <summary>The (split, hoisting) layouts each reference model is checked under.</summary>
    protected abstract IEnumerable<(int Split, bool Hoisting)> Layouts { get; }

    /// <summary>Two settings that must give the same bits (thread counts, device windows).</summary>
    protected abstract (LambdifyOptions A, LambdifyOptions B, string What) SameBits { get; }

    /// <summary>A model with its reference points as a sample: parameters free at their defaults.</summary>
    internal sealed record ModelCase(Expr Expression, List<ParameterSpec> Parameters, List<string> Inputs, EventSample Sample, Complex[] Expected);

    internal static ModelCase LoadModel(string model, int repeat = 1)
    {
        var expr = SreprReader.ParseFile(SharedData.ReferenceModel(model + ".srepr")).GetValueOrThrow();
        var reference = ReferencePoints.Load(SharedData.ReferenceModel(model + ".json"));
        using var doc = JsonDocument.Parse(File.ReadAllText(SharedData.ReferenceModel(model + ".json")));
        var complexNames = doc.RootElement.GetProperty("parameter_defaults").EnumerateObject()
            .Where(p => p.Value.ValueKind == JsonValueKind.Array).Select(p => p.Name).ToHashSet();
        var free = expr.FreeSymbolNames();
        var parameters = reference.ParameterDefaults.Where(p => free.Contains(p.Key))
            .Select(p => new ParameterSpec(p.Key, p.Value, complexNames.Contains(p.Key))).ToList();
        var inputs = free.Where(n => !reference.ParameterDefaults.ContainsKey(n)).ToList();
        var columns = inputs.Select(n => new KeyValuePair<string, double[]>(n,
            Enumerable.Range(0, reference.Points.Count * repeat).Select(i => reference.Points[i % reference.Points.Count].Symbols[n].Real).ToArray()));
        var expected = Enumerable.Range(0, reference.Points.Count * repeat).Select(i => reference.Points[i % reference.Points.Count].Expected).ToArray();
        return new ModelCase(expr, parameters, inputs, new EventSample(columns), expected);
    }

    private static Complex[] Evaluate(IParametrizedFunction f, EventSample sample)
    {
        var re = new double[sample.Count];
        var im = new double[sample.Count];
        f.Evaluate(sample, re, im);
        return re.Zip(im, (a, b) => new Complex(a, b)).ToArray();
    }

    [SkippableTheory]
    [MemberData(nameof(ReferenceModelTests.BigModels), MemberType = typeof(ReferenceModelTests))]
    public void Reference_models_agree_with_sympy_for_every_split_size_and_hoisting(string model)
    {
        // Repeat the points so that several chunks and a partial last chunk are exercised.
        var c = LoadModel(model, repeat: 30);
        foreach (var (split, hoisting) in Layouts)
        {
            var f = Lambdify.Compile(c.Expression, c.Inputs, c.Parameters, null, Options(split, hoisting), out var stats);
            var values = Evaluate(f, c.Sample);
            double worst = 0;
            for (int i = 0; i < values.Length; i++)
            {
                double dev = ReferencePoints.RelativeDeviation(values[i], c.Expected[i]);
                worst = Math.Max(worst, dev);
                Assert.True(dev <= 1e-10, $"split {split}, hoisting {hoisting}, event {i}: {values[i]} vs {c.Expected[i]} ({dev:E2})");
            }
            output.WriteLine($"{model} split {split} hoisting {hoisting}: {stats.OperationsPerEvent} ops/event, {stats.Segments} segments, largest relative deviation {worst:E2}");
        }
    }

    [SkippableTheory]
    [MemberData(nameof(ReferenceModelTests.SmallLines), MemberType = typeof(ReferenceModelTests))]
    public void Small_expressions_agree_with_sympy(string name)
    {
        Skip.If(name.StartsWith('('), "../shared/reference-models is absent; skipping.");
        var line = ReferenceModelTests.SmallLine(name);
        var expr = SreprReader.Parse(line.GetProperty("srepr").GetString()!).GetValueOrThrow();
        var values = ReferencePoints.ReadValues(line.GetProperty("symbols"));
        var expected = ReferencePoints.ReadComplex(line.GetProperty("value"));
        var free = expr.FreeSymbolNames();
        var inputs = free.Where(n => values[n].Imaginary == 0).ToList();
        var parameters = free.Where(n => values[n].Imaginary != 0).Select(n => ParameterSpec.ComplexValued(n, values[n])).ToList();
        var sample = new EventSample(inputs.Select(n => new KeyValuePair<string, double[]>(n, Enumerable.Repeat(values[n].Real, 5).ToArray())));
        if (inputs.Count == 0) sample = new EventSample([new("_", new double[5])]);
        var f = Lambdify.Compile(expr, inputs, parameters, null, Options(LambdifyOptions.DefaultSplitSize, true));
        var v = Evaluate(f, sample);
        foreach (var x in v)
        {
            double dev = ReferencePoints.RelativeDeviation(x, expected);
            Assert.True(dev <= 1e-12, $"{name}: {x} vs {expected} ({dev:E2})");
        }
    }

    [SkippableFact]
    public void Results_and_sums_are_bit_identical_across_the_backends_variations()
    {
        var c = LoadModel("jpsi_gamma_pi0pi0", repeat: 300);
        var (optionsA, optionsB, what) = SameBits;
        output.WriteLine(what);
        var one = Lambdify.Compile(c.Expression, c.Inputs, c.Parameters, null, optionsA);
        var many = Lambdify.Compile(c.Expression, c.Inputs, c.Parameters, null, optionsB);
        var a = Evaluate(one, c.Sample);
        var b = Evaluate(many, c.Sample);
        Assert.Equal(a, b);
        var weights = Enumerable.Range(0, c.Sample.Count).Select(i => 0.5 + (i % 7) * 0.25).ToArray();
        var s1 = one.SumLog(c.Sample, weights, withGradient: true);
        var s2 = many.SumLog(c.Sample, weights, withGradient: true);
        Assert.Equal(BitConverter.DoubleToInt64Bits(s1.Value), BitConverter.DoubleToInt64Bits(s2.Value));
        Assert.Equal(s1.Gradient!.Select(BitConverter.DoubleToInt64Bits), s2.Gradient!.Select(BitConverter.DoubleToInt64Bits));
    }

    [SkippableFact]
    public void Gradients_agree_with_the_reference_derivative_and_with_finite_differences()
    {
        var c = LoadModel("jpsi_gamma_pi0pi0");
        var cpu = Lambdify.Compile(c.Expression, c.Inputs, c.Parameters, null, Options(LambdifyOptions.DefaultSplitSize, true));
        var reference = Lambdify.Compile(c.Expression, c.Inputs, c.Parameters, null, new LambdifyOptions { Backend = Backend.Reference });
        int n = c.Sample.Count, g = cpu.GradientParameters.Count;
        Assert.Equal(cpu.GradientParameters, reference.GradientParameters);
        var v1 = new double[n]; var g1 = Enumerable.Range(0, g).Select(_ => new double[n]).ToArray();
        var v2 = new double[n]; var g2 = Enumerable.Range(0, g).Select(_ => new double[n]).ToArray();
        cpu.EvaluateWithGradient(c.Sample, v1, g1);
        reference.EvaluateWithGradient(c.Sample, v2, g2);
        for (int k = 0; k < g; k++)
            for (int i = 0; i < n; i++)
            {
                double scale = Math.Max(Math.Abs(g2[k][i]), 1e-6 * Math.Abs(v2[i]));
                Assert.True(Math.Abs(g1[k][i] - g2[k][i]) <= 1e-9 * scale, $"d/d {cpu.GradientParameters[k]} event {i}: {g1[k][i]} vs {g2[k][i]}");
            }
        // and the summed log-likelihood gradient against a central difference of SumLog
        var s = cpu.SumLog(c.Sample, default, withGradient: true);
        var names = cpu.GradientParameters;
        for (int k = 0; k < g; k++)
        {
            var p = names[k];
            string symbol = p.EndsWith(".re") || p.EndsWith(".im") ? p[..^3] : p;
            var spec = cpu.Parameters.Single(q => q.Name == symbol);
            var original = spec.Value;
            Complex step = p.EndsWith(".im") ? new Complex(0, 1e-6) : new Complex(1e-6, 0);
            cpu.SetParameter(symbol, original + step);
            double up = cpu.SumLog(c.Sample).Value;
            cpu.SetParameter(symbol, original - step);
            double down = cpu.SumLog(c.Sample).Value;
            cpu.SetParameter(symbol, original);
            double fd = (up - down) / 2e-6;
            Assert.True(Math.Abs(fd - s.Gradient![k]) <= 1e-5 * Math.Max(1, Math.Abs(fd)), $"{p}: analytic {s.Gradient[k]} vs difference {fd}");
        }
    }

    [SkippableTheory]
    [MemberData(nameof(ReferenceModelTests.BigModels), MemberType = typeof(ReferenceModelTests))]
    public void Summed_gradients_equal_the_weighted_sums_of_per_event_gradients(string model)
    {
        // The summing kernels take their adjoints per event only down to the parameter-only values and carry the
        // sums on to the parameters once per call; the per-event gradient kernel takes the whole chain per event.
        var c = LoadModel(model, repeat: 3);
        var f = Lambdify.Compile(c.Expression, c.Inputs, c.Parameters, null, Options(LambdifyOptions.DefaultSplitSize, true));
        int n = c.Sample.Count, g = f.GradientParameters.Count;
        var weights = Enumerable.Range(0, n).Select(i => 0.5 + (i % 5) * 0.375).ToArray();
        var value = new double[n];
        var perEvent = Enumerable.Range(0, g).Select(_ => new double[n]).ToArray();
        f.EvaluateWithGradient(c.Sample, value, perEvent);
        var sumLog = f.SumLog(c.Sample, weights, withGradient: true);
        var sum = f.Sum(c.Sample, weights, withGradient: true);
        double worst = 0;
        for (int k = 0; k < g; k++)
        {
            double log = 0, plain = 0, logScale = 0, plainScale = 0;
            for (int i = 0; i < n; i++)
            {
                log += weights[i] * perEvent[k][i] / value[i];
                plain += weights[i] * perEvent[k][i];
                logScale += Math.Abs(weights[i] * perEvent[k][i] / value[i]);
                plainScale += Math.Abs(weights[i] * perEvent[k][i]);
            }
            double devLog = Math.Abs(sumLog.Gradient![k] - log) / Math.Max(logScale, 1e-300);
            double devPlain = Math.Abs(sum.Gradient![k] - plain) / Math.Max(plainScale, 1e-300);
            worst = Math.Max(worst, Math.Max(devLog, devPlain));
            Assert.True(devLog <= 1e-10, $"d Σ w log f/d {f.GradientParameters[k]}: {sumLog.Gradient[k]} vs {log} ({devLog:E2} of Σ|terms|)");
            Assert.True(devPlain <= 1e-10, $"d Σ w f/d {f.GradientParameters[k]}: {sum.Gradient[k]} vs {plain} ({devPlain:E2} of Σ|terms|)");
        }
        output.WriteLine($"{model}: {g} gradient components, largest deviation {worst:E2} of Σ|terms|");
    }

    [Fact]
    public void Events_of_weight_zero_add_nothing_to_sums_or_gradients_even_where_the_function_is_NaN()
    {
        // f = a·x² + b·x: NaN where x is NaN; those events and a negative one (log f NaN) get weight zero.
        var e = InfixReader.Parse("a*x**2 + b*x").GetValueOrThrow();
        var f = Lambdify.Compile(e, ["x"], [ParameterSpec.Real("a", 1.5), ParameterSpec.Real("b", 0.25)], null, Options(LambdifyOptions.DefaultSplitSize, true));
        int n = 1003; // not a whole number of chunks: the padding has weight zero too
        var x = Enumerable.Range(0, n).Select(i => i % 97 == 5 ? double.NaN : i == 40 ? -0.1 : 0.1 + i * 0.01).ToArray();
        var weights = x.Select((v, i) => double.IsNaN(v) || v < 0 ? 0.0 : 1 + (i % 3) * 0.5).ToArray();
        var sample = new EventSample([new("x", x)]);
        var sumLog = f.SumLog(sample, weights, withGradient: true);
        var sum = f.Sum(sample, weights, withGradient: true);
        double log = 0, plain = 0, dLogA = 0, dLogB = 0, dA = 0, dB = 0;
        for (int i = 0; i < n; i++)
        {
            if (weights[i] == 0) continue;
            double v = 1.5 * x[i] * x[i] + 0.25 * x[i], w = weights[i];
            log += w * Math.Log(v);
            plain += w * v;
            dLogA += w * x[i] * x[i] / v;
            dLogB += w * x[i] / v;
            dA += w * x[i] * x[i];
            dB += w * x[i];
        }
        Assert.Equal(log, sumLog.Value, 1e-10 * Math.Abs(log));
        Assert.Equal(plain, sum.Value, 1e-10 * Math.Abs(plain));
        Assert.Equal(dLogA, sumLog.Gradient![0], 1e-10 * Math.Abs(dLogA));
        Assert.Equal(dLogB, sumLog.Gradient![1], 1e-10 * Math.Abs(dLogB));
        Assert.Equal(dA, sum.Gradient![0], 1e-10 * Math.Abs(dA));
        Assert.Equal(dB, sum.Gradient![1], 1e-10 * Math.Abs(dB));
    }

    [Fact]
    public void Symbols_without_a_role_are_named()
    {
        var e = InfixReader.Parse("a*x + b").GetValueOrThrow();
        var ex = Assert.Throws<ArgumentException>(() => Lambdify.Compile(e, ["x"], [ParameterSpec.Real("a", 1)], null, Options(LambdifyOptions.DefaultSplitSize, true)));
        Assert.Contains("b", ex.Message);
    }
}

public class CpuBackendTests(ITestOutputHelper output) : CompiledBackendTests(output)
{
    protected override LambdifyOptions Options(int split, bool hoisting) => new() { SplitSize = split, Hoisting = hoisting };

    protected override IEnumerable<(int Split, bool Hoisting)> Layouts =>
        from split in new[] { 7, 64, LambdifyOptions.DefaultSplitSize, 1_000_000 } from hoisting in new[] { true, false } select (split, hoisting);

    protected override (LambdifyOptions A, LambdifyOptions B, string What) SameBits =>
        (new LambdifyOptions { MaxThreads = 1 }, new LambdifyOptions { MaxThreads = 4 }, "one thread against four");

    [SkippableFact]
    public void Large_outputs_are_streamed_to_the_same_values()
    {
        // Above StreamingStore.MinimumEvents the values go through the worker's chunk buffer and non-temporal stores
        // (any alignment of the caller's arrays, a partial last chunk); the imaginary part of a real function is zero.
        var c = LoadModel("jpsi_gamma_pi0pi0", repeat: 1);
        int n = PartialWave.Backends.Cpu.StreamingStore.MinimumEvents + 77;
        var sample = new EventSample(c.Inputs.Select(name => new KeyValuePair<string, double[]>(name,
            Enumerable.Range(0, n).Select(i => c.Sample[name][i % c.Sample.Count]).ToArray())));
        var f = Lambdify.Compile(c.Expression, c.Inputs, c.Parameters, null, new LambdifyOptions());
        var streamed = new double[n + 1];
        var im = Enumerable.Repeat(double.NaN, n + 1).ToArray();
        // Offset by one value, so that the arrays start off the 32-byte boundary of the vector stores.
        f.Evaluate(sample, streamed.AsSpan(1), im.AsSpan(1));
        var plain = new double[c.Sample.Count];
        var plainIm = new double[c.Sample.Count];
        f.Evaluate(c.Sample, plain, plainIm);
        for (int i = 0; i < n; i++)
        {
            Assert.Equal(plain[i % c.Sample.Count], streamed[1 + i]);
            Assert.Equal(0.0, im[1 + i]);
        }
        Assert.Equal(0.0, streamed[0]);
        Assert.True(double.IsNaN(im[0]));
    }
}

/// <summary>
/// The CPU backend's tests with Vector512 kernels (where the machine has AVX-512; elsewhere they run Vector256), and
/// the width's own promise: every event's value and gradient are the Vector256 kernel's bits.
/// </summary>
public class CpuVector512BackendTests(ITestOutputHelper output) : CompiledBackendTests(output)
{
    private static LambdifyOptions Wide(int split = LambdifyOptions.DefaultSplitSize, bool hoisting = true, int? threads = null) =>
        new() { SplitSize = split, Hoisting = hoisting, Simd = SimdWidth.Vector512, MaxThreads = threads ?? Environment.ProcessorCount };

    protected override LambdifyOptions Options(int split, bool hoisting) => Wide(split, hoisting);

    protected override IEnumerable<(int Split, bool Hoisting)> Layouts =>
        from split in new[] { 64, LambdifyOptions.DefaultSplitSize } from hoisting in new[] { true, false } select (split, hoisting);

    protected override (LambdifyOptions A, LambdifyOptions B, string What) SameBits =>
        (Wide(threads: 1), Wide(threads: 4), "Vector512, one thread against four");

    [SkippableTheory]
    [InlineData("jpsi_gamma_pi0pi0")]
    [InlineData("jpsi_gamma_pi0pi0_f0f2_canonical")]
    [InlineData("lc2pkpi_default_full")]
    public void Every_events_value_and_gradient_are_the_Vector256_kernels_bits(string model)
    {
        var c = LoadModel(model, repeat: 3);
        var narrow = Lambdify.Compile(c.Expression, c.Inputs, c.Parameters, null, new LambdifyOptions());
        var wide = Lambdify.Compile(c.Expression, c.Inputs, c.Parameters, null, Wide());
        if (PartialWave.Backends.Cpu.VOps512.IsAvailable) Assert.Equal(8, ((PartialWave.Backends.Cpu.CpuFunction)wide).Lanes);
        int n = c.Sample.Count, g = narrow.GradientParameters.Count;
        var (v1, v2) = (new double[n], new double[n]);
        var (g1, g2) = (Enumerable.Range(0, g).Select(_ => new double[n]).ToArray(), Enumerable.Range(0, g).Select(_ => new double[n]).ToArray());
        narrow.EvaluateWithGradient(c.Sample, v1, g1);
        wide.EvaluateWithGradient(c.Sample, v2, g2);
        Assert.Equal(v1.Select(BitConverter.DoubleToInt64Bits), v2.Select(BitConverter.DoubleToInt64Bits));
        for (int k = 0; k < g; k++) Assert.Equal(g1[k].Select(BitConverter.DoubleToInt64Bits), g2[k].Select(BitConverter.DoubleToInt64Bits));
        // Sums add eight lanes per chunk instead of four: equal up to roundings.
        var s1 = narrow.SumLog(c.Sample, default, withGradient: true);
        var s2 = wide.SumLog(c.Sample, default, withGradient: true);
        Assert.Equal(s1.Value, s2.Value, 1e-12 * Math.Abs(s1.Value));
        for (int k = 0; k < g; k++)
            Assert.True(Math.Abs(s1.Gradient![k] - s2.Gradient![k]) <= 1e-9 * Math.Max(1, Math.Abs(s1.Gradient[k])), $"{narrow.GradientParameters[k]}: {s1.Gradient[k]} vs {s2.Gradient[k]}");
        narrow.Dispose();
        wide.Dispose();
    }

    [Fact]
    public void A_kernel_with_a_function_only_Vector256_has_stays_four_events_wide()
    {
        var f = Lambdify.Compile(InfixReader.Parse("atan2(y, x)*a + x").GetValueOrThrow(), ["x", "y"], [ParameterSpec.Real("a", 2)], null,
            Wide(hoisting: false));
        Assert.Equal(4, ((PartialWave.Backends.Cpu.CpuFunction)f).Lanes);
        var values = new double[3];
        f.Evaluate(new EventSample([new("x", [1.0, -2, 0.5]), new("y", [0.5, 1, -3])]), values);
        Assert.Equal(Math.Atan2(0.5, 1) * 2 + 1, values[0], 1e-15);
    }
}
