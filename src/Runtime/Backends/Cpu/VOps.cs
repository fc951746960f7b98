using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using PartialWave.Compilation;

namespace PartialWave.Backends.Cpu;

/// <summary>
/// One static method per real IR operation on Vector256&lt;double&gt;, with the IR's scalar semantics lane by
/// lane (see <see cref="IrInterpreter"/>). Generated kernels call these; the JIT inlines them. Public because
/// precompiled kernels in analysis assemblies call them too.
/// </summary>
[System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
public static class VOps
{
    private static readonly Vector256<double> One = Vector256.Create(1.0);
    private static readonly Vector256<double> Half = Vector256.Create(0.5);
    private static readonly Vector256<double> NaN = Vector256.Create(double.NaN);

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<double> Add(Vector256<double> a, Vector256<double> b) => a + b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<double> Sub(Vector256<double> a, Vector256<double> b) => a - b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<double> Mul(Vector256<double> a, Vector256<double> b) => a * b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<double> Div(Vector256<double> a, Vector256<double> b) => a / b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<double> Neg(Vector256<double> a) => -a;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<double> Unsign(Vector256<double> a) => a + Vector256<double>.Zero;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<double> Sqrt(Vector256<double> a) => Vector256.Sqrt(a);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<double> Exp(Vector256<double> a) => Vector256.Exp(a);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<double> Log(Vector256<double> a) => Vector256.Log(a);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<double> Sin(Vector256<double> a) => Vector256.Sin(a);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<double> Cos(Vector256<double> a) => Vector256.Cos(a);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<double> Tan(Vector256<double> a) => VectorMath.Tan(a);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<double> Asin(Vector256<double> a) => VectorMath.Asin(a);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<double> Acos(Vector256<double> a) => VectorMath.Acos(a);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<double> Atan(Vector256<double> a) => VectorMath.Atan(a);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<double> Atan2(Vector256<double> y, Vector256<double> x) => VectorMath.Atan2(y, x);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<double> Sinh(Vector256<double> a) => VectorMath.Sinh(a);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<double> Cosh(Vector256<double> a) => VectorMath.Cosh(a);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<double> Tanh(Vector256<double> a) => VectorMath.Tanh(a);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<double> Pow(Vector256<double> a, Vector256<double> b) => VectorMath.Pow(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<double> Gamma(Vector256<double> a) => VectorMath.Gamma(a);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<double> Erf(Vector256<double> a) => VectorMath.Erf(a);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<double> Abs(Vector256<double> a) => Vector256.Abs(a);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<double> Sign(Vector256<double> a) => VectorMath.Sign(a);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<double> Floor(Vector256<double> a) => Vector256.Floor(a);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<double> Ceiling(Vector256<double> a) => Vector256.Ceiling(a);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<double> Hypot(Vector256<double> a, Vector256<double> b) => Vector256.Hypot(a, b);

    // IEEE maximum/minimum with NaN propagation, as Math.Max/Min.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Min(Vector256<double> a, Vector256<double> b) => Vector256.Min(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Max(Vector256<double> a, Vector256<double> b) => Vector256.Max(a, b);

    // Python's modulo lane by lane with IEEE's exact remainder: a - b floor(a/b) in vector arithmetic is not
    // exact, and the difference decides comparisons downstream. Mod is rare in amplitude models.
    public static Vector256<double> Mod(Vector256<double> a, Vector256<double> b) => Vector256.Create(
        IrInterpreter.PythonMod(a.GetElement(0), b.GetElement(0)), IrInterpreter.PythonMod(a.GetElement(1), b.GetElement(1)),
        IrInterpreter.PythonMod(a.GetElement(2), b.GetElement(2)), IrInterpreter.PythonMod(a.GetElement(3), b.GetElement(3)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Heaviside(Vector256<double> a)
    {
        var r = Vector256.ConditionalSelect(Vector256.GreaterThan(a, Vector256<double>.Zero), One,
            Vector256.ConditionalSelect(Vector256.LessThan(a, Vector256<double>.Zero), Vector256<double>.Zero, Half));
        return Vector256.ConditionalSelect(Vector256.Equals(a, a), r, NaN);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> Truth(Vector256<double> mask) => mask & One;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> Defined(Vector256<double> a, Vector256<double> b, Vector256<double> r) =>
        Vector256.ConditionalSelect(Vector256.Equals(a, a) & Vector256.Equals(b, b), r, NaN);

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<double> Lt(Vector256<double> a, Vector256<double> b) => Defined(a, b, Truth(Vector256.LessThan(a, b)));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<double> Le(Vector256<double> a, Vector256<double> b) => Defined(a, b, Truth(Vector256.LessThanOrEqual(a, b)));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<double> Gt(Vector256<double> a, Vector256<double> b) => Defined(a, b, Truth(Vector256.GreaterThan(a, b)));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<double> Ge(Vector256<double> a, Vector256<double> b) => Defined(a, b, Truth(Vector256.GreaterThanOrEqual(a, b)));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<double> Eq(Vector256<double> a, Vector256<double> b) => Truth(Vector256.Equals(a, b));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<double> Ne(Vector256<double> a, Vector256<double> b) => One - Truth(Vector256.Equals(a, b));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<double> IsNaN(Vector256<double> a) => One - Truth(Vector256.Equals(a, a));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> And(Vector256<double> a, Vector256<double> b)
    {
        var anyFalse = Vector256.Equals(a, Vector256<double>.Zero) | Vector256.Equals(b, Vector256<double>.Zero);
        return Vector256.ConditionalSelect(anyFalse, Vector256<double>.Zero, Defined(a, b, One));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Or(Vector256<double> a, Vector256<double> b)
    {
        var trueA = Vector256.Equals(a, a) & ~Vector256.Equals(a, Vector256<double>.Zero);
        var trueB = Vector256.Equals(b, b) & ~Vector256.Equals(b, Vector256<double>.Zero);
        return Vector256.ConditionalSelect(trueA | trueB, One, Defined(a, b, Vector256<double>.Zero));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Not(Vector256<double> a) =>
        Vector256.ConditionalSelect(Vector256.Equals(a, a), Truth(Vector256.Equals(a, Vector256<double>.Zero)), NaN);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> IfNegative(Vector256<double> x, Vector256<double> v) =>
        Vector256.ConditionalSelect(Vector256.LessThan(x, Vector256<double>.Zero), v, Vector256<double>.Zero);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> IfNotNegative(Vector256<double> x, Vector256<double> v) =>
        Vector256.ConditionalSelect(Vector256.LessThan(x, Vector256<double>.Zero), Vector256<double>.Zero, v);

    /// <summary>a·b + c rounded once.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> MulAdd(Vector256<double> a, Vector256<double> b, Vector256<double> c) =>
        Fma.IsSupported ? Fma.MultiplyAdd(a, b, c) : Vector256.FusedMultiplyAdd(a, b, c);

    /// <summary>a·b − c rounded once.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> MulSub(Vector256<double> a, Vector256<double> b, Vector256<double> c) =>
        Fma.IsSupported ? Fma.MultiplySubtract(a, b, c) : Vector256.FusedMultiplyAdd(a, b, -c);

    /// <summary>c − a·b rounded once.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> NegMulAdd(Vector256<double> a, Vector256<double> b, Vector256<double> c) =>
        Fma.IsSupported ? Fma.MultiplyAddNegated(a, b, c) : Vector256.FusedMultiplyAdd(-a, b, c);

    /// <summary>w·v where w ≠ 0, else 0 (so padding and zero weights add nothing, even where v is NaN).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> WeightedTerm(Vector256<double> v, Vector256<double> w) =>
        Vector256.ConditionalSelect(Vector256.Equals(w, Vector256<double>.Zero), Vector256<double>.Zero, v * w);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Select(Vector256<double> c, Vector256<double> a, Vector256<double> b) =>
        Vector256.ConditionalSelect(Vector256.Equals(c, c),
            Vector256.ConditionalSelect(Vector256.Equals(c, Vector256<double>.Zero), b, a), NaN);

    private static readonly Dictionary<IrOp, MethodInfo> Methods = BuildMethods();

    // Operations that are JIT intrinsics are called directly: the JIT expands them without an inlining step,
    // which keeps the compile time of large kernels down. The rest go through the wrappers above.
    private static Dictionary<IrOp, MethodInfo> BuildMethods()
    {
        MethodInfo Intrinsic(string name, int arity) => typeof(Vector256).GetMethods(BindingFlags.Public | BindingFlags.Static)
            .Single(m => m.Name == name && m.IsGenericMethodDefinition && m.GetParameters().Length == arity
                         && m.GetParameters().All(p => p.ParameterType.IsGenericType && p.ParameterType.GetGenericTypeDefinition() == typeof(Vector256<>)))
            .MakeGenericMethod(typeof(double));
        var natives = new Dictionary<IrOp, MethodInfo>
        {
            [IrOp.Sqrt] = Avx.IsSupported ? typeof(Avx).GetMethod(nameof(Avx.Sqrt), [typeof(Vector256<double>)])! : Intrinsic(nameof(Vector256.Sqrt), 1),
            [IrOp.Abs] = Intrinsic(nameof(Vector256.Abs), 1),
            [IrOp.Min] = Intrinsic(nameof(Vector256.Min), 2),
            [IrOp.Max] = Intrinsic(nameof(Vector256.Max), 2),
        };
        if (Fma.IsSupported)
        {
            Type[] three = [typeof(Vector256<double>), typeof(Vector256<double>), typeof(Vector256<double>)];
            natives[IrOp.MulAdd] = typeof(Fma).GetMethod(nameof(Fma.MultiplyAdd), three)!;
            natives[IrOp.MulSub] = typeof(Fma).GetMethod(nameof(Fma.MultiplySubtract), three)!;
            natives[IrOp.NegMulAdd] = typeof(Fma).GetMethod(nameof(Fma.MultiplyAddNegated), three)!;
        }
        return Table(typeof(Vector256<double>), typeof(VOps), natives);
    }

    /// <summary>
    /// The methods of one vector width, one table for both: arithmetic through <paramref name="vector"/>'s operators,
    /// then <paramref name="natives"/> (JIT intrinsics, called directly: the JIT expands them without an inlining step,
    /// which keeps the compile time of large kernels down), then the methods of <paramref name="ops"/> named after the
    /// operations.
    /// </summary>
    internal static Dictionary<IrOp, MethodInfo> Table(Type vector, Type ops, Dictionary<IrOp, MethodInfo> natives)
    {
        // Arithmetic through the vector's operators: the JIT resolves these non-generic methods about five times
        // faster than the generic Vector256.Add<T> family (measured per call site), and
        // arithmetic is nine operations in ten of an amplitude kernel.
        MethodInfo Operator(string name, int arity) =>
            vector.GetMethod(name, BindingFlags.Public | BindingFlags.Static, Enumerable.Repeat(vector, arity).ToArray())!;
        var table = new Dictionary<IrOp, MethodInfo>(natives)
        {
            [IrOp.Add] = Operator("op_Addition", 2),
            [IrOp.Sub] = Operator("op_Subtraction", 2),
            [IrOp.Mul] = Operator("op_Multiply", 2),
            [IrOp.Div] = Operator("op_Division", 2),
            [IrOp.Neg] = Operator("op_UnaryNegation", 1),
        };
        foreach (var op in Enum.GetValues<IrOp>())
            if (!table.ContainsKey(op) && ops.GetMethod(op.ToString(), BindingFlags.Public | BindingFlags.Static) is { } m)
                table[op] = m;
        return table;
    }

    /// <summary>The method implementing a real operation.</summary>
    internal static MethodInfo MethodFor(IrOp op) =>
        Methods.TryGetValue(op, out var m) ? m : throw new NotSupportedException($"no vector implementation of {op}");
}
