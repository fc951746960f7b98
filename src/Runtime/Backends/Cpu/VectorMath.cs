using static PartialWave.Numerics.ApproximationConstants;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using PartialWave.Symbolic;
using PartialWave.Numerics;

namespace PartialWave.Backends.Cpu;

/// <summary>
/// Branch-free elementary and special functions on <see cref="Vector256{T}"/> of <see cref="double"/> that .NET does not
/// provide (atan, atan2, asin, acos, tan, pow, sinh, cosh, tanh, gamma, erf, sign). Every lane follows the
/// <see cref="Math"/> semantics (special values, signed zeros, NaN, overflow) and stays within a few ulp of it.
/// </summary>
/// <remarks>
/// <para>Only the cross-platform <see cref="Vector256"/> API is used; lanes are combined with comparison masks and
/// <see cref="Vector256.ConditionalSelect{T}(Vector256{T}, Vector256{T}, Vector256{T})"/>. The one branch is in
/// <see cref="Tan"/>: lanes with 2^30 &lt; |x| &lt; ∞ (where a Payne–Hanek reduction would be needed) are finished by
/// <see cref="Math.Tan"/>.</para>
/// <para>The atan, asin/acos and tan kernels (polynomial and rational coefficients, reduction scheme) follow fdlibm
/// (FreeBSD msun s_atan.c, e_asin.c, e_acos.c, k_tan.c: "Copyright (C) 1993, 2004 by Sun Microsystems, Inc. All rights
/// reserved. Permission to use, copy, modify, and distribute this software is freely granted, provided that this
/// notice is preserved."). Exp and log are evaluated here in double-double so that pow, sinh, cosh, tanh, gamma and erf
/// keep full precision; they do not call <see cref="Vector256.Exp(Vector256{double})"/>.</para>
/// </remarks>
public static class VectorMath
{
    // ---------------------------------------------------------------- constants
    private const double Sqrt2Pi = 2.5066282746310007;
    private const double TwoPow52 = 4503599627370496.0;
    private const double TanLimit = 1073741824.0;                // 2^30: beyond it Tan falls back to Math.Tan
    private const double RoundMagic = 6755399441055744.0;        // 2^52 + 2^51

    private const ulong SignMask = 0x8000_0000_0000_0000UL;
    private const ulong HighWordMask = 0xFFFF_FFFF_0000_0000UL;

    // ---------------------------------------------------------------- small helpers

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> C(double value) => Vector256.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> Fma(Vector256<double> a, Vector256<double> b, Vector256<double> c) =>
        Vector256.FusedMultiplyAdd(a, b, c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> Sel(Vector256<double> mask, Vector256<double> ifTrue, Vector256<double> ifFalse) =>
        Vector256.ConditionalSelect(mask, ifTrue, ifFalse);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> SignBits(Vector256<double> x) => x & Vector256.Create(SignMask).AsDouble();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> IsNaN(Vector256<double> x) => ~Vector256.Equals(x, x);

    /// <summary>Knuth's TwoSum: <c>s + e == a + b</c> exactly.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> TwoSum(Vector256<double> a, Vector256<double> b, out Vector256<double> e)
    {
        var s = a + b;
        var bb = s - a;
        e = (a - (s - bb)) + (b - bb);
        return s;
    }

    /// <summary>Dekker's FastTwoSum (requires exponent(a) ≥ exponent(b)).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> FastTwoSum(Vector256<double> a, Vector256<double> b, out Vector256<double> e)
    {
        var s = a + b;
        e = b - (s - a);
        return s;
    }

    /// <summary>2^n for integer-valued n in [-1022, 1023].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> Pow2(Vector256<double> n) =>
        Vector256.ShiftLeft((n + C(RoundMagic + 1023.0)).AsInt64(), 52).AsDouble();

    /// <summary>v · 2^k (k integer-valued) with one final rounding, overflowing to ∞ and underflowing gradually.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> Scale(Vector256<double> v, Vector256<double> k)
    {
        k = MinKeepNaN(k, 2040.0);
        k = Sel(Vector256.LessThan(k, C(-2040.0)), C(-2040.0), k);
        var k1 = Vector256.Floor(k * C(0.5));
        var k2 = k - k1;
        return v * Pow2(k1) * Pow2(k2);
    }

    /// <summary>All-ones lanes where two masks agree (masks are NaN patterns as doubles, so no float compare).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> MaskEquals(Vector256<double> a, Vector256<double> b) => ~(a ^ b);

    /// <summary>min(x, limit) that keeps NaN lanes NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> MinKeepNaN(Vector256<double> x, double limit) =>
        Sel(Vector256.GreaterThan(x, C(limit)), C(limit), x);

    /// <summary>Lanes that hold an integer (false for NaN and ±∞).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> IsInteger(Vector256<double> x) =>
        Vector256.Equals(Vector256.Floor(x), x) & Vector256.LessThan(Vector256.Abs(x), C(double.PositiveInfinity));

    /// <summary>Lanes that hold an odd integer (false for NaN, ±∞ and |x| ≥ 2^53).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> IsOddInteger(Vector256<double> x)
    {
        var h = x * C(0.5);
        return IsInteger(x) & ~Vector256.Equals(Vector256.Floor(h), h);
    }

    // ---------------------------------------------------------------- exp / log cores (double-double)

    /// <summary>
    /// e^(hi + lo) = (vh + vl) · 2^k with vh + vl in [0.7, 1.42] accurate to about 2^-60. |lo| must be tiny compared
    /// with |hi| (a double-double tail). NaN propagates; |hi| beyond 2^14 is clamped (the result is then 0 or ∞
    /// after <see cref="Scale"/> anyway).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> ExpCore(Vector256<double> hi, Vector256<double> lo, out Vector256<double> vl, out Vector256<double> k)
    {
        var big = Vector256.GreaterThan(Vector256.Abs(hi), C(16384.0)) | IsNaN(lo);
        lo = Sel(big, Vector256<double>.Zero, lo);
        hi = Sel(Vector256.GreaterThan(hi, C(16384.0)), C(16384.0), hi);
        hi = Sel(Vector256.LessThan(hi, C(-16384.0)), C(-16384.0), hi);

        k = Vector256.Round(hi * C(Log2E));
        var r1 = Fma(-k, C(Ln2Hi), hi);                   // exact
        var c = Fma(-k, C(Ln2Lo), lo);
        var rh = TwoSum(r1, c, out var rl);

        // expm1(rh) = rh + rh^2 * P(rh), P = sum 1/(j+2)! rh^j (Taylor, degree 14 in total, |rh| <= 0.35)
        var p = C(1.0 / 87178291200.0);
        p = Fma(p, rh, C(1.0 / 6227020800.0));
        p = Fma(p, rh, C(1.0 / 479001600.0));
        p = Fma(p, rh, C(1.0 / 39916800.0));
        p = Fma(p, rh, C(1.0 / 3628800.0));
        p = Fma(p, rh, C(1.0 / 362880.0));
        p = Fma(p, rh, C(1.0 / 40320.0));
        p = Fma(p, rh, C(1.0 / 5040.0));
        p = Fma(p, rh, C(1.0 / 720.0));
        p = Fma(p, rh, C(1.0 / 120.0));
        p = Fma(p, rh, C(1.0 / 24.0));
        p = Fma(p, rh, C(1.0 / 6.0));
        p = Fma(p, rh, C(0.5));
        var s = rh * rh * p;
        var qh = FastTwoSum(rh, s, out var ql);
        var vh = FastTwoSum(C(1.0), qh, out var e1);
        vl = e1 + ql;
        vl = Fma(vh, rl, vl);
        return vh;
    }

    /// <summary>
    /// log(x) = hi + lo for finite x &gt; 0 (subnormals included), accurate to about 2^-66 relative.
    /// Other inputs give garbage that callers must mask.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> LogCore(Vector256<double> x, out Vector256<double> lo)
    {
        var sub = Vector256.LessThan(x, C(MinNormal));
        x = Sel(sub, x * C(TwoPow54), x);
        var bits = x.AsUInt64();
        var eRaw = Vector256.ShiftRightLogical(bits, 52) | Vector256.Create(0x4330_0000_0000_0000UL);
        var e = eRaw.AsDouble() - C(TwoPow52 + 1023.0) - (sub & C(54.0));
        var m = ((bits & Vector256.Create(0x000F_FFFF_FFFF_FFFFUL)) | Vector256.Create(0x3FF0_0000_0000_0000UL)).AsDouble();
        var big = Vector256.GreaterThan(m, C(Sqrt2));
        m = Sel(big, m * C(0.5), m);
        e += big & C(1.0);

        // log(m) = 2 atanh(s), s = f / (m + 1), f = m - 1 (exact), |s| <= 0.1716
        var f = m - C(1.0);
        var dh = FastTwoSum(C(1.0), m, out var dl);
        var sh = f / dh;
        var rem = Fma(-sh, dh, f);
        rem = Fma(-sh, dl, rem);
        var sl = rem / dh;

        var z = sh * sh;
        var zl = Fma(sh, sh, -z) + C(2.0) * sh * sl;
        var cube = z * sh;
        var cubeL = Fma(z, sh, -cube) + Fma(z, sl, zl * sh);

        // 2 atanh(s) = 2s + s^3 (2/3 + z Q(z)), Q = sum_{j>=2} 2/(2j+1) z^(j-2) up to s^25
        var q = C(2.0 / 25.0);
        q = Fma(q, z, C(2.0 / 23.0));
        q = Fma(q, z, C(2.0 / 21.0));
        q = Fma(q, z, C(2.0 / 19.0));
        q = Fma(q, z, C(2.0 / 17.0));
        q = Fma(q, z, C(2.0 / 15.0));
        q = Fma(q, z, C(2.0 / 13.0));
        q = Fma(q, z, C(2.0 / 11.0));
        q = Fma(q, z, C(2.0 / 9.0));
        q = Fma(q, z, C(2.0 / 7.0));
        q = Fma(q, z, C(2.0 / 5.0));
        var zq = z * q;
        var rh = FastTwoSum(C(TwoThirdsHi), zq, out var rl);
        rl += C(TwoThirdsLo);
        var ph = cube * rh;
        var pl = Fma(cube, rh, -ph) + Fma(cube, rl, cubeL * rh);

        var b = sh + sh;
        var lm = FastTwoSum(b, ph, out var lml);
        lml += Fma(C(2.0), sl, pl);

        var a = e * C(Ln2Hi);
        var al = Fma(e, C(Ln2Hi), -a);
        al = Fma(e, C(Ln2Lo), al);

        var h = TwoSum(a, lm, out var hl);
        hl += lml + al;
        return FastTwoSum(h, hl, out lo);
    }

    // ---------------------------------------------------------------- atan family

    /// <summary>atan(a) for a ≥ 0 (NaN propagates), fdlibm reduction and polynomial.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> AtanNonNegative(Vector256<double> a)
    {
        var r0 = Vector256.LessThan(a, C(0.4375));
        var r1 = Vector256.LessThan(a, C(0.6875));
        var r2 = Vector256.LessThan(a, C(1.1875));
        var r3 = Vector256.LessThan(a, C(2.4375));

        // id 3 (default): -1/a ; id 2: (a-1.5)/(1+1.5a) ; id 1: (a-1)/(a+1) ; id 0: (2a-1)/(2+a) ; id -1: a
        var num = Sel(r3, a - C(1.5), C(-1.0));
        var den = Sel(r3, Fma(C(1.5), a, C(1.0)), a);
        num = Sel(r2, a - C(1.0), num);
        den = Sel(r2, a + C(1.0), den);
        num = Sel(r1, Fma(C(2.0), a, C(-1.0)), num);
        den = Sel(r1, C(2.0) + a, den);
        num = Sel(r0, a, num);
        den = Sel(r0, C(1.0), den);
        var hi = Sel(r3, C(AtanC0), C(PiO2Hi));
        var lo = Sel(r3, C(AtanC1), C(PiO2Lo));
        hi = Sel(r2, C(PiO4Hi), hi);
        lo = Sel(r2, C(PiO4Lo), lo);
        hi = Sel(r1, C(AtanC2), hi);
        lo = Sel(r1, C(AtanC3), lo);
        hi = Sel(r0, Vector256<double>.Zero, hi);
        lo = Sel(r0, Vector256<double>.Zero, lo);

        var t = num / den;
        var z = t * t;
        var w = z * z;
        var s1 = Fma(w, C(AtanC4), C(AtanC5));
        s1 = Fma(w, s1, C(AtanC6));
        s1 = Fma(w, s1, C(AtanC7));
        s1 = Fma(w, s1, C(AtanC8));
        s1 = Fma(w, s1, C(AtanC9));
        s1 *= z;
        var s2 = Fma(w, C(-AtanC10), C(-AtanC11));
        s2 = Fma(w, s2, C(-AtanC12));
        s2 = Fma(w, s2, C(-AtanC13));
        s2 = Fma(w, s2, C(-AtanC14));
        s2 *= w;
        // hi - ((t (s1 + s2) - lo) - t); for id -1 (hi = lo = 0) this is t - t (s1 + s2)
        return hi - ((t * (s1 + s2) - lo) - t);
    }

    /// <summary>Arc tangent of each lane, as <see cref="Math.Atan"/> (odd, ±π/2 at ±∞, NaN for NaN).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Atan(Vector256<double> x) =>
        AtanNonNegative(Vector256.Abs(x)) ^ SignBits(x);

    /// <summary>
    /// Angle of the point (x, y), as <see cref="Math.Atan2"/>: result in [-π, π] with the sign of y, including all
    /// signed-zero and infinity cases (atan2(±0, -0) = ±π, atan2(±∞, -∞) = ±3π/4, ...), NaN if either input is NaN.
    /// </summary>
    public static Vector256<double> Atan2(Vector256<double> y, Vector256<double> x)
    {
        var ax = Vector256.Abs(x);
        var ay = Vector256.Abs(y);
        // z = atan(min/max) in [0, pi/4]; 0/0 and inf/inf are NaN here and fixed below.
        var steep = Vector256.GreaterThan(ay, ax);
        var z = AtanNonNegative(Sel(steep, ax, ay) / Sel(steep, ay, ax));
        var zero = Vector256<double>.Zero;
        var inf = C(double.PositiveInfinity);
        z = Sel(Vector256.Equals(ay, zero) & Vector256.Equals(ax, zero), zero, z);
        z = Sel(Vector256.Equals(ay, inf) & Vector256.Equals(ax, inf), C(PiO4Hi), z);

        // |y| <= |x|: z (x >= +0) or pi - z (x <= -0); |y| > |x|: pi/2 - z (x >= +0) or pi/2 + z (x <= -0).
        var xNegative = NegativeMask(x);
        var flat = Sel(xNegative, C(PiHi) - (z - C(PiLo)), z);
        var upright = Sel(xNegative, C(PiO2Hi) + (z + C(PiO2Lo)), C(PiO2Hi) - (z - C(PiO2Lo)));
        return Sel(steep, upright, flat) ^ SignBits(y);
    }

    /// <summary>All-ones lanes where the sign bit of x is set.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> NegativeMask(Vector256<double> x) =>
        Vector256.ShiftRightArithmetic(x.AsInt64(), 63).AsDouble();

    /// <summary>R(t) = p(t)/q(t) of fdlibm asin/acos: asin(x) ≈ x + x R(x²) on [0, 0.5].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> AsinRational(Vector256<double> t)
    {
        var p = Fma(t, C(AsinRC0), C(AsinRC1));
        p = Fma(t, p, C(-AsinRC2));
        p = Fma(t, p, C(AsinRC3));
        p = Fma(t, p, C(-AsinRC4));
        p = Fma(t, p, C(AsinRC5));
        p *= t;
        var q = Fma(t, C(AsinRC6), C(-AsinRC7));
        q = Fma(t, q, C(AsinRC8));
        q = Fma(t, q, C(-AsinRC9));
        q = Fma(t, q, C(1.0));
        return p / q;
    }

    /// <summary>Arc sine of each lane, as <see cref="Math.Asin"/> (NaN outside [-1, 1], odd, keeps -0).</summary>
    public static Vector256<double> Asin(Vector256<double> x)
    {
        var a = Vector256.Abs(x);
        var small = Vector256.LessThan(a, C(0.5));
        var w = (C(1.0) - a) * C(0.5);                       // (1 - |x|)/2, negative (-> NaN) for |x| > 1
        var t = Sel(small, a * a, w);
        var r = AsinRational(t);
        var smallResult = Fma(a, r, a);

        var s = Vector256.Sqrt(w);
        // |x| > 0.975: pi/2 - 2 (s + s r)
        var near1 = C(PiO2Hi) - (C(2.0) * Fma(s, r, s) - C(PiO2Lo));
        // 0.5 <= |x| <= 0.975: split s = f + c to keep the bits lost in 2 s
        var f = (s.AsUInt64() & Vector256.Create(HighWordMask)).AsDouble();
        var c = Fma(-f, f, w) / (s + f);
        var p = C(2.0) * s * r - (C(PiO2Lo) - C(2.0) * c);
        var qq = C(PiO4Hi) - C(2.0) * f;
        var mid = C(PiO4Hi) - (p - qq);

        var result = Sel(Vector256.GreaterThanOrEqual(a, C(AsinSplit)), near1, mid);
        result = Sel(small, smallResult, result);
        return result ^ SignBits(x);
    }

    /// <summary>Arc cosine of each lane, as <see cref="Math.Acos"/> (NaN outside [-1, 1], acos(1) = +0).</summary>
    public static Vector256<double> Acos(Vector256<double> x)
    {
        var a = Vector256.Abs(x);
        var small = Vector256.LessThan(a, C(0.5));
        var w = (C(1.0) - a) * C(0.5);
        var t = Sel(small, x * x, w);
        var r = AsinRational(t);
        // |x| < 0.5: pi/2 - (x - (pio2_lo - x r))
        var smallResult = C(PiO2Hi) - (x - Fma(-x, r, C(PiO2Lo)));

        var s = Vector256.Sqrt(w);
        // x < -0.5: pi - 2 (s + (r s - pio2_lo))
        var negResult = C(PiHi) - C(2.0) * (s + Fma(r, s, C(-PiO2Lo)));
        // x > 0.5: 2 (f + (r s + c)), s = f + c
        var f = (s.AsUInt64() & Vector256.Create(HighWordMask)).AsDouble();
        var c = Fma(-f, f, w) / (s + f);
        var posResult = C(2.0) * (f + Fma(r, s, c));

        var result = Sel(Vector256.LessThan(x, Vector256<double>.Zero), negResult, posResult);
        result = Sel(Vector256.Equals(x, C(1.0)), Vector256<double>.Zero, result);
        return Sel(small, smallResult, result);
    }

    // ---------------------------------------------------------------- tan

    /// <summary>
    /// Tangent of each lane, as <see cref="Math.Tan"/> (odd, NaN for ±∞ and NaN). |x| ≤ 2^30 is reduced modulo π/2
    /// in double-double (three-word π/2 with FMA); larger finite lanes are finished with <see cref="Math.Tan"/>.
    /// </summary>
    public static Vector256<double> Tan(Vector256<double> x)
    {
        var a = Vector256.Abs(x);
        var n = Vector256.Round(a * C(TwoOverPi));
        var a1 = Fma(-n, C(PiO2Hi), a);                     // exact
        var p2 = n * C(PiO2Lo);
        var e2 = Fma(n, C(PiO2Lo), -p2);                   // n * PiO2Lo = p2 + e2 exactly
        var s = TwoSum(a1, -p2, out var t);
        var rest = (t - e2) - n * C(PiO2Lo2);
        var rh = TwoSum(s, rest, out var rl);
        var result = TanKernel(rh, rl, IsOddInteger(n)) ^ SignBits(x);

        var huge = Vector256.GreaterThan(a, C(TanLimit)) & Vector256.LessThan(a, C(double.PositiveInfinity));
        if (Vector256.ExtractMostSignificantBits(huge) != 0)
            result = TanScalarFallback(x, huge, result);
        return result;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static Vector256<double> TanScalarFallback(Vector256<double> x, Vector256<double> huge, Vector256<double> result)
    {
        Span<double> r = stackalloc double[Vector256<double>.Count];
        result.CopyTo(r);
        for (int i = 0; i < Vector256<double>.Count; i++)
            if (huge.AsUInt64().GetElement(i) != 0) r[i] = Math.Tan(x.GetElement(i));
        return Vector256.Create<double>(r);
    }

    /// <summary>fdlibm __tan(x, y, odd): tan(x + y) or -1/tan(x + y) for |x + y| ≲ π/4.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> TanKernel(Vector256<double> x, Vector256<double> y, Vector256<double> odd)
    {
        var big = Vector256.GreaterThanOrEqual(Vector256.Abs(x), C(TanC0));
        var neg = NegativeMask(x);
        var xs = x ^ SignBits(x);
        var ys = y ^ SignBits(x);
        var xb = (C(PiO4Hi) - xs) + (C(PiO4Lo) - ys);
        x = Sel(big, xb, x);
        y = Sel(big, Vector256<double>.Zero, y);

        var z = x * x;
        var w = z * z;
        var r = Fma(w, C(-TanC1), C(TanC2));
        r = Fma(w, r, C(TanC3));
        r = Fma(w, r, C(TanC4));
        r = Fma(w, r, C(TanC5));
        r = Fma(w, r, C(TanC6));
        var v = Fma(w, C(TanC7), C(TanC8));
        v = Fma(w, v, C(TanC9));
        v = Fma(w, v, C(TanC10));
        v = Fma(w, v, C(TanC11));
        v = Fma(w, v, C(TanC12));
        v *= z;
        var s = z * x;
        r = y + z * (s * (r + v) + y);
        r = Fma(C(TanC13), s, r);
        w = x + r;

        // |x| >= 0.6744: (+-1) (iy - 2 (x - (w^2/(w + iy) - r))), iy = 1 (tan) or -1 (-1/tan)
        var iy = Sel(odd, C(-1.0), C(1.0));
        var bigResult = iy - C(2.0) * (x - (w * w / (w + iy) - r));
        bigResult ^= neg & C(-0.0);

        // odd: -1/(x + r) computed accurately
        var zz = (w.AsUInt64() & Vector256.Create(HighWordMask)).AsDouble();
        var vv = r - (zz - x);
        var aa = C(-1.0) / w;
        var tt = (aa.AsUInt64() & Vector256.Create(HighWordMask)).AsDouble();
        var ss = Fma(tt, zz, C(1.0));
        var oddResult = Fma(aa, Fma(tt, vv, ss), tt);

        var result = Sel(odd, oddResult, w);
        return Sel(big, bigResult, result);
    }

    // ---------------------------------------------------------------- pow

    /// <summary>
    /// x^y for each lane, as <see cref="Math.Pow"/>: x^±0 = 1 and 1^y = 1 (even for NaN), NaN for other NaN inputs,
    /// negative x with integer y takes the sign from the parity of y, negative finite x with non-integer finite y is
    /// NaN, (±0)^y and (±∞)^y follow IEEE 754 (odd negative y on -0 gives -∞, ...), and y = ±∞ compares |x| with 1.
    /// For finite positive results it is exp(y·log|x|) evaluated in double-double, so the error stays below 1 ulp
    /// even for large |y·log x|.
    /// </summary>
    public static Vector256<double> Pow(Vector256<double> x, Vector256<double> y)
    {
        var zero = Vector256<double>.Zero;
        var one = C(1.0);
        var inf = C(double.PositiveInfinity);
        var ax = Vector256.Abs(x);

        var lh = LogCore(ax, out var ll);
        var ph = y * lh;
        var pl = Fma(y, lh, -ph);
        pl = Fma(y, ll, pl);
        var vh = ExpCore(ph, pl, out var vl, out var k);
        var result = Scale(vh + vl, k);

        var yInt = IsInteger(y);
        var yOdd = IsOddInteger(y);
        var xNeg = NegativeMask(x);
        result ^= (xNeg & yOdd) & C(-0.0);
        result = Sel(Vector256.LessThan(x, zero) & ~yInt, C(double.NaN), result);

        // (+-0)^y and (+-inf)^y: infinity when (x = 0, y < 0) or (x = inf, y > 0), else zero; odd y keeps x's sign.
        var xZero = Vector256.Equals(ax, zero);
        var xInf = Vector256.Equals(ax, inf);
        var yNeg = Vector256.LessThan(y, zero);
        var special = Sel(MaskEquals(xZero, yNeg), inf, zero) ^ ((xNeg & yOdd) & C(-0.0));
        result = Sel(xZero | xInf, special, result);

        // y = +-inf: 1 when |x| = 1, infinity when (|x| < 1) == (y < 0), else zero.
        var yInfinite = Vector256.Equals(Vector256.Abs(y), inf);
        var infExp = Sel(MaskEquals(Vector256.LessThan(ax, one), yNeg), inf, zero);
        infExp = Sel(Vector256.Equals(ax, one), one, infExp);
        result = Sel(yInfinite, infExp, result);

        result = Sel(IsNaN(x) | IsNaN(y), C(double.NaN), result);
        return Sel(Vector256.Equals(y, zero) | Vector256.Equals(x, one), one, result);
    }

    // ---------------------------------------------------------------- hyperbolic

    /// <summary>cosh Taylor polynomial 1 + z/2! + ... + z^10/20! (z = x²), good to 2^-56 for z ≤ 1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> CoshSeries(Vector256<double> z)
    {
        var p = C(1.0 / 2432902008176640000.0);
        p = Fma(p, z, C(1.0 / 6402373705728000.0));
        p = Fma(p, z, C(1.0 / 20922789888000.0));
        p = Fma(p, z, C(1.0 / 87178291200.0));
        p = Fma(p, z, C(1.0 / 479001600.0));
        p = Fma(p, z, C(1.0 / 3628800.0));
        p = Fma(p, z, C(1.0 / 40320.0));
        p = Fma(p, z, C(1.0 / 720.0));
        p = Fma(p, z, C(1.0 / 24.0));
        p = Fma(p, z, C(0.5));
        return Fma(p, z, C(1.0));
    }

    /// <summary>
    /// e^a for a ≥ 0 as vh·2^k (vh + vl accurate to about 2^-60), plus, for a ≤ 30 (ignored above), the unscaled
    /// double-double e^a = eh + el and its reciprocal inv + invL.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> ExpBoth(Vector256<double> a, out Vector256<double> vl, out Vector256<double> k,
        out Vector256<double> eh, out Vector256<double> el, out Vector256<double> inv, out Vector256<double> invL)
    {
        var vh = ExpCore(a, Vector256<double>.Zero, out vl, out k);
        var p = Pow2(MinKeepNaN(k, 64.0));
        eh = vh * p;
        el = vl * p;
        inv = C(1.0) / eh;
        invL = inv * Fma(-inv, el, Fma(-inv, eh, C(1.0)));
        return vh;
    }

    /// <summary>Hyperbolic sine of each lane, as <see cref="Math.Sinh"/> (odd, keeps -0, ±∞ beyond ±710.48).</summary>
    public static Vector256<double> Sinh(Vector256<double> x)
    {
        var a = Vector256.Abs(x);
        // |x| < 1: x + x z (1/3! + z/5! + ... + z^9/21!)
        var z = a * a;
        var p = C(1.0 / 51090942171709440000.0);
        p = Fma(p, z, C(1.0 / 121645100408832000.0));
        p = Fma(p, z, C(1.0 / 355687428096000.0));
        p = Fma(p, z, C(1.0 / 1307674368000.0));
        p = Fma(p, z, C(1.0 / 6227020800.0));
        p = Fma(p, z, C(1.0 / 39916800.0));
        p = Fma(p, z, C(1.0 / 362880.0));
        p = Fma(p, z, C(1.0 / 5040.0));
        p = Fma(p, z, C(1.0 / 120.0));
        p = Fma(p, z, C(1.0 / 6.0));
        var small = Fma(a * z, p, a);

        var vh = ExpBoth(a, out var vl, out var k, out var eh, out var el, out var inv, out var invL);
        // 1 <= |x| < 22: (e^a - e^-a)/2 ; beyond: e^a / 2 scaled without intermediate overflow
        var mid = C(0.5) * ((eh - inv) + (el - invL));
        var large = Scale(vh + vl, k - C(1.0));

        var result = Sel(Vector256.LessThan(a, C(22.0)), mid, large);
        result = Sel(Vector256.LessThan(a, C(1.0)), small, result);
        return result ^ SignBits(x);
    }

    /// <summary>Hyperbolic cosine of each lane, as <see cref="Math.Cosh"/> (even, +∞ beyond |x| ≈ 710.48).</summary>
    public static Vector256<double> Cosh(Vector256<double> x)
    {
        var a = Vector256.Abs(x);
        var small = CoshSeries(a * a);
        var vh = ExpBoth(a, out var vl, out var k, out var eh, out var el, out var inv, out var invL);
        var mid = C(0.5) * (eh + ((el + invL) + inv));
        var large = Scale(vh + vl, k - C(1.0));
        var result = Sel(Vector256.LessThan(a, C(22.0)), mid, large);
        return Sel(Vector256.LessThan(a, C(1.0)), small, result);
    }

    /// <summary>Hyperbolic tangent of each lane, as <see cref="Math.Tanh"/> (odd, keeps -0, saturates to ±1).</summary>
    public static Vector256<double> Tanh(Vector256<double> x)
    {
        var a = Vector256.Abs(x);
        // |x| < 0.625: tanh = a + a z D(z) / cosh(a), D = sum_{k>=1} -2k z^(k-1)/(2k+1)!  (sinh - a cosh = a z D)
        var z = a * a;
        var d = C(-20.0 / 51090942171709440000.0);
        d = Fma(d, z, C(-18.0 / 121645100408832000.0));
        d = Fma(d, z, C(-16.0 / 355687428096000.0));
        d = Fma(d, z, C(-14.0 / 1307674368000.0));
        d = Fma(d, z, C(-12.0 / 6227020800.0));
        d = Fma(d, z, C(-10.0 / 39916800.0));
        d = Fma(d, z, C(-8.0 / 362880.0));
        d = Fma(d, z, C(-6.0 / 5040.0));
        d = Fma(d, z, C(-4.0 / 120.0));
        d = Fma(d, z, C(-2.0 / 6.0));
        var small = Fma(a * z, d / CoshSeries(z), a);

        // |x| >= 0.625: 1 - 2/(e^2a + 1)
        var am = MinKeepNaN(a + a, 60.0);
        var vh = ExpCore(am, Vector256<double>.Zero, out var vl, out var k);
        var p = Pow2(k);
        var eh = vh * p;
        var el = vl * p;
        var den = FastTwoSum(eh, C(1.0), out var denL);
        denL += el;
        var q = C(2.0) / den;
        var qL = Fma(-q, denL, Fma(-q, den, C(2.0))) / den;
        var mid = C(1.0) - (q + qL);

        var result = Sel(Vector256.GreaterThan(a, C(22.0)), C(1.0), mid);
        result = Sel(Vector256.LessThan(a, C(0.625)), small, result);
        return result ^ SignBits(x);
    }

    // ---------------------------------------------------------------- gamma

    /// <summary>
    /// Γ(z) = m · 2^k for z ≥ 0.5 (Lanczos, Godfrey's g = 607/128 with 15 terms, exponent part in double-double).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> LanczosCore(Vector256<double> z, out Vector256<double> k)
    {
        var sum = C(0.36899182659531622704e-5) / (z + C(14.0));
        sum += C(-0.26190838401581408670e-4) / (z + C(13.0));
        sum += C(0.84418223983852743293e-4) / (z + C(12.0));
        sum += C(-0.16431810653676389022e-3) / (z + C(11.0));
        sum += C(0.21743961811521264320e-3) / (z + C(10.0));
        sum += C(-0.21026444172410488319e-3) / (z + C(9.0));
        sum += C(0.15808870322491248884e-3) / (z + C(8.0));
        sum += C(-0.98374475304879564677e-4) / (z + C(7.0));
        sum += C(0.46523628927048575665e-4) / (z + C(6.0));
        sum += C(0.33994649984811888699e-4) / (z + C(5.0));
        sum += C(-0.49191381609762019978) / (z + C(4.0));
        sum += C(14.136097974741747174) / (z + C(3.0));
        sum += C(-59.597960355475491248) / (z + C(2.0));
        sum += C(57.156235665862923517) / (z + C(1.0));
        sum += C(0.99999999999999709182);

        // w = (z + 1/2) log t - t, t = z + g + 1/2 = z + 671/128, all in double-double
        var th = TwoSum(z, C(5.2421875), out var tl);
        var lh = LogCore(th, out var ll);
        ll += tl / th;
        var zh = TwoSum(z, C(0.5), out var zl);
        var wh = zh * lh;
        var wl = Fma(zh, lh, -wh);
        wl = Fma(zh, ll, wl);
        wl = Fma(zl, lh, wl);
        var w2 = TwoSum(wh, -th, out var e);
        var w2l = (e + wl) - tl;
        var vh = ExpCore(w2, w2l, out var vl, out k);
        return (vh + vl) * (C(Sqrt2Pi) * sum / z);
    }

    /// <summary>
    /// Real gamma function Γ(x) of each lane (relative error about 1e-15, exact factorials at the integers 1..23):
    /// Lanczos for x ≥ 1/2, reflection
    /// Γ(x) = π / (sin(πx) Γ(1 - x)) below (with Γ(-x) for x &lt; -1/2). NaN at x = 0, at negative integers, at -∞ and for NaN (the convention of
    /// <c>ScalarMath.Gamma</c>); +∞ for x &gt; 171.62; results underflow gradually for very negative non-integers.
    /// </summary>
    public static Vector256<double> Gamma(Vector256<double> x)
    {
        // x >= 1/2: Lanczos at z = x. -1/2 <= x < 1/2: Γ(x) = π / (sin(πx) Γ(1 - x)).
        // x < -1/2: Γ(x) = π / ((-x) sin(πx) Γ(-x)), since -x is exact where 1 - x would round.
        var reflect = Vector256.LessThan(x, C(0.5));
        var far = Vector256.LessThan(x, C(-0.5));
        var z = Sel(far, -x, Sel(reflect, C(1.0) - x, x));
        z = MinKeepNaN(z, 4096.0);                          // beyond it Γ(z) is ∞ and its reflection 0
        var m = LanczosCore(z, out var k);
        var direct = Scale(m, k);

        // sin(pi x) with exact reduction: x = n + r, |r| <= 1/2
        var n = Vector256.Round(x);
        var r = x - n;
        var sinPi = Vector256.Sin(r * C(Math.PI)) ^ (IsOddInteger(n) & C(-0.0));
        var d = Sel(far, sinPi * z, sinPi);
        var reflected = Scale(C(Math.PI) / (d * m), -k);

        var result = Sel(reflect, reflected, direct);

        // Exact factorials Γ(n) = (n-1)! for integers 1 <= n <= 23 (every partial product up to 22! is a double).
        var factorial = C(1.0);
        for (int j = 2; j <= 22; j++)
            factorial *= Sel(Vector256.LessThan(C(j), x), C(j), C(1.0));
        var smallInteger = IsInteger(x) & Vector256.GreaterThanOrEqual(x, C(1.0)) & Vector256.LessThanOrEqual(x, C(23.0));
        result = Sel(smallInteger, factorial, result);
        result = Sel(Vector256.GreaterThan(x, C(171.7)), C(double.PositiveInfinity), result);
        var poleOrNaN = (Vector256.LessThanOrEqual(x, Vector256<double>.Zero) & Vector256.Equals(Vector256.Floor(x), x)) | IsNaN(x);
        return Sel(poleOrNaN, C(double.NaN), result);
    }

    // ---------------------------------------------------------------- erf

    /// <summary>
    /// Error function erf(x) of each lane, within about one ulp (the approximation of <c>ScalarMath.Erf</c>, see
    /// <c>ErfApproximation</c>): x + x P(x²) for |x| &lt; 1, 1 - exp(-x²) N(|x|)/D(|x|) (exponential and subtraction
    /// in double-double) up to 6, ±1 beyond. Odd (signed zeros kept), ±1 at ±∞, NaN for NaN. Both branches are
    /// computed for every lane and blended.
    /// </summary>
    public static Vector256<double> Erf(Vector256<double> x)
    {
        var a = Vector256.Abs(x);

        // |x| < 1
        var t = x * x;
        var p = C(ErfApproximation.P12);
        p = Fma(p, t, C(ErfApproximation.P11));
        p = Fma(p, t, C(ErfApproximation.P10));
        p = Fma(p, t, C(ErfApproximation.P9));
        p = Fma(p, t, C(ErfApproximation.P8));
        p = Fma(p, t, C(ErfApproximation.P7));
        p = Fma(p, t, C(ErfApproximation.P6));
        p = Fma(p, t, C(ErfApproximation.P5));
        p = Fma(p, t, C(ErfApproximation.P4));
        p = Fma(p, t, C(ErfApproximation.P3));
        p = Fma(p, t, C(ErfApproximation.P2));
        p = Fma(p, t, C(ErfApproximation.P1));
        p = Fma(p, t, C(ErfApproximation.P0));
        var small = Fma(x, p, x);

        // 1 <= |x| < 6: erfc(a) = exp(-a^2) N(a)/D(a); a is clamped so that no lane overflows or divides by zero.
        var b = Sel(Vector256.LessThan(a, C(ErfApproximation.OneLimit)), a, C(ErfApproximation.OneLimit));
        var n = C(ErfApproximation.N6);
        n = Fma(n, b, C(ErfApproximation.N5));
        n = Fma(n, b, C(ErfApproximation.N4));
        n = Fma(n, b, C(ErfApproximation.N3));
        n = Fma(n, b, C(ErfApproximation.N2));
        n = Fma(n, b, C(ErfApproximation.N1));
        n = Fma(n, b, C(ErfApproximation.N0));
        var d = C(ErfApproximation.D6);
        d = Fma(d, b, C(ErfApproximation.D5));
        d = Fma(d, b, C(ErfApproximation.D4));
        d = Fma(d, b, C(ErfApproximation.D3));
        d = Fma(d, b, C(ErfApproximation.D2));
        d = Fma(d, b, C(ErfApproximation.D1));
        d = Fma(d, b, C(1.0));
        var r = n / d;
        var sh = b * b;
        var sl = Fma(b, b, -sh);
        var vh = ExpCore(-sh, -sl, out var vl, out var k);       // exp(-a^2) = (vh + vl) 2^k, k >= -53
        var scale = Pow2(k);
        var ch = vh * r;
        var cl = Fma(vh, r, -ch) + vl * r;
        ch *= scale;                                             // exact: no underflow for a <= 6
        cl *= scale;
        var one = FastTwoSum(C(1.0), -ch, out var err);
        var large = (one + (err - cl)) ^ SignBits(x);

        var result = Sel(Vector256.LessThan(a, C(ErfApproximation.SmallLimit)), small, large);
        result = Sel(Vector256.GreaterThanOrEqual(a, C(ErfApproximation.OneLimit)), C(1.0) ^ SignBits(x), result);
        return Sel(IsNaN(x), x, result);
    }

    // ---------------------------------------------------------------- sign

    /// <summary>Sign of each lane: -1, 0 (for ±0) or 1, NaN for NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Sign(Vector256<double> x)
    {
        var r = (Vector256.GreaterThan(x, Vector256<double>.Zero) & C(1.0)) | (Vector256.LessThan(x, Vector256<double>.Zero) & C(-1.0));
        return Sel(IsNaN(x), x, r);
    }

    // ---------------------------------------------------------------- span helpers (scalar tails)

    /// <summary>
    /// Loads up to four values from <paramref name="source"/> (fewer at the end of a span), filling the missing
    /// lanes with <paramref name="fill"/>, so that a loop's tail can go through the same vector code.
    /// </summary>
    public static Vector256<double> LoadPartial(ReadOnlySpan<double> source, double fill = 0.0)
    {
        if (source.Length >= Vector256<double>.Count) return Vector256.Create(source);
        Span<double> buffer = stackalloc double[Vector256<double>.Count];
        buffer.Fill(fill);
        source.CopyTo(buffer);
        return Vector256.Create<double>(buffer);
    }

    /// <summary>Stores the first min(4, destination.Length) lanes of <paramref name="value"/>.</summary>
    public static void StorePartial(Vector256<double> value, Span<double> destination)
    {
        if (destination.Length >= Vector256<double>.Count)
        {
            value.CopyTo(destination);
            return;
        }
        Span<double> buffer = stackalloc double[Vector256<double>.Count];
        value.CopyTo(buffer);
        buffer[..destination.Length].CopyTo(destination);
    }

    /// <summary>
    /// Applies a lane-wise function to a whole span: full vectors, then the tail through <see cref="LoadPartial"/>.
    /// <paramref name="source"/> and <paramref name="destination"/> may be the same span.
    /// </summary>
    public static void Apply(ReadOnlySpan<double> source, Span<double> destination, Func<Vector256<double>, Vector256<double>> function)
    {
        ArgumentNullException.ThrowIfNull(function);
        if (destination.Length < source.Length) throw new ArgumentException("Destination is shorter than source.", nameof(destination));
        int i = 0;
        for (; i + Vector256<double>.Count <= source.Length; i += Vector256<double>.Count)
            function(Vector256.Create(source.Slice(i, Vector256<double>.Count))).CopyTo(destination.Slice(i));
        if (i < source.Length)
            StorePartial(function(LoadPartial(source[i..])), destination[i..source.Length]);
    }
}
