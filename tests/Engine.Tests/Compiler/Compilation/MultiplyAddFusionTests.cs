using PartialWave.Compilation;
using PartialWave.Parsing;
using PartialWave.Engine.Tests.Gpu;
using PartialWave.Engine.Tests.Runtime.Backends;

namespace PartialWave.Engine.Tests.Compiler.Compilation;

public class MultiplyAddFusionTests
{
    private static int Count(KernelIR ir, IrOp op) => ir.Instructions.Count(i => i.Op == op);

    [Fact]
    public void A_product_read_only_by_a_sum_or_difference_becomes_one_fused_operation()
    {
        var b = new IrBuilder(["x", "y", "z"], []);
        int x = b.Input(0), y = b.Input(1), z = b.Input(2);
        b.AddOutput("sum", b.Emit(IrOp.Add, b.Emit(IrOp.Mul, x, y), z));
        b.AddOutput("difference", b.Emit(IrOp.Sub, b.Emit(IrOp.Mul, x, z), y));
        b.AddOutput("negated", b.Emit(IrOp.Sub, z, b.Emit(IrOp.Mul, y, y)));
        // Read twice: stays a product (fusing would compute it twice).
        int shared = b.Emit(IrOp.Mul, y, z);
        b.AddOutput("shared", b.Emit(IrOp.Add, shared, x));
        b.AddOutput("product", shared);
        var ir = b.Build();

        var fused = MultiplyAddFusion.Run(ir);
        Assert.Equal(1, Count(fused, IrOp.MulAdd));
        Assert.Equal(1, Count(fused, IrOp.MulSub));
        Assert.Equal(1, Count(fused, IrOp.NegMulAdd));
        Assert.Equal(1, Count(fused, IrOp.Mul));
        Assert.Equal(1, Count(fused, IrOp.Add));

        // x·y + z with x·y = 1 − 2⁻⁶⁰ and z = −1: one rounding keeps −2⁻⁶⁰, two lose it.
        double[] inputs = [1 + Math.Pow(2, -30), 1 - Math.Pow(2, -30), -1];
        var values = IrInterpreter.Run(fused, inputs, []).Select(v => v.Real).ToArray();
        Assert.Equal(-Math.Pow(2, -60), values[0]);
        Assert.Equal(0.0, IrInterpreter.Run(ir, inputs, [])[0].Real);
        Assert.Equal(Math.FusedMultiplyAdd(inputs[0], inputs[2], -inputs[1]), values[1]);
        Assert.Equal(Math.FusedMultiplyAdd(-inputs[1], inputs[1], inputs[2]), values[2]);
    }

    public static TheoryData<string> Backends => ["cpu", "gpu"];

    [Theory]
    [MemberData(nameof(Backends))]
    public void Compiled_kernels_round_a_fused_operation_once(string backend)
    {
        var e = InfixReader.Parse("x*y - 1").GetValueOrThrow();
        double[] x = [1 + Math.Pow(2, -30), 3, -0.5, 0.1];
        double[] y = [1 - Math.Pow(2, -30), 1.0 / 3, 2, 10];
        var sample = new PartialWave.Data.EventSample([new("x", x), new("y", y)]);
        foreach (var hoisting in new[] { true, false })
        {
            var options = backend == "gpu" ? GpuBackendTests.Gpu(hoisting: hoisting) : new LambdifyOptions { Hoisting = hoisting };
            var f = Lambdify.Compile(e, ["x", "y"], [], null, options);
            var values = new double[x.Length];
            f.Evaluate(sample, values);
            for (int i = 0; i < x.Length; i++)
                Assert.Equal(BitConverter.DoubleToInt64Bits(Math.FusedMultiplyAdd(x[i], y[i], -1)), BitConverter.DoubleToInt64Bits(values[i]));
            Assert.Equal(-Math.Pow(2, -60), values[0]); // two roundings would give 0
            f.Dispose();
        }
    }

    [Fact]
    public void Gradients_of_fused_operations_carry_their_signs()
    {
        // p·x + q, p·x − q and q − p·x: d/dp = ±x, d/dq = ±1.
        var sample = new PartialWave.Data.EventSample([new("x", [0.5, -2, 3])]);
        foreach (var (text, sp, sq) in new[] { ("p*x + q", 1, 1), ("p*x - q", 1, -1), ("q - p*x", -1, 1) })
        {
            var f = Lambdify.Compile(InfixReader.Parse(text).GetValueOrThrow(), ["x"], [ParameterSpec.Real("p", 1.5), ParameterSpec.Real("q", -0.25)], null,
                new LambdifyOptions { Hoisting = false });
            var value = new double[3];
            var gradient = new[] { new double[3], new double[3] };
            f.EvaluateWithGradient(sample, value, gradient);
            var x = sample.Column("x");
            for (int i = 0; i < 3; i++)
            {
                Assert.Equal(sp * x[i], gradient[0][i]);
                Assert.Equal(sq, gradient[1][i]);
            }
            f.Dispose();
        }
    }

    [SkippableFact]
    public void The_value_computed_beside_a_gradient_is_the_value_computed_alone_bit_for_bit()
    {
        foreach (var model in new[] { "jpsi_gamma_pi0pi0", "lc2pkpi_default_full" })
        {
            var c = CompiledBackendTests.LoadModel(model, repeat: 2);
            var f = Lambdify.Compile(c.Expression, c.Inputs, c.Parameters, null, new LambdifyOptions());
            Assert.Equal(BitConverter.DoubleToInt64Bits(f.SumLog(c.Sample).Value),
                BitConverter.DoubleToInt64Bits(f.SumLog(c.Sample, withGradient: true).Value));
            Assert.Equal(BitConverter.DoubleToInt64Bits(f.Sum(c.Sample).Value),
                BitConverter.DoubleToInt64Bits(f.Sum(c.Sample, withGradient: true).Value));
            var alone = new double[c.Sample.Count];
            var beside = new double[c.Sample.Count];
            f.Evaluate(c.Sample, alone);
            f.EvaluateWithGradient(c.Sample, beside, f.GradientParameters.Select(_ => new double[c.Sample.Count]).ToArray());
            Assert.Equal(alone.Select(BitConverter.DoubleToInt64Bits), beside.Select(BitConverter.DoubleToInt64Bits));
            f.Dispose();
        }
    }
}
