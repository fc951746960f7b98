using PartialWave.Compilation;
using PartialWave.Data;
using PartialWave.Engine.Tests.Runtime.Backends;

namespace PartialWave.Engine.Tests.Compiler.Compilation;

public class FactorFoldingTests
{
    // value = f·((p·B1 + q·B2)² + (r·B1)²) with data-only f, B1, B2 and parameters p, q, r; f from `factor`.
    private static KernelIR Intensity(Func<IrBuilder, int, int, int> factor, bool extraUseOfB1 = false, bool cubic = false)
    {
        var b = new IrBuilder(["x", "y"], ["p", "q", "r"]);
        int x = b.Input(0), y = b.Input(1);
        int f = factor(b, x, y);
        int b1 = b.Emit(IrOp.Sin, x), b2 = b.Emit(IrOp.Cos, b.Emit(IrOp.Mul, x, y));
        int re = b.Emit(IrOp.Add, b.Emit(IrOp.Mul, b.Param(0), b1), b.Emit(IrOp.Mul, b.Param(1), b2));
        int im = b.Emit(IrOp.Mul, b.Param(2), b1);
        int q = b.Emit(IrOp.Add, b.Emit(IrOp.Mul, re, re), b.Emit(IrOp.Mul, im, im));
        if (cubic) q = b.Emit(IrOp.Mul, q, re);
        b.AddOutput("value", b.Emit(IrOp.Mul, f, q));
        if (extraUseOfB1) b.AddOutput("other", b.Emit(IrOp.Mul, b1, b.Param(0)));
        return b.Build();
    }

    private static int Squares(IrBuilder b, int x, int y) =>
        b.Emit(IrOp.Add, b.Emit(IrOp.Mul, x, x), b.Emit(IrOp.Abs, b.Emit(IrOp.Sub, x, y)));

    private static double Hoisted(Hoisting.Result r, double[] inputs, double[] parameters)
    {
        var cached = IrInterpreter.Run(r.Data!, inputs, []).Select(c => c.Real);
        return IrInterpreter.Run(r.Parameters, inputs.Concat(cached).ToArray(), parameters)[0].Real;
    }

    [Fact]
    public void A_non_negative_factor_of_a_quadratic_form_is_folded_into_its_columns()
    {
        var ir = Intensity(Squares);
        var r = Hoisting.Run(ir);
        Assert.Equal(2, r.Data!.Outputs.Count); // √f·B1 and √f·B2, not B1, B2 and f
        var rng = new Random(5);
        for (int k = 0; k < 200; k++)
        {
            double[] inputs = [rng.NextDouble() * 6 - 3, rng.NextDouble() * 6 - 3];
            double[] parameters = [rng.NextDouble() * 4 - 2, rng.NextDouble() * 4 - 2, rng.NextDouble() * 4 - 2];
            double whole = IrInterpreter.Run(ir, inputs, parameters)[0].Real;
            Assert.Equal(whole, Hoisted(r, inputs, parameters), 1e-14 * Math.Max(1, Math.Abs(whole)));
        }
    }

    [Fact]
    public void Nothing_is_folded_when_the_factor_may_be_negative_a_column_is_read_elsewhere_or_the_form_is_not_quadratic()
    {
        Assert.Equal(3, Hoisting.Run(Intensity((b, x, y) => b.Emit(IrOp.Sub, x, y))).Data!.Outputs.Count);
        // √(x − y) is −0 at x = y: not provably non-negative in the folding's sense.
        Assert.Equal(3, Hoisting.Run(Intensity((b, x, y) => b.Emit(IrOp.Sqrt, b.Emit(IrOp.Sub, x, y)))).Data!.Outputs.Count);
        Assert.Equal(3, Hoisting.Run(Intensity(Squares, extraUseOfB1: true)).Data!.Outputs.Count);
        Assert.Equal(3, Hoisting.Run(Intensity(Squares, cubic: true)).Data!.Outputs.Count);
    }

    [SkippableFact]
    public void The_jpsi_intensity_with_free_couplings_reads_twelve_columns_and_agrees_with_sympy()
    {
        var c = CompiledBackendTests.LoadModel("jpsi_gamma_pi0pi0", repeat: 2);
        var couplings = c.Parameters.Where(p => p.Name.StartsWith("C_", StringComparison.Ordinal)).ToList();
        var fixedValues = c.Parameters.Where(p => !couplings.Contains(p)).ToDictionary(p => p.Name, p => p.Value);
        var prepared = Pipeline.Prepare(c.Expression, c.Inputs, couplings, fixedValues, new KernelOptions());
        // Six complex Breit–Wigner terms scaled by the square root of the angular factor.
        Assert.Equal(12, prepared.Data!.Outputs.Count);
        var f = Lambdify.Compile(c.Expression, c.Inputs, couplings, fixedValues, new LambdifyOptions());
        var values = new double[c.Sample.Count];
        f.Evaluate(c.Sample, values);
        for (int i = 0; i < values.Length; i++)
            Assert.True(PartialWave.Modeling.ReferencePoints.RelativeDeviation(values[i], c.Expected[i]) <= 1e-12,
                $"event {i}: {values[i]} vs {c.Expected[i]}");
    }
}
