namespace PartialWave.Symbolic;

/// <summary>Sizes of an expression: as a tree (what SymPy holds) and as a DAG (what we hold).</summary>
public static class Counting
{
    /// <summary>
    /// Number of nodes when the expression is written out as a tree, counted like SymPy's preorder traversal
    /// (an Indexed symbol counts as Indexed + IndexedBase + label + one per index).
    /// </summary>
    public static long TreeSize(this Expr root)
    {
        var memo = new Dictionary<Expr, long>(ReferenceEqualityComparer.Instance);
        long Size(Expr e)
        {
            if (memo.TryGetValue(e, out var s)) return s;
            s = e is Symbol { Indexed: { } ix } ? 3 + ix.IndexSrepr.Count : 1;
            foreach (var a in e.ArgArray) s = SaturatingAdd(s, Size(a));
            memo[e] = s;
            return s;
        }
        return Size(root);
    }

    private static long SaturatingAdd(long a, long b) => a > long.MaxValue - b ? long.MaxValue : a + b;

    /// <summary>Number of distinct nodes (the DAG size).</summary>
    public static int DagSize(this Expr root) => Distinct(root).Count;

    /// <summary>All distinct nodes, children before parents.</summary>
    public static IReadOnlyList<Expr> Distinct(this Expr root)
    {
        var seen = new HashSet<Expr>(ReferenceEqualityComparer.Instance);
        var order = new List<Expr>();
        // Iterative post-order so that deep expressions cannot overflow the stack.
        var stack = new Stack<(Expr Node, int Next)>();
        if (seen.Add(root)) stack.Push((root, 0));
        while (stack.Count > 0)
        {
            var (node, next) = stack.Pop();
            if (next < node.ArgArray.Length)
            {
                stack.Push((node, next + 1));
                var child = node.ArgArray[next];
                if (seen.Add(child)) stack.Push((child, 0));
            }
            else order.Add(node);
        }
        return order;
    }

    /// <summary>Free symbols, sorted by name.</summary>
    public static IReadOnlyList<Symbol> FreeSymbols(this Expr root)
    {
        var list = new List<Symbol>();
        foreach (var e in Distinct(root)) if (e is Symbol s) list.Add(s);
        list.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        return list;
    }

    /// <summary>Names of the free symbols, sorted, without duplicates.</summary>
    public static IReadOnlyList<string> FreeSymbolNames(this Expr root) =>
        FreeSymbols(root).Select(s => s.Name).Distinct().ToList();

    /// <summary>Depth of the tree (an atom has depth 1).</summary>
    public static int Depth(this Expr root)
    {
        var memo = new Dictionary<Expr, int>(ReferenceEqualityComparer.Instance);
        foreach (var e in Distinct(root))
        {
            int d = 0;
            foreach (var a in e.ArgArray) d = Math.Max(d, memo[a]);
            memo[e] = d + 1;
        }
        return memo[root];
    }
}
