using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using PartialWave.Compilation;

namespace PartialWave.Backends.Cpu;

/// <summary>
/// The operations of <see cref="VOps"/> on Vector512&lt;double&gt;, lane for lane the same arithmetic (IEEE
/// operations, selects, and the BCL's Exp and Log, whose Vector512 and Vector256 forms agree bit for bit on 16 M
/// random arguments each): a Vector512 kernel's value for an event is bit for bit its Vector256 kernel's (tested).
/// The BCL's Vector512 Sin and Cos differ from the Vector256 ones in about one lane in 7,000 (measured), and
/// <see cref="VectorMath"/>'s functions (tan, inverse trigonometric and hyperbolic functions, pow, gamma, erf) exist
/// for Vector256 only; conditions (comparisons, and/or/not, Piecewise selects, Heaviside, isnan), rare in amplitude
/// models, are left to Vector256 too rather than written twice. A kernel that needs any of these stays Vector256
/// (see <see cref="CompiledKernel"/>).
/// </summary>
internal static class VOps512
{
    private static readonly Vector512<double> One = Vector512.Create(1.0);
    private static Vector512<double> Zero => Vector512<double>.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<double> Unsign(Vector512<double> a) => a + Zero;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<double> Exp(Vector512<double> a) => Vector512.Exp(a);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<double> Log(Vector512<double> a) => Vector512.Log(a);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<double> Floor(Vector512<double> a) => Vector512.Floor(a);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<double> Ceiling(Vector512<double> a) => Vector512.Ceiling(a);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<double> Hypot(Vector512<double> a, Vector512<double> b) => Vector512.Hypot(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<double> Min(Vector512<double> a, Vector512<double> b) => Vector512.Min(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<double> Max(Vector512<double> a, Vector512<double> b) => Vector512.Max(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Sign(Vector512<double> x)
    {
        var r = (Vector512.GreaterThan(x, Zero) & One) | (Vector512.LessThan(x, Zero) & -One);
        return Vector512.ConditionalSelect(Vector512.Equals(x, x), r, x);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> IfNegative(Vector512<double> x, Vector512<double> v) =>
        Vector512.ConditionalSelect(Vector512.LessThan(x, Zero), v, Zero);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> IfNotNegative(Vector512<double> x, Vector512<double> v) =>
        Vector512.ConditionalSelect(Vector512.LessThan(x, Zero), Zero, v);

    /// <summary>w·v where w ≠ 0, else 0 (as <see cref="VOps.WeightedTerm"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> WeightedTerm(Vector512<double> v, Vector512<double> w) =>
        Vector512.ConditionalSelect(Vector512.Equals(w, Zero), Zero, v * w);

    private static readonly Dictionary<IrOp, MethodInfo> Methods = Build();

    private static Dictionary<IrOp, MethodInfo> Build()
    {
        var v = typeof(Vector512<double>);
        Type[] one = [v], three = [v, v, v];
        return VOps.Table(v, typeof(VOps512), new Dictionary<IrOp, MethodInfo>
        {
            [IrOp.MulAdd] = typeof(Avx512F).GetMethod(nameof(Avx512F.FusedMultiplyAdd), three)!,
            [IrOp.MulSub] = typeof(Avx512F).GetMethod(nameof(Avx512F.FusedMultiplySubtract), three)!,
            [IrOp.NegMulAdd] = typeof(Avx512F).GetMethod(nameof(Avx512F.FusedMultiplyAddNegated), three)!,
            [IrOp.Sqrt] = typeof(Avx512F).GetMethod(nameof(Avx512F.Sqrt), one)!,
            [IrOp.Abs] = typeof(Vector512).GetMethods()
                .Single(m => m.Name == nameof(Vector512.Abs) && m.IsGenericMethodDefinition).MakeGenericMethod(typeof(double)),
        });
    }

    /// <summary>The method of <paramref name="op"/>, or null where a kernel must stay Vector256.</summary>
    public static MethodInfo? MethodFor(IrOp op) => Methods.GetValueOrDefault(op);

    /// <summary>True when this machine runs Vector512 in hardware (AVX-512).</summary>
    public static bool IsAvailable => Vector512.IsHardwareAccelerated && Avx512F.IsSupported;
}
