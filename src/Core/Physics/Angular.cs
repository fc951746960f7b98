using System.Numerics;
using PartialWave.Symbolic;

namespace PartialWave.Physics;

/// <summary>
/// Wigner d and D functions and Clebsch-Gordan coefficients with exact coefficients: spins are integers or
/// half-integers given as exact numbers (<c>1</c>, <c>Expr.Rational(1, 2)</c>), coefficients are rationals under a square root.
/// Conventions are SymPy's (<c>sympy.physics.quantum.spin.Rotation.d</c>, <c>CG</c>), which AmpForm uses.
/// </summary>
public static class Angular
{
    /// <summary>
    /// Wigner's small d: d^j_{mn}(β) = Σ_k (−1)^(m−n+k) √((j+m)!(j−m)!(j+n)!(j−n)!) / ((j+n−k)! k! (m−n+k)! (j−m−k)!)
    /// · cos(β/2)^(2j+n−m−2k) · sin(β/2)^(m−n+2k).
    /// </summary>
    /// <exception cref="ArgumentException">A spin is not an exact integer or half-integer, or m, n do not belong to j.</exception>
    public static Expr WignerSmallD(Expr j, Expr m, Expr n, Expr beta)
    {
        int j2 = TwiceSpin(j, nameof(j)), m2 = TwiceSpin(m, nameof(m)), n2 = TwiceSpin(n, nameof(n));
        if (j2 < 0) throw new ArgumentException($"j must be ≥ 0, got {j}", nameof(j));
        RequireProjection(j2, m2, nameof(m));
        RequireProjection(j2, n2, nameof(n));
        int jpm = (j2 + m2) / 2, jmm = (j2 - m2) / 2, jpn = (j2 + n2) / 2, jmn = (j2 - n2) / 2, mmn = (m2 - n2) / 2;
        var root = SqrtExact(new BigRational(Dynamics.Factorial(jpm) * Dynamics.Factorial(jmm) * Dynamics.Factorial(jpn) * Dynamics.Factorial(jmn), 1));
        var cos = Expr.Call(ExprKind.Cos, Expr.Mul(Expr.Half, beta));
        var sin = Expr.Call(ExprKind.Sin, Expr.Mul(Expr.Half, beta));
        var terms = new List<Expr>();
        for (int k = Math.Max(0, -mmn); k <= Math.Min(jpn, jmm); k++)
        {
            var denominator = Dynamics.Factorial(jpn - k) * Dynamics.Factorial(k) * Dynamics.Factorial(mmn + k) * Dynamics.Factorial(jmm - k);
            int sign = ((mmn + k) % 2 + 2) % 2 == 0 ? 1 : -1;
            terms.Add(Expr.Mul(Expr.Rational(sign, denominator), Expr.Pow(cos, j2 - mmn - 2 * k), Expr.Pow(sin, mmn + 2 * k)));
        }
        return Expr.Mul(root, Expr.Add(terms));
    }

    /// <summary>Wigner's D: D^j_{mn}(α, β, γ) = e^(−imα) d^j_{mn}(β) e^(−inγ).</summary>
    /// <exception cref="ArgumentException">As for <see cref="WignerSmallD"/>.</exception>
    public static Expr WignerD(Expr j, Expr m, Expr n, Expr alpha, Expr beta, Expr gamma) =>
        Expr.Mul(
            Expr.Call(ExprKind.Exp, Expr.Mul(-1, Expr.I, m, alpha)),
            WignerSmallD(j, m, n, beta),
            Expr.Call(ExprKind.Exp, Expr.Mul(-1, Expr.I, n, gamma)));

    /// <summary>
    /// The Clebsch-Gordan coefficient ⟨j₁ m₁ j₂ m₂ | J M⟩ by Racah's formula, exact; zero where M ≠ m₁ + m₂ or
    /// (j₁, j₂, J) violate the triangle rule, as in SymPy.
    /// </summary>
    /// <exception cref="ArgumentException">A spin is not an exact integer or half-integer, or a projection does not belong to its spin.</exception>
    public static Expr ClebschGordan(Expr j1, Expr m1, Expr j2, Expr m2, Expr jTotal, Expr mTotal)
    {
        int a = TwiceSpin(j1, nameof(j1)), am = TwiceSpin(m1, nameof(m1));
        int b = TwiceSpin(j2, nameof(j2)), bm = TwiceSpin(m2, nameof(m2));
        int c = TwiceSpin(jTotal, nameof(jTotal)), cm = TwiceSpin(mTotal, nameof(mTotal));
        if (a < 0 || b < 0 || c < 0) throw new ArgumentException("spins must be ≥ 0");
        RequireProjection(a, am, nameof(m1));
        RequireProjection(b, bm, nameof(m2));
        RequireProjection(c, cm, nameof(mTotal));
        if (am + bm != cm || c > a + b || c < Math.Abs(a - b) || (a + b + c) % 2 != 0) return Expr.Zero;
        static BigInteger F(int twice) => Dynamics.Factorial(twice / 2);
        var triangle = new BigRational((c + 1) * F(c + a - b) * F(c - a + b) * F(a + b - c), F(a + b + c + 2));
        var projections = F(c + cm) * F(c - cm) * F(a - am) * F(a + am) * F(b - bm) * F(b + bm);
        var radicand = new BigRational(triangle.Numerator * projections, triangle.Denominator);
        var sum = BigRational.Zero;
        for (int k = 0; ; k++)
        {
            int k2 = 2 * k;
            if (k2 > a + b - c || k2 > a - am || k2 > b + bm) break;
            if (c - b + am + k2 < 0 || c - a - bm + k2 < 0) continue;
            var denominator = Dynamics.Factorial(k) * F(a + b - c - k2) * F(a - am - k2) * F(b + bm - k2) * F(c - b + am + k2) * F(c - a - bm + k2);
            sum += new BigRational(k % 2 == 0 ? 1 : -1, denominator);
        }
        return sum.IsZero ? Expr.Zero : Expr.Mul(sum.ToExpr(), SqrtExact(radicand));
    }

    /// <summary>2s for an exact integer or half-integer s (a float that is exactly one is accepted too).</summary>
    /// <exception cref="ArgumentException">The value is not an exact integer or half-integer.</exception>
    public static int TwiceSpin(Expr spin, string name = "spin")
    {
        switch (spin)
        {
            case RationalNumber r when (r.Denominator == 1 || r.Denominator == 2) && BigInteger.Abs(r.Numerator) < 10_000:
                return (int)(r.Numerator * (2 / r.Denominator));
            case FloatNumber f when Math.Abs(f.Value) < 10_000 && Math.Round(2 * f.Value) == 2 * f.Value:
                return (int)(2 * f.Value);
            default:
                throw new ArgumentException($"{name} must be an integer or half-integer number, got {spin}", name);
        }
    }

    /// <summary>True when <paramref name="spin"/> is an exact integer or half-integer number.</summary>
    public static bool IsSpin(Expr spin) =>
        spin is RationalNumber { Denominator: var d } r && (d.IsOne || d == 2) && BigInteger.Abs(r.Numerator) < 10_000
        || spin is FloatNumber f && Math.Abs(f.Value) < 10_000 && Math.Round(2 * f.Value) == 2 * f.Value;

    private static void RequireProjection(int j2, int m2, string name)
    {
        if (Math.Abs(m2) > j2 || (j2 - m2) % 2 != 0)
            throw new ArgumentException($"{name} = {Half(m2)} is not a projection of spin {Half(j2)} (expected one of -j, -j+1, ..., j)", name);
    }

    private static string Half(int twice) => twice % 2 == 0 ? (twice / 2).ToString() : $"{twice}/2";

    // √(p/q) with perfect squares taken out exactly, so that ⟨1 0 1 0|2 0⟩ prints as √6/3 rather than √(2/3) and
    // coefficients that are rational stay rational.
    private static Expr SqrtExact(BigRational x)
    {
        var (pOut, pIn) = SplitSquare(x.Numerator);
        var (qOut, qIn) = SplitSquare(x.Denominator);
        // √(pIn/qIn) = √(pIn·qIn)/qIn keeps the radicand an integer.
        var (rOut, rIn) = SplitSquare(pIn * qIn);
        var factor = Expr.Rational(pOut * rOut, qOut * qIn);
        return rIn.IsOne ? factor : Expr.Mul(factor, Expr.Sqrt(Expr.Integer(rIn)));
    }

    // n = outside² · inside with inside square-free over the small primes tried; what is left untried stays inside.
    private static (BigInteger Outside, BigInteger Inside) SplitSquare(BigInteger n)
    {
        BigInteger outside = 1, inside = 1;
        for (int p = 2; p < 1000 && n > 1; p++)
        {
            int count = 0;
            while (n % p == 0) { n /= p; count++; }
            outside *= BigInteger.Pow(p, count / 2);
            if (count % 2 == 1) inside *= p;
        }
        inside *= n;
        var root = IntegerSqrt(inside);
        if (root * root == inside) { outside *= root; inside = 1; }
        return (outside, inside);
    }

    private static BigInteger IntegerSqrt(BigInteger n)
    {
        if (n < 2) return n;
        var x = (BigInteger)Math.Sqrt((double)n);
        while (x * x > n) x--;
        while ((x + 1) * (x + 1) <= n) x++;
        return x;
    }
}
