using System.Numerics;

namespace PartialWave.Numerics;

/// <summary>
/// Complex double arithmetic with SymPy's semantics: principal branches, no signed zeros (so
/// <c>sqrt(-4)</c> is <c>2i</c> whatever the sign of a zero imaginary part), integer powers by
/// repeated multiplication. Used by constant folding and by the reference evaluator.
/// </summary>
internal static class ScalarMath
{
    /// <summary>Not-a-number as a complex value.</summary>
    public static readonly Complex NaN = new(double.NaN, double.NaN);

    // Adding +0.0 turns -0.0 into +0.0 and leaves every other value alone: SymPy has no signed zero, so a
    // branch cut must never be crossed because an intermediate product produced -0.0.
    private static Complex Unsign(Complex z) => new(z.Real + 0.0, z.Imaginary + 0.0);

    /// <summary>True when the imaginary part is exactly zero.</summary>
    public static bool IsReal(Complex z) => z.Imaginary == 0.0;

    /// <summary>Product that stays real when both factors are real (so -1 * oo is -oo, not (-oo, nan)).</summary>
    public static Complex Multiply(Complex a, Complex b) =>
        IsReal(b) ? new Complex(a.Real * b.Real, IsReal(a) ? 0 : a.Imaginary * b.Real)
        : IsReal(a) ? new Complex(a.Real * b.Real, a.Real * b.Imaginary)
        : a * b;

    /// <summary>Principal power b^e.</summary>
    public static Complex Pow(Complex b, Complex e)
    {
        if (IsReal(e))
        {
            double ee = e.Real;
            if (ee == Math.Floor(ee) && Math.Abs(ee) <= 1024) return IntegerPow(b, (int)ee);
            if (IsReal(b) && b.Real >= 0) return new Complex(Math.Pow(b.Real, ee), 0);
            if (ee == 0.5) return Sqrt(b);
            if (ee == -0.5) return 1.0 / Sqrt(b);
        }
        if (b == Complex.Zero)
        {
            if (e.Real > 0) return Complex.Zero;
            return NaN;
        }
        return Complex.Exp(e * Log(b));
    }

    /// <summary>b^n by binary exponentiation (exact for Gaussian integers, real for real b).</summary>
    public static Complex IntegerPow(Complex b, int n)
    {
        if (n == 0) return Complex.One;
        if (IsReal(b))
        {
            return new Complex(Math.Pow(b.Real, n), 0);
        }
        bool invert = n < 0;
        long m = Math.Abs((long)n);
        Complex result = Complex.One, x = b;
        while (m > 0)
        {
            if ((m & 1) != 0) result *= x;
            x *= x;
            m >>= 1;
        }
        return invert ? Complex.One / result : result;
    }

    /// <summary>Principal square root.</summary>
    public static Complex Sqrt(Complex z)
    {
        if (IsReal(z))
        {
            double x = z.Real;
            return x >= 0 ? new Complex(Math.Sqrt(x), 0) : new Complex(0, Math.Sqrt(-x));
        }
        return Complex.Sqrt(Unsign(z));
    }

    /// <summary>Principal logarithm.</summary>
    public static Complex Log(Complex z)
    {
        if (IsReal(z))
        {
            double x = z.Real;
            if (x > 0) return new Complex(Math.Log(x), 0);
            if (x < 0) return new Complex(Math.Log(-x), Math.PI);
            if (x == 0) return new Complex(double.NegativeInfinity, 0);
        }
        return Complex.Log(Unsign(z));
    }

    /// <summary>Exponential.</summary>
    public static Complex Exp(Complex z) => IsReal(z) ? new Complex(Math.Exp(z.Real), 0) : Complex.Exp(z);

    /// <summary>Sine.</summary>
    public static Complex Sin(Complex z) => IsReal(z) ? new Complex(Math.Sin(z.Real), 0) : Complex.Sin(z);
    /// <summary>Cosine.</summary>
    public static Complex Cos(Complex z) => IsReal(z) ? new Complex(Math.Cos(z.Real), 0) : Complex.Cos(z);
    /// <summary>Tangent.</summary>
    public static Complex Tan(Complex z) => IsReal(z) ? new Complex(Math.Tan(z.Real), 0) : Complex.Tan(z);
    /// <summary>Hyperbolic sine.</summary>
    public static Complex Sinh(Complex z) => IsReal(z) ? new Complex(Math.Sinh(z.Real), 0) : Complex.Sinh(z);
    /// <summary>Hyperbolic cosine.</summary>
    public static Complex Cosh(Complex z) => IsReal(z) ? new Complex(Math.Cosh(z.Real), 0) : Complex.Cosh(z);
    /// <summary>Hyperbolic tangent.</summary>
    public static Complex Tanh(Complex z) => IsReal(z) ? new Complex(Math.Tanh(z.Real), 0) : Complex.Tanh(z);

    // acosh t = log(t + sqrt((t - 1)(t + 1))) for t ≥ 1, without the cancellation of the complex formula.
    private static double AcoshOfAbs(double x)
    {
        double t = Math.Abs(x);
        return Math.Log(t + Math.Sqrt((t - 1) * (t + 1)));
    }

    /// <summary>
    /// Principal arcsine: asin(z) = -i log(iz + sqrt(1 - z²)), evaluated for Re z ≥ 0 and mirrored
    /// (asin(-z) = -asin(z)) otherwise, where the sum inside the log would cancel.
    /// </summary>
    public static Complex Asin(Complex z)
    {
        if (IsReal(z))
        {
            double x = z.Real;
            if (Math.Abs(x) <= 1) return new Complex(Math.Asin(x), 0);
            if (double.IsNaN(x)) return NaN;
            return x > 0 ? new Complex(Math.PI / 2, -AcoshOfAbs(x)) : new Complex(-Math.PI / 2, AcoshOfAbs(x));
        }
        if (z.Real < 0) return Unsign(-Asin(-z));
        var i = Complex.ImaginaryOne;
        return Unsign(-i * Log(i * z + Sqrt(1 - z * z)));
    }

    /// <summary>Principal arccosine: acos(z) = π/2 - asin(z).</summary>
    public static Complex Acos(Complex z)
    {
        if (IsReal(z))
        {
            double x = z.Real;
            if (Math.Abs(x) <= 1) return new Complex(Math.Acos(x), 0);
            if (double.IsNaN(x)) return NaN;
            return x > 0 ? new Complex(0, AcoshOfAbs(x)) : new Complex(Math.PI, -AcoshOfAbs(x));
        }
        return Unsign(Math.PI / 2 - Asin(z));
    }

    /// <summary>Principal arctangent: atan(z) = i/2 (log(1 - iz) - log(1 + iz)).</summary>
    public static Complex Atan(Complex z)
    {
        if (IsReal(z)) return new Complex(Math.Atan(z.Real), 0);
        var i = Complex.ImaginaryOne;
        return Unsign(i / 2 * (Log(1 - i * z) - Log(1 + i * z)));
    }

    /// <summary>Two-argument arctangent of real arguments (NaN for complex ones, and at (0, 0) as in SymPy).</summary>
    public static Complex Atan2(Complex y, Complex x) =>
        IsReal(y) && IsReal(x) && !(y.Real == 0 && x.Real == 0) ? new Complex(Math.Atan2(y.Real, x.Real), 0) : NaN;

    /// <summary>|z|.</summary>
    public static Complex Abs(Complex z) => new(IsReal(z) ? Math.Abs(z.Real) : Complex.Abs(z), 0);

    /// <summary>Argument of z (NaN at zero, as SymPy).</summary>
    public static Complex Arg(Complex z) => z == Complex.Zero ? NaN : new Complex(Math.Atan2(z.Imaginary + 0.0, z.Real), 0);

    /// <summary>Sign: -1, 0, 1 for reals; z/|z| for complex.</summary>
    public static Complex Sign(Complex z)
    {
        if (double.IsNaN(z.Real) || double.IsNaN(z.Imaginary)) return NaN;
        if (IsReal(z)) return new Complex(Math.Sign(z.Real), 0);
        return z / Complex.Abs(z);
    }

    /// <summary>Heaviside step with value h0 at zero (SymPy's default 1/2).</summary>
    public static Complex Heaviside(Complex x, Complex h0)
    {
        if (!IsReal(x) || double.IsNaN(x.Real)) return NaN;
        return x.Real > 0 ? Complex.One : x.Real < 0 ? Complex.Zero : h0;
    }

    /// <summary>Python's modulo (result takes the sign of the divisor), real arguments only.</summary>
    public static Complex Mod(Complex x, Complex y)
    {
        if (!IsReal(x) || !IsReal(y)) return NaN;
        double a = x.Real, b = y.Real;
        if (b == 0) return NaN;
        double m = a % b;
        if (m != 0 && (b < 0) != (m < 0)) m += b;
        return new Complex(m, 0);
    }

    /// <summary>Floor (of each part for complex values, as SymPy).</summary>
    public static Complex Floor(Complex z) => new(Math.Floor(z.Real), Math.Floor(z.Imaginary));
    /// <summary>Ceiling (of each part for complex values, as SymPy).</summary>
    public static Complex Ceiling(Complex z) => new(Math.Ceiling(z.Real), Math.Ceiling(z.Imaginary));

    // Lanczos approximation, g = 7, n = 9 (relative error about 1e-15 on the real axis).
    private static readonly double[] LanczosCoefficients =
    [
        0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
        -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
        1.5056327351493116e-7,
    ];

    /// <summary>Gamma function (complex, reflection for Re z &lt; 1/2).</summary>
    public static Complex Gamma(Complex z)
    {
        if (IsReal(z))
        {
            double x = z.Real;
            if (x <= 0 && x == Math.Floor(x)) return NaN;
            if (x > 171.62) return new Complex(double.PositiveInfinity, 0); // overflows a double
            if (x == Math.Floor(x) && x <= 171)
            {
                double f = 1;
                for (int k = 2; k < (int)x; k++) f *= k;
                return new Complex(f, 0);
            }
        }
        if (IsReal(z) && z.Real < 0.5)
        {
            // Reflection in real arithmetic: Γ(1-x) overflowing to oo must give ±0, not oo·(0i) = NaN.
            double x = z.Real;
            return new Complex(Math.PI / (Math.Sin(Math.PI * x) * Gamma(1 - x).Real), 0);
        }
        if (z.Real < 0.5)
        {
            var s = Sin(Math.PI * z);
            if (s == Complex.Zero) return NaN;
            return Math.PI / (s * Gamma(1 - z));
        }
        z -= 1;
        Complex a = LanczosCoefficients[0];
        Complex t = z + 7.5;
        for (int k = 1; k < 9; k++) a += LanczosCoefficients[k] / (z + k);
        var result = Math.Sqrt(2 * Math.PI) * Pow(t, z + 0.5) * Exp(-t) * a;
        return IsReal(z) ? new Complex(result.Real, 0) : result;
    }

    /// <summary>
    /// The error function erf(x) = 2/√π ∫₀ˣ exp(-t²) dt of a real argument, within about one ulp (odd, ±1 at ±∞,
    /// NaN for NaN). |x| &lt; 1: x + x P(x²); up to 6: 1 - exp(-x²) N(|x|)/D(|x|) with the exponential and the
    /// final subtraction in double-double; beyond: ±1.
    /// </summary>
    public static double Erf(double x)
    {
        double a = Math.Abs(x);
        if (a < ErfApproximation.SmallLimit) return Math.FusedMultiplyAdd(x, ErfApproximation.Small<ManagedFma>(x * x), x);
        if (!(a < ErfApproximation.OneLimit)) return double.IsNaN(x) ? x : Math.CopySign(1.0, x);
        return Math.CopySign(ErfApproximation.Large<ManagedFma>(a, Math.Exp(-(a * a))), x);
    }

    /// <summary>erf of a real value (see <see cref="Erf(double)"/>).</summary>
    /// <exception cref="NotSupportedException">The value is not real: erf of a complex argument is not implemented.</exception>
    public static Complex Erf(Complex z) =>
        IsReal(z) ? new Complex(Erf(z.Real), 0)
        : double.IsNaN(z.Real) || double.IsNaN(z.Imaginary) ? NaN
        : throw new NotSupportedException($"erf of a complex argument ({z}) is not supported: only real arguments are implemented");

    // Bernoulli numbers B_2k for the asymptotic series of polygamma.
    private static readonly double[] Bernoulli2K =
    [
        1.0 / 6, -1.0 / 30, 1.0 / 42, -1.0 / 30, 5.0 / 66, -691.0 / 2730, 7.0 / 6, -3617.0 / 510, 43867.0 / 798, -174611.0 / 330,
    ];

    /// <summary>Polygamma ψ⁽ⁿ⁾(z) for integer n ≥ 0: recurrence up to |z| ≥ 15, then the asymptotic series.</summary>
    public static Complex Polygamma(Complex n, Complex z)
    {
        if (!IsReal(n) || n.Real < 0 || n.Real != Math.Floor(n.Real) || n.Real > 50) return NaN;
        int order = (int)n.Real;
        if (IsReal(z) && z.Real <= 0 && z.Real == Math.Floor(z.Real)) return NaN;
        double nFact = 1;
        for (int k = 2; k <= order; k++) nFact *= k;
        Complex shift = Complex.Zero;
        double sign = (order % 2 == 0) ? -1 : 1; // (-1)^(n+1)
        int guard = 0;
        while (z.Real < 15 && guard++ < 100000)
        {
            // ψ⁽ⁿ⁾(z) = ψ⁽ⁿ⁾(z+1) + (-1)^(n+1) n! / z^(n+1)
            shift += sign * nFact / IntegerPow(z, order + 1);
            z += 1;
        }
        Complex series;
        if (order == 0)
        {
            series = Log(z) - 1 / (2 * z);
            Complex z2 = z * z, zp = z2;
            for (int k = 1; k <= Bernoulli2K.Length; k++)
            {
                series -= Bernoulli2K[k - 1] / (2 * k * zp);
                zp *= z2;
            }
        }
        else
        {
            // (-1)^(n+1) [ (n-1)!/z^n + n!/(2 z^(n+1)) + Σ B_2k (2k+n-1)!/((2k)! z^(2k+n)) ]
            double nm1Fact = nFact / order;
            Complex sum = nm1Fact / IntegerPow(z, order) + nFact / (2 * IntegerPow(z, order + 1));
            for (int k = 1; k <= Bernoulli2K.Length; k++)
            {
                double ratio = 1; // (2k+n-1)!/(2k)!
                for (int j = 2 * k + 1; j <= 2 * k + order - 1; j++) ratio *= j;
                sum += Bernoulli2K[k - 1] * ratio / IntegerPow(z, 2 * k + order);
            }
            series = sign * sum;
        }
        var r = series + shift;
        return IsReal(z) ? new Complex(r.Real, 0) : r;
    }

    /// <summary>The comparison a &lt; b of two values; null when either is not real (SymPy raises there).</summary>
    public static int? Compare(Complex a, Complex b)
    {
        if (!IsReal(a) || !IsReal(b) || double.IsNaN(a.Real) || double.IsNaN(b.Real)) return null;
        return a.Real.CompareTo(b.Real);
    }
}
