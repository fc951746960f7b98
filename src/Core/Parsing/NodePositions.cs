using PartialWave.Symbolic;

namespace PartialWave.Parsing;

/// <summary>Where a node of a parsed expression stands in its source, from the offsets a reader recorded.</summary>
internal static class NodePositions
{
    /// <summary>
    /// The offset of <paramref name="node"/>, or of its first descendant the reader saw (a node the factory built
    /// from parts, such as the 1/0 of "x/0", has no text of its own); 0 when none is known.
    /// </summary>
    public static int Find(Expr node, IReadOnlyDictionary<Expr, int>? offsets)
    {
        if (offsets is null) return 0;
        var queue = new Queue<Expr>([node]);
        var seen = new HashSet<Expr>(ReferenceEqualityComparer.Instance);
        while (queue.Count > 0)
        {
            var e = queue.Dequeue();
            if (offsets.TryGetValue(e, out var at)) return at;
            foreach (var a in e.Args) if (seen.Add(a)) queue.Enqueue(a);
        }
        return 0;
    }
}
