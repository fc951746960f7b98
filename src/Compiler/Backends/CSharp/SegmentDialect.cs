using System.Text;
using PartialWave.Compilation;

namespace PartialWave.Backends.CSharp;

/// <summary>
/// How <see cref="CSharpKernelEmitter"/> spells one <see cref="SegmentProgram"/>: the SIMD dialect (a loop over a
/// chunk, four events per Vector256, pointer columns, sums kept in registers) or the GPU dialect (one event per
/// ILGPU thread, columns as offsets into device buffers, weighted terms stored per event and summed by a separate
/// reduction). The statements, their order and the local reuse are the program's, so both compute the same values.
/// </summary>
internal abstract class SegmentDialect
{
    /// <summary>The CPU's four-wide SIMD loop (precompiled kernels).</summary>
    public static readonly SegmentDialect Simd = new SimdDialect();

    /// <summary>Type of a local.</summary>
    public abstract string Value { get; }
    /// <summary>Class with one static method per non-arithmetic operation.</summary>
    public abstract string Ops { get; }
    /// <summary>True when a reducing segment accumulates its sums in locals across the loop.</summary>
    public abstract bool SumsInLoop { get; }
    /// <summary>The line that starts the per-event part.</summary>
    public abstract string LoopHeader { get; }
    /// <summary>Writes attributes, the signature, the opening brace and any per-method setup.</summary>
    public abstract void Open(StringBuilder w, string name, SegmentProgram program);
    /// <summary>Parameter slot <paramref name="slot"/> as a scalar.</summary>
    public abstract string Parameter(int slot);
    /// <summary>A loop-invariant local's initial value from a scalar.</summary>
    public abstract string Broadcast(string scalar);
    /// <summary>The current event(s) of column <paramref name="slot"/>.</summary>
    public abstract string Load(int slot);
    /// <summary>A statement storing <paramref name="value"/> to column <paramref name="slot"/> (at the current event(s), or at its start after the loop).</summary>
    public abstract string Store(string value, int slot, bool inLoop = true);

    private sealed class SimdDialect : SegmentDialect
    {
        private const string Vec = "global::System.Runtime.Intrinsics.Vector256";
        public override string Value => $"{Vec}<double>";
        public override string Ops => "global::PartialWave.Backends.Cpu.VOps";
        public override bool SumsInLoop => true;
        public override string LoopHeader => "        for (int i = 0; i < n; i += 4)";

        public override void Open(StringBuilder w, string name, SegmentProgram program)
        {
            // Full optimisation at first call, as a DynamicMethod gets: tier-0 code of a large kernel is many times slower.
            w.AppendLine("    [global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]");
            w.AppendLine($"    private static void {name}(double** t, double* p, int n)");
            w.AppendLine("    {");
            foreach (var slot in program.PointerSlots) w.AppendLine($"        double* c{slot} = t[{slot}];");
        }

        public override string Parameter(int slot) => $"p[{slot}]";
        public override string Broadcast(string scalar) => $"{Vec}.Create({scalar})";
        public override string Load(int slot) => $"{Vec}.Load(c{slot} + i)";
        public override string Store(string value, int slot, bool inLoop = true) => inLoop ? $"{Vec}.Store({value}, c{slot} + i)" : $"{Vec}.Store({value}, c{slot})";
    }
}

/// <summary>
/// The GPU dialect: <c>public static void NAME(Index1D i, ArrayView&lt;double&gt; d, ArrayView&lt;double&gt; w,
/// ArrayView&lt;long&gt; c, ArrayView&lt;double&gt; p)</c>; input slots (below <paramref name="inputCount"/>) are read
/// from the sample buffer <c>d</c>, outputs and values crossing segments live in the work buffer <c>w</c>, and
/// <c>c[slot]</c> is the offset of the slot's column for the events of this launch. The methods live in a class generic
/// in <c>TFma</c> (see <see cref="PartialWave.Numerics.IFusedMultiplyAdd"/>), instantiated for the device.
/// </summary>
internal sealed class GpuDialect(int inputCount) : SegmentDialect
{
    /// <summary>The kernel's parameter list after the index, in order (the loader builds its delegate type from it).</summary>
    public const string Signature = "global::ILGPU.Index1D i, global::ILGPU.ArrayView<double> d, global::ILGPU.ArrayView<double> w, global::ILGPU.ArrayView<long> c, global::ILGPU.ArrayView<double> p";

    public override string Value => "double";
    public override string Ops => "global::PartialWave.Backends.Gpu.GpuOps<TFma>";
    public override bool SumsInLoop => false;
    public override string LoopHeader => "        // one event per thread";

    public override void Open(StringBuilder w, string name, SegmentProgram program)
    {
        w.AppendLine($"    public static void {name}({Signature})");
        w.AppendLine("    {");
    }

    public override string Parameter(int slot) => $"p[{slot}]";
    public override string Broadcast(string scalar) => scalar;
    public override string Load(int slot) => $"{Buffer(slot)}[c[{slot}] + i]";
    public override string Store(string value, int slot, bool inLoop = true) => $"{Buffer(slot)}[c[{slot}] + i] = {value}";
    private string Buffer(int slot) => slot < inputCount ? "d" : "w";
}
