using System.Numerics;
using PartialWave.Backends.Reference;
using PartialWave.Modeling;
using PartialWave.Parsing;
using PartialWave.Physics;
using PartialWave.Symbolic;
using PartialWave.Numerics;
using PartialWave.Engine.Tests.Core.Numerics;

namespace PartialWave.Engine.Tests.Core.Physics;

/// <summary>The building blocks against SymPy/AmpForm reference values and against identities they must satisfy.</summary>
public class PhysicsTests
{
    private static readonly Symbol S = Expr.Symbol("s", Assumptions.Nonnegative);
    private static readonly Symbol M0 = Expr.Symbol("m0", Assumptions.Nonnegative);
    private static readonly Symbol Gamma0 = Expr.Symbol("Gamma0", Assumptions.Nonnegative);
    private static readonly Symbol Ma = Expr.Symbol("m_a", Assumptions.Nonnegative);
    private static readonly Symbol Mb = Expr.Symbol("m_b", Assumptions.Nonnegative);
    private static readonly Symbol D = Expr.Symbol("d", Assumptions.Positive);
    private static readonly Symbol Beta = Expr.Symbol("beta", Assumptions.Real);

    private static Complex Eval(Expr e, params (string Name, Complex Value)[] values) =>
        ReferenceEvaluator.Evaluate(e, values.ToDictionary(v => v.Name, v => v.Value));

    /// <summary>Our expression evaluated at the reference line's symbol values, against SymPy's value.</summary>
    private static void MatchesSympy(string line, Expr ours, double tolerance = 1e-12)
    {
        var reference = ReferenceModelTests.SmallLine(line);
        var values = ReferencePoints.ReadValues(reference.GetProperty("symbols"));
        var expected = ReferencePoints.ReadComplex(reference.GetProperty("value"));
        var theirs = SreprReader.Parse(reference.GetProperty("srepr").GetString()!, line).GetValueOrThrow();
        var v = ReferenceEvaluator.Evaluate(ours, values);
        Assert.True(ReferencePoints.RelativeDeviation(v, expected) <= tolerance, $"{line}: {v} vs SymPy {expected} (their expression: {ReferenceEvaluator.Evaluate(theirs, values)})");
    }

    [SkippableTheory]
    [InlineData(0)] [InlineData(1)] [InlineData(2)] [InlineData(3)] [InlineData(4)]
    [InlineData(5)] [InlineData(6)] [InlineData(7)] [InlineData(8)]
    public void Blatt_Weisskopf_matches_AmpForm(int l)
    {
        var z = Expr.Symbol("z", Assumptions.Nonnegative);
        MatchesSympy($"ampform_BlattWeisskopfSquared_L{l}", Dynamics.BlattWeisskopfSquared(z, l));
    }

    [Fact]
    public void Blatt_Weisskopf_is_one_at_z_one_and_exactly_AmpForm_for_low_L()
    {
        var z = Expr.Symbol("z", Assumptions.Nonnegative);
        Assert.Same(Expr.One, Dynamics.BlattWeisskopfSquared(z, 0));
        for (int l = 1; l <= 8; l++) Assert.Equal(1.0, Eval(Dynamics.BlattWeisskopfSquared(z, l), ("z", 1)).Real, 14);
        Assert.Same(Expr.Mul(2, z, Expr.Pow(z + 1, -1)), Dynamics.BlattWeisskopfSquared(z, 1));
        Assert.Same(Expr.Mul(13, Expr.Pow(z, 2), Expr.Pow(Expr.Add(Expr.Pow(z, 2), Expr.Mul(3, z), 9), -1)), Dynamics.BlattWeisskopfSquared(z, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => Dynamics.BlattWeisskopfSquared(z, 9));
    }

    [SkippableFact]
    public void Kallen_matches_AmpForm()
    {
        var (x, y, z) = (Expr.Symbol("X", Assumptions.Real), Expr.Symbol("Y", Assumptions.Real), Expr.Symbol("Z", Assumptions.Real));
        MatchesSympy("ampform_Kallen", Dynamics.Kallen(x, y, z));
    }

    [SkippableTheory]
    [InlineData("ampform_rel_BW_with_ff_L1_above_threshold")]
    [InlineData("ampform_rel_BW_with_ff_L1_below_threshold")]
    public void Breit_Wigner_with_form_factor_matches_AmpForm(string line) =>
        MatchesSympy(line, Dynamics.RelativisticBreitWignerWithFormFactor(S, M0, Gamma0, Ma, Mb, 1, D));

    [Fact]
    public void Breakup_momentum_is_Kallen_over_4s_and_imaginary_below_threshold()
    {
        var kallen = Dynamics.Kallen(S, Expr.Pow(Ma, 2), Expr.Pow(Mb, 2)) / (4 * S);
        foreach (var s in new[] { 0.05, 0.3, 1.7 })
        {
            var point = new[] { ("s", (Complex)s), ("m_a", (Complex)0.13957), ("m_b", (Complex)0.493677) };
            Assert.True(Complex.Abs(Eval(Dynamics.BreakupMomentumSquared(S, Ma, Mb), point) - Eval(kallen, point)) < 1e-15);
        }
        var below = Eval(Dynamics.BreakupMomentum(S, Ma, Mb), ("s", 0.3), ("m_a", 0.13957), ("m_b", 0.493677));
        Assert.Equal(0, below.Real);
        Assert.True(below.Imaginary > 0, $"principal branch: {below}");
        // ρ = q/(8π√s): at s = 1, m = 0, q = 1/2.
        Assert.Equal(1 / (16 * Math.PI), Eval(Dynamics.PhaseSpaceFactor(S, Ma, Mb), ("s", 1), ("m_a", 0), ("m_b", 0)).Real, 15);
        Assert.Equal(1, Eval(Dynamics.TwoBodyPhaseSpace(S, Ma, Mb), ("s", 1), ("m_a", 0), ("m_b", 0)).Real, 15);
    }

    [Fact]
    public void Breit_Wigner_at_the_pole_is_i_and_the_width_is_the_nominal_one()
    {
        var bw = Dynamics.RelativisticBreitWigner(S, M0, Gamma0);
        var pole = Eval(bw, ("s", 0.7753 * 0.7753), ("m0", 0.7753), ("Gamma0", 0.1491));
        Assert.True(Complex.Abs(pole - Complex.ImaginaryOne) < 1e-15, pole.ToString());
        var point = new[] { ("s", (Complex)(0.7753 * 0.7753)), ("m0", (Complex)0.7753), ("Gamma0", (Complex)0.1491), ("m_a", (Complex)0.13957), ("m_b", (Complex)0.13957), ("d", (Complex)1.5) };
        Assert.Equal(0.1491, Eval(Dynamics.EnergyDependentWidth(S, M0, Gamma0, Ma, Mb, 1, D), point).Real, 15);
        var withFf = Eval(Dynamics.RelativisticBreitWignerWithFormFactor(S, M0, Gamma0, Ma, Mb, 0, D), point);
        Assert.True(Complex.Abs(withFf - Complex.ImaginaryOne) < 1e-14, withFf.ToString());
    }

    [Fact]
    public void Flatte_is_a_Breit_Wigner_when_the_second_channel_decouples()
    {
        var g1 = Expr.Symbol("g1", Assumptions.Real);
        var flatte = Dynamics.Flatte(S, M0, g1, 0, (Ma, Ma), (Mb, Mb));
        var (s, m0, g, m) = (1.1, 0.98, 0.165, 0.13957);
        var rho = Math.Sqrt(1 - 4 * m * m / s);
        var expected = 1 / new Complex(m0 * m0 - s, -m0 * g * rho);
        var v = Eval(flatte, ("s", s), ("m0", m0), ("g1", g), ("m_a", m), ("m_b", 0.493677));
        Assert.True(Complex.Abs(v - expected) < 1e-13 * Complex.Abs(expected), $"{v} vs {expected}");
        // Below the K K̄ threshold the closed channel shifts the real part and adds no width.
        var closed = Eval(Dynamics.Flatte(S, M0, 0, g1, (Ma, Ma), (Mb, Mb)), ("s", 0.9), ("m0", m0), ("g1", g), ("m_a", m), ("m_b", 0.493677));
        Assert.True(Math.Abs(closed.Imaginary) < 1e-15 * Complex.Abs(closed), closed.ToString());
    }

    [SkippableTheory]
    [InlineData("wigner_small_d_j1_2_m1_2_mp1_2", 1, 2, 1, 2, 1, 2)]
    [InlineData("wigner_small_d_j1_2_m1_2_mp-1_2", 1, 2, 1, 2, -1, 2)]
    [InlineData("wigner_small_d_j1_m1_mp1", 1, 1, 1, 1, 1, 1)]
    [InlineData("wigner_small_d_j1_m1_mp0", 1, 1, 1, 1, 0, 1)]
    [InlineData("wigner_small_d_j1_m0_mp0", 1, 1, 0, 1, 0, 1)]
    [InlineData("wigner_small_d_j1_m1_mp-1", 1, 1, 1, 1, -1, 1)]
    [InlineData("wigner_small_d_j3_2_m3_2_mp1_2", 3, 2, 3, 2, 1, 2)]
    [InlineData("wigner_small_d_j3_2_m1_2_mp-1_2", 3, 2, 1, 2, -1, 2)]
    [InlineData("wigner_small_d_j3_2_m-1_2_mp3_2", 3, 2, -1, 2, 3, 2)]
    [InlineData("wigner_small_d_j2_m2_mp1", 2, 1, 2, 1, 1, 1)]
    [InlineData("wigner_small_d_j2_m0_mp0", 2, 1, 0, 1, 0, 1)]
    [InlineData("wigner_small_d_j2_m1_mp-1", 2, 1, 1, 1, -1, 1)]
    [InlineData("wigner_small_d_j2_m2_mp-2", 2, 1, 2, 1, -2, 1)]
    [InlineData("wigner_small_d_j2_m-1_mp0", 2, 1, -1, 1, 0, 1)]
    public void Wigner_small_d_matches_SymPy(string line, int j, int jq, int m, int mq, int n, int nq) =>
        MatchesSympy(line, Angular.WignerSmallD(Expr.Rational(j, jq), Expr.Rational(m, mq), Expr.Rational(n, nq), Beta));

    [SkippableFact]
    public void Wigner_D_matches_SymPy()
    {
        var (a, g) = (Expr.Symbol("alpha", Assumptions.Real), Expr.Symbol("gamma", Assumptions.Real));
        MatchesSympy("wigner_D_j1_m1_mp0", Angular.WignerD(1, 1, 0, a, Beta, g));
        MatchesSympy("wigner_D_j3_2_m1_2_mp-3_2", Angular.WignerD(Expr.Rational(3, 2), Expr.Rational(1, 2), Expr.Rational(-3, 2), a, Beta, g));
    }

    [Fact]
    public void Wigner_d_identities()
    {
        foreach (var b in new[] { 0.0, 0.4, 1.234, Math.PI })
        {
            Assert.Equal(Math.Cos(b), Eval(Angular.WignerSmallD(1, 0, 0, Beta), ("beta", b)).Real, 14);
            Assert.Equal((3 * Math.Cos(b) * Math.Cos(b) - 1) / 2, Eval(Angular.WignerSmallD(2, 0, 0, Beta), ("beta", b)).Real, 14);
            // Unitarity: Σ_n |d^j_{mn}|² = 1 for j = 5/2, m = 1/2.
            double sum = 0;
            for (int n2 = -5; n2 <= 5; n2 += 2)
                sum += Math.Pow(Eval(Angular.WignerSmallD(Expr.Rational(5, 2), Expr.Half, Expr.Rational(n2, 2), Beta), ("beta", b)).Real, 2);
            Assert.Equal(1, sum, 13);
        }
        Assert.Throws<ArgumentException>(() => Angular.WignerSmallD(1, 2, 0, Beta));
        Assert.Throws<ArgumentException>(() => Angular.WignerSmallD(1, Expr.Half, 0, Beta));
        Assert.Throws<ArgumentException>(() => Angular.WignerSmallD(Expr.Symbol("j"), 0, 0, Beta));
    }

    [Fact]
    public void Clebsch_Gordan_known_values_are_exact()
    {
        // ⟨1/2 1/2 1/2 -1/2 | 1 0⟩ = 1/√2, ⟨1 0 1 0 | 2 0⟩ = √(2/3), ⟨1 0 1 0 | 1 0⟩ = 0, ⟨1 1 1 -1 | 0 0⟩ = 1/√3.
        var h = Expr.Half;
        Assert.Same(Expr.Mul(h, Expr.Sqrt(2)), Angular.ClebschGordan(h, h, h, -h, 1, 0));
        Assert.Same(Expr.Mul(Expr.Rational(1, 3), Expr.Sqrt(6)), Angular.ClebschGordan(1, 0, 1, 0, 2, 0));
        Assert.Same(Expr.Zero, Angular.ClebschGordan(1, 0, 1, 0, 1, 0));
        Assert.Same(Expr.Mul(Expr.Rational(1, 3), Expr.Sqrt(3)), Angular.ClebschGordan(1, 1, 1, -1, 0, 0));
        Assert.Same(Expr.One, Angular.ClebschGordan(2, 2, 1, 1, 3, 3));
        Assert.Same(Expr.Zero, Angular.ClebschGordan(1, 1, 1, 1, 2, 1));
    }

    [Fact]
    public void Clebsch_Gordan_rows_are_orthonormal()
    {
        static double Cg(int a, int am, int b, int bm, int c, int cm) =>
            Eval(Angular.ClebschGordan(Expr.Rational(a, 2), Expr.Rational(am, 2), Expr.Rational(b, 2), Expr.Rational(bm, 2), Expr.Rational(c, 2), Expr.Rational(cm, 2))).Real;
        // j1 = 3/2 ⊗ j2 = 1: Σ_{m1,m2} ⟨..|J M⟩⟨..|J' M⟩ = δ_JJ'.
        int a = 3, b = 2;
        for (int cm = -1; cm <= 1; cm += 2)
            for (int c = 1; c <= 5; c += 2)
                for (int c2 = 1; c2 <= 5; c2 += 2)
                {
                    double sum = 0;
                    for (int am = -a; am <= a; am += 2)
                    {
                        int bm = cm - am;
                        if (Math.Abs(bm) > b) continue;
                        sum += Cg(a, am, b, bm, c, cm) * Cg(a, am, b, bm, c2, cm);
                    }
                    Assert.Equal(c == c2 ? 1 : 0, sum, 14);
                }
    }
}
