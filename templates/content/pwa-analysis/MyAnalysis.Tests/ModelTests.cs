using PartialWave.Kinematics;
using PartialWave.Randomness;
using PartialWave.Testing;

namespace MyAnalysis.Tests;

public class ModelTests
{
    private static string ModelFile => Path.Combine(AppContext.BaseDirectory, "Model.amp");

    [Fact]
    public void Precompiled_model_agrees_with_the_runtime_compiler_and_the_reference_evaluator()
    {
        var report = ModelAgreement.Check(ModelFile, D0ToKsPiPi.CreateFunction, Decay.ParentMass, Decay.Masses);
        Assert.Equal(report.Evaluations.Count, report.Evaluations.Distinct().Count());
        Assert.Contains("precompiled gpu", report.Evaluations); // the GPU kernels the build generated (CUDA, or the CPU accelerator)
        Assert.True(report.Draws > 0);
    }

    [Fact]
    public void Intensity_is_finite_and_positive_over_the_phase_space()
    {
        var points = KinematicVariables.Compute(D0ToKsPiPi.Variables,
            PhaseSpace.GenerateFlat(Decay.ParentMass, Decay.Masses, 10_000, new RandomStream(7, 0)));
        var intensity = new double[points.Count];
        using var function = D0ToKsPiPi.CreateFunction();
        function.Evaluate(points, intensity);
        Assert.All(intensity, v => Assert.True(double.IsFinite(v) && v > 0, $"intensity {v}"));
    }
}
