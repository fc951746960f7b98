using System.Globalization;
using System.Numerics;
using System.Text;
using PartialWave.Compilation;
using PartialWave.Symbolic;

namespace PartialWave.Backends.CSharp;

/// <summary>Statistics of emitted kernels.</summary>
/// <param name="Kernels">Kernels (value, gradient, sums, hoisted columns).</param>
/// <param name="Methods">Generated methods.</param>
/// <param name="Operations">Operations per event over all kernels.</param>
/// <param name="Seconds">Time spent lowering, optimising and writing source.</param>
public sealed record EmitStatistics(int Kernels, int Methods, int Operations, double Seconds);

/// <summary>
/// Writes C# source for the CPU kernels of an expression: the same kernels, segment by segment and statement by
/// statement, as the runtime backend generates as IL (both render one <see cref="SegmentProgram"/>), plus the
/// kernels' layouts as data. The build task compiles models with it, so an analysis evaluates them with no parsing
/// or compiling at run time.
/// </summary>
internal static class CSharpKernelEmitter
{
    /// <summary>
    /// The members of a class (to be placed inside <c>static unsafe partial class</c>): a <c>Kernels</c> property
    /// (<c>PrecompiledKernels</c>), <c>CreateFunction(LambdifyOptions?)</c>, and the segment methods. Every
    /// kernel a function may need is included: values, values with gradients, and the weighted sums (with and
    /// without logarithm and gradient) the estimators use.
    /// </summary>
    /// <param name="expression">The model.</param>
    /// <param name="inputs">Symbols read from event columns.</param>
    /// <param name="parameters">Free parameters and their defaults.</param>
    /// <param name="fixedValues">Values folded into the kernels.</param>
    /// <param name="options">Split size and hoisting.</param>
    /// <param name="statistics">What was emitted.</param>
    public static string EmitMembers(Expr expression, IReadOnlyList<string> inputs, IReadOnlyList<ParameterSpec> parameters,
        IReadOnlyDictionary<string, Complex>? fixedValues, KernelOptions? options, out EmitStatistics statistics)
    {
        options ??= new KernelOptions();
        var sw = System.Diagnostics.Stopwatch.StartNew();
        var prepared = Pipeline.Prepare(expression, inputs, parameters, fixedValues, options);
        var variants = new KernelVariants(prepared.Data, prepared.Main, options.SplitSize);
        var text = EmitKernelSet(inputs, prepared, variants, variants.Roles, "", "Kernels", "CreateFunction",
            "A function evaluating the model with the precompiled kernels (CPU: SIMD on all cores, by default; GPU with options.Backend = Gpu).",
            out int count, out int methods, out int operations);
        statistics = new EmitStatistics(count, methods, operations, sw.Elapsed.TotalSeconds);
        return text;
    }

    /// <summary>
    /// Members for a second function with several outputs (<c>ComponentKernels</c>, <c>CreateComponentFunction</c>):
    /// the value and the other outputs in one kernel (see <c>Lambdify.CompileOutputs</c>), values only (no gradient or
    /// sum kernels). Its members are prefixed "C" so that they sit beside <see cref="EmitMembers"/>' in one class.
    /// </summary>
    public static string EmitOutputMembers(IReadOnlyList<(string Name, Expr Expr)> outputs, IReadOnlyList<string> inputs, IReadOnlyList<ParameterSpec> parameters,
        IReadOnlyDictionary<string, Complex>? fixedValues, KernelOptions? options, out EmitStatistics statistics)
    {
        options ??= new KernelOptions();
        var sw = System.Diagnostics.Stopwatch.StartNew();
        var prepared = Pipeline.Prepare(outputs, inputs, parameters, fixedValues, options);
        var variants = new KernelVariants(prepared.Data, prepared.Main, options.SplitSize);
        var roles = variants.Roles.Where(r => r is KernelRole.Data or KernelRole.Main);
        var text = EmitKernelSet(inputs, prepared, variants, roles, "C", "ComponentKernels", "CreateComponentFunction",
            "A function with several outputs in one kernel (OutputNames, EvaluateOutputs): the intensity, then each component's alone. Values only: use CreateFunction for gradients and sums.",
            out int count, out int methods, out int operations);
        statistics = new EmitStatistics(count, methods, operations, sw.Elapsed.TotalSeconds);
        return text;
    }

    private static string EmitKernelSet(IReadOnlyList<string> inputs, PreparedKernels prepared, KernelVariants variants, IEnumerable<KernelRole> roles,
        string prefix, string property, string create, string createDoc, out int count, out int methods, out int operations)
    {
        var kernels = roles.Select(role => (Role: role, Layout: variants.Layout(role)!)).ToList();
        var text = new StringBuilder();
        var data = PrecompiledFormat.Write(inputs, prepared.Parameters, kernels);
        text.AppendLine($"    private static global::PartialWave.Backends.Cpu.PrecompiledKernels? s_{prefix}kernels;");
        text.AppendLine();
        text.AppendLine("    /// <summary>The precompiled kernels (their layouts are read on first use).</summary>");
        text.AppendLine($"    public static global::PartialWave.Backends.Cpu.PrecompiledKernels {property} => s_{prefix}kernels ??= new({prefix}KernelData, new global::PartialWave.Backends.Cpu.SegmentKernel[][]");
        text.AppendLine("    {");
        foreach (var (k, (role, layout)) in kernels.Index())
            text.AppendLine($"        new global::PartialWave.Backends.Cpu.SegmentKernel[] {{ {string.Join(", ", Enumerable.Range(0, layout.Segments.Count).Select(s => MethodName(prefix, k, s)))} }}, // {role}");
        text.AppendLine("    }, new global::System.Type[]");
        text.AppendLine("    {");
        foreach (var (k, (role, _)) in kernels.Index()) text.AppendLine($"        typeof({GpuClassName(prefix, k)}<>), // {role}");
        text.AppendLine("    });");
        text.AppendLine();
        text.AppendLine($"    /// <summary>{createDoc}</summary>");
        text.AppendLine($"    public static global::PartialWave.IParametrizedFunction {create}(global::PartialWave.LambdifyOptions? options = null) => {property}.CreateFunction(options);");
        text.AppendLine();
        // Long literals are split so that no line of the generated file is unreasonably long for an editor.
        text.AppendLine($"    private const string {prefix}KernelData =");
        const int Width = 120;
        for (int i = 0; i < data.Length; i += Width)
            text.Append("        \"").Append(data, i, Math.Min(Width, data.Length - i)).Append('"').AppendLine(i + Width < data.Length ? " +" : ";");
        methods = 0;
        operations = 0;
        foreach (var (k, (role, layout)) in kernels.Index())
        {
            operations += layout.IR.OperationCount;
            for (int s = 0; s < layout.Segments.Count; s++, methods++)
            {
                text.AppendLine();
                Render(text, layout.Program(s), MethodName(prefix, k, s), $"{role}, segment {s + 1} of {layout.Segments.Count}");
            }
        }
        // The same segments for the GPU backend: one class per kernel, one method per segment, one event per thread.
        foreach (var (k, (role, layout)) in kernels.Index())
        {
            text.AppendLine();
            text.AppendLine($"    // {role}: GPU kernels (ILGPU)");
            text.Append(GpuKernelSource.Source(layout, GpuClassName(prefix, k), "    "));
        }
        count = kernels.Count;
        return text.ToString();
    }

    private static string MethodName(string prefix, int kernel, int segment) => $"{prefix}K{kernel}S{segment}";
    private static string GpuClassName(string prefix, int kernel) => $"{prefix}GpuK{kernel}";

    /// <summary>Renders one segment as a static method (see <see cref="SegmentProgram"/> for its shape).</summary>
    internal static void Render(StringBuilder w, SegmentProgram program, string name, string comment) =>
        Render(w, program, name, comment, SegmentDialect.Simd);

    /// <summary>Renders one segment as a static method in <paramref name="dialect"/>: SIMD loop or one GPU thread.</summary>
    internal static void Render(StringBuilder w, SegmentProgram program, string name, string comment, SegmentDialect dialect)
    {
        string T = dialect.Value;
        w.AppendLine($"    // {comment}");
        dialect.Open(w, name, program);
        var declared = new HashSet<int>();
        foreach (var (local, source) in program.Invariants)
        {
            w.AppendLine($"        {T} v{local} = {dialect.Broadcast(source.Op == IrOp.Param ? dialect.Parameter(source.A) : Literal(source.X))};");
            declared.Add(local);
        }
        foreach (var (_, local) in program.Sums)
        {
            if (dialect.SumsInLoop) w.AppendLine($"        {T} v{local} = {T}.Zero;");
            declared.Add(local);
        }
        var rest = Enumerable.Range(0, program.LocalCount).Where(l => !declared.Contains(l)).ToList();
        if (rest.Count > 0) w.AppendLine($"        {T} {string.Join(", ", rest.Select(l => $"v{l}"))};");
        w.AppendLine(dialect.LoopHeader);
        w.AppendLine("        {");
        void StoreTo(int local, int slot, bool summed)
        {
            string weighted = $"{dialect.Ops}.WeightedTerm(v{local}, v{program.WeightLocal})";
            if (summed && dialect.SumsInLoop)
            {
                int acc = program.SumLocal(slot);
                w.AppendLine($"            v{acc} = v{acc} + {weighted};");
            }
            else w.AppendLine("            " + dialect.Store(summed ? weighted : $"v{local}", slot) + ";");
        }
        if (program.Reduces) w.AppendLine($"            v{program.WeightLocal} = {dialect.Load(program.WeightSlot)};");
        void LoadsBefore(int statement)
        {
            foreach (var (local, slot) in program.LoadsBefore(statement)) w.AppendLine($"            v{local} = {dialect.Load(slot)};");
        }
        LoadsBefore(0);
        foreach (var (local, slots) in program.SourceStores)
            foreach (var slot in slots) StoreTo(local, slot, program.Reduces);
        var expression = new StringBuilder();
        for (int n = 0; n < program.Statements.Count; n++)
        {
            var s = program.Statements[n];
            if (n > 0) LoadsBefore(n);
            expression.Clear();
            Expression(expression, s.Expression, dialect.Ops);
            w.Append($"            v{s.Result} = ").Append(expression).AppendLine(";");
            if (s.ExportSlot >= 0) StoreTo(s.Result, s.ExportSlot, false);
            foreach (var slot in s.OutputSlots) StoreTo(s.Result, slot, program.Reduces);
        }
        w.AppendLine("        }");
        if (dialect.SumsInLoop)
            foreach (var (slot, local) in program.Sums) w.AppendLine($"        {dialect.Store($"v{local}", slot, inLoop: false)};");
        w.AppendLine("    }");
    }

    // Arithmetic as operators (the IL emitter calls the same operator methods); everything else through the
    // dialect's operation class (VOps for SIMD, whose methods are portable: the IL emitter may pick an AVX
    // intrinsic for the machine it runs on, this code must run on any machine the analysis is copied to).
    private static void Expression(StringBuilder w, SegmentProgram.Tree t, string ops)
    {
        if (t.IsLocal) { w.Append('v').Append(t.Local); return; }
        string? infix = t.Op switch { IrOp.Add => " + ", IrOp.Sub => " - ", IrOp.Mul => " * ", IrOp.Div => " / ", _ => null };
        if (infix is not null)
        {
            w.Append('(');
            Expression(w, t.Args[0], ops);
            w.Append(infix);
            Expression(w, t.Args[1], ops);
            w.Append(')');
            return;
        }
        if (t.Op == IrOp.Neg)
        {
            w.Append("(-");
            Expression(w, t.Args[0], ops);
            w.Append(')');
            return;
        }
        w.Append(ops).Append('.').Append(t.Op).Append('(');
        for (int a = 0; a < t.Args.Length; a++)
        {
            if (a > 0) w.Append(", ");
            Expression(w, t.Args[a], ops);
        }
        w.Append(')');
    }

    /// <summary>A C# expression for exactly <paramref name="x"/> (negative zero and NaN payloads included).</summary>
    internal static string Literal(double x)
    {
        var r = x.ToString("R", CultureInfo.InvariantCulture);
        if (double.IsFinite(x) && x != 0 && double.Parse(r, CultureInfo.InvariantCulture) == x) return r + "d";
        if (x == 0 && !double.IsNegative(x)) return "0d";
        return $"global::System.BitConverter.Int64BitsToDouble(unchecked((long)0x{BitConverter.DoubleToInt64Bits(x):X16}UL))";
    }
}
