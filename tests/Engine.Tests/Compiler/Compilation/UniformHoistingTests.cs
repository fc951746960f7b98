using System.Numerics;
using PartialWave.Compilation;
using PartialWave.Data;
using PartialWave.Engine.Tests.Fitting.Estimation;

namespace PartialWave.Engine.Tests.Compiler.Compilation;

public class UniformHoistingTests
{
    private const string Model = "n*exp(-(x - m)**2/(2*s**2))/(sqrt(2*pi)*s*(erf((9 - m)/(sqrt(2)*s)) - erf((1 - m)/(sqrt(2)*s)))/2)";

    private static IParametrizedFunction Compile(Backend backend) => Lambdify.Compile(EstimatorTests.Parse(Model), ["x"],
        [ParameterSpec.Real("n", 3), ParameterSpec.Real("m", 5), ParameterSpec.Real("s", 0.7)], null, new LambdifyOptions { Backend = backend });

    [Fact]
    public void Parameter_only_work_leaves_the_event_loop()
    {
        var cpu = (PartialWave.Backends.Cpu.CpuFunction)Compile(Backend.Cpu);
        // Per event: x − m, its square, a product, exp, a product. The erf normalisation is computed once.
        Assert.InRange(cpu.OperationsPerEvent, 1, 8);
    }

    [Fact]
    public void Values_and_gradients_follow_parameter_changes()
    {
        var cpu = Compile(Backend.Cpu);
        var reference = Compile(Backend.Reference);
        var sample = EstimatorTests.Uniform(300, 9, "x");
        var xs = sample["x"].ToArray().Select(v => 1 + 8 * v).ToArray();
        sample = new EventSample([new("x", xs)]);
        foreach (var (m, s) in new[] { (5.0, 0.7), (4.0, 1.3), (6.5, 0.4) })
        {
            foreach (var f in new[] { cpu, reference })
            {
                f.SetParameter("m", m);
                f.SetParameter("s", s);
            }
            var a = new double[300];
            var b = new double[300];
            cpu.Evaluate(sample, a);
            reference.Evaluate(sample, b, new double[300]);
            for (int i = 0; i < 300; i++) Assert.Equal(b[i], a[i], 1e-12 * Math.Max(1, Math.Abs(b[i])));
            var gc = cpu.SumLog(sample, default, true);
            var gr = reference.SumLog(sample, default, true);
            Assert.Equal(gr.Value, gc.Value, 1e-10 * Math.Abs(gr.Value));
            for (int k = 0; k < 3; k++) Assert.Equal(gr.Gradient![k], gc.Gradient![k], 1e-9 * Math.Max(1, Math.Abs(gr.Gradient[k])));
        }
    }

    [Fact]
    public void A_summed_gradient_takes_the_chain_through_parameter_only_values_once_per_call()
    {
        var prepared = Pipeline.Prepare(EstimatorTests.Parse(Model), ["x"],
            [ParameterSpec.Real("n", 3), ParameterSpec.Real("m", 5), ParameterSpec.Real("s", 0.7)], null, new KernelOptions());
        var variants = new PartialWave.Compilation.KernelVariants(prepared.Data, prepared.Main, LambdifyOptions.DefaultSplitSize);
        var summed = variants.Layout(PartialWave.Compilation.KernelRole.SumGradient)!;
        var perEvent = variants.Layout(PartialWave.Compilation.KernelRole.Gradient)!;
        Assert.NotNull(summed.Epilogue);
        Assert.Null(perEvent.Epilogue);
        // Per event, the summed kernel stops at the normalisation and the other parameter-only values; the
        // per-event gradient kernel carries every adjoint on to n, m and s for each event.
        Assert.True(summed.IR.OperationCount < perEvent.IR.OperationCount,
            $"summed gradient {summed.IR.OperationCount} operations per event, per-event gradient {perEvent.IR.OperationCount}");
    }

    [Fact]
    public void The_prelude_holds_what_depends_on_parameters_alone()
    {
        var b = new IrBuilder(["x"], ["a", "b"]);
        int x = b.Input(0), pa = b.Param(0), pb = b.Param(1);
        int ab = b.Emit(IrOp.Mul, pa, pb);
        int e = b.Emit(IrOp.Exp, ab);
        b.AddOutput("value", b.Emit(IrOp.Add, b.Emit(IrOp.Mul, x, e), pa));
        var (prelude, main) = UniformHoisting.Run(b.Build());
        Assert.NotNull(prelude);
        Assert.Equal(["a", "b", "#uniform0"], main.Parameters);
        Assert.Equal(2, prelude!.OperationCount); // a·b and its exp
        Assert.Equal(2, main.OperationCount);     // x·u and + a
        var whole = IrInterpreter.Run(b.Build(), [2.0], [0.3, 0.5])[0].Real;
        var u = IrInterpreter.Run(prelude, [], [0.3, 0.5])[0].Real;
        Assert.Equal(whole, IrInterpreter.Run(main, [2.0], [0.3, 0.5, u])[0].Real, 1e-15);
    }
}
