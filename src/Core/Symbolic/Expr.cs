using System.Numerics;

namespace PartialWave.Symbolic;

/// <summary>
/// An immutable, hash-consed expression node. Structurally equal expressions are the same object,
/// so reference equality is structural equality and common subexpressions are shared by construction.
/// Nodes are created only through the static factory methods (<see cref="Add(Expr[])"/>, <see cref="Mul(Expr[])"/>, ...),
/// which put arguments in canonical order, fold constants and apply trivial identities.
/// </summary>
public abstract partial class Expr
{
    private static long _nextId;

    /// <summary>The kind of this node.</summary>
    public ExprKind Kind { get; }

    /// <summary>Children (empty for atoms). Never mutate.</summary>
    public IReadOnlyList<Expr> Args => ArgArray;

    internal readonly Expr[] ArgArray;

    /// <summary>A structural hash that is the same in every process (used for canonical order).</summary>
    public ulong StableHash { get; }

    /// <summary>A process-unique number, increasing in creation order.</summary>
    internal long Id { get; }

    private protected Expr(ExprKind kind, Expr[] args, ulong payloadHash)
    {
        Kind = kind;
        ArgArray = args;
        ulong h = Mix(0xcbf29ce484222325UL, (ulong)kind + 1);
        h = Mix(h, payloadHash);
        foreach (var a in args) h = Mix(h, a.StableHash);
        StableHash = h;
        Id = Interlocked.Increment(ref _nextId);
    }

    internal static ulong Mix(ulong h, ulong v)
    {
        h ^= v + 0x9e3779b97f4a7c15UL + (h << 6) + (h >> 2);
        h *= 0x100000001b3UL;
        return h ^ (h >> 29);
    }

    internal static ulong HashString(string s)
    {
        ulong h = 0xcbf29ce484222325UL;
        foreach (char c in s) { h ^= c; h *= 0x100000001b3UL; }
        return h;
    }

    /// <inheritdoc/>
    public override int GetHashCode() => (int)(StableHash ^ (StableHash >> 32));

    /// <summary>True for exact or floating numbers (not π, e or I).</summary>
    public bool IsNumber => Kind is ExprKind.Rational or ExprKind.Float or ExprKind.Complex;

    /// <summary>True when this node is a truth value or a condition.</summary>
    public bool IsBoolean => Functions.IsBoolean(Kind);

    /// <summary>True for exact zero.</summary>
    public bool IsZero => this is RationalNumber { IsZero: true };

    /// <summary>True for exact one.</summary>
    public bool IsOne => this is RationalNumber r && r.Numerator.IsOne && r.Denominator.IsOne;

    /// <summary>Shallow structural equality: same kind, same payload, children identical.</summary>
    internal abstract bool ShallowEquals(Expr other);

    internal bool SameArgs(Expr other)
    {
        var a = ArgArray; var b = other.ArgArray;
        if (a.Length != b.Length) return false;
        for (int i = 0; i < a.Length; i++) if (!ReferenceEquals(a[i], b[i])) return false;
        return true;
    }

    /// <summary>Readable infix form (parseable by <c>InfixReader</c>).</summary>
    public override string ToString() => InfixPrinter.Print(this);

    // ---- operators for hand-built expressions ----
    /// <summary>Sum.</summary>
    public static Expr operator +(Expr a, Expr b) => Add(a, b);
    /// <summary>Difference.</summary>
    public static Expr operator -(Expr a, Expr b) => Add(a, Mul(MinusOne, b));
    /// <summary>Negation.</summary>
    public static Expr operator -(Expr a) => Mul(MinusOne, a);
    /// <summary>Product.</summary>
    public static Expr operator *(Expr a, Expr b) => Mul(a, b);
    /// <summary>Quotient.</summary>
    public static Expr operator /(Expr a, Expr b) => Mul(a, Pow(b, MinusOne));
    /// <summary>Exact integer.</summary>
    public static implicit operator Expr(int value) => Integer(value);
    /// <summary>Float.</summary>
    public static implicit operator Expr(double value) => Float(value);
}

/// <summary>An exact integer or rational number p/q in lowest terms, q &gt; 0.</summary>
public sealed class RationalNumber : Expr
{
    /// <summary>Numerator.</summary>
    public BigInteger Numerator { get; }
    /// <summary>Denominator (positive).</summary>
    public BigInteger Denominator { get; }

    internal RationalNumber(BigInteger p, BigInteger q)
        : base(ExprKind.Rational, [], Mix(HashBig(p), HashBig(q)))
    {
        Numerator = p; Denominator = q;
    }

    private static ulong HashBig(BigInteger v) =>
        v >= long.MinValue && v <= long.MaxValue ? (ulong)(long)v : HashString(v.ToString());

    /// <summary>True when the denominator is one.</summary>
    public bool IsInteger => Denominator.IsOne;
    /// <summary>True for zero.</summary>
    public new bool IsZero => Numerator.IsZero;
    /// <summary>True when negative.</summary>
    public bool IsNegative => Numerator.Sign < 0;

    /// <summary>The nearest double.</summary>
    public double ToDouble() => ExactToDouble(Numerator, Denominator);

    internal static double ExactToDouble(BigInteger p, BigInteger q)
    {
        const long Exact = 1L << 53;
        if (BigInteger.Abs(p) <= Exact && q <= Exact) return (double)p / (double)q;
        // Scale so that the quotient carries 64+ significant bits, then one rounding.
        int shift = (int)(q.GetBitLength() - BigInteger.Abs(p).GetBitLength()) + 66;
        BigInteger scaled = shift >= 0 ? (p << shift) / q : p / (q << -shift);
        return Math.ScaleB((double)scaled, -shift);
    }

    internal override bool ShallowEquals(Expr other) =>
        other is RationalNumber r && r.Numerator == Numerator && r.Denominator == Denominator;
}

/// <summary>A floating-point number. <see cref="Precision"/> is SymPy's binary precision (53 for a double).</summary>
public sealed class FloatNumber : Expr
{
    /// <summary>The value.</summary>
    public double Value { get; }
    /// <summary>SymPy's precision in bits, kept so that srepr prints back what it read.</summary>
    public int Precision { get; }

    internal FloatNumber(double value, int precision)
        : base(ExprKind.Float, [], Mix((ulong)BitConverter.DoubleToInt64Bits(value), (ulong)precision))
    {
        Value = value; Precision = precision;
    }

    internal override bool ShallowEquals(Expr other) =>
        other is FloatNumber f && BitConverter.DoubleToInt64Bits(f.Value) == BitConverter.DoubleToInt64Bits(Value) && f.Precision == Precision;
}

/// <summary>A floating-point complex number (the result of folding, or a complex parameter value).</summary>
public sealed class ComplexNumber : Expr
{
    /// <summary>The value.</summary>
    public Complex Value { get; }

    internal ComplexNumber(Complex value)
        : base(ExprKind.Complex, [], Mix((ulong)BitConverter.DoubleToInt64Bits(value.Real), (ulong)BitConverter.DoubleToInt64Bits(value.Imaginary)))
    {
        Value = value;
    }

    internal override bool ShallowEquals(Expr other) =>
        other is ComplexNumber c
        && BitConverter.DoubleToInt64Bits(c.Value.Real) == BitConverter.DoubleToInt64Bits(Value.Real)
        && BitConverter.DoubleToInt64Bits(c.Value.Imaginary) == BitConverter.DoubleToInt64Bits(Value.Imaginary);
}

/// <summary>
/// A named symbol with assumptions. Identity is the name plus the closed set of assumptions, so the
/// same symbol printed with a short or a fully expanded assumption list is one node.
/// SymPy Indexed symbols are symbols too, named as SymPy prints them (<c>H[K(892), 0, -1/2]</c>),
/// with <see cref="Indexed"/> keeping their parts for srepr output.
/// </summary>
public sealed class Symbol : Expr
{
    /// <summary>The name, exactly as SymPy prints it.</summary>
    public string Name { get; }
    /// <summary>Closed set of assumptions.</summary>
    public Assumptions Assumptions { get; }
    /// <summary>For SymPy Indexed symbols: their base and indices; null for plain symbols.</summary>
    public IndexedParts? Indexed { get; }

    internal Symbol(string name, Assumptions assumptions, IndexedParts? indexed)
        : base(ExprKind.Symbol, [], Mix(Mix(HashString(name), (ulong)assumptions), indexed is null ? 0UL : HashString(indexed.ToString())))
    {
        Name = name; Assumptions = assumptions; Indexed = indexed;
    }

    /// <summary>True when assumed real.</summary>
    public bool IsReal => (Assumptions & Assumptions.Real) != 0;

    // Two Indexed symbols that print alike but were built from different parts (Str('0') vs Integer(0)) stay two
    // nodes, so srepr writes back what was read; evaluation binds both by name.
    internal override bool ShallowEquals(Expr other) =>
        other is Symbol s && s.Name == Name && s.Assumptions == Assumptions && Equals(s.Indexed, Indexed);
}

/// <summary>The parts of a SymPy <c>Indexed</c> symbol, for printing it back.</summary>
/// <param name="BaseSrepr">srepr of the IndexedBase's label symbol.</param>
/// <param name="IndexSrepr">srepr of each index (Str, Integer, Rational, Symbol).</param>
public sealed record IndexedParts(string BaseSrepr, IReadOnlyList<string> IndexSrepr)
{
    /// <inheritdoc/>
    public bool Equals(IndexedParts? other) =>
        other is not null && BaseSrepr == other.BaseSrepr && IndexSrepr.SequenceEqual(other.IndexSrepr);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(BaseSrepr, IndexSrepr.Count);

    /// <inheritdoc/>
    public override string ToString() => BaseSrepr + "[" + string.Join(", ", IndexSrepr) + "]";
}

/// <summary>Every node with children, and the constants π, e, I, true, false.</summary>
public sealed class Compound : Expr
{
    internal Compound(ExprKind kind, Expr[] args) : base(kind, args, 0) { }

    internal override bool ShallowEquals(Expr other) => other.Kind == Kind && other is Compound && SameArgs(other);
}
