using System.Numerics;
using PartialWave.Backends.Reference;
using PartialWave.Modeling;
using PartialWave.Parsing;
using PartialWave.Symbolic;
using Xunit.Abstractions;
using PartialWave.Numerics;

namespace PartialWave.Engine.Tests.Core.Parsing;

/// <summary>srepr → AmplitudeModel → .amp → AmpReader → srepr keeps every reference value of the shared models.</summary>
public class AmpRoundTripTests(ITestOutputHelper output)
{
    public static TheoryData<string> Models => new() { "jpsi_gamma_pi0pi0", "jpsi_gamma_pi0pi0_f0f2_canonical", "lc2pkpi_default_full" };

    internal static AmplitudeModel Import(string model)
    {
        var expr = SreprReader.ParseFile(SharedData.ReferenceModel(model + ".srepr")).GetValueOrThrow();
        var reference = ReferencePoints.Load(SharedData.ReferenceModel(model + ".json"));
        var variables = expr.FreeSymbolNames().Where(n => !reference.ParameterDefaults.ContainsKey(n)).ToList();
        return AmplitudeModel.FromSrepr(expr, model, variables, reference.ParameterDefaults, complexParameters: reference.ComplexParameters);
    }

    [SkippableTheory]
    [MemberData(nameof(Models))]
    public void Srepr_to_amp_to_srepr_keeps_every_reference_value(string model)
    {
        var imported = Import(model);
        var reference = ReferencePoints.Load(SharedData.ReferenceModel(model + ".json"));
        var text = AmpWriter.Write(imported);
        output.WriteLine($"{model}: {text.Length:N0} characters of .amp ({imported.Intensity.TreeSize():N0} tree nodes, {imported.Intensity.DagSize():N0} distinct)");

        var read = AmpReader.Parse(text, model + ".amp");
        Assert.True(read.Success, string.Join("\n", read.Diagnostics.Take(10)));
        var amp = read.Value!;
        Assert.Equal(imported.Variables, amp.Variables);
        Assert.Equal(imported.Parameters, amp.Parameters);
        Assert.True(amp.IsIntensityRealValued() || !imported.IsIntensityRealValued());

        var back = SreprReader.Parse(SreprPrinter.Print(amp.Intensity), model + ".srepr").GetValueOrThrow();
        var original = new ReferenceEvaluator(imported.Intensity);
        var fromAmp = new ReferenceEvaluator(amp.Intensity);
        var fromSrepr = new ReferenceEvaluator(back);
        double worst = 0;
        foreach (var p in reference.Points)
        {
            var symbols = new Dictionary<string, Complex>(p.Symbols);
            foreach (var (k, v) in amp.DefaultValues()) symbols[k] = v;
            var expected = original.Evaluate(p.Symbols);
            foreach (var (name, e) in new[] { ("amp", fromAmp), ("amp -> srepr", fromSrepr) })
            {
                var v = e.Evaluate(symbols);
                double dev = ReferencePoints.RelativeDeviation(v, expected);
                worst = Math.Max(worst, dev);
                Assert.True(dev <= 1e-12, $"point {p.Index} via {name}: {v} vs {expected} (relative {dev:E2})");
                Assert.True(ReferencePoints.RelativeDeviation(v, p.Expected) <= 1e-10, $"point {p.Index} via {name}: {v} vs SymPy {p.Expected}");
            }
        }
        output.WriteLine($"largest relative deviation from the srepr model: {worst:E2}");
    }

    [SkippableFact]
    public void The_Lc_model_prints_at_the_size_of_its_DAG()
    {
        var text = AmpWriter.Write(Import("lc2pkpi_default_full"));
        var srepr = new FileInfo(SharedData.ReferenceModel("lc2pkpi_default_full.srepr")).Length;
        output.WriteLine($".amp {text.Length:N0} characters, srepr {srepr:N0} bytes, {text.Count(c => c == '\n'):N0} lines");
        Assert.True(text.Length < srepr / 4, $".amp is {text.Length} characters");
        Assert.Contains("parameter \"\\mathcal{H}^\\mathrm{decay}[K(892), 0, 0]\" : complex = 1.0", text);
    }

    [Fact]
    public void Written_models_read_back_to_the_same_expression_and_declarations()
    {
        var x = Expr.Symbol("x^2 weird", Assumptions.Positive);
        var c = Expr.Symbol("c");
        var shared = Expr.Call(ExprKind.Exp, Expr.Mul(Expr.I, Expr.Symbol("phi", Assumptions.Real), x));
        var a = Expr.Mul(c, shared, Expr.Pow(Expr.Add(x, Expr.Float(0.1)), -1));
        var b = Expr.Mul(Expr.Float(1.0 / 3.0), shared, Expr.Rational(2, 7), Expr.Sqrt(x));
        var intensity = Expr.Pow(Expr.Call(ExprKind.Abs, Expr.Add(a, b)), 2);
        var model = new AmplitudeModel("m", intensity, ["x^2 weird"],
            [new("phi", 0.25, false, -3.5, 3.5), new("c", new Complex(1e-300, -0.1), true, IsFixed: true)],
            new Dictionary<string, Complex> { ["unused"] = new(2, 3) }, [("a", a), ("b", b)]);
        var text = AmpWriter.Write(model);
        Assert.Contains("variable \"x^2 weird\" : positive", text);
        Assert.Contains("parameter phi = 0.25 in [-3.5, 3.5]", text);
        Assert.Contains("parameter c : complex = 1e-300 - 0.1i fixed", text);
        Assert.Contains("let _t1 = exp(", text);
        var back = AmpReader.Parse(text, "m.amp").GetValueOrThrow();
        Assert.Same(intensity, back.Intensity);
        Assert.Equal(model.Parameters, back.Parameters);
        Assert.Equal(model.Constants, back.Constants);
        Assert.Equal(model.Components.Select(t => (t.Name, t.Amplitude)), back.Components.Select(t => (t.Name, t.Amplitude)));
    }
}
