using PartialWave.Compilation;
using PartialWave.Symbolic;
using PartialWave.Numerics;

namespace PartialWave.Backends.Gpu;

/// <summary>
/// One static method per real IR operation on a double, with the IR's scalar semantics (see
/// <see cref="IrInterpreter"/>), written for ILGPU: no allocation, no exceptions, no arrays; elementary functions
/// from <see cref="GpuMath{TFma}"/>, fused multiply-add from <typeparamref name="TFma"/>, and of <see cref="Math"/> only
/// what every backend has as an instruction (sqrt, floor, ceiling, abs). GPU kernels call these; public because kernels
/// compiled into other assemblies call them too.
/// </summary>
/// <typeparam name="TFma">The fused multiply-add of the target (see <see cref="IFusedMultiplyAdd"/>).</typeparam>
[System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
public static class GpuOps<TFma> where TFma : struct, IFusedMultiplyAdd
{
    // a + 0.0 would be folded to a by ILGPU's IR builder (it treats -0.0 as zero), losing the point of the operation.
    public static double Unsign(double a) => a == 0 ? 0.0 : a;
    public static double Sqrt(double a) => Math.Sqrt(a);
    public static double MulAdd(double a, double b, double c) => default(TFma).Fma(a, b, c);
    public static double MulSub(double a, double b, double c) => default(TFma).Fma(a, b, -c);
    public static double NegMulAdd(double a, double b, double c) => default(TFma).Fma(-a, b, c);
    public static double Exp(double a) => GpuMath<TFma>.Exp(a);
    public static double Log(double a) => GpuMath<TFma>.Log(a);
    public static double Sin(double a) => GpuMath<TFma>.Sin(a);
    public static double Cos(double a) => GpuMath<TFma>.Cos(a);
    public static double Tan(double a) => GpuMath<TFma>.Tan(a);
    public static double Asin(double a) => GpuMath<TFma>.Asin(a);
    public static double Acos(double a) => GpuMath<TFma>.Acos(a);
    public static double Atan(double a) => GpuMath<TFma>.Atan(a);
    public static double Atan2(double y, double x) => GpuMath<TFma>.Atan2(y, x);
    public static double Sinh(double a) => GpuMath<TFma>.Sinh(a);
    public static double Cosh(double a) => GpuMath<TFma>.Cosh(a);
    public static double Tanh(double a) => GpuMath<TFma>.Tanh(a);
    public static double Pow(double a, double b) => GpuMath<TFma>.Pow(a, b);
    public static double Abs(double a) => Math.Abs(a);
    public static double Sign(double a) => double.IsNaN(a) ? double.NaN : a > 0 ? 1.0 : a < 0 ? -1.0 : 0.0;
    public static double Floor(double a) => Math.Floor(a);
    public static double Ceiling(double a) => Math.Ceiling(a);
    private static bool NegativeSign(double x) => (ILGPU.Interop.FloatAsInt(x) >> 63) != 0;

    // As Math.Min/Max and the SIMD backend: NaN propagates, -0 is below +0.
    public static double Min(double a, double b) =>
        double.IsNaN(a) || double.IsNaN(b) ? double.NaN : a < b ? a : b < a ? b : NegativeSign(a) ? a : b;
    public static double Max(double a, double b) =>
        double.IsNaN(a) || double.IsNaN(b) ? double.NaN : a > b ? a : b > a ? b : NegativeSign(a) ? b : a;

    /// <summary>Python's modulo (the sign of the divisor), from the exact remainder (<see cref="GpuMath{TFma}.Fmod"/>).</summary>
    public static double Mod(double a, double b)
    {
        if (b == 0 || double.IsNaN(a) || double.IsNaN(b)) return double.NaN;
        double m = GpuMath<TFma>.Fmod(a, b);
        if (m != 0 && (b < 0) != (m < 0)) m += b;
        return m;
    }

    /// <summary>√(a² + b²) without overflow or underflow of the squares.</summary>
    public static double Hypot(double a, double b)
    {
        a = Math.Abs(a);
        b = Math.Abs(b);
        if (double.IsInfinity(a) || double.IsInfinity(b)) return double.PositiveInfinity;
        if (double.IsNaN(a) || double.IsNaN(b)) return double.NaN;
        double big = a > b ? a : b, small = a > b ? b : a;
        if (big == 0) return 0;
        double r = small / big;
        return big * Math.Sqrt(1 + r * r);
    }

    public static double Heaviside(double a) => IrInterpreter.Heaviside(a);
    public static double Lt(double a, double b) => double.IsNaN(a) || double.IsNaN(b) ? double.NaN : a < b ? 1.0 : 0.0;
    public static double Le(double a, double b) => double.IsNaN(a) || double.IsNaN(b) ? double.NaN : a <= b ? 1.0 : 0.0;
    public static double Gt(double a, double b) => double.IsNaN(a) || double.IsNaN(b) ? double.NaN : a > b ? 1.0 : 0.0;
    public static double Ge(double a, double b) => double.IsNaN(a) || double.IsNaN(b) ? double.NaN : a >= b ? 1.0 : 0.0;
    public static double Eq(double a, double b) => a == b ? 1.0 : 0.0;
    public static double Ne(double a, double b) => a != b ? 1.0 : 0.0;
    public static double And(double a, double b) => a == 0 || b == 0 ? 0.0 : double.IsNaN(a) || double.IsNaN(b) ? double.NaN : 1.0;
    public static double Or(double a, double b) =>
        (a != 0 && !double.IsNaN(a)) || (b != 0 && !double.IsNaN(b)) ? 1.0 : double.IsNaN(a) || double.IsNaN(b) ? double.NaN : 0.0;
    public static double Not(double a) => double.IsNaN(a) ? double.NaN : a == 0 ? 1.0 : 0.0;
    public static double Select(double c, double a, double b) => IrInterpreter.Select(c, a, b);
    public static double IsNaN(double a) => double.IsNaN(a) ? 1.0 : 0.0;
    public static double IfNegative(double a, double v) => a < 0 ? v : 0.0;
    public static double IfNotNegative(double a, double v) => a < 0 ? 0.0 : v;

    /// <summary>The term w·v of a weighted sum; zero where the weight is zero, whatever v is.</summary>
    public static double WeightedTerm(double v, double w) => w == 0 ? 0.0 : v * w;

    /// <summary>
    /// The error function of a real argument: <see cref="ScalarMath.Erf(double)"/>'s approximation (the same
    /// <see cref="ErfApproximation"/> code) with the kernels' own exponential.
    /// </summary>
    public static double Erf(double x)
    {
        double a = Math.Abs(x);
        if (a < ErfApproximation.SmallLimit) return GpuMath<TFma>.Fma(x, ErfApproximation.Small<TFma>(x * x), x);
        if (double.IsNaN(x)) return x;
        if (!(a < ErfApproximation.OneLimit)) return x < 0 ? -1.0 : 1.0;
        double result = ErfApproximation.Large<TFma>(a, GpuMath<TFma>.Exp(-(a * a)));
        return x < 0 ? -result : result;
    }

    /// <summary>
    /// The real gamma function with the conventions of <see cref="ScalarMath.Gamma"/>: NaN at the poles (0 and
    /// negative integers) and for NaN, +∞ beyond 171.62, exact factorials at the integers up to 23, Lanczos (g = 7,
    /// nine terms) elsewhere with the reflection formula below 1/2.
    /// </summary>
    public static double Gamma(double x)
    {
        if (double.IsNaN(x) || (x <= 0 && x == Math.Floor(x))) return double.NaN;
        if (x > 171.62) return double.PositiveInfinity;
        if (x == Math.Floor(x) && x <= 23)
        {
            double f = 1;
            for (int k = 2; k < (int)x; k++) f *= k;
            return f;
        }
        if (x < 0.5)
        {
            double n = Math.Floor(x + 0.5), r = x - n;
            double sinPi = GpuMath<TFma>.Sin(Math.PI * r);
            if (((long)n & 1) != 0) sinPi = -sinPi;
            return Math.PI / (sinPi * Lanczos(1 - x));
        }
        return Lanczos(x);
    }

    private static double Lanczos(double x)
    {
        double z = x - 1;
        double a = 0.99999999999980993 + 676.5203681218851 / (z + 1) - 1259.1392167224028 / (z + 2) + 771.32342877765313 / (z + 3)
                   - 176.61502916214059 / (z + 4) + 12.507343278686905 / (z + 5) - 0.13857109526572012 / (z + 6)
                   + 9.9843695780195716e-6 / (z + 7) + 1.5056327351493116e-7 / (z + 8);
        double t = z + 7.5;
        // t^(z+1/2) e^-t in two halves, so that it does not overflow before the product comes back into range.
        double h = GpuMath<TFma>.Pow(t, 0.5 * (z + 0.5));
        return 2.5066282746310002 * a * (h * GpuMath<TFma>.Exp(-t)) * h;
    }
}
