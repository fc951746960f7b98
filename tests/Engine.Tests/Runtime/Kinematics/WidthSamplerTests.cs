using System.Runtime.Intrinsics;
using PartialWave.Kinematics;
using PartialWave.Randomness;

namespace PartialWave.Engine.Tests.Runtime.Kinematics;

public class WidthSamplerTests
{
    public static TheoryData<double, double, double, double> Decays => new()
    {
        { 3.0969, 0, 0.1349768, 0.1349768 },
        { 1.86966, 0.493677, 0.13957, 0.13957 },
        { 1.0, 0, 0, 0 },
        { 5.0, 1.0, 1.2, 0.1 },
        { 0.5, 0.16, 0.16, 0.16 },       // just above threshold
        { 10.0, 0.000511, 0.000511, 9.0 },
    };

    [Theory]
    [MemberData(nameof(Decays))]
    public void Vector_and_scalar_attempts_agree_and_stay_under_the_envelope(double m, double m0, double m1, double m2)
    {
        var plot = new DalitzPlot(m, m0, m1, m2);
        foreach (var (i, j) in new[] { (0, 1), (0, 2), (1, 2) })
        {
            var sampler = new WidthSampler(plot, i, j);
            Assert.InRange(sampler.Efficiency, 0.97, 1.0);
            var u = new double[40_000];
            new RandomStream(3, (uint)(i + j)).FillUniform(0, u);
            int accepted = 0;
            for (int t = 0; t < u.Length; t += 8)
            {
                var sel = Vector256.Create(u[t], u[t + 1], u[t + 2], u[t + 3]);
                var acc = Vector256.Create(u[t + 4], u[t + 5], u[t + 6], u[t + 7]);
                var s = sampler.Attempt(sel, acc, out var mask);
                for (int lane = 0; lane < 4; lane++)
                {
                    bool ok = sampler.Attempt(u[t + lane], u[t + 4 + lane], out double one);
                    Assert.Equal(one, s[lane]);
                    Assert.Equal(ok, mask[lane] != 0);
                    Assert.InRange(one, plot.Minimum(i, j), plot.Maximum(i, j) * (1 + 1e-15));
                    if (ok) accepted++;
                }
            }
            double rate = accepted / (u.Length / 2.0);
            Assert.InRange(rate, sampler.Efficiency - 0.02, sampler.Efficiency + 0.02);
        }
    }

    [Fact]
    public void Extreme_uniforms_stay_in_range()
    {
        var sampler = new WidthSampler(new DalitzPlot(3.0969, 0, 0.1349768, 0.1349768), 0, 1);
        foreach (var u in new[] { 0.0, Math.ScaleB(1, -53), 0.5, 1 - Math.ScaleB(1, -53) })
        {
            sampler.Attempt(u, 0.0, out double s);
            Assert.True(double.IsFinite(s));
        }
    }
}
