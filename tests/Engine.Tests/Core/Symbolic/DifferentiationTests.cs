using System.Numerics;
using FsCheck;
using FsCheck.Fluent;
using PartialWave.Backends.Reference;
using PartialWave.Parsing;
using PartialWave.Symbolic;
using PartialWave.Numerics;
using PartialWave.Engine.Tests.Core.Numerics;

namespace PartialWave.Engine.Tests.Core.Symbolic;

public class DifferentiationTests
{
    private static readonly Symbol X = Expr.Symbol("x", Assumptions.Real);

    private static Complex At(Expr e, double x) =>
        ReferenceEvaluator.Evaluate(e, new Dictionary<string, Complex> { ["x"] = x, ["y"] = 0.7 });

    private static Complex CentralDifference(Expr e, double x, double scale = 1e-5)
    {
        double h = scale * Math.Max(1, Math.Abs(x));
        return (At(e, x + h) - At(e, x - h)) / (2 * h);
    }

    [Theory]
    [InlineData("x^3", "3*x^2")]
    [InlineData("sin(x)*cos(x)", "cos(x)^2 - sin(x)^2")]
    [InlineData("exp(I*x)/x", "I*exp(I*x)/x - exp(I*x)/x^2")]
    [InlineData("atan2(y, x)", "-y/(x^2 + y^2)")]
    [InlineData("log(gamma(x))", "polygamma(0, x)")]
    [InlineData("Piecewise((x^2, x < 1), (3*x, true))", "Piecewise((2*x, x < 1), (3, true))")]
    [InlineData("Max(x, 2*x)", "Piecewise((1, x >= 2*x), (2, true))")]
    [InlineData("|x + I|", "x/sqrt(x^2 + 1)")]
    public void Known_derivatives(string f, string df)
    {
        var e = InfixReader.Parse(f).GetValueOrThrow();
        var expected = InfixReader.Parse(df).GetValueOrThrow();
        var d = e.Differentiate(Expr.Symbol("x"));
        foreach (var x in new[] { 0.3, 1.7, 2.9 })
        {
            var a = At(d, x); var b = At(expected, x);
            Assert.True(Complex.Abs(a - b) <= 1e-12 * Math.Max(1, Complex.Abs(b)), $"d/dx {f} at {x}: {a} vs {b}");
        }
    }

    [SkippableFact]
    public void Derivative_of_the_hydrogen_radial_function_equals_sympys()
    {
        var f = ReferenceModelTests.SmallLine("hydrogen_R_nl_6_2_x_Z6");
        var df = ReferenceModelTests.SmallLine("hydrogen_R_nl_6_2_x_Z6_diff_x");
        var e = SreprReader.Parse(f.GetProperty("srepr").GetString()!).GetValueOrThrow();
        var d = e.Differentiate(Expr.Symbol("x"));
        var expected = df.GetProperty("value")[0].GetDouble();
        var v = ReferenceEvaluator.Evaluate(d, new Dictionary<string, Complex> { ["x"] = 0.37 });
        Assert.True(Math.Abs(v.Real - expected) <= 1e-12 * Math.Abs(expected), $"{v} vs {expected}");
    }

    // Random expressions in x over smooth functions; the symbolic derivative must agree with a central
    // difference wherever the function is smooth enough for the difference to be meaningful.
    private static Gen<Expr> Smooth(int size)
    {
        var leaves = Gen.Elements<Expr>(X, X, Expr.Integer(2), Expr.Rational(1, 3), Expr.Float(0.75), Expr.I);
        if (size <= 0) return leaves;
        var sub = Gen.Sized(_ => Smooth(size / 2));
        return Gen.OneOf(
            leaves,
            Gen.Zip(sub, sub).Select(t => Expr.Add(t.Item1, t.Item2)),
            Gen.Zip(sub, sub).Select(t => Expr.Mul(t.Item1, t.Item2)),
            sub.Select(a => Expr.Pow(a, Expr.Integer(2))),
            sub.Select(a => Expr.Pow(Expr.Add(Expr.Mul(a, a), Expr.Integer(1)), Expr.Rational(-1, 2))),
            sub.Select(a => Expr.Call(ExprKind.Sin, a)),
            sub.Select(a => Expr.Call(ExprKind.Cos, a)),
            sub.Select(a => Expr.Call(ExprKind.Exp, Expr.Mul(Expr.Rational(1, 4), a))),
            sub.Select(a => Expr.Call(ExprKind.Atan, a)),
            sub.Select(a => Expr.Call(ExprKind.Log, Expr.Add(Expr.Mul(a, a), Expr.Integer(2)))),
            sub.Select(a => Expr.Call(ExprKind.Tanh, a)),
            sub.Select(a => Expr.Call(ExprKind.Conjugate, a)));
    }

    [Fact]
    public void Symbolic_derivative_agrees_with_a_central_difference()
    {
        var gen = Gen.Sized(s => Smooth(Math.Min(s, 12)));
        var points = Gen.Choose(-300, 300).Select(i => i / 100.0);
        Prop.ForAll(gen.ToArbitrary(), points.ToArbitrary(), (e, x) =>
        {
            var exact = At(e.Differentiate(X), x);
            var numeric = CentralDifference(e, x);
            if (!double.IsFinite(exact.Real) || !double.IsFinite(numeric.Real) || Complex.Abs(exact) > 1e6) return true;
            // Near a pole or branch cut (tanh(sin(sin(I x))) at 2.56: derivative 1.3e4, the difference 1.5 % off) a
            // difference over h is no reference: it must first agree with itself over h/4.
            if (Complex.Abs(numeric - CentralDifference(e, x, 2.5e-6)) > 1e-6 * Math.Max(1, Complex.Abs(numeric))) return true;
            return Complex.Abs(exact - numeric) <= 1e-5 * Math.Max(1, Complex.Abs(exact));
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(300).WithReplay(
            Microsoft.FSharp.Core.FSharpOption<Replay>.Some(new Replay(new Rnd(20261123), Microsoft.FSharp.Core.FSharpOption<int>.None))));
    }
}
