using PartialWave.Modeling;
using PartialWave.Testing;
using Xunit.Abstractions;
using PartialWave.Engine.Tests.Core.Numerics;

namespace PartialWave.Engine.Tests.Runtime.Backends;

/// <summary>
/// PartialWave.Testing's agreement check, as users call it on their own models, on every reference model: the CPU
/// backend (split sizes, hoisting on and off) and the GPU backend (CPU accelerator here) against the reference
/// evaluator at the exported kinematic points, for parameter values FsCheck draws; gradients against central differences.
/// </summary>
public class ModelAgreementTests(ITestOutputHelper output)
{
    [SkippableTheory]
    [MemberData(nameof(ReferenceModelTests.BigModels), MemberType = typeof(ReferenceModelTests))]
    public void Every_evaluation_path_agrees_on_the_reference_models(string name)
    {
        var c = CompiledBackendTests.LoadModel(name);
        var model = new AmplitudeModel(name, c.Expression, c.Inputs,
            c.Parameters.Select(p => new ModelParameter(p.Name, p.Value, p.IsComplex)).ToList());
        var report = ModelAgreement.Check(model, c.Sample, null, new AgreementOptions { Draws = 6, GradientPoints = 2, Gpu = GpuDevice.CpuAccelerator });
        output.WriteLine($"{name}: {report.Draws} draws × {report.Points} points; gradients within {report.WorstGradientDeviation:E2} of central differences");
        foreach (var (path, worst) in report.WorstByPath) output.WriteLine($"  {path}: largest deviation from the reference evaluator {worst:E2}");
        Assert.Equal(6, report.Draws);
        Assert.Contains(report.Evaluations, e => e.StartsWith("gpu (ILGPU CPU accelerator", StringComparison.Ordinal));
        Assert.False(double.IsNaN(report.WorstGradientDeviation));
    }

    [Fact]
    public void A_path_that_disagrees_is_reported_with_every_paths_value()
    {
        // A "precompiled" function of a different model (one coefficient changed) must be caught and shown.
        var e = PartialWave.Parsing.InfixReader.Parse("a*x**2 + 1").GetValueOrThrow();
        var wrong = PartialWave.Parsing.InfixReader.Parse("a*x**2 + 1.001").GetValueOrThrow();
        var model = new AmplitudeModel("m", e, ["x"], [new ModelParameter("a", 2, false, 1, 3)]);
        var points = new PartialWave.Data.EventSample([new("x", new[] { 0.5, 1.5, 2.5 })]);
        var ex = Assert.ThrowsAny<Exception>(() => ModelAgreement.Check(model, points,
            () => Lambdify.Compile(wrong, ["x"], [ParameterSpec.Real("a", 2)]), new AgreementOptions { Draws = 5, Gpu = null }));
        Assert.Contains("precompiled deviates", ex.Message);
        Assert.Contains("reference evaluator:", ex.Message);
        Assert.Contains("cpu split 16:", ex.Message);
        Assert.Contains("x = ", ex.Message);
    }
}
