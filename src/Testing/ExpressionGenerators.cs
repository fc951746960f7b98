using FsCheck;
using FsCheck.Fluent;
using PartialWave.Symbolic;

namespace PartialWave.Testing;

/// <summary>
/// Random well-formed expressions over the whole supported function set (elementary and special functions,
/// complex parts, Piecewise with relations and logic, integers, rationals, floats, I, pi, E), for property tests of
/// anything that compiles or transforms expressions.
/// </summary>
public static class ExpressionGenerators
{
    /// <summary>The symbols expressions are built from, one per assumption the compiler distinguishes.</summary>
    public static readonly Symbol[] Symbols =
    [
        Expr.Symbol("x"), Expr.Symbol("y", Assumptions.Real), Expr.Symbol("m", Assumptions.Nonnegative),
        Expr.Symbol("n", Assumptions.Integer), Expr.Symbol("r", Assumptions.Positive), Expr.Symbol("m_{f(980)}", Assumptions.Nonnegative),
    ];

    private static Gen<Expr> Leaf() => Gen.OneOf(
        Gen.Elements(Symbols).Select(s => (Expr)s),
        Gen.Choose(-5, 9).Select(i => Expr.Integer(i)),
        Gen.Zip(Gen.Choose(-7, 7), Gen.Choose(1, 6)).Select(t => Expr.Rational(t.Item1, t.Item2)),
        Gen.Choose(-2000, 2000).Select(i => Expr.Float(i / 256.0)),
        Gen.Elements(Expr.I, Expr.Pi, Expr.E));

    /// <summary>An expression of about <paramref name="size"/> nodes.</summary>
    public static Gen<Expr> Value(int size)
    {
        if (size <= 1) return Leaf();
        var sub = Gen.Sized(_ => Value(size / 2));
        var unary = Gen.Elements(
            ExprKind.Abs, ExprKind.Exp, ExprKind.Log, ExprKind.Sin, ExprKind.Cos, ExprKind.Tan, ExprKind.Asin, ExprKind.Acos,
            ExprKind.Atan, ExprKind.Sinh, ExprKind.Cosh, ExprKind.Tanh, ExprKind.Gamma, ExprKind.Conjugate, ExprKind.Re,
            ExprKind.Im, ExprKind.Arg, ExprKind.Sign, ExprKind.Heaviside, ExprKind.Floor, ExprKind.Ceiling, ExprKind.Erf);
        var binary = Gen.Elements(ExprKind.Atan2, ExprKind.Max, ExprKind.Min, ExprKind.Mod, ExprKind.KroneckerDelta);
        return Gen.Frequency(new (int, Gen<Expr>)[]
        {
            (2, Leaf()),
            (3, Gen.ListOf(sub).Select(l => Expr.Add(l.Take(4).Append(Expr.Zero).ToArray()))),
            (3, Gen.ListOf(sub).Select(l => Expr.Mul(l.Take(4).Append(Expr.One).ToArray()))),
            (2, Gen.Zip(sub, Gen.OneOf(sub, Gen.Choose(-3, 3).Select(i => Expr.Integer(i)), Gen.Elements(Expr.Half, Expr.Rational(-1, 2), Expr.Rational(1, 3))))
                   .Select(t => Expr.Pow(t.Item1, t.Item2))),
            (3, Gen.Zip(unary, sub).Select(t => Expr.Call(t.Item1, t.Item2))),
            (1, Gen.Zip(binary, Gen.Zip(sub, sub)).Select(t => Expr.Call(t.Item1, t.Item2.Item1, t.Item2.Item2))),
            (1, Gen.Zip(sub, Gen.Zip(Condition(size / 2), sub)).Select(t => Expr.Piecewise([(t.Item1, t.Item2.Item1), (t.Item2.Item2, Expr.True)]))),
        });
    }

    /// <summary>A condition (relations combined with and, or, not) of about <paramref name="size"/> nodes.</summary>
    public static Gen<Expr> Condition(int size)
    {
        var sub = Gen.Sized(_ => Value(Math.Max(1, size / 2)));
        var rel = Gen.Elements(ExprKind.StrictLessThan, ExprKind.StrictGreaterThan, ExprKind.LessThan, ExprKind.GreaterThan, ExprKind.Equality, ExprKind.Unequality);
        var comparison = Gen.Zip(rel, Gen.Zip(sub, sub)).Select(t => Expr.Relational(t.Item1, t.Item2.Item1, t.Item2.Item2));
        if (size <= 2) return comparison;
        var inner = Gen.Sized(_ => Condition(size / 2));
        return Gen.Frequency(new (int, Gen<Expr>)[]
        {
            (4, comparison),
            (1, Gen.Zip(inner, inner).Select(t => Expr.Logic(ExprKind.And, t.Item1, t.Item2))),
            (1, Gen.Zip(inner, inner).Select(t => Expr.Logic(ExprKind.Or, t.Item1, t.Item2))),
            (1, inner.Select(Expr.Not)),
        });
    }

    /// <summary>Expressions growing with FsCheck's size up to <paramref name="maxSize"/> nodes.</summary>
    public static Arbitrary<Expr> Arbitrary(int maxSize = 24) => Gen.Sized(s => Value(Math.Min(s, maxSize))).ToArbitrary();
}
