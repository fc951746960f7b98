using PartialWave.Compilation;

namespace PartialWave.Compilation;

/// <summary>
/// What one generated segment does, decided once and rendered by two emitters: <c>IlEmitter</c> (a
/// DynamicMethod at run time) and <see cref="PartialWave.Backends.CSharp.CSharpKernelEmitter"/> (C# source at build time). Both render the
/// same statements in the same order with the same local reuse, so a precompiled kernel computes exactly what the
/// runtime one computes. Vector locals are numbered; pointer locals are named by their column slot.
/// </summary>
/// <remarks>
/// Shape of the rendered method (four events per iteration, Vector256):
/// load column pointers and loop-invariant broadcasts; zero the sums of a reducing segment; then per iteration run
/// <see cref="Statements"/>, loading the event columns and imported values before their first readers (each an expression tree whose single-use
/// operands are inlined, as a C# compiler writes it), store exports and outputs (or add them, weighted, to the sums);
/// after the loop store each sum's lanes (four, or eight in a Vector512 kernel) at its column's start.
/// </remarks>
internal sealed class SegmentProgram
{
    /// <summary>An expression: a local (<see cref="Local"/> ≥ 0) or an operation on sub-expressions.</summary>
    public sealed record Tree(int Local, IrOp Op, Tree[] Args)
    {
        public static Tree Read(int local) => new(local, default, []);
        public bool IsLocal => Local >= 0;
    }

    /// <summary>
    /// A computed value: <c>locals[Result] = Expression</c>; then stored to <see cref="ExportSlot"/> (when not
    /// negative) for later segments, and to each output slot (summed, weighted, in a reducing segment).
    /// </summary>
    public sealed record Statement(int Result, Tree Expression, int ExportSlot, IReadOnlyList<int> OutputSlots);

    /// <summary>Column slots whose pointers the segment reads, in first-use order.</summary>
    public List<int> PointerSlots { get; } = [];
    /// <summary>Loop-invariant broadcasts: (local, IR source) of a parameter or constant.</summary>
    public List<(int Local, Instruction Source)> Invariants { get; } = [];
    /// <summary>Slot of the weight column of a reducing segment, or -1.</summary>
    public int WeightSlot { get; private set; } = -1;
    /// <summary>Local holding the weights of the current four events (reducing segments).</summary>
    public int WeightLocal { get; private set; } = -1;
    /// <summary>Per output slot of a reducing segment, the local accumulating its weighted sum.</summary>
    public List<(int Slot, int Local)> Sums { get; } = [];
    /// <summary>
    /// Per iteration: local ← column at slot, just before statement <c>Before</c> (its first reader; 0 for the values
    /// <see cref="SourceStores"/> stores). Loaded where first needed, not all at the top: a gradient segment imports a
    /// hundred values, and loading them up front made the JIT spill each one to the stack and read it back.
    /// </summary>
    public List<(int Local, int Slot, int Before)> Loads { get; } = [];

    /// <summary>The loads to emit just before statement <paramref name="statement"/>, in order.</summary>
    public IEnumerable<(int Local, int Slot)> LoadsBefore(int statement) =>
        (_loadsBefore ??= Loads.ToLookup(l => l.Before, l => (l.Local, l.Slot)))[statement];
    private ILookup<int, (int Local, int Slot)>? _loadsBefore;
    /// <summary>Outputs that are sources (an input, parameter or constant): stored right after the loads.</summary>
    public List<(int Local, IReadOnlyList<int> Slots)> SourceStores { get; } = [];
    /// <summary>The computation, in order.</summary>
    public List<Statement> Statements { get; } = [];
    /// <summary>Number of vector locals.</summary>
    public int LocalCount { get; private set; }

    /// <summary>True when the segment sums its outputs instead of storing them per event.</summary>
    public bool Reduces => WeightSlot >= 0;

    /// <param name="ir">A real-only kernel.</param>
    /// <param name="segment">The piece to schedule.</param>
    /// <param name="columnOf">Column slot of an input (by input index).</param>
    /// <param name="crossSlot">Column slot of a value crossing segments.</param>
    /// <param name="outputs">(value, column slot) of each output this segment stores.</param>
    /// <param name="weightSlot">Slot of the weight column when the outputs are summed (see <c>CompiledKernel</c>), or -1.</param>
    public static SegmentProgram Plan(KernelIR ir, Segment segment, Func<int, int> columnOf, Func<int, int> crossSlot,
        IReadOnlyList<(int Value, int Slot)> outputs, int weightSlot = -1)
    {
        var p = new SegmentProgram();
        var code = ir.Instructions;

        // The sources (inputs, parameters, constants) this segment reads.
        var sources = new SortedSet<int>();
        for (int i = segment.First; i < segment.End; i++)
        {
            var ins = code[i];
            if (ins.IsSource) continue;
            for (int k = 0; k < ins.Arity; k++)
                if (code[ins.Operand(k)].IsSource) sources.Add(ins.Operand(k));
        }
        var exports = new HashSet<int>(segment.Exports);
        var outputSlots = outputs.ToLookup(o => o.Value, o => o.Slot);
        foreach (var o in outputs) if (code[o.Value].IsSource) sources.Add(o.Value);

        void Pointer(int slot)
        {
            if (!p.PointerSlots.Contains(slot)) p.PointerSlots.Add(slot);
        }
        var invariant = new Dictionary<int, int>();
        foreach (var v in sources)
        {
            var ins = code[v];
            if (ins.Op == IrOp.Input) { Pointer(columnOf(ins.A)); continue; }
            invariant[v] = p.LocalCount++;
            p.Invariants.Add((invariant[v], ins));
        }
        foreach (var v in segment.Imports) Pointer(crossSlot(v));
        foreach (var v in segment.Exports) Pointer(crossSlot(v));
        foreach (var o in outputs) Pointer(o.Slot);

        bool reduce = weightSlot >= 0;
        var sums = new Dictionary<int, int>();
        if (reduce)
        {
            p.WeightSlot = weightSlot;
            Pointer(weightSlot);
            foreach (var o in outputs)
            {
                sums[o.Slot] = p.LocalCount++;
                p.Sums.Add((o.Slot, sums[o.Slot]));
            }
        }

        // Locals are reused once a value is dead: a large kernel then needs a few dozen, not thousands, which the
        // JIT's register allocator handles well (it stops tracking locals beyond a limit).
        var free = new Stack<int>();
        var locals = new Dictionary<int, int>();
        int Take() => free.Count > 0 ? free.Pop() : p.LocalCount++;
        void Release(int v)
        {
            if (locals.Remove(v, out var l)) free.Push(l);
        }
        if (reduce) p.WeightLocal = Take();
        IReadOnlyList<int> StoresOf(int v) => outputSlots[v].ToList();

        // Event columns and imported values: loaded before their first reader (see Loads).
        var pending = new Dictionary<int, int>();
        foreach (var v in sources.Where(v => code[v].Op == IrOp.Input).Concat(segment.Imports))
            pending[v] = code[v].Op == IrOp.Input ? columnOf(code[v].A) : crossSlot(v);
        void LoadNow(int v)
        {
            if (!pending.Remove(v, out var slot)) return;
            var l = Take();
            p.Loads.Add((l, slot, p.Statements.Count));
            locals[v] = l;
        }
        int ValueOf(int v) => invariant.TryGetValue(v, out var l) ? l : locals[v];
        foreach (var v in sources)
            if (outputSlots.Contains(v))
            {
                LoadNow(v);
                p.SourceStores.Add((ValueOf(v), StoresOf(v)));
            }

        // A value used once, by a later operation of this segment, is not stored: its operation is emitted where it
        // is used, so the code is expression trees. That gives the JIT far fewer locals and statements to work
        // through, which is most of its time on large kernels.
        var uses = new Dictionary<int, int>();
        for (int k = segment.First; k < segment.End; k++)
        {
            var ins = code[k];
            if (ins.IsSource) continue;
            for (int a = 0; a < ins.Arity; a++) uses[ins.Operand(a)] = uses.GetValueOrDefault(ins.Operand(a)) + 1;
        }
        bool Inline(int v) => v >= segment.First && v < segment.End && !code[v].IsSource && uses.GetValueOrDefault(v) == 1
                              && !exports.Contains(v) && !outputSlots.Contains(v);
        // The last tree (by its root) that reads each stored value: after it, the value's local is free.
        var lastReader = new Dictionary<int, int>();
        void MarkReads(int v, int root)
        {
            var ins = code[v];
            for (int a = 0; a < ins.Arity; a++)
            {
                int o = ins.Operand(a);
                if (Inline(o)) MarkReads(o, root); else lastReader[o] = root;
            }
        }
        for (int k = segment.First; k < segment.End; k++)
            if (!code[k].IsSource && !Inline(k)) MarkReads(k, k);
        Tree Build(int v, bool root)
        {
            if (!root && !Inline(v)) return Tree.Read(ValueOf(v));
            var ins = code[v];
            var args = new Tree[ins.Arity];
            for (int a = 0; a < ins.Arity; a++) args[a] = Build(ins.Operand(a), false);
            return new Tree(-1, ins.Op, args);
        }
        void LoadOperands(int v)
        {
            var ins = code[v];
            for (int a = 0; a < ins.Arity; a++)
            {
                int o = ins.Operand(a);
                if (Inline(o)) LoadOperands(o); else LoadNow(o);
            }
        }
        var dying = new List<int>();
        for (int k = segment.First; k < segment.End; k++)
        {
            var ins = code[k];
            if (ins.IsSource || Inline(k)) continue;
            LoadOperands(k);
            var tree = Build(k, true);
            // Values read for the last time by this tree are dead: their locals can hold this result.
            dying.Clear();
            foreach (var (v, root) in lastReader) if (root == k && !invariant.ContainsKey(v)) dying.Add(v);
            foreach (var v in dying) { Release(v); lastReader.Remove(v); }
            var result = Take();
            locals[k] = result;
            p.Statements.Add(new Statement(result, tree, exports.Contains(k) ? crossSlot(k) : -1, StoresOf(k)));
            if (!lastReader.ContainsKey(k)) Release(k);
        }
        return p;
    }

    /// <summary>Local of the sum of output slot <paramref name="slot"/>.</summary>
    public int SumLocal(int slot) => Sums.First(s => s.Slot == slot).Local;
}
