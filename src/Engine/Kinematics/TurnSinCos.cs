using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace PartialWave.Kinematics;

/// <summary>
/// sin(2πu) and cos(2πu) of a fraction of a turn, lane by lane with additions and multiplications only.
/// </summary>
/// <remarks>
/// Vector256.SinCos picks its code path per vector, so a lane's last bit can depend on its neighbours, and a
/// sample would change with the chunking. Here the quadrant comes from u exactly (u - q/4 is exact for
/// |u| &lt; 2^50) and Taylor polynomials of degree 17 and 18 cover |2πr| ≤ π/4 to below rounding: the result depends on
/// the lane alone and is the same on any IEEE-754 hardware (about 1 ulp from the true value).
/// </remarks>
internal static class TurnSinCos
{
    // Static readonly doubles are constants to the optimising JIT, so the unrolled Horner steps below load nothing.
    private static readonly double[] Sin = Coefficients(1);
    private static readonly double[] Cos = Coefficients(0);
    private static readonly double S0 = Sin[0], S1 = Sin[1], S2 = Sin[2], S3 = Sin[3], S4 = Sin[4], S5 = Sin[5], S6 = Sin[6], S7 = Sin[7], S8 = Sin[8];
    private static readonly double C0 = Cos[0], C1 = Cos[1], C2 = Cos[2], C3 = Cos[3], C4 = Cos[4], C5 = Cos[5], C6 = Cos[6], C7 = Cos[7], C8 = Cos[8], C9 = Cos[9];

    // (-1)^k (2π)^(2k+p) / (2k+p)! for k = 0, 1, ...
    private static double[] Coefficients(int parity)
    {
        var c = new double[parity == 1 ? 9 : 10];
        for (int k = 0; k < c.Length; k++)
        {
            int n = 2 * k + parity;
            double term = 1;
            for (int j = 1; j <= n; j++) term *= 2 * Math.PI / j;
            c[k] = (k % 2 == 0 ? 1 : -1) * term;
        }
        return c;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (Vector256<double> Sin, Vector256<double> Cos) Compute(Vector256<double> u)
    {
        var q = Vector256.Round(u * Vector256.Create(4.0));
        var r = u - q * Vector256.Create(0.25);
        var r2 = r * r;
        var s = Vector256.Create(S8);
        s = s * r2 + Vector256.Create(S7);
        s = s * r2 + Vector256.Create(S6);
        s = s * r2 + Vector256.Create(S5);
        s = s * r2 + Vector256.Create(S4);
        s = s * r2 + Vector256.Create(S3);
        s = s * r2 + Vector256.Create(S2);
        s = s * r2 + Vector256.Create(S1);
        s = (s * r2 + Vector256.Create(S0)) * r;
        var c = Vector256.Create(C9);
        c = c * r2 + Vector256.Create(C8);
        c = c * r2 + Vector256.Create(C7);
        c = c * r2 + Vector256.Create(C6);
        c = c * r2 + Vector256.Create(C5);
        c = c * r2 + Vector256.Create(C4);
        c = c * r2 + Vector256.Create(C3);
        c = c * r2 + Vector256.Create(C2);
        c = c * r2 + Vector256.Create(C1);
        c = c * r2 + Vector256.Create(C0);
        var quadrant = q - Vector256.Floor(q * Vector256.Create(0.25)) * Vector256.Create(4.0);
        var q1 = Vector256.Equals(quadrant, Vector256.Create(1.0));
        var q2 = Vector256.Equals(quadrant, Vector256.Create(2.0));
        var q3 = Vector256.Equals(quadrant, Vector256.Create(3.0));
        var swap = q1 | q3;
        var sinOut = Vector256.ConditionalSelect(swap, c, s);
        var cosOut = Vector256.ConditionalSelect(swap, s, c);
        sinOut = Vector256.ConditionalSelect(q2 | q3, -sinOut, sinOut);
        cosOut = Vector256.ConditionalSelect(q1 | q2, -cosOut, cosOut);
        return (sinOut, cosOut);
    }

    /// <summary>The scalar form, lane 0 of <see cref="Compute(Vector256{double})"/>.</summary>
    public static (double Sin, double Cos) Compute(double u)
    {
        var (s, c) = Compute(Vector256.Create(u));
        return (s.ToScalar(), c.ToScalar());
    }
}
