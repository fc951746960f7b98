using System.Numerics;
using PartialWave.Backends.Reference;
using PartialWave.Compilation;
using PartialWave.Data;
using PartialWave.Parsing;
using PartialWave.Symbolic;
using Xunit.Abstractions;
using PartialWave.Numerics;
using PartialWave.Engine.Tests.Compiler.Compilation;
using PartialWave.Engine.Tests.Runtime.Backends;

namespace PartialWave.Engine.Tests.Core.Numerics;

/// <summary>
/// The error function end to end: scalar values against high-precision references, folding, the derivative,
/// reading and printing, the reference evaluator, the IR interpreter, compiled kernels and their gradients.
/// </summary>
public class ErfTests(ITestOutputHelper output)
{
    private static readonly Symbol X = Expr.Symbol("x", Assumptions.Real);

    private static Expr Erf(Expr e) => Expr.Call(ExprKind.Erf, e);

    /// <summary>erf(x) rounded to the nearest double (mpmath at 40 digits).</summary>
    internal static readonly (double X, double Erf)[] Table =
    [
        (1e-300, 1.1283791670955126e-300),
        (2.5e-16, 2.820947917738782e-16),
        (1e-10, 1.1283791670955126e-10),
        (1e-05, 1.1283791670579e-05),
        (0.001, 0.0011283787909692365),
        (0.0625, 0.07043197772238707),
        (0.125, 0.1403162048013338),
        (0.25, 0.27632639016823696),
        (0.3333333333333333, 0.36264811176606293),
        (0.5, 0.5204998778130465),
        (0.75, 0.7111556336535151),
        (0.9, 0.7969082124228322),
        (0.99, 0.8385080695553698),
        (1.0, 0.8427007929497149),
        (1.01, 0.8468104962282768),
        (1.1, 0.8802050695740817),
        (1.25, 0.9229001282564583),
        (1.5, 0.9661051464753108),
        (1.75, 0.9866716712191824),
        (2.0, 0.9953222650189527),
        (2.5, 0.999593047982555),
        (3.0, 0.9999779095030014),
        (3.5, 0.9999992569016276),
        (4.0, 0.9999999845827421),
        (4.5, 0.9999999998033839),
        (5.0, 0.9999999999984626),
        (5.5, 0.9999999999999927),
        (5.85, 0.9999999999999999),
        (5.9, 0.9999999999999999),
        (5.99, 1.0),
        (6.0, 1.0),
    ];

    // ------------------------------------------------------------------ scalar values

    [Theory]
    [InlineData(0.5, 0.5204998778130465)]
    [InlineData(1.0, 0.8427007929497149)]
    [InlineData(2.0, 0.9953222650189527)]
    [InlineData(-3.0, -0.9999779095030014)]
    [InlineData(1e-10, 1.1283791670955126e-10)]
    [InlineData(6.0, 1.0)]
    public void Scalar_erf_has_known_values(double x, double want) =>
        Assert.Equal(want, ScalarMath.Erf(x));

    [Fact]
    public void Scalar_erf_is_within_one_ulp_of_high_precision_values_and_odd()
    {
        long worst = 0;
        foreach (var (x, want) in Table)
        {
            long u = VectorMathTests.UlpDistance(want, ScalarMath.Erf(x));
            worst = Math.Max(worst, u);
            Assert.True(u <= 1, $"erf({x:R}) = {ScalarMath.Erf(x):R}, want {want:R} ({u} ulp)");
            Assert.Equal(-ScalarMath.Erf(x), ScalarMath.Erf(-x));
        }
        output.WriteLine($"scalar erf: max {worst} ulp over {Table.Length} reference values");
    }

    [Fact]
    public void Scalar_erf_special_values()
    {
        Assert.Equal(0.0, ScalarMath.Erf(0.0));
        Assert.True(double.IsNegative(ScalarMath.Erf(-0.0)));
        Assert.Equal(1.0, ScalarMath.Erf(double.PositiveInfinity));
        Assert.Equal(-1.0, ScalarMath.Erf(double.NegativeInfinity));
        Assert.Equal(1.0, ScalarMath.Erf(1e300));
        Assert.Equal(-1.0, ScalarMath.Erf(-6.0));
        Assert.True(double.IsNaN(ScalarMath.Erf(double.NaN)));
        Assert.Equal(double.Epsilon, ScalarMath.Erf(double.Epsilon));          // 2/√π ε rounds to ε
        Assert.True(ScalarMath.Erf(Math.BitDecrement(1.0)) < ScalarMath.Erf(1.0)); // monotone across the branch point
        Assert.True(ScalarMath.Erf(Math.BitDecrement(6.0)) <= 1.0);
    }

    [Fact]
    public void Complex_erf_is_real_only()
    {
        Assert.Equal(new Complex(0.5204998778130465, 0), ScalarMath.Erf(new Complex(0.5, 0)));
        var ex = Assert.Throws<NotSupportedException>(() => ScalarMath.Erf(new Complex(1, 2)));
        Assert.Contains("erf", ex.Message);
        Assert.Throws<NotSupportedException>(() => ReferenceEvaluator.Evaluate(Erf(Expr.Symbol("z")), new Dictionary<string, Complex> { ["z"] = new(0.5, 0.5) }));
    }

    // ------------------------------------------------------------------ symbolic

    [Fact]
    public void Erf_is_a_known_function_after_the_original_kinds()
    {
        Assert.True(Functions.TryGet("erf", out var info));
        Assert.Equal(ExprKind.Erf, info.Kind);
        Assert.Equal((1, 1), (info.MinArgs, info.MaxArgs));
        Assert.Same(info, Functions.Of(ExprKind.Erf));
        Assert.True(Functions.IsFunction(ExprKind.Erf));
        Assert.False(Functions.IsFunction(ExprKind.Not));
        Assert.True(ExprKind.Erf > ExprKind.Not); // appended: the kinds before it keep their numbers and hashes
    }

    [Fact]
    public void Numeric_arguments_fold_like_other_functions()
    {
        Assert.Same(Expr.Zero, Erf(Expr.Zero));
        Assert.Same(Expr.Call(ExprKind.Sin, Expr.Float(0.0)), Erf(Expr.Float(0.0)));   // a float zero, as for sin
        Assert.Same(Expr.Float(0.5204998778130465), Erf(Expr.Float(0.5)));
        Assert.Same(Expr.Float(-1.0), Erf(Expr.Float(double.NegativeInfinity)));
        Assert.Equal(ExprKind.Erf, Erf(Expr.Rational(1, 2)).Kind);                     // exact stays exact, like exp(2)
        Assert.Equal(ExprKind.Erf, Erf(Expr.Complex(new Complex(1, 2))).Kind);         // complex erf is not implemented
        Assert.Throws<ArgumentException>(() => Expr.Call(ExprKind.Erf, X, X));
    }

    [Fact]
    public void Derivative_is_two_over_root_pi_times_a_gaussian()
    {
        var d = Erf(X).Differentiate(X);
        var want = InfixReader.Parse("2*exp(-x^2)/sqrt(pi)").GetValueOrThrow().Substitute(Expr.Symbol("x"), X);
        Assert.Same(want, d);
        Assert.Equal("2*exp(-x^2)/sqrt(pi)", InfixPrinter.Print(d));

        // chain rule, checked numerically
        var f = Erf(Expr.Add(Expr.Mul(Expr.Integer(3), X), Expr.Rational(-1, 2)));
        var df = f.Differentiate(X);
        foreach (var x in new[] { -1.3, 0.1, 0.4, 1.2 })
        {
            double got = ReferenceEvaluator.Evaluate(df, new Dictionary<string, Complex> { ["x"] = x }).Real;
            double u = 3 * x - 0.5;
            double want2 = 6 / Math.Sqrt(Math.PI) * Math.Exp(-u * u);
            Assert.True(Math.Abs(got - want2) <= 1e-14 * Math.Abs(want2), $"at {x}: {got} vs {want2}");
        }
    }

    [Fact]
    public void Reads_and_prints_in_srepr_and_infix()
    {
        var fromSrepr = SreprReader.Parse("erf(Symbol('x'))").GetValueOrThrow();
        var fromInfix = InfixReader.Parse("erf(x)").GetValueOrThrow();
        Assert.Same(Erf(Expr.Symbol("x")), fromSrepr);
        Assert.Same(fromSrepr, fromInfix);
        Assert.Equal("erf(Symbol('x'))", SreprPrinter.Print(fromSrepr));
        Assert.Equal("erf(x)", InfixPrinter.Print(fromInfix));

        var nested = InfixReader.Parse("erf((9 - mu)/(sqrt(2)*s)) - erf(-x/2)").GetValueOrThrow();
        Assert.Same(nested, SreprReader.Parse(SreprPrinter.Print(nested)).GetValueOrThrow());
        Assert.Same(nested, InfixReader.Parse(InfixPrinter.Print(nested)).GetValueOrThrow());

        Assert.False(InfixReader.Parse("erf(x, y)").Success);
        Assert.False(SreprReader.Parse("erf()").Success);
    }

    // ------------------------------------------------------------------ compiled

    private static readonly double[] Xs = Enumerable.Range(0, 1401).Select(i => -7 + i / 100.0)
        .Concat([0.0, -0.0, 1e-300, -1e-300, 1e-10, 0.999999999, 1.000000001, 5.999, 6.0, 6.001, 30, -1e10]).ToArray();

    [Fact]
    public void Ir_interpreter_agrees_with_the_reference_evaluator()
    {
        var e = Expr.Add(Erf(X), Expr.Mul(Expr.Rational(1, 3), Erf(Expr.Mul(Expr.Integer(2), X))));
        var ir = ComplexExpansion.Expand(Lowering.Lower(e, new Dictionary<string, SymbolRole> { ["x"] = SymbolRole.Input }));
        Assert.Contains(ir.Instructions, i => i.Op == IrOp.Erf);
        foreach (var x in Xs)
        {
            var values = new Dictionary<string, Complex> { ["x"] = x };
            var (inputs, ps) = KernelTestSupport.Arguments(ir, values);
            var got = KernelTestSupport.Value(ir, IrInterpreter.Run(ir, inputs, ps));
            var want = ReferenceEvaluator.Evaluate(e, values);
            Assert.True(Complex.Abs(got - want) <= 1e-15 * Math.Max(1, Complex.Abs(want)), $"at {x}: {got} vs {want}");
        }
    }

    [Theory]
    [InlineData(3, true)]
    [InlineData(1000, false)]
    public void Compiled_kernel_agrees_with_the_reference_evaluator(int split, bool hoisting)
    {
        var mu = Expr.Symbol("mu", Assumptions.Real);
        var s = Expr.Symbol("s", Assumptions.Positive);
        // erf of an input, of a parameter-only expression (hoisted) and of a mixed argument
        var e = InfixReader.Parse("erf(x) + erf((9 - mu)/(sqrt(2)*s)) * erf((x - mu)/s)^2 - 3*erf(x^2/4)").GetValueOrThrow()
            .Substitute(Expr.Symbol("x"), X).Substitute(Expr.Symbol("mu"), mu).Substitute(Expr.Symbol("s"), s);
        var parameters = new List<ParameterSpec> { ParameterSpec.Real("mu", 1.3), ParameterSpec.Real("s", 0.8) };
        var f = Lambdify.Compile(e, ["x"], parameters, null, new LambdifyOptions { SplitSize = split, Hoisting = hoisting });
        var sample = new EventSample([new("x", Xs)]);
        var re = new double[Xs.Length];
        var im = new double[Xs.Length];
        f.Evaluate(sample, re, im);
        double worst = 0;
        for (int i = 0; i < Xs.Length; i++)
        {
            var want = ReferenceEvaluator.Evaluate(e, new Dictionary<string, Complex> { ["x"] = Xs[i], ["mu"] = 1.3, ["s"] = 0.8 });
            double dev = Complex.Abs(new Complex(re[i], im[i]) - want) / Math.Max(1, Complex.Abs(want));
            worst = Math.Max(worst, dev);
            Assert.True(dev <= 1e-14, $"at x = {Xs[i]:R}: cpu {re[i]:R} + {im[i]:R}i, reference {want}");
        }
        output.WriteLine($"split {split}, hoisting {hoisting}: max deviation {worst:E2}");
    }

    [Fact]
    public void Erf_of_a_complex_argument_is_not_compiled()
    {
        var c = Expr.Symbol("c");
        var ex = Assert.Throws<UnsupportedExpressionException>(() =>
            Lambdify.Compile(Expr.Mul(X, Erf(c)), ["x"], [ParameterSpec.ComplexValued("c", new Complex(0.5, 0.1))]));
        Assert.Contains("erf", ex.Message);
    }

    [Fact]
    public void Gradient_of_a_truncated_gaussian_agrees_with_the_symbolic_derivative_and_differences()
    {
        // A Gaussian normalised on [1, 9]: the usual place erf shows up in a fit model.
        var e = InfixReader.Parse("ns*exp(-(x - mu)^2/(2*s^2))/(erf((9 - mu)/(sqrt(2)*s)) - erf((1 - mu)/(sqrt(2)*s)))").GetValueOrThrow();
        var parameters = new List<ParameterSpec> { ParameterSpec.Real("ns", 2.5), ParameterSpec.Real("mu", 4.2), ParameterSpec.Real("s", 1.7) };
        var xs = Enumerable.Range(0, 37).Select(i => 1 + i * (8.0 / 36)).ToArray();
        var sample = new EventSample([new("x", xs)]);
        var cpu = Lambdify.Compile(e, ["x"], parameters);
        var reference = Lambdify.Compile(e, ["x"], parameters, null, new LambdifyOptions { Backend = Backend.Reference });
        int n = xs.Length, g = cpu.GradientParameters.Count;
        Assert.Equal(3, g);
        var v = new double[n]; var grad = Enumerable.Range(0, g).Select(_ => new double[n]).ToArray();
        var rv = new double[n]; var rgrad = Enumerable.Range(0, g).Select(_ => new double[n]).ToArray();
        cpu.EvaluateWithGradient(sample, v, grad);
        reference.EvaluateWithGradient(sample, rv, rgrad);
        for (int k = 0; k < g; k++)
        {
            var name = cpu.GradientParameters[k];
            double original = cpu.Parameters.Single(p => p.Name == name).Value.Real;
            double h = 1e-6 * Math.Max(1, Math.Abs(original));
            var up = new double[n]; var down = new double[n];
            cpu.SetParameter(name, original + h); cpu.Evaluate(sample, up);
            cpu.SetParameter(name, original - h); cpu.Evaluate(sample, down);
            cpu.SetParameter(name, original);
            for (int i = 0; i < n; i++)
            {
                Assert.True(Math.Abs(v[i] - rv[i]) <= 1e-14 * Math.Max(1, Math.Abs(rv[i])), $"value at x={xs[i]}: {v[i]} vs {rv[i]}");
                double scale = Math.Max(1, Math.Abs(rgrad[k][i]));
                Assert.True(Math.Abs(grad[k][i] - rgrad[k][i]) <= 1e-12 * scale, $"d/d{name} at x={xs[i]}: cpu {grad[k][i]}, symbolic {rgrad[k][i]}");
                double fd = (up[i] - down[i]) / (2 * h);
                Assert.True(Math.Abs(grad[k][i] - fd) <= 1e-7 * Math.Max(1, Math.Abs(fd)), $"d/d{name} at x={xs[i]}: cpu {grad[k][i]}, difference {fd}");
            }
        }
    }
}
