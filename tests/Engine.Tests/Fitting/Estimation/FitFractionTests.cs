using System.Numerics;
using PartialWave.Data;
using PartialWave.Estimation;
using PartialWave.Modeling;
using PartialWave.Optimization;
using PartialWave.Symbolic;

namespace PartialWave.Engine.Tests.Fitting.Estimation;

/// <summary>Fit and interference fractions (issue 21) on the J/ψ reference fit.</summary>
public class FitFractionTests
{
    private sealed record Fitted(Expr Model, FitDefinition Definition, FitResult Result, EventSample Phsp);

    private static readonly Lazy<Fitted> Jpsi = new(() =>
    {
        var dir = SharedData.ReferenceFit("jpsi_gamma_pi0pi0");
        var def = FitDefinition.Load(Path.Combine(dir, "fit.json"));
        var model = ModelFile.Load(Path.Combine(dir, def.ModelFile!)).GetValueOrThrow();
        var data = CsvEvents.Read(Path.Combine(dir, def.DataFile!)).GetValueOrThrow();
        var phsp = CsvEvents.Read(Path.Combine(dir, def.PhspFile!)).GetValueOrThrow();
        using var fit = UnbinnedFit.Create(model, def, data, phsp);
        fit.Minuit.Migrad();
        var result = fit.Minuit.Hesse();
        Assert.True(result.IsValid);
        return new Fitted(model, def, result, phsp);
    });

    // The first events of the phase-space sample: enough for the checks, fast for the reference evaluator.
    private static EventSample Subset(int n) => Jpsi.Value.Phsp.Slice(0, n);

    [SkippableFact]
    public void Default_components_are_the_six_couplings_named_after_their_resonances()
    {
        var j = Jpsi.Value;
        var components = FitFractionCalculator.DefaultComponents(j.Definition, j.Model);
        Assert.Equal(["f0(500)", "f0(1370)", "f0(1500)", "f0(1710)", "f0(2020)", "f0(980)"], components.Select(c => c.Name));
        Assert.All(components, c => Assert.Single(c.Couplings));
    }

    [SkippableFact]
    public void Fractions_equal_the_reference_evaluators_sums_of_component_intensities()
    {
        var j = Jpsi.Value;
        var sample = Subset(2000);
        var fractions = FitFractionCalculator.Compute(j.Model, j.Definition, j.Result, sample);
        // Independently: the reference evaluator at the fitted values, every coupling outside the kept ones zero.
        var components = FitFractionCalculator.DefaultComponents(j.Definition, j.Model);
        var couplings = components.SelectMany(c => c.Couplings).ToList();
        var values = new Dictionary<string, Complex>(j.Definition.Fixed, StringComparer.Ordinal);
        foreach (var group in j.Definition.Free.GroupBy(p => p.Symbol))
        {
            var parts = group.ToDictionary(p => p.Part, p => j.Result.Value(p.Name));
            values[group.Key] = parts.TryGetValue(ParameterPart.Value, out var real) ? real : new Complex(parts[ParameterPart.Re], parts[ParameterPart.Im]);
        }
        double Integral(IEnumerable<string> kept)
        {
            var set = kept.ToHashSet();
            var at = values.ToDictionary(kv => kv.Key, kv => couplings.Contains(kv.Key) && !set.Contains(kv.Key) ? Complex.Zero : kv.Value);
            var inputs = j.Definition.KinematicVariables;
            using var f = Lambdify.Compile(j.Model, inputs, [], at.Where(kv => !inputs.Contains(kv.Key)).ToDictionary(), new LambdifyOptions { Backend = Backend.Reference });
            var v = new double[sample.Count];
            f.Evaluate(sample, v, new double[sample.Count]);
            return v.Average();
        }
        double total = Integral(couplings);
        var single = components.Select(c => Integral(c.Couplings)).ToArray();
        for (int k = 0; k < components.Count; k++)
            Assert.Equal(single[k] / total, fractions.Fractions[k].Value, 1e-9 * fractions.Fractions[k].Value);
        int i = 0;
        for (int a = 0; a < components.Count; a++)
            for (int b = a + 1; b < components.Count; b++, i++)
            {
                double expected = (Integral(components[a].Couplings.Concat(components[b].Couplings)) - single[a] - single[b]) / total;
                Assert.Equal($"{components[a].Name}|{components[b].Name}", fractions.Interference[i].Name);
                Assert.Equal(expected, fractions.Interference[i].Value, 1e-9 * Math.Abs(expected) + 1e-15);
            }
        // The components and their interference make up the whole.
        Assert.Equal(1.0, fractions.Sum.Value + fractions.Interference.Sum(f => f.Value), 1e-12);
    }

    [SkippableFact]
    public void Propagated_errors_agree_with_finite_differences_and_with_sampling()
    {
        var j = Jpsi.Value;
        var sample = Subset(3000);
        var fractions = FitFractionCalculator.Compute(j.Model, j.Definition, j.Result, sample, samples: 4000);
        // Finite differences of the fractions in each fit parameter (central, a hundredth of its error), propagated.
        var free = j.Result.Parameters.Select((p, i) => (p, i)).Where(t => !t.p.Fixed).ToList();
        var grads = new double[fractions.Fractions.Count + fractions.Interference.Count][];
        for (int k = 0; k < grads.Length; k++) grads[k] = new double[free.Count];
        for (int a = 0; a < free.Count; a++)
        {
            double h = 0.01 * free[a].p.Error;
            FitFractions At(double shift) => FitFractionCalculator.Compute(j.Model, j.Definition, j.Result with
            {
                Parameters = j.Result.Parameters.Select((p, i) => i == free[a].i ? p with { Value = p.Value + shift } : p).ToList(),
            }, sample);
            var (up, down) = (At(h), At(-h));
            var all = up.Fractions.Concat(up.Interference).Zip(down.Fractions.Concat(down.Interference)).ToList();
            for (int k = 0; k < grads.Length; k++) grads[k][a] = (all[k].First.Value - all[k].Second.Value) / (2 * h);
        }
        var ours = fractions.Fractions.Concat(fractions.Interference).ToList();
        for (int k = 0; k < grads.Length; k++)
        {
            double v = 0;
            for (int a = 0; a < free.Count; a++)
                for (int b = 0; b < free.Count; b++) v += grads[k][a] * j.Result.Covariance[free[a].i, free[b].i] * grads[k][b];
            Assert.Equal(Math.Sqrt(v), ours[k].Error, 0.01 * ours[k].Error);
        }
        // Sampling agrees within 5 % for the fit fractions, where the fractions are close to linear over an error.
        foreach (var f in fractions.Fractions)
            Assert.InRange(f.SampledError!.Value / f.Error, 0.95, 1.05);
        Assert.Equal(4000, fractions.Samples);
    }

    [SkippableFact]
    public void Named_components_group_couplings_and_bad_names_are_refused()
    {
        var j = Jpsi.Value;
        var sample = Subset(500);
        var defaults = FitFractionCalculator.DefaultComponents(j.Definition, j.Model);
        // Every coupling in a component: the intensity of one is the model with the other's couplings set to zero.
        var grouped = new List<FitComponent>
        {
            new("light", [.. defaults[0].Couplings, .. defaults[5].Couplings]),
            new("heavy", [.. defaults[1].Couplings, .. defaults[2].Couplings, .. defaults[3].Couplings, .. defaults[4].Couplings]),
        };
        var each = FitFractionCalculator.Compute(j.Model, j.Definition, j.Result, sample);
        var both = FitFractionCalculator.Compute(j.Model, j.Definition, j.Result, sample, grouped);
        // The fraction of a group is its members' fractions plus their interference.
        double light = each.Fractions[0].Value + each.Fractions[5].Value + each.Interference.Single(f => f.Name == "f0(500)|f0(980)").Value;
        Assert.Equal(light, both.Fractions[0].Value, 1e-12);
        Assert.Equal("light|heavy", Assert.Single(both.Interference).Name);
        Assert.Equal(1.0, both.Fractions[0].Value + both.Fractions[1].Value + both.Interference[0].Value, 1e-12);
        Assert.Contains("no symbol", Assert.Throws<ArgumentException>(() => FitFractionCalculator.Compute(j.Model, j.Definition, j.Result, sample, [new FitComponent("x", ["nope"])])).Message);
        Assert.Contains("not a complex coupling", Assert.Throws<ArgumentException>(() => FitFractionCalculator.Compute(j.Model, j.Definition, j.Result, sample, [new FitComponent("m", ["m_{f_{0}(1500)}"])])).Message);
        Assert.Contains("two components", Assert.Throws<ArgumentException>(() => FitFractionCalculator.Compute(j.Model, j.Definition, j.Result, sample,
            [new FitComponent("a", defaults[0].Couplings), new FitComponent("b", defaults[0].Couplings)])).Message);
    }
}
