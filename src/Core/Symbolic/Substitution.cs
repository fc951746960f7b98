namespace PartialWave.Symbolic;

/// <summary>Replacing symbols or subexpressions.</summary>
public static class Substitution
{
    /// <summary>
    /// Replaces every occurrence of each key (a symbol or any subexpression, matched structurally) by its
    /// value, rebuilding through the factory so the result is canonical and folded.
    /// </summary>
    public static Expr Substitute(this Expr root, IReadOnlyDictionary<Expr, Expr> map)
    {
        var memo = new Dictionary<Expr, Expr>(ReferenceEqualityComparer.Instance);
        foreach (var e in root.Distinct())
        {
            if (map.TryGetValue(e, out var replacement)) { memo[e] = replacement; continue; }
            if (e.ArgArray.Length == 0) { memo[e] = e; continue; }
            var args = new Expr[e.ArgArray.Length];
            for (int i = 0; i < args.Length; i++) args[i] = memo[e.ArgArray[i]];
            memo[e] = e.Update(args);
        }
        return memo[root];
    }

    /// <summary>Replaces one symbol or subexpression.</summary>
    public static Expr Substitute(this Expr root, Expr target, Expr replacement) =>
        Substitute(root, new Dictionary<Expr, Expr> { [target] = replacement });

    /// <summary>Replaces symbols by name (whatever their assumptions) with values.</summary>
    public static Expr SubstituteByName(this Expr root, IReadOnlyDictionary<string, Expr> values)
    {
        var map = new Dictionary<Expr, Expr>();
        foreach (var s in root.FreeSymbols())
            if (values.TryGetValue(s.Name, out var v)) map[s] = v;
        return Substitute(root, map);
    }
}
