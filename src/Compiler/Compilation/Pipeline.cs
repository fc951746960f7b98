using System.Numerics;
using PartialWave.Symbolic;

namespace PartialWave.Compilation;

/// <summary>Split size and hoisting: the choices that shape the kernels (the rest of a backend's options do not).</summary>
public sealed record KernelOptions
{
    /// <summary>
    /// Default split size: operations per generated method. Large enough that a method's loop overhead and
    /// cross-segment traffic are small, small enough that the JIT optimises every method fully.
    /// </summary>
    public const int DefaultSplitSize = 512;

    /// <summary>Most operations per generated method.</summary>
    public int SplitSize { get; init; } = DefaultSplitSize;
    /// <summary>Compute parameter-independent terms once per sample.</summary>
    public bool Hoisting { get; init; } = true;
}

/// <summary>The lowered, optimised, hoisted kernels of an expression: what every backend and the C# emitter start from.</summary>
/// <param name="Data">The hoisted kernel (parameter-independent columns, once per sample), or null.</param>
/// <param name="Main">The per-call kernel.</param>
/// <param name="Parameters">The free parameters in kernel order (sorted by name).</param>
internal sealed record PreparedKernels(KernelIR? Data, KernelIR Main, IReadOnlyList<ParameterSpec> Parameters);

/// <summary>
/// The compiler's passes, composed in one place and in the order they run. Each pass is one file of this folder;
/// nothing else decides which runs when.
/// <list type="number">
/// <item>Roles: every symbol an input, a free parameter or a fixed value; fixed values folded (<see cref="Resolve"/>).</item>
/// <item>Lowering to typed SSA, with domain analysis choosing real fast paths; value numbering and folding happen in the IR builder.</item>
/// <item>Complex expansion into real-only IR; <see cref="Cleanup"/> (dead code, shared divisions).</item>
/// <item>Hoisting of parameter-independent values into a data kernel; multiply-add fusion of both kernels.</item>
/// <item>Per backend role (<see cref="KernelVariants"/>): reverse-mode gradients (<see cref="Differentiate"/>), the
/// weighted-sum kernels, the uniform prelude and segments (<see cref="KernelLayout"/>).</item>
/// </list>
/// </summary>
internal static class Pipeline
{
    /// <summary>
    /// Lowers, expands, cleans up, hoists and fuses: the kernels of <paramref name="expression"/>. An expression of one
    /// input variable is also tried collected into Horner form in it (<see cref="PolynomialCollection"/>), and the
    /// kernel with fewer operations kept.
    /// </summary>
    public static PreparedKernels Prepare(Expr expression, IReadOnlyList<string> inputs, IReadOnlyList<ParameterSpec> parameters,
        IReadOnlyDictionary<string, Complex>? fixedValues, KernelOptions options)
    {
        var (expr, roles, sorted) = Resolve(expression, inputs, parameters, fixedValues);
        var plain = Prepare(expr, roles, sorted, options);
        var collected = PolynomialCollection.Run([("value", expr)], inputs)[0].Expr;
        if (ReferenceEquals(collected, expr)) return plain;
        var alternative = Prepare(collected, roles, sorted, options);
        static int Ops(PreparedKernels p) => p.Main.OperationCount + (p.Data?.OperationCount ?? 0);
        return Ops(alternative) < Ops(plain) ? alternative : plain;
    }

    private static PreparedKernels Prepare(Expr expr, Dictionary<string, SymbolRole> roles, List<ParameterSpec> sorted, KernelOptions options)
    {
        var real = Cleanup(ComplexExpansion.Expand(Lowering.Lower(expr, roles)));
        KernelIR? data = null;
        var main = real;
        if (options.Hoisting) (data, main) = Hoisting.Run(real);
        return new PreparedKernels(data is null ? null : MultiplyAddFusion.Run(data), MultiplyAddFusion.Run(main), sorted);
    }

    /// <summary>
    /// The kernels of several outputs computed together (the first is "value"). Each output goes through the whole
    /// single-output pipeline on its own (Horner form included); the finished kernels are then merged, value
    /// numbering sharing every instruction they have in common. So each output is computed by exactly the instructions
    /// of its own single-output kernel (the same bits), and what they share is computed once.
    /// </summary>
    public static PreparedKernels Prepare(IReadOnlyList<(string Name, Expr Expr)> outputs, IReadOnlyList<string> inputs, IReadOnlyList<ParameterSpec> parameters,
        IReadOnlyDictionary<string, Complex>? fixedValues, KernelOptions options)
    {
        var parts = outputs.Select(o => Prepare(o.Expr, inputs, parameters, fixedValues, options)).ToList();
        if (parts.Count == 1) return parts[0];
        KernelIR? data = null;
        if (parts.Any(p => p.Data is not null))
            data = Merge(parts.Select((p, k) => (p.Data, k)).Where(t => t.Data is not null).Select(t => (t.Data!, t.k)).ToList(),
                (name, k) => Hoisting.CachePrefix + $"{k}." + name[Hoisting.CachePrefix.Length..], renameInputs: false);
        var main = Merge(parts.Select((p, k) => (p.Main, k)).ToList(), (name, k) => OutputName(name, outputs[k].Name), renameInputs: true);
        return new PreparedKernels(data, main, parts[0].Parameters);
    }

    // "value", "value.re" of output k's kernel → its own name ("d value/d x", "d value/d x.re").
    private static string OutputName(string name, string output) => name == "value" ? output : name.StartsWith("value.", StringComparison.Ordinal) ? output + name["value".Length..] : name;

    // Merges finished kernels into one: instructions copied in order with value numbering (shared ones once); inputs
    // matched by name (a hoisted kernel's cache columns renamed per output where renameInputs); outputs renamed.
    private static KernelIR Merge(IReadOnlyList<(KernelIR Ir, int Index)> kernels, Func<string, int, string> rename, bool renameInputs)
    {
        string InputName(string name, int k) => renameInputs && name.StartsWith(Hoisting.CachePrefix, StringComparison.Ordinal)
            ? Hoisting.CachePrefix + $"{k}." + name[Hoisting.CachePrefix.Length..] : name;
        var inputs = kernels.SelectMany(t => t.Ir.Inputs.Select(n => InputName(n, t.Index))).Distinct().ToList();
        var parameters = kernels[0].Ir.Parameters;
        var b = new IrBuilder(inputs, parameters);
        foreach (var (ir, k) in kernels)
        {
            var map = new int[ir.Instructions.Count];
            for (int i = 0; i < map.Length; i++)
            {
                var ins = ir.Instructions[i];
                map[i] = ins.Op == IrOp.Input ? b.Input(inputs.IndexOf(InputName(ir.Inputs[ins.A], k))) : b.Copy(ins, map);
            }
            foreach (var o in ir.Outputs) b.AddOutput(rename(o.Name, k), map[o.Value]);
        }
        return b.Build();
    }

    /// <summary>The passes run on every real-only kernel after it is built or differentiated: dead code, shared divisions, dead code.</summary>
    public static KernelIR Cleanup(KernelIR ir) => DeadCodeElimination.Run(DivisionSharing.Run(DeadCodeElimination.Run(ir)));

    /// <summary>
    /// The gradient of <paramref name="ir"/>'s value, and the split size to lay it out with. Checkpointed reverse
    /// mode: forward segments of a quarter of the split size, so that a region (recompute plus adjoints, about three
    /// times the forward work) fits one method of the split size. Methods stay at the split size: beyond a few
    /// hundred operations the JIT's code for these kernels gets several times slower. A kernel whose plain reverse
    /// mode fits in two methods keeps its forward values in registers or one scratch hop anyway: recomputing would
    /// only add work.
    /// </summary>
    public static (KernelIR Gradient, int SplitSize) Differentiate(KernelIR ir, int splitSize)
    {
        var plain = MultiplyAddFusion.Run(Cleanup(ReverseMode.Differentiate(ir, ["value"])));
        // Up to twice the split size, a plain gradient is one method: no value crosses a method boundary.
        if (plain.OperationCount <= 2 * splitSize) return (plain, 2 * splitSize);
        if (Splitting.Plan(plain, splitSize).Count <= 2) return (plain, splitSize);
        return (MultiplyAddFusion.Run(Cleanup(ReverseMode.DifferentiateCheckpointed(ir, "value", Math.Max(1, splitSize / 4)))), splitSize);
    }

    /// <summary>The chain from a summed gradient's adjoints at the prelude's values to the parameters (see <see cref="KernelLayout.CreateSummedGradient"/>).</summary>
    public static KernelIR SeededGradient(KernelIR prelude) => Cleanup(ReverseMode.DifferentiateSeeded(prelude));

    /// <summary>
    /// Checks that every symbol has one role (input, free parameter or fixed value) and folds the fixed values in.
    /// Parameters come back sorted by name, the order kernels number them.
    /// </summary>
    /// <exception cref="ArgumentException">A symbol has no role, or more than one.</exception>
    public static (Expr Expr, Dictionary<string, SymbolRole> Roles, List<ParameterSpec> Sorted) Resolve(Expr expression,
        IReadOnlyList<string> inputs, IReadOnlyList<ParameterSpec> parameters, IReadOnlyDictionary<string, Complex>? fixedValues)
    {
        var roles = new Dictionary<string, SymbolRole>(StringComparer.Ordinal);
        foreach (var i in inputs)
            if (!roles.TryAdd(i, SymbolRole.Input)) throw new ArgumentException($"'{i}' is listed twice");
        foreach (var p in parameters)
            if (!roles.TryAdd(p.Name, p.IsComplex ? SymbolRole.ComplexParameter : SymbolRole.RealParameter))
                throw new ArgumentException($"'{p.Name}' is both an input and a parameter, or listed twice");
        var fixedMap = new Dictionary<string, Expr>(StringComparer.Ordinal);
        foreach (var (name, value) in fixedValues ?? new Dictionary<string, Complex>())
        {
            if (roles.ContainsKey(name)) throw new ArgumentException($"'{name}' is free and fixed at once");
            fixedMap[name] = Expr.Complex(value);
        }
        var expr = fixedMap.Count > 0 ? expression.SubstituteByName(fixedMap) : expression;
        var unknown = expr.FreeSymbolNames().Where(n => !roles.ContainsKey(n)).ToList();
        if (unknown.Count > 0)
            throw new ArgumentException($"symbol(s) with no role (input, parameter or fixed value): {string.Join(", ", unknown)}");
        return (expr, roles, parameters.OrderBy(p => p.Name, StringComparer.Ordinal).ToList());
    }
}
