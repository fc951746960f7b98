using System.Numerics;
using PartialWave.Symbolic;

namespace PartialWave.Numerics;

/// <summary>
/// The test oracle: evaluates an expression at one point in complex double arithmetic with SymPy's exact
/// semantics (principal branches, Piecewise conditions, every supported function). Deliberately simple:
/// one pass over the distinct nodes in dependency order, no cleverness.
/// </summary>
public sealed class ReferenceEvaluator
{
    private readonly Expr[] _nodes;
    private readonly Dictionary<Expr, int> _index = new(ReferenceEqualityComparer.Instance);
    private readonly int[][] _argSlots;
    private readonly int[] _symbolSlot; // node -> symbol slot, or -1
    private readonly string[] _symbolNames;

    /// <summary>Prepares an expression for evaluation at many points.</summary>
    public ReferenceEvaluator(Expr expression)
    {
        Expression = expression;
        _nodes = expression.Distinct().ToArray();
        for (int i = 0; i < _nodes.Length; i++) _index[_nodes[i]] = i;
        _argSlots = new int[_nodes.Length][];
        _symbolSlot = new int[_nodes.Length];
        var names = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var name in expression.FreeSymbolNames()) names[name] = names.Count;
        _symbolNames = names.Keys.ToArray();
        for (int i = 0; i < _nodes.Length; i++)
        {
            _argSlots[i] = Array.ConvertAll(_nodes[i].ArgArray, a => _index[a]);
            _symbolSlot[i] = _nodes[i] is Symbol s ? names[s.Name] : -1;
        }
    }

    /// <summary>The expression evaluated.</summary>
    public Expr Expression { get; }

    /// <summary>Names of the free symbols, in the order <see cref="Evaluate(ReadOnlySpan{Complex})"/> takes their values.</summary>
    public IReadOnlyList<string> SymbolNames => _symbolNames;

    /// <summary>Evaluates once.</summary>
    public static Complex Evaluate(Expr expression, IReadOnlyDictionary<string, Complex> values) =>
        new ReferenceEvaluator(expression).Evaluate(values);

    /// <summary>Evaluates with symbol values by name; every free symbol needs a value.</summary>
    /// <exception cref="ArgumentException">Some free symbols have no value (all are named).</exception>
    public Complex Evaluate(IReadOnlyDictionary<string, Complex> values)
    {
        var v = new Complex[_symbolNames.Length];
        List<string>? missing = null;
        for (int i = 0; i < v.Length; i++)
        {
            if (values.TryGetValue(_symbolNames[i], out var x)) v[i] = x;
            else (missing ??= []).Add(_symbolNames[i]);
        }
        if (missing is not null) throw new ArgumentException("no value for the symbol(s): " + string.Join(", ", missing));
        return Evaluate(v);
    }

    /// <summary>Evaluates with symbol values in the order of <see cref="SymbolNames"/>.</summary>
    public Complex Evaluate(ReadOnlySpan<Complex> symbolValues)
    {
        if (symbolValues.Length != _symbolNames.Length)
            throw new ArgumentException($"expected {_symbolNames.Length} symbol values, got {symbolValues.Length}");
        var values = new Complex[_nodes.Length];
        Fill(symbolValues, values);
        return values[^1];
    }

    /// <summary>
    /// Every distinct node of the expression with its value, children before parents (the order the evaluation takes).
    /// </summary>
    internal (IReadOnlyList<Expr> Nodes, Complex[] Values) AllValues(ReadOnlySpan<Complex> symbolValues)
    {
        var values = new Complex[_nodes.Length];
        Fill(symbolValues, values);
        return (_nodes, values);
    }

    private void Fill(ReadOnlySpan<Complex> symbolValues, Complex[] values)
    {
        Span<Complex> scratch = stackalloc Complex[4];
        for (int i = 0; i < _nodes.Length; i++)
        {
            var node = _nodes[i];
            var slots = _argSlots[i];
            Complex result;
            switch (node)
            {
                case RationalNumber r: result = new Complex(r.ToDouble(), 0); break;
                case FloatNumber f: result = new Complex(f.Value, 0); break;
                case ComplexNumber c: result = c.Value; break;
                case Symbol: result = symbolValues[_symbolSlot[i]]; break;
                case { Kind: ExprKind.Piecewise }: result = Piecewise(slots, values); break;
                default: result = Compute(node.Kind, slots, values, scratch); break;
            }
            values[i] = result;
        }
    }

    // Conditions in order; the first that holds gives the value. A comparison of non-real values is
    // undefined (SymPy raises there), and so is falling off the end.
    private Complex Piecewise(int[] pairSlots, Complex[] values)
    {
        foreach (var p in pairSlots)
        {
            var pair = _argSlots[p];
            var cond = values[pair[1]];
            if (IsUndefined(cond)) return Undefined;
            if (cond != Complex.Zero) return values[pair[0]];
        }
        return Undefined;
    }

    private static readonly Complex Undefined = ScalarMath.NaN;
    private static Complex Truth(bool b) => b ? Complex.One : Complex.Zero;
    private static bool IsUndefined(Complex c) => double.IsNaN(c.Real);

    private static Complex Compute(ExprKind kind, int[] slots, Complex[] values, Span<Complex> scratch)
    {
        switch (kind)
        {
            case ExprKind.ImaginaryUnit: return Complex.ImaginaryOne;
            case ExprKind.Pi: return new Complex(Math.PI, 0);
            case ExprKind.E: return new Complex(Math.E, 0);
            case ExprKind.True: return Complex.One;
            case ExprKind.False: return Complex.Zero;
            case ExprKind.Add:
            {
                Complex s = Complex.Zero;
                foreach (var k in slots) s += values[k];
                return s;
            }
            case ExprKind.Mul:
            {
                Complex p = values[slots[0]];
                for (int j = 1; j < slots.Length; j++) p = ScalarMath.Multiply(p, values[slots[j]]);
                return p;
            }
            case ExprKind.Pow: return ScalarMath.Pow(values[slots[0]], values[slots[1]]);
            case ExprKind.ExprCondPair: return Complex.Zero; // read through by Piecewise
            case ExprKind.And or ExprKind.Or:
            {
                bool any = kind == ExprKind.Or, undefined = false;
                foreach (var k in slots)
                {
                    var c = values[k];
                    if (IsUndefined(c)) { undefined = true; continue; }
                    if ((c != Complex.Zero) == any) return Truth(any);
                }
                return undefined ? Undefined : Truth(!any);
            }
            case ExprKind.Not:
            {
                var c = values[slots[0]];
                return IsUndefined(c) ? Undefined : Truth(c == Complex.Zero);
            }
            case ExprKind.Equality: return Truth(values[slots[0]] == values[slots[1]]);
            case ExprKind.Unequality: return Truth(values[slots[0]] != values[slots[1]]);
            case ExprKind.StrictLessThan or ExprKind.StrictGreaterThan or ExprKind.LessThan or ExprKind.GreaterThan:
            {
                var c = ScalarMath.Compare(values[slots[0]], values[slots[1]]);
                if (c is null) return Undefined;
                return Truth(kind switch
                {
                    ExprKind.StrictLessThan => c < 0,
                    ExprKind.StrictGreaterThan => c > 0,
                    ExprKind.LessThan => c <= 0,
                    _ => c >= 0,
                });
            }
        }
        var args = slots.Length <= scratch.Length ? scratch[..slots.Length] : new Complex[slots.Length];
        for (int j = 0; j < slots.Length; j++) args[j] = values[slots[j]];
        return Expr.NumericFunction(kind, args);
    }
}
