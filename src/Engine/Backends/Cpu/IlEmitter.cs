using System.Reflection;
using System.Reflection.Emit;
using System.Runtime.Intrinsics;
using PartialWave.Compilation;

namespace PartialWave.Backends.Cpu;

/// <summary>A generated segment: processes <c>length</c> events (a multiple of 4) of one chunk.</summary>
/// <param name="table">Column pointers, already offset to the chunk's first event.</param>
/// <param name="parameters">Real parameter values.</param>
/// <param name="length">Events to process.</param>
internal unsafe delegate void SegmentKernel(double** table, double* parameters, int length);

/// <summary>
/// Emits one DynamicMethod per segment: a loop over the chunk, four events per iteration (Vector256), every IR
/// value a local (locals reused once a value is dead), operations calls into <see cref="VOps"/> that the JIT
/// inlines. Sources are read afresh in each segment; values crossing segments go through scratch columns.
/// </summary>
internal static unsafe class IlEmitter
{
    private static readonly MethodInfo Create = typeof(Vector256).GetMethod(nameof(Vector256.Create), [typeof(double)])!;
    private static readonly MethodInfo Zero = typeof(Vector256<double>).GetProperty(nameof(Vector256<double>.Zero))!.GetMethod!;
    private static readonly MethodInfo WeightedTerm = typeof(VOps).GetMethod(nameof(VOps.WeightedTerm))!;
    private static readonly MethodInfo Load = typeof(Vector256).GetMethods()
        .Single(m => m.Name == nameof(Vector256.Load) && m.IsGenericMethodDefinition && m.GetParameters()[0].ParameterType.IsPointer)
        .MakeGenericMethod(typeof(double));
    private static readonly MethodInfo Store = typeof(Vector256).GetMethods()
        .Single(m => m.Name == nameof(Vector256.Store) && m.IsGenericMethodDefinition && m.GetParameters().Length == 2 && m.GetParameters()[1].ParameterType.IsPointer)
        .MakeGenericMethod(typeof(double));

    /// <param name="ir">A real-only kernel.</param>
    /// <param name="segment">The piece to emit.</param>
    /// <param name="columnOf">Column slot of an input (by input index).</param>
    /// <param name="crossSlot">Column slot of a value crossing segments.</param>
    /// <param name="outputs">(value, column slot) of each output this segment stores.</param>
    /// <param name="name">Method name (for stack traces and profilers).</param>
    /// <param name="weightSlot">
    /// When not negative: the outputs are not stored per event but summed, each event weighted by the column in this
    /// slot (zero-weight events, such as padding, add nothing even where their value is NaN), into four lane sums
    /// per output written at the output's column start when the chunk is done.
    /// </param>
    public static SegmentKernel Emit(KernelIR ir, Segment segment, Func<int, int> columnOf, Func<int, int> crossSlot,
        IReadOnlyList<(int Value, int Slot)> outputs, string name, int weightSlot = -1)
    {
        var method = new DynamicMethod(name, typeof(void), [typeof(double**), typeof(double*), typeof(int)], typeof(IlEmitter).Module, skipVisibility: true);
        var il = method.GetILGenerator();
        var code = ir.Instructions;
        var vec = typeof(Vector256<double>);

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

        // Column pointers, loop-invariant parameters and constants: loaded once, before the loop.
        var pointers = new Dictionary<int, LocalBuilder>();
        LocalBuilder Pointer(int slot)
        {
            if (pointers.TryGetValue(slot, out var p)) return p;
            p = il.DeclareLocal(typeof(double*));
            il.Emit(OpCodes.Ldarg_0);
            il.Emit(OpCodes.Ldc_I4, slot * sizeof(double*));
            il.Emit(OpCodes.Conv_I);
            il.Emit(OpCodes.Add);
            il.Emit(OpCodes.Ldind_I);
            il.Emit(OpCodes.Stloc, p);
            pointers[slot] = p;
            return p;
        }
        var invariant = new Dictionary<int, LocalBuilder>();
        foreach (var v in sources)
        {
            var ins = code[v];
            if (ins.Op == IrOp.Input) { Pointer(columnOf(ins.A)); continue; }
            var local = il.DeclareLocal(vec);
            if (ins.Op == IrOp.Param)
            {
                il.Emit(OpCodes.Ldarg_1);
                il.Emit(OpCodes.Ldc_I4, ins.A * sizeof(double));
                il.Emit(OpCodes.Conv_I);
                il.Emit(OpCodes.Add);
                il.Emit(OpCodes.Ldind_R8);
            }
            else il.Emit(OpCodes.Ldc_R8, ins.X);
            il.Emit(OpCodes.Call, Create);
            il.Emit(OpCodes.Stloc, invariant[v] = local);
        }
        foreach (var v in segment.Imports) Pointer(crossSlot(v));
        foreach (var v in segment.Exports) Pointer(crossSlot(v));
        foreach (var o in outputs) Pointer(o.Slot);

        bool reduce = weightSlot >= 0;
        var sums = new Dictionary<int, LocalBuilder>();
        if (reduce)
        {
            Pointer(weightSlot);
            foreach (var o in outputs)
            {
                var acc = il.DeclareLocal(vec);
                il.Emit(OpCodes.Call, Zero);
                il.Emit(OpCodes.Stloc, acc);
                sums[o.Slot] = acc;
            }
        }

        var index = il.DeclareLocal(typeof(int));
        il.Emit(OpCodes.Ldc_I4_0);
        il.Emit(OpCodes.Stloc, index);
        var body = il.DefineLabel();
        var check = il.DefineLabel();
        il.Emit(OpCodes.Br, check);
        il.MarkLabel(body);

        void Address(LocalBuilder pointer)
        {
            il.Emit(OpCodes.Ldloc, pointer);
            il.Emit(OpCodes.Ldloc, index);
            il.Emit(OpCodes.Conv_I);
            il.Emit(OpCodes.Ldc_I4_8);
            il.Emit(OpCodes.Mul);
            il.Emit(OpCodes.Add);
        }

        var free = new Stack<LocalBuilder>();
        var locals = new Dictionary<int, LocalBuilder>();
        LocalBuilder Take() => free.Count > 0 ? free.Pop() : il.DeclareLocal(vec);
        void Release(int v)
        {
            if (locals.Remove(v, out var l)) free.Push(l);
        }
        LocalBuilder? weight = null;
        if (reduce)
        {
            weight = il.DeclareLocal(vec);
            Address(pointers[weightSlot]);
            il.Emit(OpCodes.Call, Load);
            il.Emit(OpCodes.Stloc, weight);
        }
        void StoreOutputs(int v, LocalBuilder value)
        {
            foreach (var slot in outputSlots[v])
            {
                if (reduce)
                {
                    il.Emit(OpCodes.Ldloc, sums[slot]);
                    il.Emit(OpCodes.Ldloc, value);
                    il.Emit(OpCodes.Ldloc, weight!);
                    il.Emit(OpCodes.Call, WeightedTerm);
                    il.Emit(OpCodes.Call, VOps.MethodFor(IrOp.Add));
                    il.Emit(OpCodes.Stloc, sums[slot]);
                    continue;
                }
                il.Emit(OpCodes.Ldloc, value);
                Address(pointers[slot]);
                il.Emit(OpCodes.Call, Store);
            }
        }

        // Per iteration: event columns and imported values into locals.
        foreach (var v in sources.Where(v => code[v].Op == IrOp.Input).Concat(segment.Imports))
        {
            var l = Take();
            Address(code[v].Op == IrOp.Input ? pointers[columnOf(code[v].A)] : pointers[crossSlot(v)]);
            il.Emit(OpCodes.Call, Load);
            il.Emit(OpCodes.Stloc, l);
            locals[v] = l;
        }
        LocalBuilder ValueOf(int v) => invariant.TryGetValue(v, out var l) ? l : locals[v];
        foreach (var v in sources) if (outputSlots.Contains(v)) StoreOutputs(v, ValueOf(v));

        // A value used once, by a later operation of this segment, is not stored: its operation is emitted where
        // it is used, so the IL is expression trees, as a C# compiler writes it. That gives the JIT far fewer
        // locals and statements to work through, which is most of its time on large kernels.
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
        void Push(int v)
        {
            if (!Inline(v)) { il.Emit(OpCodes.Ldloc, ValueOf(v)); return; }
            var ins = code[v];
            for (int a = 0; a < ins.Arity; a++) Push(ins.Operand(a));
            il.Emit(OpCodes.Call, VOps.MethodFor(ins.Op));
        }
        var dying = new List<int>();
        for (int k = segment.First; k < segment.End; k++)
        {
            var ins = code[k];
            if (ins.IsSource || Inline(k)) continue;
            for (int a = 0; a < ins.Arity; a++) Push(ins.Operand(a));
            il.Emit(OpCodes.Call, VOps.MethodFor(ins.Op));
            // Values read for the last time by this tree are dead: their locals can hold this result.
            dying.Clear();
            foreach (var (v, root) in lastReader) if (root == k && !invariant.ContainsKey(v)) dying.Add(v);
            foreach (var v in dying) { Release(v); lastReader.Remove(v); }
            var result = Take();
            il.Emit(OpCodes.Stloc, result);
            locals[k] = result;
            if (exports.Contains(k))
            {
                il.Emit(OpCodes.Ldloc, result);
                Address(pointers[crossSlot(k)]);
                il.Emit(OpCodes.Call, Store);
            }
            StoreOutputs(k, result);
            if (!lastReader.ContainsKey(k)) Release(k);
        }

        il.Emit(OpCodes.Ldloc, index);
        il.Emit(OpCodes.Ldc_I4_4);
        il.Emit(OpCodes.Add);
        il.Emit(OpCodes.Stloc, index);
        il.MarkLabel(check);
        il.Emit(OpCodes.Ldloc, index);
        il.Emit(OpCodes.Ldarg_2);
        il.Emit(OpCodes.Blt, body);
        foreach (var (slot, acc) in sums)
        {
            il.Emit(OpCodes.Ldloc, acc);
            il.Emit(OpCodes.Ldloc, pointers[slot]);
            il.Emit(OpCodes.Call, Store);
        }
        il.Emit(OpCodes.Ret);
        return (SegmentKernel)method.CreateDelegate(typeof(SegmentKernel));
    }
}
