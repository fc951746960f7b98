using System.Numerics;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using PartialWave.Data;
using PartialWave.Modeling;
using PartialWave.Parsing;
using PartialWave.Backends.Gpu;

namespace PartialWave.Testing;

/// <summary>Settings of <see cref="ModelAgreement.Check(AmplitudeModel, EventSample, Func{IParametrizedFunction}?, AgreementOptions?)"/>.</summary>
public sealed record AgreementOptions
{
    /// <summary>Phase-space points per check.</summary>
    public int Points { get; init; } = 64;
    /// <summary>Parameter draws (FsCheck tests).</summary>
    public int Draws { get; init; } = 25;
    /// <summary>Largest relative deviation between any two evaluation paths (relative to max(1, |reference|)).</summary>
    public double Tolerance { get; init; } = 1e-9;
    /// <summary>Split sizes of the runtime compilations checked (each with hoisting on and off).</summary>
    public IReadOnlyList<int> SplitSizes { get; init; } = [16, LambdifyOptions.DefaultSplitSize];
    /// <summary>
    /// Check the GPU backend too, on this device (<see cref="GpuDevice.Auto"/>: a CUDA device where there is one,
    /// ILGPU's CPU accelerator otherwise); null leaves the GPU out.
    /// </summary>
    public GpuDevice? Gpu { get; init; } = GpuDevice.Auto;
    /// <summary>Points per draw at which gradients are checked against central differences (0: none).</summary>
    public int GradientPoints { get; init; } = 4;
    /// <summary>Largest deviation of an analytic gradient from a central difference, relative to max(1, |gradient|, |value|).</summary>
    public double GradientTolerance { get; init; } = 1e-5;
    /// <summary>Seed of the points and of FsCheck: a failure is reproducible.</summary>
    public ulong Seed { get; init; } = 20261123;
}

/// <summary>What a check compared.</summary>
/// <param name="Evaluations">Paths compared besides the reference evaluator.</param>
/// <param name="Draws">Parameter draws that passed.</param>
/// <param name="Points">Points per draw.</param>
/// <param name="WorstDeviation">Largest relative deviation from the reference evaluator seen, over all paths.</param>
/// <param name="WorstByPath">Largest relative deviation from the reference evaluator, per path.</param>
/// <param name="WorstGradientDeviation">Largest deviation of an analytic gradient from its central difference (NaN when none was checked).</param>
public sealed record AgreementReport(IReadOnlyList<string> Evaluations, int Draws, int Points, double WorstDeviation,
    IReadOnlyDictionary<string, double> WorstByPath, double WorstGradientDeviation);

/// <summary>
/// Checks that a model evaluates the same on every path: the precompiled kernels of the model class, the runtime
/// CPU backend at several split sizes with hoisting on and off, the GPU backend, and the reference evaluator (the
/// exact oracle), at points of the decay's phase space and parameter values drawn within the declared limits; and
/// that every path's analytic gradient agrees with central differences. A failure names the smallest failing
/// parameter draw FsCheck finds, the point, and every path's value there.
/// </summary>
public static class ModelAgreement
{
    /// <param name="modelFile">The model file the class was generated from (<c>.amp</c>).</param>
    /// <param name="precompiled">Creates the precompiled function (the model class's <c>CreateFunction</c>), CPU only.</param>
    /// <param name="parentMass">Mass of the decaying particle.</param>
    /// <param name="masses">Final-state masses in the model's numbering (0, 1, 2, ...).</param>
    /// <param name="options">Tolerance, sizes, seed.</param>
    /// <exception cref="Exception">The paths disagree (FsCheck's failure, with the values).</exception>
    public static AgreementReport Check(string modelFile, Func<IParametrizedFunction> precompiled, double parentMass, IReadOnlyList<double> masses,
        AgreementOptions? options = null) =>
        Check(modelFile, _ => precompiled(), parentMass, masses, options ?? new AgreementOptions(), gpuPrecompiled: false);

    /// <param name="modelFile">The model file the class was generated from (<c>.amp</c>).</param>
    /// <param name="precompiled">
    /// The model class's <c>CreateFunction</c>: its CPU kernels are checked, and its GPU kernels too when
    /// <see cref="AgreementOptions.Gpu"/> is set.
    /// </param>
    /// <param name="parentMass">Mass of the decaying particle.</param>
    /// <param name="masses">Final-state masses in the model's numbering (0, 1, 2, ...).</param>
    /// <param name="options">Tolerance, sizes, seed.</param>
    /// <exception cref="Exception">The paths disagree (FsCheck's failure, with the values).</exception>
    public static AgreementReport Check(string modelFile, Func<LambdifyOptions?, IParametrizedFunction> precompiled, double parentMass, IReadOnlyList<double> masses,
        AgreementOptions? options = null) =>
        Check(modelFile, precompiled, parentMass, masses, options ?? new AgreementOptions(), gpuPrecompiled: true);

    private static AgreementReport Check(string modelFile, Func<LambdifyOptions, IParametrizedFunction> precompiled, double parentMass, IReadOnlyList<double> masses,
        AgreementOptions options, bool gpuPrecompiled)
    {
        var model = AmpReader.Parse(File.ReadAllText(modelFile), modelFile).GetValueOrThrow();
        var points = ModelGenerators.PhaseSpacePoints(parentMass, masses, model.Variables, options.Points, options.Seed);
        return Check(model, points, precompiled, options, gpuPrecompiled);
    }

    /// <summary>Checks <paramref name="model"/> at <paramref name="points"/> (any sample holding its variables).</summary>
    /// <param name="model">The model.</param>
    /// <param name="points">Where to evaluate.</param>
    /// <param name="precompiled">Creates the precompiled function (CPU), when there is one.</param>
    /// <param name="options">Tolerance, sizes, seed.</param>
    /// <exception cref="Exception">The paths disagree (FsCheck's failure, with the values).</exception>
    public static AgreementReport Check(AmplitudeModel model, EventSample points, Func<IParametrizedFunction>? precompiled = null, AgreementOptions? options = null) =>
        Check(model, points, precompiled is null ? null : _ => precompiled(), options ?? new AgreementOptions(), gpuPrecompiled: false);

    private static AgreementReport Check(AmplitudeModel model, EventSample points, Func<LambdifyOptions, IParametrizedFunction>? precompiled,
        AgreementOptions options, bool gpuPrecompiled)
    {
        var paths = new List<(string Name, IParametrizedFunction Function)>();
        if (precompiled is not null) paths.Add(("precompiled", precompiled(new LambdifyOptions())));
        foreach (var split in options.SplitSizes)
            foreach (var hoisting in new[] { true, false })
                paths.Add(($"cpu split {split}{(hoisting ? "" : " no hoisting")}", model.Compile(new LambdifyOptions { SplitSize = split, Hoisting = hoisting })));
        // The intensity as the value of the kernel that also gives each component (fit fractions, plots).
        if (model.Components.Count > 0) paths.Add(("cpu with components", model.CompileComponents()));
        if (options.Gpu is { } device)
        {
            var gpu = new LambdifyOptions { Backend = Backend.Gpu, Device = device };
            paths.Add(($"gpu ({GpuDevices.Describe(device)})", model.Compile(gpu)));
            if (precompiled is not null && gpuPrecompiled) paths.Add(("precompiled gpu", precompiled(gpu)));
        }
        var reference = model.Compile(new LambdifyOptions { Backend = Backend.Reference });
        try
        {
            var worstByPath = paths.ToDictionary(p => p.Name, _ => 0.0);
            double worstGradient = double.NaN;
            int passed = 0;
            Prop.ForAll(ModelGenerators.ParameterValues(model.Parameters).ToArbitrary(), values =>
            {
                var expected = Evaluate(reference, model.Parameters, values, points);
                var all = paths.Select(p => (p.Name, Values: Evaluate(p.Function, model.Parameters, values, points))).ToList();
                foreach (var (name, actual) in all)
                    for (int i = 0; i < points.Count; i++)
                    {
                        double deviation = Math.Abs(actual[i] - expected[i]) / Math.Max(1, Math.Abs(expected[i]));
                        bool bothNaN = double.IsNaN(actual[i]) && double.IsNaN(expected[i]);
                        if (!bothNaN && !(deviation <= options.Tolerance))
                            return false.Label(Describe(model, values, points, i, expected[i], all, $"{name} deviates by {deviation:E2} (tolerance {options.Tolerance:E0})"));
                        if (!bothNaN) worstByPath[name] = Math.Max(worstByPath[name], deviation);
                    }
                foreach (var (name, f) in paths.Where(p => p.Function.IsGradientSupported))
                {
                    var failure = CheckGradient(f, model.Parameters, values, points, options, ref worstGradient);
                    if (failure is not null) return false.Label(Describe(model, values, points, failure.Value.Point, expected[failure.Value.Point], all, $"{name}: {failure.Value.What}"));
                }
                passed++;
                return true.ToProperty();
            }).Check(Config.QuickThrowOnFailure.WithMaxTest(options.Draws).WithReplay(
                Microsoft.FSharp.Core.FSharpOption<Replay>.Some(new Replay(new Rnd(options.Seed), Microsoft.FSharp.Core.FSharpOption<int>.None))));
            return new AgreementReport(paths.Select(p => p.Name).ToList(), passed, points.Count, worstByPath.Values.DefaultIfEmpty(0).Max(), worstByPath, worstGradient);
        }
        finally
        {
            reference.Dispose();
            foreach (var (_, f) in paths) f.Dispose();
        }
    }

    // The analytic gradient at the first points against a central difference of the same function's values, with
    // a step relative to each real degree of freedom (absolute near zero).
    private static (int Point, string What)? CheckGradient(IParametrizedFunction f, IReadOnlyList<ModelParameter> parameters, Complex[] values,
        EventSample points, AgreementOptions options, ref double worst)
    {
        int n = Math.Min(options.GradientPoints, points.Count);
        if (n == 0) return null;
        var sample = points.Slice(0, n);
        Set(f, parameters, values);
        var value = new double[n];
        var gradient = f.GradientParameters.Select(_ => new double[n]).ToArray();
        f.EvaluateWithGradient(sample, value, gradient);
        var up = new double[n];
        var down = new double[n];
        for (int k = 0; k < f.GradientParameters.Count; k++)
        {
            var g = f.GradientParameters[k];
            bool im = g.EndsWith(".im", StringComparison.Ordinal);
            string name = im || g.EndsWith(".re", StringComparison.Ordinal) ? g[..^3] : g;
            var at = f.Parameters.First(p => p.Name == name).Value;
            double x = im ? at.Imaginary : at.Real;
            double h = 1e-6 * Math.Max(1, Math.Abs(x));
            var step = im ? new Complex(0, h) : new Complex(h, 0);
            f.SetParameter(name, at + step);
            f.Evaluate(sample, up);
            f.SetParameter(name, at - step);
            f.Evaluate(sample, down);
            f.SetParameter(name, at);
            for (int i = 0; i < n; i++)
            {
                double fd = (up[i] - down[i]) / (2 * h);
                double deviation = Math.Abs(fd - gradient[k][i]) / Math.Max(1, Math.Max(Math.Abs(gradient[k][i]), Math.Abs(value[i])));
                if (double.IsNaN(fd) && double.IsNaN(gradient[k][i])) continue;
                if (!(deviation <= options.GradientTolerance))
                    return (i, $"d/d {g} is {gradient[k][i]:R} but the central difference gives {fd:R} (deviation {deviation:E2}, tolerance {options.GradientTolerance:E0})");
                worst = double.IsNaN(worst) ? deviation : Math.Max(worst, deviation);
            }
        }
        return null;
    }

    // Every declared parameter (fixed ones too) is a parameter of the compiled functions, set by name.
    private static void Set(IParametrizedFunction f, IReadOnlyList<ModelParameter> parameters, Complex[] values)
    {
        for (int k = 0; k < parameters.Count; k++) f.SetParameter(parameters[k].Name, values[k]);
    }

    private static double[] Evaluate(IParametrizedFunction f, IReadOnlyList<ModelParameter> parameters, Complex[] values, EventSample points)
    {
        Set(f, parameters, values);
        var result = new double[points.Count];
        f.Evaluate(points, result);
        return result;
    }

    private static string Describe(AmplitudeModel model, Complex[] values, EventSample points, int i, double expected,
        IEnumerable<(string Name, double[] Values)> paths, string what)
    {
        var s = new StringBuilder();
        s.AppendLine(what);
        s.AppendLine("at " + string.Join(", ", points.ColumnNames.Select(c => $"{c} = {points[c][i]:R}")));
        s.AppendLine("with " + string.Join(", ", model.Parameters.Zip(values).Select(t => $"{t.First.Name} = {t.Second}")));
        s.AppendLine($"  reference evaluator: {expected:R}");
        foreach (var (name, v) in paths) s.AppendLine($"  {name}: {v[i]:R}");
        return s.ToString();
    }
}
