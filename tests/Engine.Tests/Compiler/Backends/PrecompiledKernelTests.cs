using System.Numerics;
using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using PartialWave.Backends.CSharp;
using PartialWave.Compilation;
using PartialWave.Data;
using PartialWave.Parsing;
using PartialWave.Symbolic;
using Xunit.Abstractions;
using PartialWave.Engine.Tests.Gpu;
using PartialWave.Engine.Tests.Runtime.Backends;

namespace PartialWave.Engine.Tests.Compiler.Backends;

/// <summary>
/// The C# emitter's kernels, compiled with Roslyn here as the build task's output is compiled in an analysis
/// project, compute bit for bit what the runtime backend computes, and need no compiling at run time.
/// </summary>
public class PrecompiledKernelTests(ITestOutputHelper output)
{
    /// <summary>Compiles emitted members into an in-memory assembly and returns the class.</summary>
    internal static Type CompileMembers(string members, string className = "Model")
    {
        var source = $"namespace Generated;\npublic static unsafe partial class {className}\n{{\n{members}\n}}\n";
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Append(typeof(Lambdify).Assembly.Location)
            .Append(typeof(ILGPU.Index1D).Assembly.Location)
            .Select(p => MetadataReference.CreateFromFile(p));
        var compilation = CSharpCompilation.Create("Generated" + Guid.NewGuid().ToString("N"),
            [CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(LanguageVersion.Latest))], references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, optimizationLevel: OptimizationLevel.Release,
                allowUnsafe: true, nullableContextOptions: NullableContextOptions.Enable));
        using var pe = new MemoryStream();
        var result = compilation.Emit(pe);
        Assert.True(result.Success, string.Join("\n", result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Take(10)));
        pe.Position = 0;
        return new AssemblyLoadContext(null).LoadFromStream(pe).GetType("Generated." + className)!;
    }

    internal static IParametrizedFunction CreateFunction(Type model, LambdifyOptions? options = null) =>
        (IParametrizedFunction)model.GetMethod("CreateFunction", BindingFlags.Public | BindingFlags.Static)!.Invoke(null, [options])!;

    private static (double[] Re, double[] Im) Values(IParametrizedFunction f, EventSample s)
    {
        var re = new double[s.Count];
        var im = new double[s.Count];
        f.Evaluate(s, re, im);
        return (re, im);
    }

    private static void AssertBits(double[] expected, double[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(BitConverter.DoubleToInt64Bits(expected[i]) == BitConverter.DoubleToInt64Bits(actual[i]),
                $"{what}[{i}]: runtime {expected[i]:R}, precompiled {actual[i]:R}");
    }

    [Fact]
    public void A_precompiled_model_class_gives_the_intensity_and_each_component_in_one_kernel()
    {
        var model = AmpReader.ParseFile(PartialWave.Engine.Tests.Core.Parsing.AmpReaderTests.SamplePath()).GetValueOrThrow();
        var source = ModelClassEmitter.Emit(model, "Generated", "D0", "d0_to_ks_pi_pi.amp", "test", null, out _);
        int start = source.IndexOf('{', source.IndexOf("partial class D0", StringComparison.Ordinal)) + 1;
        var type = CompileMembers(source[start..source.LastIndexOf('}')], "D0");
        Assert.Equal(["value", "rho", "Kst", "f0", "f2"], (IReadOnlyList<string>)type.GetProperty("ComponentOutputs")!.GetValue(null)!);
        var components = (IParametrizedFunction)type.GetMethod("CreateComponentFunction")!.Invoke(null, [null])!;
        var single = CreateFunction(type);
        // The kinematic variables in their ranges: masses above threshold, angles in [0, pi].
        var rng = new Random(5);
        var sample = new EventSample(model.Variables.Select(v => new KeyValuePair<string, double[]>(v,
            Enumerable.Range(0, 301).Select(_ => v.StartsWith("theta", StringComparison.Ordinal) ? Math.PI * rng.NextDouble() : 0.7 + 0.9 * rng.NextDouble()).ToArray())).ToList());
        var outputs = components.OutputNames.Select(_ => new double[sample.Count]).ToArray();
        components.EvaluateOutputs(sample, outputs);
        // The value output is the intensity, bit for bit; each component output is the runtime's multi-output kernel.
        AssertBits(Values(single, sample).Re, outputs[0], "value");
        var constants = model.Constants.ToDictionary();
        using var runtime = Lambdify.CompileOutputs(model.ComponentIntensities(), model.Variables,
            model.Parameters.Select(p => new ParameterSpec(p.Name, p.Default, p.IsComplex)).ToList(), constants);
        var expected = runtime.OutputNames.Select(_ => new double[sample.Count]).ToArray();
        runtime.EvaluateOutputs(sample, expected);
        for (int k = 0; k < outputs.Length; k++) AssertBits(expected[k], outputs[k], components.OutputNames[k]);
        // A component alone is |its amplitude|^2 (an independent check through the reference evaluator).
        var rho = model.Components.Single(c => c.Name == "rho").Amplitude;
        using var reference = Lambdify.Compile(Expr.Pow(Expr.Call(ExprKind.Abs, rho), Expr.Integer(2)), model.Variables,
            model.Parameters.Select(p => new ParameterSpec(p.Name, p.Default, p.IsComplex)).ToList(), constants, new LambdifyOptions { Backend = Backend.Reference });
        var rhoAlone = Values(reference, sample).Re;
        for (int i = 0; i < sample.Count; i++) Assert.Equal(rhoAlone[i], outputs[1][i], 1e-12 * Math.Max(1, Math.Abs(rhoAlone[i])));
    }

    [SkippableTheory]
    [InlineData("jpsi_gamma_pi0pi0", LambdifyOptions.DefaultSplitSize)]
    [InlineData("jpsi_gamma_pi0pi0", 37)]
    [InlineData("jpsi_gamma_pi0pi0_f0f2_canonical", LambdifyOptions.DefaultSplitSize)]
    public void Precompiled_kernels_equal_the_runtime_ones_bit_for_bit(string name, int split)
    {
        var c = CompiledBackendTests.LoadModel(name, repeat: 40);
        var options = new LambdifyOptions { SplitSize = split };
        var members = CSharpKernelEmitter.EmitMembers(c.Expression, c.Inputs, c.Parameters, null, options.Kernels, out var stats);
        output.WriteLine($"{name}: {stats}, {members.Length / 1024} KiB of C#");
        var model = CompileMembers(members);

        long lowerings = CompilerActivity.Lowerings, emitted = CompilerActivity.EmittedMethods;
        var pre = CreateFunction(model, options);
        var (re, im) = Values(pre, c.Sample);
        var withGradient = pre.SumLog(c.Sample, withGradient: true);
        var sum = pre.Sum(c.Sample, Enumerable.Range(0, c.Sample.Count).Select(i => 0.5 + i % 3).ToArray(), withGradient: true);
        var value = new double[c.Sample.Count];
        var gradient = pre.GradientParameters.Select(_ => new double[c.Sample.Count]).ToArray();
        pre.EvaluateWithGradient(c.Sample, value, gradient);
        // The precompiled function parsed, lowered and generated nothing to get here.
        Assert.Equal(lowerings, CompilerActivity.Lowerings);
        Assert.Equal(emitted, CompilerActivity.EmittedMethods);

        var runtime = Lambdify.Compile(c.Expression, c.Inputs, c.Parameters, null, options);
        Assert.Equal(runtime.GradientParameters, pre.GradientParameters);
        var (reR, imR) = Values(runtime, c.Sample);
        AssertBits(reR, re, "value.re");
        AssertBits(imR, im, "value.im");
        var withGradientR = runtime.SumLog(c.Sample, withGradient: true);
        AssertBits([withGradientR.Value, .. withGradientR.Gradient!], [withGradient.Value, .. withGradient.Gradient!], "SumLog");
        var sumR = runtime.Sum(c.Sample, Enumerable.Range(0, c.Sample.Count).Select(i => 0.5 + i % 3).ToArray(), withGradient: true);
        AssertBits([sumR.Value, .. sumR.Gradient!], [sum.Value, .. sum.Gradient!], "Sum");
        var valueR = new double[c.Sample.Count];
        var gradientR = runtime.GradientParameters.Select(_ => new double[c.Sample.Count]).ToArray();
        runtime.EvaluateWithGradient(c.Sample, valueR, gradientR);
        AssertBits(valueR, value, "value");
        for (int k = 0; k < gradient.Length; k++) AssertBits(gradientR[k], gradient[k], "d/d " + pre.GradientParameters[k]);

        // Parameters change without recompiling, as in a fit.
        var p = c.Parameters[0];
        pre.SetParameter(p.Name, p.Value * 1.1);
        runtime.SetParameter(p.Name, p.Value * 1.1);
        AssertBits(Values(runtime, c.Sample).Re, Values(pre, c.Sample).Re, "value after a parameter change");

        // The GPU methods of the same class run on the GPU backend with nothing compiled at run time, and compute
        // what the GPU backend's runtime kernels compute on the same device.
        var gpuOptions = GpuBackendTests.Gpu(split);
        lowerings = CompilerActivity.Lowerings;
        emitted = CompilerActivity.EmittedMethods;
        var preGpu = CreateFunction(model, gpuOptions);
        var (reG, _) = Values(preGpu, c.Sample);
        var sumG = preGpu.SumLog(c.Sample, withGradient: true);
        Assert.Equal(lowerings, CompilerActivity.Lowerings);
        Assert.Equal(emitted, CompilerActivity.EmittedMethods);
        var runtimeGpu = Lambdify.Compile(c.Expression, c.Inputs, c.Parameters, null, gpuOptions);
        AssertBits(Values(runtimeGpu, c.Sample).Re, reG, "gpu value");
        var sumGR = runtimeGpu.SumLog(c.Sample, withGradient: true);
        AssertBits([sumGR.Value, .. sumGR.Gradient!], [sumG.Value, .. sumG.Gradient!], "gpu SumLog");
        Assert.Equal(withGradientR.Value, sumG.Value, 1e-12 * Math.Abs(sumG.Value));
    }

    [Fact]
    public void A_complex_valued_model_with_unusual_constants_evaluates_as_at_run_time()
    {
        var expr = InfixReader.Parse("|c1/(m1^2 - s - I*m1*w1)|^2 * 0 + c1 * exp(I*phi) / (m1^2 - s - I*m1*w1) * (1e-310 + 2.5e300/(s+1e300)) - 0.1*atan2(s, phi)").GetValueOrThrow();
        var inputs = new[] { "s", "phi" };
        var parameters = new[] { ParameterSpec.ComplexValued("c1", new Complex(1, -0.5)), ParameterSpec.Real("m1", 0.77), ParameterSpec.Real("w1", 0.15) };
        var members = CSharpKernelEmitter.EmitMembers(expr, inputs, parameters, null, null, out var stats);
        Assert.InRange(stats.Kernels, 1, 2); // values and perhaps hoisted columns: a complex value has no gradient or sums
        var pre = CreateFunction(CompileMembers(members));
        Assert.True(pre.IsComplexValued);
        var rng = new Random(5);
        var sample = new EventSample([
            new("s", Enumerable.Range(0, 1001).Select(_ => rng.NextDouble() * 2).ToArray()),
            new("phi", Enumerable.Range(0, 1001).Select(_ => rng.NextDouble() * 6 - 3).ToArray())]);
        var runtime = Lambdify.Compile(expr, inputs, parameters);
        var (re, im) = Values(pre, sample);
        var (reR, imR) = Values(runtime, sample);
        AssertBits(reR, re, "re");
        AssertBits(imR, im, "im");
        Assert.Throws<NotSupportedException>(() => pre.SumLog(sample));
    }

    [Fact]
    public void Constants_are_written_as_exact_literals()
    {
        double[] values = [0.0, -0.0, 0.1, -1e-320, double.MaxValue, double.NaN, BitConverter.Int64BitsToDouble(0x7FF8000000000123),
            double.NegativeInfinity, 1.0 / 3.0, -2.5e-300];
        var members = string.Join("\n", values.Select((x, k) => $"public static double V{k}() => {CSharpKernelEmitter.Literal(x)};"));
        var type = CompileMembers(members);
        for (int k = 0; k < values.Length; k++)
        {
            var value = (double)type.GetMethod("V" + k)!.Invoke(null, null)!;
            Assert.Equal(BitConverter.DoubleToInt64Bits(values[k]), BitConverter.DoubleToInt64Bits(value));
        }
    }
}
