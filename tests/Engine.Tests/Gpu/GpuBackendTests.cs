using PartialWave.Data;
using PartialWave.Symbolic;
using Xunit.Abstractions;
using PartialWave.Backends.Gpu;
using PartialWave.Engine.Tests.Core.Numerics;
using PartialWave.Engine.Tests.Runtime.Backends;

namespace PartialWave.Engine.Tests.Gpu;

/// <summary>
/// The GPU backend through the suite every backend passes, on ILGPU's CPU accelerator (CI has no GPU; on a machine
/// with one, <see cref="GpuDevice.Auto"/> would pick it, and these run the same kernels there).
/// </summary>
public class GpuBackendTests(ITestOutputHelper output) : CompiledBackendTests(output)
{
    private readonly ITestOutputHelper _output = output;

    internal static LambdifyOptions Gpu(int split = LambdifyOptions.DefaultSplitSize, bool hoisting = true, long? memory = null) =>
        new() { Backend = Backend.Gpu, Device = GpuDevice.CpuAccelerator, SplitSize = split, Hoisting = hoisting, GpuMemoryLimit = memory };

    protected override LambdifyOptions Options(int split, bool hoisting) => Gpu(split, hoisting);

    // Split 64 gives every model several segments (values crossing kernels through device memory).
    protected override IEnumerable<(int Split, bool Hoisting)> Layouts => [(64, true), (LambdifyOptions.DefaultSplitSize, true), (1_000_000, false)];

    // 120 kB of device memory: the 9,000-event sample no longer fits, so it is streamed in windows of 256 events and
    // each launch covers one block; the sums must still be the same bits as with the whole sample resident.
    protected override (LambdifyOptions A, LambdifyOptions B, string What) SameBits =>
        (Gpu(), Gpu(memory: 120_000), "the whole sample on the device against windows of 256 events streamed per call");

    [SkippableFact]
    public void Repeated_sums_give_the_same_bits_and_parameters_are_the_only_upload()
    {
        var c = LoadModel("jpsi_gamma_pi0pi0", repeat: 100);
        var f = Lambdify.Compile(c.Expression, c.Inputs, c.Parameters, null, Gpu());
        var first = f.SumLog(c.Sample, default, withGradient: true);
        var p = c.Parameters[0];
        f.SetParameter(p.Name, p.Value * 1.1);
        var moved = f.SumLog(c.Sample, default, withGradient: true);
        Assert.NotEqual(first.Value, moved.Value);
        f.SetParameter(p.Name, p.Value);
        var again = f.SumLog(c.Sample, default, withGradient: true);
        Assert.Equal(BitConverter.DoubleToInt64Bits(first.Value), BitConverter.DoubleToInt64Bits(again.Value));
        Assert.Equal(first.Gradient!.Select(BitConverter.DoubleToInt64Bits), again.Gradient!.Select(BitConverter.DoubleToInt64Bits));
    }

    [SkippableFact]
    public void Weighted_sums_match_the_cpu_backend()
    {
        var c = LoadModel("jpsi_gamma_pi0pi0_f0f2_canonical", repeat: 50);
        var gpu = Lambdify.Compile(c.Expression, c.Inputs, c.Parameters, null, Gpu());
        var cpu = Lambdify.Compile(c.Expression, c.Inputs, c.Parameters);
        var weights = Enumerable.Range(0, c.Sample.Count).Select(i => i % 5 == 0 ? 0.0 : 0.25 * (i % 7)).ToArray();
        foreach (var log in new[] { true, false })
        {
            var g = log ? gpu.SumLog(c.Sample, weights, true) : gpu.Sum(c.Sample, weights, true);
            var r = log ? cpu.SumLog(c.Sample, weights, true) : cpu.Sum(c.Sample, weights, true);
            Assert.Equal(r.Value, g.Value, 1e-12 * Math.Abs(r.Value));
            for (int k = 0; k < r.Gradient!.Length; k++)
                Assert.True(Math.Abs(r.Gradient[k] - g.Gradient![k]) <= 1e-11 * Math.Max(1, Math.Abs(r.Gradient[k])), $"{gpu.GradientParameters[k]}: {g.Gradient[k]} vs {r.Gradient[k]}");
        }
        // the weights changed between calls: the device copy must follow
        var unweighted = gpu.SumLog(c.Sample);
        Assert.Equal(cpu.SumLog(c.Sample).Value, unweighted.Value, 1e-12 * Math.Abs(unweighted.Value));
    }

    [SkippableTheory]
    [MemberData(nameof(ReferenceModelTests.BigModels), MemberType = typeof(ReferenceModelTests))]
    public void Every_kernel_of_the_reference_models_compiles_to_ptx(string model)
    {
        var c = LoadModel(model);
        var report = PartialWave.Backends.Gpu.Ptx.Compile(c.Expression, c.Inputs, c.Parameters);
        _output.WriteLine($"{model}: {report}");
        Assert.True(report.Segments >= report.Kernels && report.PtxCharacters > 1000);
    }

    // Every operation the GPU kernels can contain (each GpuOps method, the comparisons and logic, Piecewise) in one
    // expression: PTX compilation must accept all of them, and the CPU accelerator must agree with the reference.
    [Fact]
    public void Every_operation_compiles_to_ptx_and_agrees_on_the_cpu_accelerator()
    {
        var x = Expr.Symbol("x", Assumptions.Real);
        var y = Expr.Symbol("y", Assumptions.Positive);
        var unary = new[]
        {
            ExprKind.Abs, ExprKind.Exp, ExprKind.Log, ExprKind.Sin, ExprKind.Cos, ExprKind.Tan,
            ExprKind.Asin, ExprKind.Acos, ExprKind.Atan, ExprKind.Sinh, ExprKind.Cosh, ExprKind.Tanh,
            ExprKind.Gamma, ExprKind.Sign, ExprKind.Heaviside, ExprKind.Floor, ExprKind.Ceiling, ExprKind.Erf,
        };
        var binary = new[] { ExprKind.Atan2, ExprKind.Max, ExprKind.Min, ExprKind.Mod };
        var terms = unary.Select(k => Expr.Call(k, x)).Concat(binary.Select(k => Expr.Call(k, x, y))).ToList();
        terms.Add(Expr.Pow(y, x));
        terms.Add(Expr.Pow(x, Expr.Half)); // principal square root of a real of either sign
        var condition = Expr.Logic(ExprKind.Or,
            Expr.Logic(ExprKind.And, Expr.Relational(ExprKind.StrictLessThan, x, y), Expr.Not(Expr.Relational(ExprKind.Equality, x, Expr.Zero))),
            Expr.Relational(ExprKind.GreaterThan, x, Expr.Integer(3)));
        terms.Add(Expr.Piecewise([(Expr.Call(ExprKind.Exp, y), condition), (y, Expr.True)]));
        var e = Expr.Add(terms.ToArray());
        var report = PartialWave.Backends.Gpu.Ptx.Compile(e, ["x", "y"], []);
        _output.WriteLine(report.ToString());
        var sample = new EventSample([new("x", new[] { -0.7, -0.2, 0.0, 0.3, 0.9 }), new("y", new[] { 0.5, 1.5, 2.0, 0.25, 3.5 })]);
        var gpu = Lambdify.Compile(e, ["x", "y"], [], null, Gpu());
        var reference = Lambdify.Compile(e, ["x", "y"], [], null, new LambdifyOptions { Backend = Backend.Reference });
        int n = sample.Count;
        double[] gr = new double[n], gi = new double[n], rr = new double[n], ri = new double[n];
        gpu.Evaluate(sample, gr, gi);
        reference.Evaluate(sample, rr, ri);
        static void Same(double expected, double actual, string what)
        {
            if (double.IsNaN(expected)) Assert.True(double.IsNaN(actual), $"{what}: {actual}, reference NaN");
            else Assert.True(Math.Abs(expected - actual) <= 1e-12 * Math.Max(1, Math.Abs(expected)), $"{what}: {actual}, reference {expected}");
        }
        for (int i = 0; i < n; i++)
        {
            // An undefined value is NaN in either part (SymPy's nan is complex, a compiled real NaN has a zero imaginary part).
            if (double.IsNaN(rr[i]) || double.IsNaN(ri[i]))
            {
                Assert.True(double.IsNaN(gr[i]) || double.IsNaN(gi[i]), $"event {i}: {gr[i]} + {gi[i]}i, reference undefined");
                continue;
            }
            Same(rr[i], gr[i], $"event {i}, real part");
            Same(ri[i], gi[i], $"event {i}, imaginary part");
        }
        Assert.Contains(rr, double.IsFinite);
    }

    [Fact]
    public void Asking_for_cuda_without_a_device_is_a_clear_error()
    {
        string? cuda = null;
        try { cuda = GpuDevices.Describe(GpuDevice.Cuda); }
        catch (GpuUnavailableException e)
        {
            Assert.Contains("no CUDA device", e.Message);
            Assert.Contains("--backend cpu", e.Message);
            // and Auto falls back to the CPU accelerator, saying so
            Assert.Contains("CPU accelerator", GpuDevices.Describe(GpuDevice.Auto));
            return;
        }
        _output.WriteLine($"a CUDA device is present: {cuda}");
        Assert.StartsWith("CUDA", cuda);
    }

    [Fact]
    public void A_missing_column_and_short_spans_are_errors()
    {
        var e = PartialWave.Parsing.InfixReader.Parse("a*x").GetValueOrThrow();
        var f = Lambdify.Compile(e, ["x"], [ParameterSpec.Real("a", 2)], null, Gpu());
        var sample = new EventSample([new("y", new double[4])]);
        Assert.Contains("no column", Assert.Throws<ArgumentException>(() => f.Evaluate(sample, new double[4])).Message);
        var good = new EventSample([new("x", new double[] { 1, 2, 3, 4 })]);
        Assert.Throws<ArgumentException>(() => f.Evaluate(good, new double[3]));
        var v = new double[4];
        f.Evaluate(good, v);
        Assert.Equal(new double[] { 2, 4, 6, 8 }, v);
    }
}
