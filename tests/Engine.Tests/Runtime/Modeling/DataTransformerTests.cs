using System.Numerics;
using System.Text.Json;
using PartialWave.Data;
using PartialWave.Modeling;
using PartialWave.Parsing;
using PartialWave.Symbolic;
using PartialWave.Engine.Tests.Fitting.Estimation;

namespace PartialWave.Engine.Tests.Runtime.Modeling;

public class DataTransformerTests
{
    [SkippableFact]
    public void Lambda_c_variables_follow_from_sigma1_and_sigma2_and_the_model_then_meets_its_reference_values()
    {
        var json = SharedData.ReferenceModel("lc2pkpi_default_full.json");
        var transformer = DataTransformer.FromReferenceJson(json);
        Assert.Equal(["sigma1", "sigma2"], transformer.Inputs);
        Assert.Equal(10, transformer.Outputs.Count); // sigma3, three theta, six zeta
        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        var points = doc.RootElement.GetProperty("points").EnumerateArray().ToList();
        var sample = new EventSample([
            new("sigma1", points.Select(p => p.GetProperty("symbols").GetProperty("sigma1").GetDouble()).ToArray()),
            new("sigma2", points.Select(p => p.GetProperty("symbols").GetProperty("sigma2").GetDouble()).ToArray())]);
        var all = transformer.Transform(sample);
        double worst = 0;
        foreach (var name in transformer.Outputs)
            for (int i = 0; i < points.Count; i++)
            {
                double expected = points[i].GetProperty("symbols").GetProperty(name).GetDouble();
                worst = Math.Max(worst, Math.Abs(all[name][i] - expected) / Math.Max(1, Math.Abs(expected)));
            }
        Assert.True(worst < 1e-12, $"largest deviation {worst:E2}");

        var reference = ReferencePoints.Load(json);
        var model = ModelFile.Load(Path.ChangeExtension(json, ".srepr")).GetValueOrThrow();
        var inputs = all.ColumnNames.Where(c => model.FreeSymbolNames().Contains(c)).ToList();
        var f = Lambdify.Compile(model, inputs, [], reference.ParameterDefaults
            .Where(d => !inputs.Contains(d.Key)).ToDictionary(d => d.Key, d => d.Value));
        var re = new double[all.Count];
        var im = new double[all.Count];
        f.Evaluate(all, re, im);
        for (int i = 0; i < points.Count; i++)
        {
            var expected = reference.Points[i].Expected;
            Assert.True((new Complex(re[i], im[i]) - expected).Magnitude <= 1e-10 * expected.Magnitude, $"point {i}: {re[i]} vs {expected}");
        }
    }

    [Fact]
    public void Circular_definitions_are_refused_with_the_cycle()
    {
        var defs = new Dictionary<string, PartialWave.Symbolic.Expr>
        {
            ["a"] = EstimatorTests.Parse("b + x"),
            ["b"] = EstimatorTests.Parse("2*a"),
        };
        var e = Assert.Throws<ArgumentException>(() => DataTransformer.Create(defs, new Dictionary<string, Complex>()));
        Assert.Contains("a -> b -> a", e.Message);
    }

    [Fact]
    public void Definitions_build_on_each_other_and_constants_fold()
    {
        var defs = new Dictionary<string, PartialWave.Symbolic.Expr>
        {
            ["s"] = EstimatorTests.Parse("x + y"),
            ["t"] = EstimatorTests.Parse("s*k"),
        };
        var tr = DataTransformer.Create(defs, new Dictionary<string, Complex> { ["k"] = 3 });
        Assert.Equal(["x", "y"], tr.Inputs);
        var r = tr.Transform(new EventSample([new("x", [1.0, 2.0]), new("y", [0.5, 0.25])]));
        Assert.Equal([4.5, 6.75], r["t"].ToArray());
        var missing = Assert.Throws<ArgumentException>(() => tr.Transform(new EventSample([new("x", [1.0])])));
        Assert.Contains("y", missing.Message);
    }
}
