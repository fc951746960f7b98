namespace PartialWave.Compilation;

/// <summary>One bounded piece of a split kernel.</summary>
/// <param name="First">First instruction index.</param>
/// <param name="End">One past the last instruction index.</param>
/// <param name="Imports">Values computed by earlier segments and used here.</param>
/// <param name="Exports">Values computed here and used by later segments.</param>
internal sealed record Segment(int First, int End, IReadOnlyList<int> Imports, IReadOnlyList<int> Exports)
{
    /// <summary>Number of instructions.</summary>
    public int Count => End - First;
}

/// <summary>
/// Splitting: cuts the instruction sequence into segments of at most <c>maxOperations</c> operations, so
/// that generated methods stay small enough for the JIT to optimise and compile time grows linearly with
/// model size. Values crossing a cut go through per-chunk scratch columns; sources (inputs, parameters,
/// constants) are read afresh in every segment.
/// </summary>
internal static class Splitting
{
    /// <summary>Plans the segments of a real-only kernel.</summary>
    public static IReadOnlyList<Segment> Plan(KernelIR ir, int maxOperations)
    {
        if (maxOperations < 1) throw new ArgumentOutOfRangeException(nameof(maxOperations), "split size must be at least 1");
        var bounds = new List<(int First, int End)>();
        int start = 0, ops = 0;
        var regions = new HashSet<int>(ir.Regions);
        for (int i = 0; i < ir.Instructions.Count; i++)
        {
            if (regions.Contains(i) && i > start) { bounds.Add((start, i)); start = i; ops = 0; }
            if (ir.Instructions[i].IsSource) continue;
            if (ops == maxOperations) { bounds.Add((start, i)); start = i; ops = 0; }
            ops++;
        }
        bounds.Add((start, ir.Instructions.Count));
        var segmentOf = new int[ir.Instructions.Count];
        for (int s = 0; s < bounds.Count; s++)
            for (int i = bounds[s].First; i < bounds[s].End; i++) segmentOf[i] = s;
        var imports = bounds.Select(_ => new SortedSet<int>()).ToArray();
        var exports = bounds.Select(_ => new SortedSet<int>()).ToArray();
        for (int i = 0; i < ir.Instructions.Count; i++)
        {
            var ins = ir.Instructions[i];
            for (int k = 0; k < ins.Arity; k++)
            {
                int v = ins.Operand(k);
                if (ir.Instructions[v].IsSource || segmentOf[v] == segmentOf[i]) continue;
                imports[segmentOf[i]].Add(v);
                exports[segmentOf[v]].Add(v);
            }
        }
        return bounds.Select((b, s) => new Segment(b.First, b.End, imports[s].ToList(), exports[s].ToList())).ToList();
    }
}
