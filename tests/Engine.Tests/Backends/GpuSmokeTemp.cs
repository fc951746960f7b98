using System.Numerics;
using PartialWave.Data;
using PartialWave.Modeling;
using Xunit.Abstractions;
namespace PartialWave.Engine.Tests.Backends;
public class GpuSmokeTemp(ITestOutputHelper output)
{
    [Theory]
    [InlineData("jpsi_gamma_pi0pi0")]
    [InlineData("jpsi_gamma_pi0pi0_f0f2_canonical")]
    [InlineData("lc2pkpi_default_full")]
    public void Smoke(string model)
    {
        var c = CpuBackendTests.LoadModel(model, repeat: 30);
        var sw = System.Diagnostics.Stopwatch.StartNew();
        var f = Lambdify.Compile(c.Expression, c.Inputs, c.Parameters, null, new LambdifyOptions { Backend = Backend.Gpu, Device = GpuDevice.CpuAccelerator }, out var stats);
        output.WriteLine($"compile {sw.Elapsed.TotalSeconds:F2}s {stats}"); sw.Restart();
        var re = new double[c.Sample.Count]; var im = new double[c.Sample.Count];
        f.Evaluate(c.Sample, re, im);
        output.WriteLine($"eval {sw.Elapsed.TotalSeconds:F2}s"); sw.Restart();
        double worst = 0;
        for (int i = 0; i < re.Length; i++) worst = Math.Max(worst, ReferencePoints.RelativeDeviation(new Complex(re[i], im[i]), c.Expected[i]));
        output.WriteLine($"worst {worst:E2}");
        if (f.IsGradientSupported) {
            var s = f.SumLog(c.Sample, default, true);
            output.WriteLine($"sumlog+grad {sw.Elapsed.TotalSeconds:F2}s {s.Value}"); sw.Restart();
            var cpu = Lambdify.Compile(c.Expression, c.Inputs, c.Parameters);
            var s2 = cpu.SumLog(c.Sample, default, true);
            output.WriteLine($"cpu {s2.Value} maxgraddev {s.Gradient!.Zip(s2.Gradient!, (a,b)=>Math.Abs(a-b)/Math.Max(1,Math.Abs(b))).Max():E2}");
        }
        Assert.True(worst < 1e-10);
    }
}
