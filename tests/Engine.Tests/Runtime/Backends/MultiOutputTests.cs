using System.Numerics;
using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using PartialWave.Data;
using PartialWave.Numerics;
using PartialWave.Parsing;
using PartialWave.Symbolic;

namespace PartialWave.Engine.Tests.Runtime.Backends;

/// <summary>Kernels with several outputs (issue 21): shared work, the same bits as one kernel per output.</summary>
public class MultiOutputTests
{
    private static (Expr Value, double X, double SympyValue, double SympyDerivative) Hydrogen()
    {
        var lines = File.ReadAllLines(SharedData.ReferenceModel("sympy_small.srepr.jsonl")).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var value = lines.Single(l => l.GetProperty("name").GetString() == "hydrogen_R_nl_6_2_x_Z6");
        var derivative = lines.Single(l => l.GetProperty("name").GetString() == "hydrogen_R_nl_6_2_x_Z6_diff_x");
        return (SreprReader.Parse(value.GetProperty("srepr").GetString()!).GetValueOrThrow(), value.GetProperty("symbols").GetProperty("x").GetDouble(),
            value.GetProperty("value")[0].GetDouble(), derivative.GetProperty("value")[0].GetDouble());
    }

    [SkippableFact]
    public void Hydrogen_value_and_derivative_take_at_most_15_operations_and_equal_sympys()
    {
        var (e, x0, value, derivative) = Hydrogen();
        using var f = Lambdify.CompileOutputs(Lambdify.WithDerivatives(e, "x"), ["x"], [], null, new LambdifyOptions { Hoisting = false }, out var stats);
        // SymPy alone 27, Theano 24, SymPy simplification + Theano 17 (the issue's comparison).
        Assert.InRange(stats.OperationsPerEvent, 1, 15);
        Assert.Equal(["value", "d value/d x"], f.OutputNames);
        var xs = new[] { x0 }.Concat(Enumerable.Range(0, 200).Select(i => 0.05 * i)).ToArray();
        var outputs = new[] { new double[xs.Length], new double[xs.Length] };
        f.EvaluateOutputs(new EventSample([new("x", xs)]), outputs);
        Assert.Equal(value, outputs[0][0], 1e-12 * Math.Abs(value));
        Assert.Equal(derivative, outputs[1][0], 1e-12 * Math.Abs(derivative));
        // Everywhere on [0, 10], against the exact evaluator of the expression and of its symbolic derivative.
        var exact = new ReferenceEvaluator(e);
        var exactDerivative = new ReferenceEvaluator(e.Differentiate(e.Distinct().OfType<Symbol>().Single()));
        double scale = xs.Max(x => Math.Abs(exact.Evaluate(new Dictionary<string, Complex> { ["x"] = x }).Real));
        for (int i = 0; i < xs.Length; i++)
        {
            var at = new Dictionary<string, Complex> { ["x"] = xs[i] };
            Assert.Equal(exact.Evaluate(at).Real, outputs[0][i], 1e-12 * scale);
            Assert.Equal(exactDerivative.Evaluate(at).Real, outputs[1][i], 1e-12 * scale);
        }
    }

    [Fact]
    public void Several_outputs_are_the_same_bits_as_one_kernel_each()
    {
        var gen = Gen.Sized(s => CpuGradientProperties.Smooth(Math.Min(s, 8))).Select(e => Expr.Pow(Expr.Call(ExprKind.Abs, e), Expr.Integer(2)));
        var xs = Gen.Choose(-200, 200).Select(i => i / 100.0);
        var three = Gen.Zip(Gen.Zip(gen, gen), gen).Select(t => new[] { t.Item1.Item1, t.Item1.Item2, t.Item2 });
        Prop.ForAll(three.ToArbitrary(), xs.ToArbitrary(), (t, x0) =>
        {
            var (e1, e2, e3) = (t[0], t[1], t[2]);
            var parameters = new List<ParameterSpec> { ParameterSpec.Real("a", 0.7), ParameterSpec.ComplexValued("c", new Complex(0.4, -0.3)) };
            // Every output gets every symbol, so the roles are the same for all.
            Expr Full(Expr e) => Expr.Add(e, Expr.Mul(Expr.Float(1e-3), Expr.Add(Expr.Symbol("x", Assumptions.Real), Expr.Symbol("a", Assumptions.Real),
                Expr.Pow(Expr.Call(ExprKind.Abs, Expr.Symbol("c")), Expr.Integer(2)))));
            var outputs = new List<(string, Expr)> { ("value", Full(e1)), ("b", Full(e2)), ("c", Full(e3)) };
            var sample = new EventSample([new("x", Enumerable.Range(0, 37).Select(i => x0 + 0.1 * i).ToArray())]);
            using var multi = Lambdify.CompileOutputs(outputs, ["x"], parameters);
            var got = outputs.Select(_ => new double[sample.Count]).ToArray();
            multi.EvaluateOutputs(sample, got);
            var first = new double[sample.Count];
            multi.Evaluate(sample, first);
            for (int k = 0; k < outputs.Count; k++)
            {
                using var single = Lambdify.Compile(outputs[k].Item2, ["x"], parameters);
                var expected = new double[sample.Count];
                single.Evaluate(sample, expected);
                for (int i = 0; i < sample.Count; i++)
                {
                    if (BitConverter.DoubleToInt64Bits(expected[i]) != BitConverter.DoubleToInt64Bits(got[k][i]) && !(double.IsNaN(expected[i]) && double.IsNaN(got[k][i])))
                        return false.Label($"output {outputs[k].Item1} = {outputs[k].Item2} at x = {sample["x"][i]}: one kernel each {expected[i]:R}, together {got[k][i]:R}");
                    if (k == 0 && BitConverter.DoubleToInt64Bits(first[i]) != BitConverter.DoubleToInt64Bits(got[0][i]) && !double.IsNaN(first[i]))
                        return false.Label($"Evaluate of the multi-output kernel {first[i]:R} differs from its value output {got[0][i]:R}");
                }
            }
            return true.ToProperty();
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(60).WithReplay(
            Microsoft.FSharp.Core.FSharpOption<Replay>.Some(new Replay(new Rnd(CpuGradientProperties.Seed), Microsoft.FSharp.Core.FSharpOption<int>.None))));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void On_the_gpu_backend_several_outputs_are_the_same_bits_as_one_kernel_each(bool hoisting)
    {
        // ILGPU's CPU accelerator runs the GPU kernels (the same code a device runs) where there is no GPU.
        var options = new LambdifyOptions { Backend = Backend.Gpu, Device = GpuDevice.CpuAccelerator, Hoisting = hoisting };
        var x = Expr.Symbol("x", Assumptions.Real);
        var c = Expr.Symbol("c");
        var a = Expr.Symbol("a", Assumptions.Real);
        // An amplitude of two interfering terms: the total and each term alone, as fit fractions need them.
        var first = Expr.Mul(c, Expr.Call(ExprKind.Exp, Expr.Mul(Expr.Rational(-1, 2), Expr.Pow(Expr.Add(x, Expr.Mul(Expr.MinusOne, a)), Expr.Integer(2)))));
        var second = Expr.Pow(Expr.Add(Expr.Integer(1), Expr.Mul(x, x)), Expr.MinusOne);
        Expr Intensity(Expr e) => Expr.Pow(Expr.Call(ExprKind.Abs, e), Expr.Integer(2));
        var outputs = new List<(string, Expr)> { ("value", Intensity(Expr.Add(first, second))), ("first", Intensity(first)), ("second", Expr.Add(Intensity(second), Expr.Mul(Expr.Integer(0), a, c))) };
        var parameters = new List<ParameterSpec> { ParameterSpec.Real("a", 0.3), ParameterSpec.ComplexValued("c", new Complex(0.8, -0.4)) };
        var sample = new EventSample([new("x", Enumerable.Range(0, 1000).Select(i => -3 + 0.006 * i).ToArray())]);
        using var multi = Lambdify.CompileOutputs(outputs, ["x"], parameters, null, options);
        var got = outputs.Select(_ => new double[sample.Count]).ToArray();
        multi.EvaluateOutputs(sample, got);
        using var cpu = Lambdify.CompileOutputs(outputs, ["x"], parameters, null, options with { Backend = Backend.Cpu });
        var onCpu = outputs.Select(_ => new double[sample.Count]).ToArray();
        cpu.EvaluateOutputs(sample, onCpu);
        for (int k = 0; k < outputs.Count; k++)
        {
            using var single = Lambdify.Compile(outputs[k].Item2, ["x"], parameters, null, options);
            var expected = new double[sample.Count];
            single.Evaluate(sample, expected);
            Assert.Equal(expected, got[k]);
            // The GPU's exp is its own: the backends agree to roundings.
            for (int i = 0; i < sample.Count; i++) Assert.Equal(onCpu[k][i], got[k][i], 1e-14 * Math.Max(1, Math.Abs(onCpu[k][i])));
        }
    }

    [Fact]
    public void Shared_work_is_computed_once_and_bad_requests_are_refused()
    {
        var x = Expr.Symbol("x", Assumptions.Real);
        var heavy = Expr.Call(ExprKind.Exp, Expr.Call(ExprKind.Sin, x));
        Lambdify.Compile(heavy, ["x"], [], null, new LambdifyOptions { Hoisting = false }, out var one).Dispose();
        Lambdify.CompileOutputs([("value", heavy), ("twice", Expr.Mul(Expr.Integer(2), heavy))], ["x"], [], null, new LambdifyOptions { Hoisting = false }, out var two).Dispose();
        Assert.Equal(one.OperationsPerEvent + 1, two.OperationsPerEvent); // sin and exp once, one more multiplication
        Assert.Contains("\"value\"", Assert.Throws<ArgumentException>(() => Lambdify.CompileOutputs([("b", heavy)], ["x"], [])).Message);
        Assert.Contains("twice", Assert.Throws<ArgumentException>(() => Lambdify.CompileOutputs([("value", heavy), ("value", heavy)], ["x"], [])).Message);
        Assert.Contains("no symbol 'y'", Assert.Throws<ArgumentException>(() => Lambdify.WithDerivatives(heavy, "y")).Message);
        Assert.Throws<NotSupportedException>(() => Lambdify.CompileOutputs([("value", heavy)], ["x"], [], null, new LambdifyOptions { Backend = Backend.Reference }));
    }
}
