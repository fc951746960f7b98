namespace PartialWave.Compilation;

/// <summary>
/// Gradients by reverse-mode differentiation of the real IR: one backward sweep appends the adjoint of every
/// instruction, reusing the forward values, so value and full gradient cost a small multiple of the value alone
/// whatever the number of parameters. Adds outputs <c>d OUTPUT/d PARAM</c> for every parameter slot.
/// </summary>
internal static class ReverseMode
{
    public static string GradientName(string output, string parameter) => $"d {output}/d {parameter}";

    /// <summary>
    /// Checkpointed reverse mode for one output: the forward pass runs once as usual; then, segment by segment
    /// from the last, the segment's values are recomputed from its imports and its adjoints taken right there.
    /// Each region of the result needs only its own values, not the whole forward tape, so the values kept
    /// alive across generated methods stay few (plain reverse mode keeps thousands alive on the Λc model, and
    /// spends its time in memory instead of arithmetic).
    /// </summary>
    public static KernelIR DifferentiateCheckpointed(KernelIR ir, string output, int segmentSize)
    {
        if (!ir.IsRealOnly) throw new InvalidOperationException("reverse mode runs on real-only IR");
        var segments = Splitting.Plan(ir, segmentSize);
        var b = new IrBuilder(ir.Inputs, ir.Parameters);
        var map = b.CopyAll(ir);
        foreach (var o in ir.Outputs) b.AddOutput(o.Name, map[o.Value]);
        var onParams = IrRebuild.DependsOn(ir, ins => ins.Op == IrOp.Param);
        var target = ir.Outputs.First(o => o.Name == output);
        var adj = new Dictionary<int, Adjoint> { [target.Value] = new(b.Const(1), false) };
        var add = Accumulator(b, adj, onParams);
        for (int s = segments.Count - 1; s >= 0; s--)
        {
            var seg = segments[s];
            if (!Enumerable.Range(seg.First, seg.Count).Any(adj.ContainsKey)) continue;
            b.BeginRegion();
            var local = (int[])map.Clone();
            for (int i = seg.First; i < seg.End; i++)
                if (!ir.Instructions[i].IsSource && onParams[i]) local[i] = b.Copy(ir.Instructions[i], local);
            Sweep(b, ir, local, adj, add, seg.End - 1, seg.First);
        }
        AddGradientOutputs(b, ir, output, adj);
        return b.Build();
    }

    /// <summary>
    /// An adjoint as a value and a sign: the adjoint is −Value when <paramref name="Negated"/>. Signs ride along
    /// through products and quotients and are settled by choosing Add or Sub where contributions meet, so the
    /// negations of Sub, Neg, Div, Cos… cost no instruction (x·(−g) = −(x·g) and a + (−b) = a − b exactly).
    /// </summary>
    private readonly record struct Adjoint(int Value, bool Negated);

    // Adjoints only flow into values that depend on some parameter: the rest have no gradient to carry.
    private static Action<int, Adjoint> Accumulator(IrBuilder b, Dictionary<int, Adjoint> adj, bool[] onParams) => (operand, c) =>
    {
        if (!onParams[operand]) return;
        if (!adj.TryGetValue(operand, out var prev)) { adj[operand] = c; return; }
        adj[operand] = prev.Negated == c.Negated ? new(b.Emit(IrOp.Add, prev.Value, c.Value), c.Negated)
            : prev.Negated ? new(b.Emit(IrOp.Sub, c.Value, prev.Value), false)
            : new(b.Emit(IrOp.Sub, prev.Value, c.Value), false);
    };

    private static void AddGradientOutputs(IrBuilder b, KernelIR ir, string output, Dictionary<int, Adjoint> adj)
    {
        var paramIndex = new Dictionary<int, int>();
        for (int i = 0; i < ir.Instructions.Count; i++)
            if (ir.Instructions[i].Op == IrOp.Param) paramIndex[ir.Instructions[i].A] = i;
        for (int p = 0; p < ir.Parameters.Count; p++)
        {
            int grad = paramIndex.TryGetValue(p, out var pi) && adj.TryGetValue(pi, out var gp)
                ? gp.Negated ? b.Emit(IrOp.Neg, gp.Value) : gp.Value
                : b.Const(0);
            b.AddOutput(GradientName(output, ir.Parameters[p]), grad);
        }
    }

    /// <summary>
    /// The chain rule through a kernel of parameters alone (a prelude), with a seed sₖ for each output uₖ (extra
    /// parameters after the kernel's own, one per output in order): outputs d(Σₖ sₖ uₖ)/dp for every parameter p,
    /// named <see cref="GradientName"/>("value", p). A summed gradient kernel stops its per-event adjoints at the
    /// prelude's values and sums them; this carries those sums on to the parameters once per call.
    /// </summary>
    public static KernelIR DifferentiateSeeded(KernelIR ir)
    {
        if (!ir.IsRealOnly) throw new InvalidOperationException("reverse mode runs on real-only IR");
        var b = new IrBuilder(ir.Inputs, ir.Parameters.Concat(ir.Outputs.Select((_, k) => $"#seed{k}")));
        var map = b.CopyAll(ir);
        var onParams = IrRebuild.DependsOn(ir, ins => ins.Op == IrOp.Param);
        var adj = new Dictionary<int, Adjoint>();
        var add = Accumulator(b, adj, onParams);
        for (int k = 0; k < ir.Outputs.Count; k++) add(ir.Outputs[k].Value, new Adjoint(b.Param(ir.Parameters.Count + k), false));
        Sweep(b, ir, map, adj, add, ir.Instructions.Count - 1, 0);
        AddGradientOutputs(b, ir, "value", adj);
        return b.Build();
    }

    public static KernelIR Differentiate(KernelIR ir, IReadOnlyList<string> outputs)
    {
        if (!ir.IsRealOnly) throw new InvalidOperationException("reverse mode runs on real-only IR");
        var b = new IrBuilder(ir.Inputs, ir.Parameters);
        var map = b.CopyAll(ir);
        foreach (var o in ir.Outputs) b.AddOutput(o.Name, map[o.Value]);
        var onParams = IrRebuild.DependsOn(ir, ins => ins.Op == IrOp.Param);
        foreach (var name in outputs)
        {
            var output = ir.Outputs.First(o => o.Name == name);
            var adj = new Dictionary<int, Adjoint> { [output.Value] = new(b.Const(1), false) };
            var add = Accumulator(b, adj, onParams);
            Sweep(b, ir, map, adj, add, output.Value, 0);
            AddGradientOutputs(b, ir, name, adj);
        }
        return b.Build();
    }

    // The backward sweep over instructions last down to first: each value's adjoint goes to its operands.
    private static void Sweep(IrBuilder b, KernelIR ir, int[] map, Dictionary<int, Adjoint> adj, Action<int, Adjoint> add, int last, int first)
    {
        for (int i = last; i >= first; i--)
        {
            var ins = ir.Instructions[i];
            if (ins.IsSource || !adj.TryGetValue(i, out var g)) continue;
            Propagate(b, ins, map, map[i], g, add);
        }
    }

    private static void Propagate(IrBuilder b, Instruction ins, int[] map, int v, Adjoint adjoint, Action<int, Adjoint> add)
    {
        int a = ins.A >= 0 ? map[ins.A] : -1, c = ins.B >= 0 ? map[ins.B] : -1;
        int g = adjoint.Value;
        int K(double x) => b.Const(x);
        int Op(IrOp op, int x, int y = -1, int z = -1) => b.Emit(op, x, y, z);
        int Mul(int x, int y) => Op(IrOp.Mul, x, y);
        int Div(int x, int y) => Op(IrOp.Div, x, y);
        // A contribution keeps the adjoint's sign (Same) or flips it (Flipped); no Neg is emitted for it.
        void Same(int operand, int value) => add(operand, new Adjoint(value, adjoint.Negated));
        void Flipped(int operand, int value) => add(operand, new Adjoint(value, !adjoint.Negated));
        switch (ins.Op)
        {
            case IrOp.Add: Same(ins.A, g); Same(ins.B, g); return;
            case IrOp.Sub: Same(ins.A, g); Flipped(ins.B, g); return;
            case IrOp.Mul: Same(ins.A, Mul(g, c)); Same(ins.B, Mul(g, a)); return;
            case IrOp.MulAdd or IrOp.MulSub or IrOp.NegMulAdd:
            {
                bool negatedProduct = ins.Op == IrOp.NegMulAdd;
                void Product(int operand, int value) { if (negatedProduct) Flipped(operand, value); else Same(operand, value); }
                Product(ins.A, Mul(g, c));
                Product(ins.B, Mul(g, a));
                if (ins.Op == IrOp.MulSub) Flipped(ins.C, g); else Same(ins.C, g);
                return;
            }
            case IrOp.Div: { var ga = Div(g, c); Same(ins.A, ga); Flipped(ins.B, Mul(ga, v)); return; }
            case IrOp.Neg: Flipped(ins.A, g); return;
            case IrOp.Unsign: Same(ins.A, g); return;
            case IrOp.Sqrt: Same(ins.A, Div(Mul(g, K(0.5)), v)); return;
            case IrOp.Exp: Same(ins.A, Mul(g, v)); return;
            case IrOp.Log: Same(ins.A, Div(g, a)); return;
            case IrOp.Sin: Same(ins.A, Mul(g, Op(IrOp.Cos, a))); return;
            case IrOp.Cos: Flipped(ins.A, Mul(g, Op(IrOp.Sin, a))); return;
            case IrOp.Tan: Same(ins.A, Mul(g, Op(IrOp.Add, K(1), Mul(v, v)))); return;
            case IrOp.Asin: Same(ins.A, Div(g, Op(IrOp.Sqrt, Op(IrOp.Sub, K(1), Mul(a, a))))); return;
            case IrOp.Acos: Flipped(ins.A, Div(g, Op(IrOp.Sqrt, Op(IrOp.Sub, K(1), Mul(a, a))))); return;
            case IrOp.Atan: Same(ins.A, Div(g, Op(IrOp.Add, K(1), Mul(a, a)))); return;
            case IrOp.Atan2:
            {
                var r2 = Op(IrOp.Add, Mul(a, a), Mul(c, c));
                Same(ins.A, Div(Mul(g, c), r2)); Flipped(ins.B, Div(Mul(g, a), r2));
                return;
            }
            case IrOp.Sinh: Same(ins.A, Mul(g, Op(IrOp.Cosh, a))); return;
            case IrOp.Cosh: Same(ins.A, Mul(g, Op(IrOp.Sinh, a))); return;
            case IrOp.Tanh: Same(ins.A, Mul(g, Op(IrOp.Sub, K(1), Mul(v, v)))); return;
            case IrOp.Pow:
                Same(ins.A, Mul(g, Mul(c, Op(IrOp.Pow, a, Op(IrOp.Sub, c, K(1))))));
                Same(ins.B, Mul(g, Mul(v, Op(IrOp.Log, a))));
                return;
            case IrOp.Abs: Same(ins.A, Mul(g, Op(IrOp.Sign, a))); return;
            case IrOp.Hypot:
            {
                var zero = Op(IrOp.Eq, v, K(0));
                Same(ins.A, Op(IrOp.Select, zero, K(0), Div(Mul(g, a), v)));
                Same(ins.B, Op(IrOp.Select, zero, K(0), Div(Mul(g, c), v)));
                return;
            }
            case IrOp.Min or IrOp.Max:
            {
                var first = Op(ins.Op == IrOp.Max ? IrOp.Ge : IrOp.Le, a, c);
                Same(ins.A, Op(IrOp.Select, first, g, K(0)));
                Same(ins.B, Op(IrOp.Select, first, K(0), g));
                return;
            }
            case IrOp.Mod: Same(ins.A, g); Flipped(ins.B, Mul(g, Op(IrOp.Floor, Div(a, c)))); return;
            case IrOp.Select:
                Same(ins.B, Op(IrOp.Select, a, g, K(0)));
                Same(ins.C, Op(IrOp.Select, a, K(0), g));
                return;
            case IrOp.IfNegative or IrOp.IfNotNegative:
                Same(ins.B, Op(ins.Op, a, g));
                return;
            case IrOp.Sign or IrOp.Floor or IrOp.Ceiling or IrOp.Heaviside or IrOp.Lt or IrOp.Le or IrOp.Gt or IrOp.Ge
                or IrOp.Eq or IrOp.Ne or IrOp.And or IrOp.Or or IrOp.Not or IrOp.IsNaN:
                return; // piecewise constant: zero almost everywhere
            case IrOp.Erf:
                // d erf(a)/da = 2/sqrt(pi) exp(-a^2)
                Same(ins.A, Mul(g, Mul(K(2 / Math.Sqrt(Math.PI)), Op(IrOp.Exp, Op(IrOp.Neg, Mul(a, a))))));
                return;
            case IrOp.Gamma:
                throw new UnsupportedExpressionException("the gradient of gamma (needs polygamma) is not supported by the compiled backends yet");
        }
        throw new InvalidOperationException($"reverse mode does not handle {ins.Op}");
    }
}
