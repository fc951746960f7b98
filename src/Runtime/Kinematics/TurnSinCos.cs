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
    // (-1)^k (2π)^(2k+1) / (2k+1)! and (-1)^k (2π)^(2k) / (2k)!, as Coefficients computes them (a test checks),
    // written out so the JIT sees constants whatever the order of compilation and class initialisation.
    private const double S0 = 6.283185307179586, S1 = -41.341702240399755, S2 = 81.60524927607504,
        S3 = -76.70585975306136, S4 = 42.058693944897634, S5 = -15.094642576822983, S6 = 3.8199525848482794,
        S7 = -0.7181223017784999, S8 = 0.10422916220813974;
    private const double C0 = 1, C1 = -19.739208802178716, C2 = 64.93939402266828, C3 = -85.4568172066937,
        C4 = 60.24464137187664, C5 = -26.426256783374384, C6 = 7.903536371318464, C7 = -1.7143907110886707,
        C8 = 0.28200596845579096, C9 = -0.036382841142545634;

    internal static double[] SinCoefficients => [S0, S1, S2, S3, S4, S5, S6, S7, S8];
    internal static double[] CosCoefficients => [C0, C1, C2, C3, C4, C5, C6, C7, C8, C9];

    /// <summary>(-1)^k (2π)^(2k+p) / (2k+p)! for k = 0, 1, ... (p = 1: sine, 9 terms; p = 0: cosine, 10 terms).</summary>
    internal static double[] Coefficients(int parity)
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
