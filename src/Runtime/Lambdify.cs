using System.Diagnostics;
using System.Numerics;
using PartialWave.Backends.Cpu;
using PartialWave.Backends;
using PartialWave.Backends.Reference;
using PartialWave.Compilation;
using PartialWave.Symbolic;

namespace PartialWave;

/// <summary>Where a compiled function runs.</summary>
public enum Backend
{
    /// <summary>The reference evaluator, one event at a time (slow, exact oracle).</summary>
    Reference,
    /// <summary>Generated SIMD kernels on all cores.</summary>
    Cpu,
    /// <summary>Generated ILGPU kernels: on a CUDA device, or on ILGPU's CPU accelerator (see <see cref="LambdifyOptions.Device"/>).</summary>
    Gpu,
}

/// <summary>Vector width of the CPU backend's generated kernels.</summary>
public enum SimdWidth
{
    /// <summary>Vector256: four events per instruction (the default; precompiled kernels are always this width).</summary>
    Vector256,
    /// <summary>
    /// Vector512 where the machine runs it in hardware (AVX-512) and the kernel's operations all have 512-bit forms
    /// (not sin, cos, tan, the inverse trigonometric and hyperbolic functions, pow, gamma, erf, comparisons or
    /// Piecewise conditions); Vector256 otherwise, kernel by kernel. Every event's value and gradient are the same bits as with Vector256; sums add eight lanes per chunk
    /// instead of four, so they differ from Vector256 sums by roundings (and stay the same for any thread count).
    /// </summary>
    Vector512,
}

/// <summary>Options of <c>Lambdify.Compile</c>.</summary>
public sealed record LambdifyOptions
{
    /// <summary>Default split size: operations per generated method (see <see cref="KernelOptions.DefaultSplitSize"/>).</summary>
    public const int DefaultSplitSize = KernelOptions.DefaultSplitSize;

    /// <summary>The backend.</summary>
    public Backend Backend { get; init; } = Backend.Cpu;
    /// <summary>Most operations per generated method.</summary>
    public int SplitSize { get; init; } = DefaultSplitSize;
    /// <summary>Compute parameter-independent terms once per sample.</summary>
    public bool Hoisting { get; init; } = true;
    /// <summary>Threads used (all cores by default); results do not depend on it.</summary>
    public int MaxThreads { get; init; } = Environment.ProcessorCount;
    /// <summary>Vector width of the CPU backend (see <see cref="SimdWidth"/>).</summary>
    public SimdWidth Simd { get; init; } = SimdWidth.Vector256;
    /// <summary>The accelerator of the GPU backend.</summary>
    public GpuDevice Device { get; init; } = GpuDevice.Auto;
    /// <summary>
    /// Device memory the GPU backend may use, in bytes (default: 70 % of a GPU's, 2 GiB on the CPU accelerator).
    /// Samples whose columns do not fit in half of it are streamed in windows on every call.
    /// </summary>
    public long? GpuMemoryLimit { get; init; }

    /// <summary>The options that shape the kernels.</summary>
    public KernelOptions Kernels => new() { SplitSize = SplitSize, Hoisting = Hoisting };
}

/// <summary>Statistics of a compilation.</summary>
/// <param name="Seconds">Wall time of lowering, passes and code generation (first evaluation's JIT excluded).</param>
/// <param name="OperationsPerEvent">Operations per event of the parameter-dependent kernel.</param>
/// <param name="HoistedOperations">Operations per event run once per sample.</param>
/// <param name="Segments">Generated methods of the parameter-dependent kernel.</param>
/// <param name="SimdLanes">Events per vector instruction of the CPU backend's value kernel (4 or 8); null on other backends.</param>
public sealed record CompileStatistics(double Seconds, int OperationsPerEvent, int HoistedOperations, int Segments, int? SimdLanes = null);

/// <summary>
/// Turns an expression into a fast parametrised function, as <c>sympy.lambdify</c> does for NumPy: choose which
/// symbols are event columns and which are free parameters; every other symbol must have a fixed value, which is
/// folded into the kernel.
/// </summary>
public static class Lambdify
{
    /// <summary>Compiles <paramref name="expression"/>.</summary>
    /// <param name="expression">The model.</param>
    /// <param name="inputs">Symbols read from event columns.</param>
    /// <param name="parameters">Free parameters (changeable without recompiling) and their start values.</param>
    /// <param name="fixedValues">Values folded into the kernel for the remaining symbols.</param>
    /// <param name="options">Backend, split size, hoisting, threads.</param>
    /// <exception cref="ArgumentException">A symbol has no role, or a role names a symbol twice.</exception>
    /// <exception cref="UnsupportedExpressionException">The backend cannot compile a construct (the message says which).</exception>
    public static IParametrizedFunction Compile(Expr expression, IReadOnlyList<string> inputs, IReadOnlyList<ParameterSpec> parameters,
        IReadOnlyDictionary<string, Complex>? fixedValues = null, LambdifyOptions? options = null) =>
        Compile(expression, inputs, parameters, fixedValues, options, out _);

    /// <summary>
    /// Compiles several expressions into one kernel that shares their common subexpressions (the total intensity,
    /// components, derivatives): <see cref="IParametrizedFunction.EvaluateOutputs"/> evaluates them all in one pass
    /// over the events; <c>Evaluate</c>, the gradients and the sums are those of the first, which must be named
    /// "value". Before lowering, each output that depends on one input variable is collected into Horner form in it
    /// (a polynomial times shared factors, as <c>exp(-x)</c> for a value and its derivative). CPU and GPU backends.
    /// </summary>
    /// <exception cref="ArgumentException">No outputs, the first not named "value", a name twice, or a symbol without a role.</exception>
    /// <exception cref="NotSupportedException">The reference backend.</exception>
    public static IParametrizedFunction CompileOutputs(IReadOnlyList<(string Name, Expr Expression)> outputs, IReadOnlyList<string> inputs,
        IReadOnlyList<ParameterSpec> parameters, IReadOnlyDictionary<string, Complex>? fixedValues, LambdifyOptions? options, out CompileStatistics statistics)
    {
        options ??= new LambdifyOptions();
        if (outputs.Count == 0) throw new ArgumentException("no outputs to compile");
        if (outputs[0].Name != "value") throw new ArgumentException($"the first output must be named \"value\", got \"{outputs[0].Name}\"");
        var twice = outputs.GroupBy(o => o.Name).FirstOrDefault(g => g.Count() > 1);
        if (twice is not null) throw new ArgumentException($"output \"{twice.Key}\" is given twice");
        if (options.Backend == Backend.Reference)
            throw new NotSupportedException("several outputs in one kernel are compiled for the cpu and gpu backends; the reference evaluator takes one expression at a time");
        var sw = Stopwatch.StartNew();
        var prepared = Pipeline.Prepare(outputs.Select(o => (o.Name, o.Expression)).ToList(), inputs, parameters, fixedValues, options.Kernels);
        return Create(prepared, inputs, options, sw, out statistics);
    }

    /// <summary>Compiles several expressions into one kernel (see the overload with statistics).</summary>
    public static IParametrizedFunction CompileOutputs(IReadOnlyList<(string Name, Expr Expression)> outputs, IReadOnlyList<string> inputs,
        IReadOnlyList<ParameterSpec> parameters, IReadOnlyDictionary<string, Complex>? fixedValues = null, LambdifyOptions? options = null) =>
        CompileOutputs(outputs, inputs, parameters, fixedValues, options, out _);

    /// <summary>
    /// The outputs "value" = <paramref name="expression"/> and "d value/d X" = ∂expression/∂X for each input X named
    /// (a Jacobian row), for <see cref="CompileOutputs(IReadOnlyList{ValueTuple{string, Expr}}, IReadOnlyList{string}, IReadOnlyList{ParameterSpec}, IReadOnlyDictionary{string, Complex}?, LambdifyOptions?)"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The expression has no symbol of that name.</exception>
    public static IReadOnlyList<(string Name, Expr Expression)> WithDerivatives(Expr expression, params string[] variables)
    {
        var symbols = expression.Distinct().OfType<Symbol>().ToDictionary(s => s.Name, StringComparer.Ordinal);
        var outputs = new List<(string, Expr)> { ("value", expression) };
        foreach (var v in variables)
        {
            if (!symbols.TryGetValue(v, out var symbol))
                throw new ArgumentException($"the expression has no symbol '{v}' to differentiate by (it has {string.Join(", ", symbols.Keys.Order(StringComparer.Ordinal))})");
            outputs.Add(($"d value/d {v}", expression.Differentiate(symbol)));
        }
        return outputs;
    }

    // The compiler's type inference decides whether a model is real-valued (an |amplitude|² sum is); where it
    // cannot lower a construct, the model counts as complex.
    private static bool IsComplexValued(Expr expr, IReadOnlyDictionary<string, SymbolRole> roles)
    {
        try
        {
            var ir = Lowering.Lower(expr, roles);
            return ir.Instructions[ir.Outputs.Single(o => o.Name == "value").Value].Type != IrType.Real;
        }
        catch (UnsupportedExpressionException)
        {
            return true;
        }
    }

    /// <summary>Compiles <paramref name="expression"/> and reports compile statistics.</summary>
    public static IParametrizedFunction Compile(Expr expression, IReadOnlyList<string> inputs, IReadOnlyList<ParameterSpec> parameters,
        IReadOnlyDictionary<string, Complex>? fixedValues, LambdifyOptions? options, out CompileStatistics statistics)
    {
        options ??= new LambdifyOptions();
        var sw = Stopwatch.StartNew();
        if (options.Backend == Backend.Reference)
        {
            var (expr, roles, sorted) = Pipeline.Resolve(expression, inputs, parameters, fixedValues);
            statistics = new CompileStatistics(sw.Elapsed.TotalSeconds, expr.DagSize(), 0, 1);
            return new ReferenceFunction(expr, inputs, sorted, IsComplexValued(expr, roles));
        }
        var prepared = Pipeline.Prepare(expression, inputs, parameters, fixedValues, options.Kernels);
        return Create(prepared, inputs, options, sw, out statistics);
    }

    // The CPU or GPU function of prepared kernels, with its statistics: one place for Compile and CompileOutputs.
    private static IParametrizedFunction Create(PreparedKernels prepared, IReadOnlyList<string> inputs, LambdifyOptions options, Stopwatch sw,
        out CompileStatistics statistics)
    {
        var variants = new KernelVariants(prepared.Data, prepared.Main, options.SplitSize);
        if (options.Backend == Backend.Gpu)
        {
            var g = GpuBackend.Instance.Create(variants, inputs, prepared.Parameters, options);
            statistics = new CompileStatistics(sw.Elapsed.TotalSeconds, g.OperationsPerEvent, g.HoistedOperations, g.SegmentCount);
            return g;
        }
        var f = new CpuFunction(variants, inputs, prepared.Parameters, options);
        statistics = new CompileStatistics(sw.Elapsed.TotalSeconds, f.OperationsPerEvent, f.HoistedOperations, f.SegmentCount, f.Lanes);
        return f;
    }
}
