using PartialWave.Compilation;

namespace PartialWave.Engine.Tests.Compiler.Compilation;

/// <summary>Which parameter-free values the hoisting caches and which the parameter kernel recomputes.</summary>
public class HoistingTests
{
    private static void AgreesWithTheWholeKernel(KernelIR ir, Hoisting.Result r)
    {
        var rng = new Random(3);
        for (int k = 0; k < 200; k++)
        {
            var inputs = ir.Inputs.Select(_ => rng.NextDouble() * 4 - 2).ToArray();
            var parameters = ir.Parameters.Select(_ => rng.NextDouble() * 4 - 2).ToArray();
            double whole = IrInterpreter.Run(ir, inputs, parameters)[0].Real;
            var cached = IrInterpreter.Run(r.Data!, inputs, []).Select(c => c.Real);
            double hoisted = IrInterpreter.Run(r.Parameters, inputs.Concat(cached).ToArray(), parameters)[0].Real;
            Assert.Equal(whole, hoisted, 1e-14 * Math.Max(1, Math.Abs(whole)));
        }
    }

    private static int Sum(IrBuilder b, params int[] terms) => terms.Aggregate((a, t) => b.Emit(IrOp.Add, a, t));

    [Fact]
    public void A_cheap_product_of_a_cached_value_or_of_data_the_kernel_reads_is_recomputed_not_cached()
    {
        var b = new IrBuilder(["x", "y"], ["p", "q", "r"]);
        int x = b.Input(0), y = b.Input(1), p = b.Param(0), q = b.Param(1), r = b.Param(2);
        int c = b.Emit(IrOp.Cos, x);                         // cached
        int threeC = b.Emit(IrOp.Mul, b.Const(3), c);        // recomputed from the cached cos x
        int twoY = b.Emit(IrOp.Mul, b.Const(2), y);          // recomputed: the kernel reads y anyway (p·y)
        int xx = b.Emit(IrOp.Mul, x, x);                     // cached: x is not read otherwise
        int sc = b.Emit(IrOp.Mul, b.Emit(IrOp.Sin, x), c);   // cached: sin x is not a column
        b.AddOutput("value", Sum(b, b.Emit(IrOp.Mul, p, c), b.Emit(IrOp.Mul, q, threeC), b.Emit(IrOp.Mul, r, twoY),
            b.Emit(IrOp.Mul, p, y), b.Emit(IrOp.Mul, q, xx), b.Emit(IrOp.Mul, r, sc)));
        var ir = b.Build();
        var result = Hoisting.Run(ir);
        Assert.Equal(3, result.Data!.Outputs.Count); // cos x, x², sin x · cos x
        AgreesWithTheWholeKernel(ir, result);
    }

    [Fact]
    public void Recomputed_chains_stop_at_two_operations()
    {
        var b = new IrBuilder(["x"], ["p", "q", "r"]);
        int x = b.Input(0);
        int c = b.Emit(IrOp.Exp, x);
        int a1 = b.Emit(IrOp.Mul, c, c), a2 = b.Emit(IrOp.Add, a1, c), a3 = b.Emit(IrOp.Mul, a2, c);
        b.AddOutput("value", Sum(b, b.Emit(IrOp.Mul, b.Param(0), c), b.Emit(IrOp.Mul, b.Param(1), a1), b.Emit(IrOp.Mul, b.Param(2), a2),
            b.Emit(IrOp.Mul, b.Param(0), a3)));
        var ir = b.Build();
        var result = Hoisting.Run(ir);
        Assert.Equal(2, result.Data!.Outputs.Count); // eˣ and (e²ˣ + eˣ)·eˣ; e²ˣ and e²ˣ + eˣ recomputed from eˣ
        AgreesWithTheWholeKernel(ir, result);
    }
}
