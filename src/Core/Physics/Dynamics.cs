using System.Numerics;
using PartialWave.Symbolic;

namespace PartialWave.Physics;

/// <summary>
/// Lineshapes and their ingredients as symbolic expressions, with AmpForm's definitions (ampform.kinematics.phasespace,
/// ampform.dynamics), so that a model built here evaluates like the same model built with AmpForm.
/// Square roots are SymPy's principal branch: below threshold a break-up momentum is imaginary, not NaN.
/// </summary>
public static class Dynamics
{
    /// <summary>The Källén function λ(x, y, z) = x² + y² + z² − 2xy − 2xz − 2yz.</summary>
    public static Expr Kallen(Expr x, Expr y, Expr z) =>
        Expr.Add(Expr.Pow(x, 2), Expr.Pow(y, 2), Expr.Pow(z, 2),
            Expr.Mul(-2, x, y), Expr.Mul(-2, x, z), Expr.Mul(-2, y, z));

    /// <summary>
    /// q²(s) = (s − (m₁ + m₂)²)(s − (m₁ − m₂)²) / (4s), which is λ(s, m₁², m₂²)/(4s) written as AmpForm's
    /// <c>BreakupMomentumSquared</c> writes it (the factored form loses no digits near threshold).
    /// </summary>
    public static Expr BreakupMomentumSquared(Expr s, Expr m1, Expr m2) =>
        Expr.Mul(Expr.Rational(1, 4), Expr.Pow(s, -1),
            s - Expr.Pow(m1 + m2, 2),
            s - Expr.Pow(m1 - m2, 2));

    /// <summary>q(s) = √q²(s) on the principal branch (imaginary below threshold, as in SymPy).</summary>
    public static Expr BreakupMomentum(Expr s, Expr m1, Expr m2) => Expr.Sqrt(BreakupMomentumSquared(s, m1, m2));

    /// <summary>AmpForm's <c>PhaseSpaceFactor</c>: ρ(s) = √q²(s) / (8π√s).</summary>
    public static Expr PhaseSpaceFactor(Expr s, Expr m1, Expr m2) =>
        Expr.Mul(Expr.Sqrt(BreakupMomentumSquared(s, m1, m2)), Expr.Pow(Expr.Mul(8, Expr.Pi, Expr.Sqrt(s)), -1));

    /// <summary>
    /// The dimensionless two-body phase space 2q(s)/√s = √(λ(s, m₁², m₂²))/s, which tends to one far above threshold:
    /// the channel factor of the Flatté form.
    /// </summary>
    public static Expr TwoBodyPhaseSpace(Expr s, Expr m1, Expr m2) =>
        Expr.Mul(2, BreakupMomentum(s, m1, m2), Expr.Pow(s, Expr.Rational(-1, 2)));

    /// <summary>Highest orbital angular momentum of <see cref="BlattWeisskopfSquared"/>.</summary>
    public const int MaxAngularMomentum = 8;

    /// <summary>
    /// AmpForm's <c>BlattWeisskopfSquared</c>: B²_L(z) = |h_L(1)|² z^L / P_L(z), where |h_L(x)|² = P_L(x²) / x^(2L+2)
    /// for the spherical Hankel function h_L⁽¹⁾ and z = q²d². B²_L(1) = 1 for every L; B²₀ = 1, B²₁ = 2z/(z+1),
    /// B²₂ = 13z²/(z² + 3z + 9), ...
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="angularMomentum"/> is outside 0..8.</exception>
    public static Expr BlattWeisskopfSquared(Expr z, int angularMomentum)
    {
        if (angularMomentum is < 0 or > MaxAngularMomentum)
            throw new ArgumentOutOfRangeException(nameof(angularMomentum), angularMomentum, $"the angular momentum must be 0..{MaxAngularMomentum}");
        if (angularMomentum == 0) return Expr.One;
        var p = HankelPolynomial(angularMomentum);
        // p[k] multiplies z^k; p[L] = 1, so the numerator constant P_L(1) is the sum of the coefficients.
        var atOne = BigRational.Zero;
        var terms = new List<Expr>();
        for (int k = 0; k <= angularMomentum; k++)
        {
            atOne += p[k];
            if (!p[k].IsZero) terms.Add(Expr.Mul(p[k].ToExpr(), Expr.Pow(z, k)));
        }
        return Expr.Mul(atOne.ToExpr(), Expr.Pow(z, angularMomentum), Expr.Pow(Expr.Add(terms), -1));
    }

    // P_L(z) from h_L(x) = (-i)^(L+1) e^(ix)/x Σ_k a_k (i/(2x))^k, a_k = (L+k)!/(k!(L-k)!): multiplying the sum by its
    // conjugate leaves only the terms with j − k even, each a real multiple of z^(L − (j+k)/2).
    private static BigRational[] HankelPolynomial(int l)
    {
        var a = new BigInteger[l + 1];
        for (int k = 0; k <= l; k++) a[k] = Factorial(l + k) / (Factorial(k) * Factorial(l - k));
        var p = new BigRational[l + 1];
        for (int k = 0; k <= l; k++) p[k] = BigRational.Zero;
        for (int j = 0; j <= l; j++)
            for (int k = 0; k <= l; k++)
            {
                if ((j - k) % 2 != 0) continue;
                int sign = ((j - k) / 2) % 2 == 0 ? 1 : -1;
                p[l - (j + k) / 2] += new BigRational(sign * a[j] * a[k], BigInteger.Pow(2, j + k));
            }
        return p;
    }

    internal static BigInteger Factorial(int n)
    {
        if (n < 0) throw new ArgumentOutOfRangeException(nameof(n));
        BigInteger f = 1;
        for (int i = 2; i <= n; i++) f *= i;
        return f;
    }

    /// <summary>AmpForm's <c>FormFactor</c>: √B²_L(q²(s) d²), the Blatt-Weisskopf barrier factor at meson radius d.</summary>
    public static Expr FormFactor(Expr s, Expr m1, Expr m2, int angularMomentum, Expr mesonRadius) =>
        angularMomentum == 0 ? Expr.One
        : Expr.Sqrt(BlattWeisskopfSquared(Expr.Mul(BreakupMomentumSquared(s, m1, m2), Expr.Pow(mesonRadius, 2)), angularMomentum));

    /// <summary>AmpForm's <c>relativistic_breit_wigner</c>: Γ₀m₀ / (m₀² − s − i m₀Γ₀).</summary>
    public static Expr RelativisticBreitWigner(Expr s, Expr mass, Expr width) =>
        Expr.Mul(width, mass, Expr.Pow(Expr.Add(Expr.Pow(mass, 2), -s, Expr.Mul(-1, Expr.I, mass, width)), -1));

    /// <summary>
    /// AmpForm's <c>EnergyDependentWidth</c>: Γ(s) = Γ₀ · B²_L(q²(s)d²)/B²_L(q²(m₀²)d²) · ρ(s)/ρ(m₀²), with ρ
    /// <see cref="PhaseSpaceFactor"/>.
    /// </summary>
    public static Expr EnergyDependentWidth(Expr s, Expr mass, Expr width, Expr m1, Expr m2, int angularMomentum, Expr mesonRadius)
    {
        var s0 = Expr.Pow(mass, 2);
        var d2 = Expr.Pow(mesonRadius, 2);
        var ff = Expr.Mul(BlattWeisskopfSquared(Expr.Mul(BreakupMomentumSquared(s, m1, m2), d2), angularMomentum),
            Expr.Pow(BlattWeisskopfSquared(Expr.Mul(BreakupMomentumSquared(s0, m1, m2), d2), angularMomentum), -1));
        var rho = Expr.Mul(PhaseSpaceFactor(s, m1, m2), Expr.Pow(PhaseSpaceFactor(s0, m1, m2), -1));
        return Expr.Mul(width, ff, rho);
    }

    /// <summary>
    /// AmpForm's <c>relativistic_breit_wigner_with_ff</c>: m₀Γ₀ √B²_L(q²(s)d²) / (m₀² − s − i m₀ Γ(s)), with Γ(s)
    /// <see cref="EnergyDependentWidth"/>.
    /// </summary>
    public static Expr RelativisticBreitWignerWithFormFactor(Expr s, Expr mass, Expr width, Expr m1, Expr m2, int angularMomentum, Expr mesonRadius)
    {
        var gamma = EnergyDependentWidth(s, mass, width, m1, m2, angularMomentum, mesonRadius);
        var denominator = Expr.Add(Expr.Pow(mass, 2), -s, Expr.Mul(-1, Expr.I, mass, gamma));
        return Expr.Mul(mass, width, FormFactor(s, m1, m2, angularMomentum, mesonRadius), Expr.Pow(denominator, -1));
    }

    /// <summary>
    /// The two-channel Flatté form 1 / (m₀² − s − i m₀ (g₁ρ₁(s) + g₂ρ₂(s))), ρₖ = 2qₖ/√s of channel k
    /// (<see cref="TwoBodyPhaseSpace"/>). Below a channel's threshold its ρ is imaginary (principal square root), so
    /// the closed channel shifts the mass instead of adding width, as the analytic continuation requires.
    /// </summary>
    public static Expr Flatte(Expr s, Expr mass, Expr g1, Expr g2, (Expr A, Expr B) channel1, (Expr A, Expr B) channel2)
    {
        var widths = Expr.Add(Expr.Mul(g1, TwoBodyPhaseSpace(s, channel1.A, channel1.B)), Expr.Mul(g2, TwoBodyPhaseSpace(s, channel2.A, channel2.B)));
        return Expr.Pow(Expr.Add(Expr.Pow(mass, 2), -s, Expr.Mul(-1, Expr.I, mass, widths)), -1);
    }
}

/// <summary>An exact rational for building coefficients (the expression factory reduces and interns the result).</summary>
internal readonly record struct BigRational(BigInteger Numerator, BigInteger Denominator)
{
    public static BigRational Zero => new(0, 1);
    public bool IsZero => Numerator.IsZero;

    public static BigRational operator +(BigRational a, BigRational b)
    {
        var n = a.Numerator * b.Denominator + b.Numerator * a.Denominator;
        var d = a.Denominator * b.Denominator;
        var g = BigInteger.GreatestCommonDivisor(n, d);
        return g.IsZero || g.IsOne ? new(n, d) : new(n / g, d / g);
    }

    public Expr ToExpr() => Expr.Rational(Numerator, Denominator);
}
