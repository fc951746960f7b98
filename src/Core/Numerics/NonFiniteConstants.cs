using System.Numerics;
using PartialWave.Symbolic;

namespace PartialWave.Numerics;

/// <summary>
/// Finds a constant part of an expression whose value is not a finite number: a literal NaN or infinity, an integer
/// beyond ±1.8e308, 1/0, log(0). Evaluated as every backend evaluates it, it would make every event NaN or infinite
/// without a word; the readers report it at its place in the source instead. Conditions are not looked into
/// (x &lt; oo is a fine condition).
/// </summary>
internal static class NonFiniteConstants
{
    private static readonly Dictionary<string, Complex> NoSymbols = [];

    /// <summary>The smallest constant subexpression of <paramref name="root"/> that is not finite, and its value; null when there is none.</summary>
    public static (Expr Node, Complex Value)? Find(Expr root)
    {
        // One evaluation of every node (symbols at an arbitrary value: constant nodes do not depend on them); the
        // first constant node in evaluation order that is not finite is a smallest one, its children being finite.
        // Evaluating each constant node on its own instead cost a fresh evaluator per node (+40 ms on a cold J/psi fit).
        var (constant, inPostOrder) = Constants(root);
        (IReadOnlyList<Expr> Nodes, Complex[] Values) all;
        try
        {
            var evaluator = new ReferenceEvaluator(root);
            var symbols = new Complex[evaluator.SymbolNames.Count];
            Array.Fill(symbols, Complex.One);
            all = evaluator.AllValues(symbols);
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or NotSupportedException or KeyNotFoundException)
        {
            return FindNodeByNode(inPostOrder);
        }
        for (int i = 0; i < all.Nodes.Count; i++)
        {
            var v = all.Values[i];
            if ((!double.IsFinite(v.Real) || !double.IsFinite(v.Imaginary)) && constant.Contains(all.Nodes[i]))
                return (all.Nodes[i], v);
        }
        return null;
    }

    // The constant nodes (no symbol below them, not a condition: x < oo is a fine condition), also listed children
    // before parents. Post-order without recursion: models nest thousands of levels deep.
    private static (HashSet<Expr> Constant, List<Expr> InPostOrder) Constants(Expr root)
    {
        var isConstant = new Dictionary<Expr, bool>(ReferenceEqualityComparer.Instance);
        var inPostOrder = new List<Expr>();
        var stack = new Stack<(Expr Node, bool Expanded)>();
        stack.Push((root, false));
        while (stack.Count > 0)
        {
            var (e, expanded) = stack.Pop();
            if (isConstant.ContainsKey(e)) continue;
            if (e.IsBoolean && e.Kind != ExprKind.True && e.Kind != ExprKind.False)
            {
                // The values a condition selects between sit in Piecewise pairs, not under the comparison itself.
                isConstant[e] = false;
                continue;
            }
            if (!expanded && e.Args.Count > 0)
            {
                stack.Push((e, true));
                foreach (var a in e.Args) if (!isConstant.ContainsKey(a)) stack.Push((a, false));
                continue;
            }
            bool c = e is not Symbol && !e.IsBoolean && e.Kind != ExprKind.ExprCondPair;
            if (c) foreach (var a in e.Args) if (!isConstant[a]) { c = false; break; }
            isConstant[e] = c;
            if (c) inPostOrder.Add(e);
        }
        return (new HashSet<Expr>(inPostOrder, ReferenceEqualityComparer.Instance), inPostOrder);
    }

    // The fallback where the whole expression cannot be evaluated at once: each constant node on its own, smallest first.
    private static (Expr Node, Complex Value)? FindNodeByNode(List<Expr> constantsInPostOrder)
    {
        foreach (var e in constantsInPostOrder)
        {
            Complex value;
            try { value = ReferenceEvaluator.Evaluate(e, NoSymbols); }
            catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or NotSupportedException or KeyNotFoundException) { continue; }
            if (!double.IsFinite(value.Real) || !double.IsFinite(value.Imaginary)) return (e, value);
        }
        return null;
    }

    /// <summary>What a reader says of it.</summary>
    public static string Message(Expr node, Complex value)
    {
        string what = double.IsNaN(value.Real) || double.IsNaN(value.Imaginary) ? "NaN"
            : (value.Imaginary == 0 ? (value.Real > 0 ? "+infinity" : "-infinity") : "an infinite complex number")
              + " (a number beyond ±1.8e308, a division by zero or log(0))";
        var text = InfixPrinter.Print(node);
        if (text.Length > 40) text = text[..37] + "...";
        return $"the constant {text} is {what}: the model would be {(what.StartsWith("NaN", StringComparison.Ordinal) ? "NaN" : "infinite or NaN")} wherever it counts; write a finite value";
    }
}
