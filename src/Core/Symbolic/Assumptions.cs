namespace PartialWave.Symbolic;

/// <summary>What a symbol is assumed to be. Always stored closed under implication (see <see cref="AssumptionSet"/>).</summary>
[Flags]
public enum Assumptions
{
    /// <summary>Nothing assumed: a complex number.</summary>
    None = 0,
    /// <summary>Real.</summary>
    Real = 1,
    /// <summary>Real and ≥ 0.</summary>
    Nonnegative = 2,
    /// <summary>Real and &gt; 0.</summary>
    Positive = 4,
    /// <summary>Integer (real).</summary>
    Integer = 8,
    /// <summary>Not zero.</summary>
    Nonzero = 16,
    /// <summary>Real and &lt; 0.</summary>
    Negative = 32,
    /// <summary>Real and ≤ 0.</summary>
    Nonpositive = 64,
}

/// <summary>Closing and reading SymPy assumption keywords.</summary>
public static class AssumptionSet
{
    /// <summary>Adds everything the given facts imply.</summary>
    public static Assumptions Close(Assumptions a)
    {
        if ((a & Assumptions.Positive) != 0) a |= Assumptions.Nonnegative | Assumptions.Nonzero;
        if ((a & Assumptions.Negative) != 0) a |= Assumptions.Nonpositive | Assumptions.Nonzero;
        if ((a & (Assumptions.Nonnegative | Assumptions.Nonpositive | Assumptions.Integer)) != 0) a |= Assumptions.Real;
        if ((a & Assumptions.Nonnegative) != 0 && (a & Assumptions.Nonzero) != 0) a |= Assumptions.Positive;
        if ((a & Assumptions.Nonpositive) != 0 && (a & Assumptions.Nonzero) != 0) a |= Assumptions.Negative;
        return a;
    }

    /// <summary>SymPy's assumption names that a Symbol accepts (all others are errors).</summary>
    public static readonly IReadOnlySet<string> KnownNames = new HashSet<string>(StringComparer.Ordinal)
    {
        "commutative", "complex", "real", "extended_real", "integer", "rational", "irrational", "algebraic",
        "transcendental", "finite", "infinite", "positive", "negative", "nonnegative", "nonpositive", "nonzero",
        "zero", "extended_positive", "extended_negative", "extended_nonnegative", "extended_nonpositive",
        "extended_nonzero", "imaginary", "hermitian", "antihermitian", "even", "odd", "prime", "composite",
        "noninteger", "polar",
    };

    /// <summary>Builds the closed set from SymPy keyword assumptions (name → True/False).</summary>
    /// <exception cref="ArgumentException">The keywords contradict each other (SymPy raises there too).</exception>
    public static Assumptions FromKeywords(IEnumerable<KeyValuePair<string, bool>> keywords)
    {
        var a = Assumptions.None;
        var denied = Assumptions.None;
        var seen = new Dictionary<string, bool>(StringComparer.Ordinal);
        bool notNegative = false, notPositive = false;
        foreach (var (name, value) in keywords)
        {
            if (!seen.TryAdd(name, value)) throw new ArgumentException($"assumption '{name}' is given twice");
            if (name == "commutative" && !value) throw new ArgumentException("non-commutative symbols are not supported");
            if (value)
            {
                a |= name switch
                {
                    "real" or "rational" or "irrational" => Assumptions.Real,
                    "integer" or "even" or "odd" => Assumptions.Integer,
                    "prime" or "composite" => Assumptions.Integer | Assumptions.Positive,
                    "positive" => Assumptions.Positive,
                    "negative" => Assumptions.Negative,
                    "nonnegative" => Assumptions.Nonnegative,
                    "nonpositive" => Assumptions.Nonpositive,
                    "nonzero" => Assumptions.Nonzero | Assumptions.Real,
                    "zero" => Assumptions.Nonnegative | Assumptions.Nonpositive | Assumptions.Integer,
                    _ => Assumptions.None,
                };
            }
            else
            {
                switch (name)
                {
                    case "negative": case "extended_negative": notNegative = true; denied |= Assumptions.Negative; break;
                    case "positive": case "extended_positive": notPositive = true; denied |= Assumptions.Positive; break;
                    case "zero": a |= Assumptions.Nonzero; break;
                    case "real": denied |= Assumptions.Real; break;
                    case "integer": denied |= Assumptions.Integer; break;
                    case "nonnegative": denied |= Assumptions.Nonnegative; break;
                    case "nonpositive": denied |= Assumptions.Nonpositive; break;
                    case "nonzero": denied |= Assumptions.Nonzero; break;
                }
            }
        }
        a = Close(a);
        if ((a & Assumptions.Real) != 0)
        {
            if (notNegative) a |= Assumptions.Nonnegative;
            if (notPositive) a |= Assumptions.Nonpositive;
        }
        a = Close(a);
        if ((a & denied) != 0 || (a & (Assumptions.Positive | Assumptions.Nonpositive)) == (Assumptions.Positive | Assumptions.Nonpositive)
            || (a & (Assumptions.Negative | Assumptions.Nonnegative)) == (Assumptions.Negative | Assumptions.Nonnegative))
            throw new ArgumentException("the assumptions contradict each other");
        return a;
    }

    /// <summary>The fewest SymPy keyword arguments (<c>positive=True</c>, ...) that reproduce the set.</summary>
    public static IEnumerable<string> ToKeywordArguments(Assumptions a)
    {
        foreach (var k in Keywords(a)) yield return k == "zero" ? "zero=False" : k + "=True";
    }

    private static IEnumerable<string> Keywords(Assumptions a)
    {
        if ((a & Assumptions.Integer) != 0) yield return "integer";
        if ((a & Assumptions.Positive) != 0) yield return "positive";
        else if ((a & Assumptions.Negative) != 0) yield return "negative";
        else
        {
            if ((a & Assumptions.Nonnegative) != 0) yield return "nonnegative";
            if ((a & Assumptions.Nonpositive) != 0) yield return "nonpositive";
            if ((a & Assumptions.Nonzero) != 0) yield return (a & Assumptions.Real) != 0 ? "nonzero" : "zero";
            if ((a & (Assumptions.Nonnegative | Assumptions.Nonpositive | Assumptions.Nonzero | Assumptions.Integer)) == 0
                && (a & Assumptions.Real) != 0) yield return "real";
        }
    }
}
