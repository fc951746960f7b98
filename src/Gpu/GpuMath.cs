using static PartialWave.Numerics.ApproximationConstants;
using ILGPU;
using PartialWave.Symbolic;
using PartialWave.Numerics;

namespace PartialWave.Backends.Gpu;

/// <summary>Limits of <see cref="GpuMath{TFma}"/>.</summary>
internal static class GpuMath
{
    /// <summary>
    /// 2^30: up to it sine, cosine and tangent reduce their argument exactly enough for an ulp or two; beyond, they
    /// give NaN rather than a wrong number (the CPU backend falls back to Math there; a GPU has no such fallback, and
    /// no physical angle is that large).
    /// </summary>
    public const double TrigonometricLimit = 1073741824.0;
}

/// <summary>
/// Elementary functions of one double for GPU kernels, written with nothing but arithmetic, fused multiply-add,
/// square root, floor and bit casts, which every ILGPU backend turns into native instructions. The CPU backend's
/// algorithms (the CPU backend's VectorMath: the same reductions, polynomials and double-double steps) lane by lane,
/// plus sine and cosine with fdlibm's kernels on the same reduction as the tangent.
/// </summary>
/// <remarks>
/// Why not <see cref="Math"/>: on CUDA, ILGPU.Algorithms maps Math's double functions to CORDIC routines that,
/// measured by calling them on the CPU, are off by up to 1e-8 relative (sin of 1e-8, log near 1) and 3e-10 (cos
/// near its zeros), and take about a microsecond a call there; a PTX kernel would then disagree with every other
/// path. Code written this way runs the same on ILGPU's CPU accelerator, so the tests without a GPU check exactly
/// the arithmetic the GPU does, up to what ILGPU's IR simplifier and ptxas change (constant folding such as
/// (1 - (1 - x)) → x, which drops a compensation term; contraction of a product and a sum into an FMA): last-bit
/// effects. Accuracy against <see cref="Math"/>: see GpuMathTests (a few ulp).
/// </remarks>
/// <typeparam name="TFma">The fused multiply-add: the PTX instruction on CUDA, Math's elsewhere (see <see cref="IFusedMultiplyAdd"/>).</typeparam>
[System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
internal static class GpuMath<TFma> where TFma : struct, IFusedMultiplyAdd
{
    private const ulong HighWordMask = 0xFFFF_FFFF_0000_0000UL;
    private const double TrigonometricLimit = GpuMath.TrigonometricLimit;

    /// <summary>a·b + c rounded once.</summary>
    public static double Fma(double a, double b, double c) => default(TFma).Fma(a, b, c);
    private static ulong Bits(double x) => Interop.FloatAsInt(x);
    private static double FromBits(ulong b) => Interop.IntAsFloat(b);
    private static double HighWord(double x) => FromBits(Bits(x) & HighWordMask);
    private static double WithSignOf(double magnitude, double sign) => FromBits((Bits(magnitude) & ~(1UL << 63)) | (Bits(sign) & (1UL << 63)));
    private static bool IsNegative(double x) => (Bits(x) >> 63) != 0;
    private static double RoundNearest(double x) => Math.Floor(x + 0.5);

    private static double TwoSum(double a, double b, out double e)
    {
        double s = a + b, bb = s - a;
        e = (a - (s - bb)) + (b - bb);
        return s;
    }

    private static double FastTwoSum(double a, double b, out double e)
    {
        double s = a + b;
        e = b - (s - a);
        return s;
    }

    /// <summary>2^n for an integer n in [-1022, 1023].</summary>
    private static double Pow2(double n) => FromBits((ulong)((long)n + 1023) << 52);

    /// <summary>v · 2^k (k integer-valued) with one final rounding, overflowing to ∞ and underflowing gradually.</summary>
    private static double Scale(double v, double k)
    {
        if (double.IsNaN(k)) return double.NaN;
        k = k > 2040 ? 2040 : k < -2040 ? -2040 : k;
        double k1 = Math.Floor(k * 0.5), k2 = k - k1;
        return v * Pow2(k1) * Pow2(k2);
    }

    // The binary exponent of a finite x > 0, subnormals included (their exponent field is 0).
    private static long Exponent(double x) =>
        x >= MinNormal ? (long)((Bits(x) >> 52) & 0x7FF) - 1023 : (long)((Bits(x * TwoPow54) >> 52) & 0x7FF) - 1023 - 54;

    private static bool IsInteger(double x) => Math.Floor(x) == x && Math.Abs(x) < double.PositiveInfinity;
    private static bool IsOddInteger(double x) => IsInteger(x) && Math.Floor(x * 0.5) != x * 0.5;

    // ---------------------------------------------------------------- remainder

    /// <summary>
    /// The exact remainder a - b·trunc(a/b) with the sign of a (C's fmod, C#'s %): NaN for NaN, infinite a or zero b;
    /// a for infinite b. ILGPU's own double remainder on CUDA is inexact (a quarter of random cases off by up to |b|,
    /// measured by calling it on the CPU), so it is built here from a quotient below 2^52, b scaled by a power of two
    /// where the quotient is larger (b·2^k divides into the same remainder modulo b), and an FMA.
    /// </summary>
    public static double Fmod(double a, double b)
    {
        if (double.IsNaN(a) || double.IsNaN(b) || double.IsInfinity(a) || b == 0) return double.NaN;
        if (double.IsInfinity(b)) return a;
        double ax = Math.Abs(a), ab = Math.Abs(b);
        while (ax >= ab)
        {
            double step = ab;
            if (ax / ab >= 4503599627370496.0)
            {
                long gap = Exponent(ax) - Exponent(ab) - 52;
                if (gap > 0) step = Scale(ab, gap);
            }
            double q = Math.Floor(ax / step);
            double r = Fma(-q, step, ax);
            if (r < 0) r += step;
            else if (r >= step) r -= step;
            ax = r;
        }
        return IsNegative(a) ? -ax : ax;
    }

    // ---------------------------------------------------------------- exp / log

    /// <summary>e^(hi + lo) = (vh + vl) · 2^k, vh + vl in [0.7, 1.42] to about 2^-60 (see VectorMath.ExpCore).</summary>
    private static double ExpCore(double hi, double lo, out double vl, out double k)
    {
        if (Math.Abs(hi) > 16384.0 || double.IsNaN(lo)) lo = 0;
        hi = hi > 16384.0 ? 16384.0 : hi < -16384.0 ? -16384.0 : hi;
        k = RoundNearest(hi * Log2E);
        double r1 = Fma(-k, Ln2Hi, hi);
        double c = Fma(-k, Ln2Lo, lo);
        double rh = TwoSum(r1, c, out double rl);
        double p = 1.0 / 87178291200.0;
        p = Fma(p, rh, 1.0 / 6227020800.0);
        p = Fma(p, rh, 1.0 / 479001600.0);
        p = Fma(p, rh, 1.0 / 39916800.0);
        p = Fma(p, rh, 1.0 / 3628800.0);
        p = Fma(p, rh, 1.0 / 362880.0);
        p = Fma(p, rh, 1.0 / 40320.0);
        p = Fma(p, rh, 1.0 / 5040.0);
        p = Fma(p, rh, 1.0 / 720.0);
        p = Fma(p, rh, 1.0 / 120.0);
        p = Fma(p, rh, 1.0 / 24.0);
        p = Fma(p, rh, 1.0 / 6.0);
        p = Fma(p, rh, 0.5);
        double s = rh * rh * p;
        double qh = FastTwoSum(rh, s, out double ql);
        double vh = FastTwoSum(1.0, qh, out double e1);
        vl = e1 + ql;
        vl = Fma(vh, rl, vl);
        return vh;
    }

    /// <summary>log(x) = hi + lo for finite x &gt; 0, about 2^-66 relative (see VectorMath.LogCore).</summary>
    private static double LogCore(double x, out double lo)
    {
        bool sub = x < MinNormal;
        if (sub) x *= TwoPow54;
        ulong bits = Bits(x);
        double e = (double)(long)(bits >> 52) - 1023.0 - (sub ? 54.0 : 0.0);
        double m = FromBits((bits & 0x000F_FFFF_FFFF_FFFFUL) | 0x3FF0_0000_0000_0000UL);
        if (m > Sqrt2)
        {
            m *= 0.5;
            e += 1.0;
        }
        double f = m - 1.0;
        double dh = FastTwoSum(1.0, m, out double dl);
        double sh = f / dh;
        double rem = Fma(-sh, dh, f);
        rem = Fma(-sh, dl, rem);
        double sl = rem / dh;
        double z = sh * sh;
        double zl = Fma(sh, sh, -z) + 2.0 * sh * sl;
        double cube = z * sh;
        double cubeL = Fma(z, sh, -cube) + Fma(z, sl, zl * sh);
        double q = 2.0 / 25.0;
        q = Fma(q, z, 2.0 / 23.0);
        q = Fma(q, z, 2.0 / 21.0);
        q = Fma(q, z, 2.0 / 19.0);
        q = Fma(q, z, 2.0 / 17.0);
        q = Fma(q, z, 2.0 / 15.0);
        q = Fma(q, z, 2.0 / 13.0);
        q = Fma(q, z, 2.0 / 11.0);
        q = Fma(q, z, 2.0 / 9.0);
        q = Fma(q, z, 2.0 / 7.0);
        q = Fma(q, z, 2.0 / 5.0);
        double zq = z * q;
        double rh = FastTwoSum(TwoThirdsHi, zq, out double rl);
        rl += TwoThirdsLo;
        double ph = cube * rh;
        double pl = Fma(cube, rh, -ph) + Fma(cube, rl, cubeL * rh);
        double b = sh + sh;
        double lm = FastTwoSum(b, ph, out double lml);
        lml += Fma(2.0, sl, pl);
        double a = e * Ln2Hi;
        double al = Fma(e, Ln2Hi, -a);
        al = Fma(e, Ln2Lo, al);
        double h = TwoSum(a, lm, out double hl);
        hl += lml + al;
        return FastTwoSum(h, hl, out lo);
    }

    /// <summary>e^x: +∞ above 709.78, +0 below -745.13 (subnormal results in between), NaN for NaN.</summary>
    public static double Exp(double x)
    {
        if (double.IsNaN(x)) return x;
        double vh = ExpCore(x, 0, out double vl, out double k);
        return Scale(vh + vl, k);
    }

    /// <summary>Natural logarithm: NaN below 0 and for NaN, -∞ at ±0, +∞ at +∞.</summary>
    public static double Log(double x)
    {
        if (double.IsNaN(x) || x < 0) return double.NaN;
        if (x == 0) return double.NegativeInfinity;
        if (double.IsPositiveInfinity(x)) return x;
        double hi = LogCore(x, out double lo);
        return hi + lo;
    }

    // ---------------------------------------------------------------- sin, cos, tan

    // x = n π/2 + (rh + rl) for |x| ≲ 2^30 (three-word π/2 with FMA, as VectorMath.Tan); |rh| ≤ π/4 + tiny.
    private static double Reduce(double a, out double rl, out double n)
    {
        n = RoundNearest(a * TwoOverPi);
        double a1 = Fma(-n, PiO2Hi, a);
        double p2 = n * PiO2Lo;
        double e2 = Fma(n, PiO2Lo, -p2);
        double s = TwoSum(a1, -p2, out double t);
        double rest = (t - e2) - n * PiO2Lo2;
        return TwoSum(s, rest, out rl);
    }

    // fdlibm's __kernel_sin and __kernel_cos on x + y, |x + y| ≤ π/4.
    private static double SinKernel(double x, double y)
    {
        double z = x * x, v = z * x;
        double r = Fma(z, Fma(z, Fma(z, Fma(z, 1.58969099521155010221e-10, -2.50507602534068634195e-08), 2.75573137070700676789e-06),
            -1.98412698298579493134e-04), 8.33333333332248946124e-03);
        return x - ((z * (0.5 * y - v * r) - y) - v * -1.66666666666666324348e-01);
    }

    private static double CosKernel(double x, double y)
    {
        double z = x * x;
        double r = z * Fma(z, Fma(z, Fma(z, Fma(z, Fma(z, -1.13596475577881948265e-11, 2.08757232129817482790e-09), -2.75573143513906633035e-07),
            2.48015872894767294178e-05), -1.38888888888741095749e-03), 4.16666666666666019037e-02);
        double hz = 0.5 * z, w = 1.0 - hz;
        // 1 - w is exact; as an FMA ILGPU's simplifier cannot fold 1 - (1 - hz) into hz and drop the correction.
        return w + ((Fma(-1.0, w, 1.0) - hz) + (z * r - x * y));
    }

    /// <summary>Sine (NaN for ±∞, NaN and |x| beyond <see cref="GpuMath.TrigonometricLimit"/>; keeps -0).</summary>
    public static double Sin(double x)
    {
        if (!(Math.Abs(x) <= TrigonometricLimit)) return double.NaN;
        double a = Math.Abs(x);
        double rh = Reduce(a, out double rl, out double n);
        long q = (long)n & 3;
        double s = q == 0 ? SinKernel(rh, rl) : q == 1 ? CosKernel(rh, rl) : q == 2 ? -SinKernel(rh, rl) : -CosKernel(rh, rl);
        return IsNegative(x) ? -s : s;
    }

    /// <summary>Cosine (NaN for ±∞, NaN and |x| beyond <see cref="GpuMath.TrigonometricLimit"/>).</summary>
    public static double Cos(double x)
    {
        if (!(Math.Abs(x) <= TrigonometricLimit)) return double.NaN;
        double rh = Reduce(Math.Abs(x), out double rl, out double n);
        long q = (long)n & 3;
        return q == 0 ? CosKernel(rh, rl) : q == 1 ? -SinKernel(rh, rl) : q == 2 ? -CosKernel(rh, rl) : SinKernel(rh, rl);
    }

    /// <summary>Tangent (odd; NaN for ±∞, NaN and |x| beyond <see cref="GpuMath.TrigonometricLimit"/>), VectorMath.Tan's reduction and kernel.</summary>
    public static double Tan(double x)
    {
        if (!(Math.Abs(x) <= TrigonometricLimit)) return double.NaN;
        double rh = Reduce(Math.Abs(x), out double rl, out double n);
        double t = TanKernel(rh, rl, IsOddInteger(n));
        return IsNegative(x) ? -t : t;
    }

    private static double TanKernel(double x, double y, bool odd)
    {
        bool big = Math.Abs(x) >= TanC0;
        bool neg = IsNegative(x);
        if (big)
        {
            double xs = Math.Abs(x), ys = neg ? -y : y;
            x = (PiO4Hi - xs) + (PiO4Lo - ys);
            y = 0;
        }
        double z = x * x, w = z * z;
        double r = Fma(w, -TanC1, TanC2);
        r = Fma(w, r, TanC3);
        r = Fma(w, r, TanC4);
        r = Fma(w, r, TanC5);
        r = Fma(w, r, TanC6);
        double v = Fma(w, TanC7, TanC8);
        v = Fma(w, v, TanC9);
        v = Fma(w, v, TanC10);
        v = Fma(w, v, TanC11);
        v = Fma(w, v, TanC12);
        v *= z;
        double s = z * x;
        r = y + z * (s * (r + v) + y);
        r = Fma(TanC13, s, r);
        w = x + r;
        if (big)
        {
            double iy = odd ? -1.0 : 1.0;
            double result = iy - 2.0 * (x - (w * w / (w + iy) - r));
            return neg ? -result : result;
        }
        if (!odd) return w;
        double zz = HighWord(w);
        double vv = r - (zz - x);
        double aa = -1.0 / w;
        double tt = HighWord(aa);
        double ss = Fma(tt, zz, 1.0);
        return Fma(aa, Fma(tt, vv, ss), tt);
    }

    // ---------------------------------------------------------------- inverse trigonometric

    private static double AtanNonNegative(double a)
    {
        double num, den, hi, lo;
        if (a < 0.4375) { num = a; den = 1.0; hi = 0; lo = 0; }
        else if (a < 0.6875) { num = Fma(2.0, a, -1.0); den = 2.0 + a; hi = AtanC2; lo = AtanC3; }
        else if (a < 1.1875) { num = a - 1.0; den = a + 1.0; hi = PiO4Hi; lo = PiO4Lo; }
        else if (a < 2.4375) { num = a - 1.5; den = Fma(1.5, a, 1.0); hi = AtanC0; lo = AtanC1; }
        else { num = -1.0; den = a; hi = PiO2Hi; lo = PiO2Lo; }
        double t = num / den, z = t * t, w = z * z;
        double s1 = Fma(w, AtanC4, AtanC5);
        s1 = Fma(w, s1, AtanC6);
        s1 = Fma(w, s1, AtanC7);
        s1 = Fma(w, s1, AtanC8);
        s1 = Fma(w, s1, AtanC9);
        s1 *= z;
        double s2 = Fma(w, -AtanC10, -AtanC11);
        s2 = Fma(w, s2, -AtanC12);
        s2 = Fma(w, s2, -AtanC13);
        s2 = Fma(w, s2, -AtanC14);
        s2 *= w;
        return hi - ((t * (s1 + s2) - lo) - t);
    }

    /// <summary>Arc tangent (odd, ±π/2 at ±∞, NaN for NaN).</summary>
    public static double Atan(double x) => WithSignOf(AtanNonNegative(Math.Abs(x)), x);

    /// <summary>Angle of (x, y) in [-π, π] with the sign of y, with Math.Atan2's signed-zero and infinity cases.</summary>
    public static double Atan2(double y, double x)
    {
        if (double.IsNaN(x) || double.IsNaN(y)) return double.NaN;
        double ax = Math.Abs(x), ay = Math.Abs(y);
        bool steep = ay > ax;
        double z = ay == 0 && ax == 0 ? 0
            : double.IsPositiveInfinity(ay) && double.IsPositiveInfinity(ax) ? PiO4Hi
            : AtanNonNegative(steep ? ax / ay : ay / ax);
        bool xNegative = IsNegative(x);
        // The tails go in through FMAs: ILGPU would otherwise merge the two constants (PiO2Hi + PiO2Lo rounds to PiO2Hi).
        double result = steep
            ? xNegative ? PiO2Hi + Fma(z, 1.0, PiO2Lo) : PiO2Hi - Fma(z, 1.0, -PiO2Lo)
            : xNegative ? PiHi - Fma(z, 1.0, -PiLo) : z;
        return WithSignOf(result, y);
    }

    private static double AsinRational(double t)
    {
        double p = Fma(t, AsinRC0, AsinRC1);
        p = Fma(t, p, -AsinRC2);
        p = Fma(t, p, AsinRC3);
        p = Fma(t, p, -AsinRC4);
        p = Fma(t, p, AsinRC5);
        p *= t;
        double q = Fma(t, AsinRC6, -AsinRC7);
        q = Fma(t, q, AsinRC8);
        q = Fma(t, q, -AsinRC9);
        q = Fma(t, q, 1.0);
        return p / q;
    }

    /// <summary>Arc sine (NaN outside [-1, 1]; odd, keeps -0).</summary>
    public static double Asin(double x)
    {
        double a = Math.Abs(x);
        if (!(a <= 1.0)) return double.NaN;
        double result;
        if (a < 0.5) result = Fma(a, AsinRational(a * a), a);
        else
        {
            double w = (1.0 - a) * 0.5, r = AsinRational(w), s = Math.Sqrt(w);
            if (a >= AsinSplit) result = PiO2Hi - (2.0 * Fma(s, r, s) - PiO2Lo);
            else
            {
                double f = HighWord(s);
                double c = Fma(-f, f, w) / (s + f);
                double p = 2.0 * s * r - (PiO2Lo - 2.0 * c);
                double qq = PiO4Hi - 2.0 * f;
                result = PiO4Hi - (p - qq);
            }
        }
        return WithSignOf(result, x);
    }

    /// <summary>Arc cosine (NaN outside [-1, 1]; acos(1) = +0).</summary>
    public static double Acos(double x)
    {
        double a = Math.Abs(x);
        if (!(a <= 1.0)) return double.NaN;
        if (a < 0.5) return PiO2Hi - (x - Fma(-x, AsinRational(x * x), PiO2Lo));
        if (x == 1.0) return 0;
        double w = (1.0 - a) * 0.5, r = AsinRational(w), s = Math.Sqrt(w);
        if (x < 0) return PiHi - 2.0 * (s + Fma(r, s, -PiO2Lo));
        double f = HighWord(s);
        double c = Fma(-f, f, w) / (s + f);
        return 2.0 * (f + Fma(r, s, c));
    }

    // ---------------------------------------------------------------- pow

    /// <summary>x^y with Math.Pow's special cases, exp(y log|x|) in double-double (see VectorMath.Pow).</summary>
    public static double Pow(double x, double y)
    {
        if (y == 0 || x == 1.0) return 1.0;
        if (double.IsNaN(x) || double.IsNaN(y)) return double.NaN;
        double ax = Math.Abs(x);
        bool yOdd = IsOddInteger(y), xNeg = IsNegative(x), yNeg = y < 0;
        if (double.IsInfinity(y))
            return ax == 1.0 ? 1.0 : (ax < 1.0) == yNeg ? double.PositiveInfinity : 0.0;
        if (ax == 0 || double.IsInfinity(ax))
        {
            double special = (ax == 0) == yNeg ? double.PositiveInfinity : 0.0;
            return xNeg && yOdd ? -special : special;
        }
        if (x < 0 && !IsInteger(y)) return double.NaN;
        double lh = LogCore(ax, out double ll);
        double ph = y * lh;
        double pl = Fma(y, lh, -ph);
        pl = Fma(y, ll, pl);
        double vh = ExpCore(ph, pl, out double vl, out double k);
        double result = Scale(vh + vl, k);
        return xNeg && yOdd ? -result : result;
    }

    // ---------------------------------------------------------------- hyperbolic

    private static double CoshSeries(double z)
    {
        double p = 1.0 / 2432902008176640000.0;
        p = Fma(p, z, 1.0 / 6402373705728000.0);
        p = Fma(p, z, 1.0 / 20922789888000.0);
        p = Fma(p, z, 1.0 / 87178291200.0);
        p = Fma(p, z, 1.0 / 479001600.0);
        p = Fma(p, z, 1.0 / 3628800.0);
        p = Fma(p, z, 1.0 / 40320.0);
        p = Fma(p, z, 1.0 / 720.0);
        p = Fma(p, z, 1.0 / 24.0);
        p = Fma(p, z, 0.5);
        return Fma(p, z, 1.0);
    }

    // e^a (a ≥ 0, below 30) as eh + el, and its reciprocal inv + invL.
    private static void ExpBoth(double vh, double vl, double k, out double eh, out double el, out double inv, out double invL)
    {
        double p = Pow2(k > 64 ? 64 : k);
        eh = vh * p;
        el = vl * p;
        inv = 1.0 / eh;
        invL = inv * Fma(-inv, el, Fma(-inv, eh, 1.0));
    }

    /// <summary>Hyperbolic sine (odd, keeps -0, ±∞ beyond ±710.48).</summary>
    public static double Sinh(double x)
    {
        if (double.IsNaN(x)) return x;
        double a = Math.Abs(x), result;
        if (a < 1.0)
        {
            double z = a * a;
            double p = 1.0 / 51090942171709440000.0;
            p = Fma(p, z, 1.0 / 121645100408832000.0);
            p = Fma(p, z, 1.0 / 355687428096000.0);
            p = Fma(p, z, 1.0 / 1307674368000.0);
            p = Fma(p, z, 1.0 / 6227020800.0);
            p = Fma(p, z, 1.0 / 39916800.0);
            p = Fma(p, z, 1.0 / 362880.0);
            p = Fma(p, z, 1.0 / 5040.0);
            p = Fma(p, z, 1.0 / 120.0);
            p = Fma(p, z, 1.0 / 6.0);
            result = Fma(a * z, p, a);
        }
        else
        {
            double vh = ExpCore(a, 0, out double vl, out double k);
            if (a < 22.0)
            {
                ExpBoth(vh, vl, k, out double eh, out double el, out double inv, out double invL);
                result = 0.5 * ((eh - inv) + (el - invL));
            }
            else result = Scale(vh + vl, k - 1.0);
        }
        return WithSignOf(result, x);
    }

    /// <summary>Hyperbolic cosine (even, +∞ beyond |x| ≈ 710.48).</summary>
    public static double Cosh(double x)
    {
        if (double.IsNaN(x)) return x;
        double a = Math.Abs(x);
        if (a < 1.0) return CoshSeries(a * a);
        double vh = ExpCore(a, 0, out double vl, out double k);
        if (a >= 22.0) return Scale(vh + vl, k - 1.0);
        ExpBoth(vh, vl, k, out double eh, out double el, out double inv, out double invL);
        return 0.5 * (eh + ((el + invL) + inv));
    }

    /// <summary>Hyperbolic tangent (odd, keeps -0, saturates to ±1).</summary>
    public static double Tanh(double x)
    {
        if (double.IsNaN(x)) return x;
        double a = Math.Abs(x), result;
        if (a < 0.625)
        {
            double z = a * a;
            double d = -20.0 / 51090942171709440000.0;
            d = Fma(d, z, -18.0 / 121645100408832000.0);
            d = Fma(d, z, -16.0 / 355687428096000.0);
            d = Fma(d, z, -14.0 / 1307674368000.0);
            d = Fma(d, z, -12.0 / 6227020800.0);
            d = Fma(d, z, -10.0 / 39916800.0);
            d = Fma(d, z, -8.0 / 362880.0);
            d = Fma(d, z, -6.0 / 5040.0);
            d = Fma(d, z, -4.0 / 120.0);
            d = Fma(d, z, -2.0 / 6.0);
            result = Fma(a * z, d / CoshSeries(z), a);
        }
        else if (a > 22.0) result = 1.0;
        else
        {
            double vh = ExpCore(a + a, 0, out double vl, out double k);
            double p = Pow2(k);
            double eh = vh * p, el = vl * p;
            double den = FastTwoSum(eh, 1.0, out double denL);
            denL += el;
            double q = 2.0 / den;
            double qL = Fma(-q, denL, Fma(-q, den, 2.0)) / den;
            result = 1.0 - (q + qL);
        }
        return WithSignOf(result, x);
    }
}
