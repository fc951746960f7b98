using PartialWave.Kinematics;

namespace PartialWave.Engine.Tests.Runtime.Kinematics;

public class LorentzVectorTests
{
    private static readonly LorentzVector P = LorentzVector.FromMomentum(0.3, -1.2, 0.7, 0.9);

    [Fact]
    public void Components_and_invariants()
    {
        Assert.Equal(0.9, P.Mass, 1e-14);
        Assert.Equal(0.81, P.Mass2, 1e-14);
        Assert.Equal(Math.Sqrt(0.09 + 1.44 + 0.49), P.P, 1e-15);
        Assert.Equal(Math.Sqrt(0.09 + 1.44), P.Pt, 1e-15);
        Assert.Equal(Math.Acos(0.7 / P.P), P.Theta, 1e-15);
        Assert.Equal(Math.Atan2(-1.2, 0.3), P.Phi, 1e-15);
        Assert.Equal(P.P / P.E, P.Beta, 1e-15);
        Assert.Equal(0, LorentzVector.AtRest(1).Theta);
        Assert.Equal(0, new LorentzVector(1, 1, 0, 0).Mass);       // light-like
        Assert.Equal(0, new LorentzVector(1, 2, 0, 0).Mass);       // space-like rounds to 0, not NaN
        var q = new LorentzVector(2, 0.1, 0.2, 0.3);
        Assert.Equal(P.E * 2 - (0.03 - 0.24 + 0.21), LorentzVector.Dot(P, q), 1e-14);
        Assert.Equal(new LorentzVector(P.E + 2, 0.4, -1.0, 1.0), P + q);
        Assert.Equal(new LorentzVector(-2, -0.1, -0.2, -0.3), -q);
        Assert.Equal(new LorentzVector(4, 0.2, 0.4, 0.6), 2 * q);
    }

    [Fact]
    public void Boost_to_rest_frame_leaves_the_mass_alone()
    {
        var rest = P.InRestFrameOf(P);
        Assert.Equal(0.9, rest.E, 1e-14);
        Assert.Equal(0, rest.P, 1e-14);
        // A boost and its inverse.
        var (bx, by, bz) = (0.3, -0.2, 0.5);
        var back = P.Boost(bx, by, bz).Boost(-bx, -by, -bz);
        Assert.Equal(P.E, back.E, 1e-14);
        Assert.Equal(P.Px, back.Px, 1e-14);
        Assert.Equal(P.Py, back.Py, 1e-14);
        Assert.Equal(P.Pz, back.Pz, 1e-14);
        Assert.Equal(P.Mass2, P.Boost(bx, by, bz).Mass2, 1e-13);
        var q = new LorentzVector(2, 0.1, 0.2, 0.3);
        Assert.Equal(LorentzVector.Dot(P, q), LorentzVector.Dot(P.Boost(bx, by, bz), q.Boost(bx, by, bz)), 1e-13);
        Assert.Equal(P, P.Boost(0, 0, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => P.Boost(1, 0, 0));
    }

    [Fact]
    public void AmpForm_boost_and_rotations()
    {
        // BoostZ(beta) views the vector from a frame moving with +beta: an active boost by -beta.
        var a = P.BoostZ(0.4);
        var b = P.Boost(0, 0, -0.4);
        Assert.Equal(b.E, a.E, 1e-14);
        Assert.Equal(b.Pz, a.Pz, 1e-14);
        Assert.Equal(P.Px, a.Px);
        var rz = P.RotateZ(-P.Phi);
        Assert.Equal(0, rz.Py, 1e-15);
        Assert.True(rz.Px > 0);
        var ry = rz.RotateY(-P.Theta);
        Assert.Equal(0, ry.Px, 1e-15);
        Assert.Equal(P.P, ry.Pz, 1e-15);
        var helicity = P.ToHelicityFrameOf(P);
        Assert.Equal(P.Mass, helicity.E, 1e-14);
        Assert.Equal(0, helicity.P, 1e-14);
    }
}

public class TurnSinCosTests
{
    [Fact]
    public void Matches_the_library_to_rounding()
    {
        var rng = new PartialWave.Randomness.RandomStream(12);
        var u = new double[100_000];
        rng.FillUniform(0, u);
        u[0] = 0; u[1] = 0.125; u[2] = 0.25; u[3] = 0.5; u[4] = 0.75; u[5] = 0.375; u[6] = 1 - Math.ScaleB(1, -53);
        double worst = 0;
        foreach (var x in u)
        {
            var (s, c) = TurnSinCos.Compute(x);
            var (es, ec) = Math.SinCos(2 * Math.PI * x);
            worst = Math.Max(worst, Math.Max(Math.Abs(s - es), Math.Abs(c - ec)));
        }
        // The reference rounds 2 pi x first (an error up to ~7e-16 in the angle).
        Assert.True(worst < 1e-15, $"worst {worst:E2}");
        Assert.Equal(0.0, TurnSinCos.Compute(0.0).Sin);
        Assert.Equal(1.0, TurnSinCos.Compute(0.0).Cos);
        Assert.Equal(1.0, TurnSinCos.Compute(0.25).Sin);
    }

    [Fact]
    public void Written_out_coefficients_are_the_Taylor_ones()
    {
        Assert.Equal(TurnSinCos.Coefficients(1), TurnSinCos.SinCoefficients);
        Assert.Equal(TurnSinCos.Coefficients(0), TurnSinCos.CosCoefficients);
    }

    [Fact]
    public void A_lane_does_not_depend_on_its_neighbours()
    {
        double[] values = [0.01, 0.3, 0.6, 0.97, 0.125, 1e-9, 0.499999, 0.75];
        foreach (var x in values)
        {
            var alone = TurnSinCos.Compute(x);
            foreach (var y in values)
            {
                var (s, c) = TurnSinCos.Compute(System.Runtime.Intrinsics.Vector256.Create(y, x, y, y));
                Assert.Equal(alone.Sin, s[1]);
                Assert.Equal(alone.Cos, c[1]);
            }
        }
    }
}
