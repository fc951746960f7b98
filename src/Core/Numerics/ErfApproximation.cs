namespace PartialWave.Numerics;

/// <summary>
/// Coefficients of the real error function, shared by <see cref="ScalarMath.Erf(double)"/> and the vector kernel
/// (<c>VectorMath.Erf</c>), so that both compute the same approximation. The scheme is Cody's (a polynomial in x²
/// near zero, erfc(x) = exp(-x²) R(x) further out); the coefficients were fitted for this engine (weighted
/// least-squares iterated to near-minimax with mpmath at 50 digits, then rounded to doubles and rechecked).
/// </summary>
/// <remarks>
/// <para>|x| &lt; 1: erf(x) = x + x P(x²), P of degree 12, |P - (erf(x)/x - 1)| &lt; 2e-17 with the rounded
/// coefficients.</para>
/// <para>1 ≤ |x| &lt; 6: erfc(|x|) = exp(-x²) N(|x|) / D(|x|), degrees 6/6 in |x| (all coefficients positive, so
/// Horner's rule does not cancel), fitted with weight exp(-x²): the error it leaves in erf = 1 - erfc is below
/// 1.2e-17 relative. Beyond 6, erfc(x) &lt; 2^-54 and erf rounds to ±1.</para>
/// </remarks>
internal static class ErfApproximation
{
    /// <summary>Below this |x| the polynomial branch is used.</summary>
    public const double SmallLimit = 1.0;

    /// <summary>From this |x| on, erf(x) is ±1 in double precision.</summary>
    public const double OneLimit = 6.0;

    // P(t) = erf(sqrt t)/sqrt t - 1 on [0, 1]; P0 = 2/sqrt(pi) - 1.
    public const double P0 = 0.1283791670955126;
    public const double P1 = -0.3761263890318375;
    public const double P2 = 0.11283791670954885;
    public const double P3 = -0.026866170645077864;
    public const double P4 = 0.005223977624828347;
    public const double P5 = -0.0008548326981421212;
    public const double P6 = 0.00012055331132813335;
    public const double P7 = -1.4925595769086336e-05;
    public const double P8 = 1.6461008432869872e-06;
    public const double P9 = -1.6350395791166266e-07;
    public const double P10 = 1.4660326088666997e-08;
    public const double P11 = -1.1374946492648122e-09;
    public const double P12 = 5.96067113521077e-11;

    // exp(x^2) erfc(x) = N(x) / D(x) on [1, 6].
    public const double N0 = 0.9999999614916927;
    public const double N1 = 1.3322808380673654;
    public const double N2 = 0.8812735831532753;
    public const double N3 = 0.3346040362211375;
    public const double N4 = 0.07257360535308316;
    public const double N5 = 0.0072908666605538235;
    public const double N6 = 1.2985111218933368e-08;
    public const double D1 = 2.460659582276511;
    public const double D2 = 2.657832809939765;
    public const double D3 = 1.625232994736136;
    public const double D4 = 0.5996756637001965;
    public const double D5 = 0.12861989967169646;
    public const double D6 = 0.012923528951497431;

    /// <summary>P(t) by Horner's rule with fused multiply-adds (GPU kernels evaluate it too).</summary>
    public static double Small<TFma>(double t) where TFma : struct, IFusedMultiplyAdd
    {
        double p = P12;
        p = default(TFma).Fma(p, t, P11);
        p = default(TFma).Fma(p, t, P10);
        p = default(TFma).Fma(p, t, P9);
        p = default(TFma).Fma(p, t, P8);
        p = default(TFma).Fma(p, t, P7);
        p = default(TFma).Fma(p, t, P6);
        p = default(TFma).Fma(p, t, P5);
        p = default(TFma).Fma(p, t, P4);
        p = default(TFma).Fma(p, t, P3);
        p = default(TFma).Fma(p, t, P2);
        p = default(TFma).Fma(p, t, P1);
        return default(TFma).Fma(p, t, P0);
    }

    /// <summary>N(a) / D(a) = exp(a²) erfc(a) for 1 ≤ a ≤ 6.</summary>
    public static double Scaled<TFma>(double a) where TFma : struct, IFusedMultiplyAdd
    {
        double n = N6;
        n = default(TFma).Fma(n, a, N5);
        n = default(TFma).Fma(n, a, N4);
        n = default(TFma).Fma(n, a, N3);
        n = default(TFma).Fma(n, a, N2);
        n = default(TFma).Fma(n, a, N1);
        n = default(TFma).Fma(n, a, N0);
        double d = D6;
        d = default(TFma).Fma(d, a, D5);
        d = default(TFma).Fma(d, a, D4);
        d = default(TFma).Fma(d, a, D3);
        d = default(TFma).Fma(d, a, D2);
        d = default(TFma).Fma(d, a, D1);
        d = default(TFma).Fma(d, a, 1.0);
        return n / d;
    }

    /// <summary>
    /// erf(a) for <see cref="SmallLimit"/> ≤ a &lt; <see cref="OneLimit"/> given <paramref name="expMinusSquare"/> =
    /// e^(-a·a): 1 - e^(-a²) N(a)/D(a) with the exponent's rounding error and the final subtraction carried in
    /// double-double (e^(-(s + sl)) = e^(-s) (1 - sl) to far below an ulp, s + sl = a² exactly, |sl| ≤ 2^-48). The
    /// caller supplies the exponential (Math's, or the GPU kernels' own).
    /// </summary>
    public static double Large<TFma>(double a, double expMinusSquare) where TFma : struct, IFusedMultiplyAdd
    {
        var f = default(TFma);
        double s = a * a;
        double sl = f.Fma(a, a, -s);
        double eh = expMinusSquare;
        double r = Scaled<TFma>(a);
        double ch = eh * r;                                  // erfc(a) = ch + cl
        double cl = f.Fma(eh, r, -ch) - eh * sl * r;
        double one = 1.0 - ch;                               // exact error below: 1 ≥ ch
        double err = f.Fma(-1.0, one, 1.0) - ch;             // 1 - one exactly; as an FMA ILGPU cannot fold it to ch - ch
        return one + (err - cl);
    }
}
