using System.Numerics;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using PartialWave.Data;
using PartialWave.Kinematics;
using PartialWave.Modeling;
using PartialWave.Parsing;
using PartialWave.Randomness;

namespace PartialWave.Testing;

/// <summary>Settings of <see cref="ModelAgreement.Check"/>.</summary>
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
    /// <summary>Seed of the points and of FsCheck: a failure is reproducible.</summary>
    public ulong Seed { get; init; } = 20261123;
}

/// <summary>What a check compared.</summary>
/// <param name="Evaluations">Paths compared besides the reference evaluator.</param>
/// <param name="Draws">Parameter draws that passed.</param>
/// <param name="Points">Points per draw.</param>
/// <param name="WorstDeviation">Largest relative deviation from the reference evaluator seen.</param>
public sealed record AgreementReport(IReadOnlyList<string> Evaluations, int Draws, int Points, double WorstDeviation);

/// <summary>
/// Checks that a model evaluates the same on every path: the precompiled kernels of the model class, the runtime
/// CPU backend at several split sizes with hoisting on and off, and the reference evaluator (the exact oracle), at
/// points of the decay's phase space and parameter values drawn within the declared limits. A failure names the
/// smallest failing parameter draw FsCheck finds, the point, and each path's value.
/// </summary>
public static class ModelAgreement
{
    /// <param name="modelFile">The model file the class was generated from (<c>.amp</c>).</param>
    /// <param name="precompiled">Creates the precompiled function (the model class's <c>CreateFunction</c>).</param>
    /// <param name="parentMass">Mass of the decaying particle.</param>
    /// <param name="masses">Final-state masses in the model's numbering (0, 1, 2, ...).</param>
    /// <param name="options">Tolerance, sizes, seed.</param>
    /// <exception cref="Exception">The paths disagree (FsCheck's failure, with the values).</exception>
    public static AgreementReport Check(string modelFile, Func<IParametrizedFunction> precompiled, double parentMass, IReadOnlyList<double> masses,
        AgreementOptions? options = null)
    {
        options ??= new AgreementOptions();
        var model = AmpReader.Parse(File.ReadAllText(modelFile), modelFile).GetValueOrThrow();
        var points = KinematicVariables.Compute(model.Variables,
            PhaseSpace.GenerateFlat(parentMass, masses, options.Points, new RandomStream(options.Seed, 0)));
        var paths = new List<(string Name, IParametrizedFunction Function)> { ("precompiled", precompiled()) };
        foreach (var split in options.SplitSizes)
            foreach (var hoisting in new[] { true, false })
                paths.Add(($"runtime split {split}{(hoisting ? "" : " no hoisting")}", model.Compile(new LambdifyOptions { SplitSize = split, Hoisting = hoisting })));
        var reference = model.Compile(new LambdifyOptions { Backend = Backend.Reference });
        double worst = 0;
        int passed = 0;
        Prop.ForAll(Draw(model.Parameters).ToArbitrary(), values =>
        {
            var expected = Evaluate(reference, model.Parameters, values, points);
            foreach (var (name, f) in paths)
            {
                var actual = Evaluate(f, model.Parameters, values, points);
                for (int i = 0; i < points.Count; i++)
                {
                    double deviation = Math.Abs(actual[i] - expected[i]) / Math.Max(1, Math.Abs(expected[i]));
                    bool bothNaN = double.IsNaN(actual[i]) && double.IsNaN(expected[i]);
                    if (!bothNaN && !(deviation <= options.Tolerance))
                        return false.Label(Describe(model, values, points, i, expected[i], name, actual[i]));
                    if (!bothNaN) worst = Math.Max(worst, deviation);
                }
            }
            passed++;
            return true.ToProperty();
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(options.Draws).WithReplay(
            Microsoft.FSharp.Core.FSharpOption<Replay>.Some(new Replay(new Rnd(options.Seed), Microsoft.FSharp.Core.FSharpOption<int>.None))));
        return new AgreementReport(paths.Select(p => p.Name).ToList(), passed, points.Count, worst);
    }

    /// <summary>
    /// Parameter values within the declared limits: a real parameter uniformly between its limits (within ±50 % of
    /// its default on a side without one), a complex one with magnitude up to twice its default's and any phase.
    /// Fixed parameters keep their defaults. Shrinks towards the defaults.
    /// </summary>
    public static Gen<Complex[]> Draw(IReadOnlyList<ModelParameter> parameters)
    {
        var gens = parameters.Select(p =>
        {
            if (p.IsFixed) return Gen.Constant(p.Default);
            var u = Gen.Choose(0, 1_000_000).Select(k => k / 1e6);
            if (p.IsComplex)
            {
                double r = Math.Max(p.Default.Magnitude, 0.1);
                return Gen.Zip(u, u).Select(t => Complex.FromPolarCoordinates(2 * r * t.Item1, 2 * Math.PI * t.Item2));
            }
            double d = p.Default.Real, span = Math.Max(Math.Abs(d), 1e-3) * 0.5;
            double lo = p.Lower ?? d - span, hi = p.Upper ?? d + span;
            return u.Select(t => new Complex(lo + (hi - lo) * t, 0));
        }).ToArray();
        return gens.Aggregate(Gen.Constant(Array.Empty<Complex>()), (acc, g) => Gen.Zip(acc, g).Select(t => t.Item1.Append(t.Item2).ToArray()));
    }

    // Every declared parameter (fixed ones too) is a parameter of the compiled functions, set by name.
    private static double[] Evaluate(IParametrizedFunction f, IReadOnlyList<ModelParameter> parameters, Complex[] values, EventSample points)
    {
        for (int k = 0; k < parameters.Count; k++) f.SetParameter(parameters[k].Name, values[k]);
        var result = new double[points.Count];
        f.Evaluate(points, result);
        return result;
    }

    private static string Describe(AmplitudeModel model, Complex[] values, EventSample points, int i, double expected, string path, double actual)
    {
        var s = new StringBuilder();
        s.AppendLine($"{path} gives {actual:R} where the reference evaluator gives {expected:R}");
        s.AppendLine("at " + string.Join(", ", points.ColumnNames.Select(c => $"{c} = {points[c][i]:R}")));
        s.Append("with " + string.Join(", ", model.Parameters.Zip(values).Select(t => $"{t.First.Name} = {t.Second}")));
        return s.ToString();
    }
}
