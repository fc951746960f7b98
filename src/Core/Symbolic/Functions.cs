using System.Collections.Frozen;

namespace PartialWave.Symbolic;

/// <summary>Names and arities of the functions the engine knows, as SymPy spells them.</summary>
internal static class Functions
{
    /// <summary>Description of a function kind.</summary>
    /// <param name="Kind">The node kind.</param>
    /// <param name="Name">SymPy's name (used by srepr and infix printers and readers).</param>
    /// <param name="MinArgs">Fewest arguments accepted.</param>
    /// <param name="MaxArgs">Most arguments accepted (int.MaxValue for n-ary).</param>
    public sealed record Info(ExprKind Kind, string Name, int MinArgs, int MaxArgs);

    private static readonly Info[] All =
    [
        new(ExprKind.Abs, "Abs", 1, 1),
        new(ExprKind.Exp, "exp", 1, 1),
        new(ExprKind.Log, "log", 1, 2),
        new(ExprKind.Sin, "sin", 1, 1),
        new(ExprKind.Cos, "cos", 1, 1),
        new(ExprKind.Tan, "tan", 1, 1),
        new(ExprKind.Asin, "asin", 1, 1),
        new(ExprKind.Acos, "acos", 1, 1),
        new(ExprKind.Atan, "atan", 1, 1),
        new(ExprKind.Atan2, "atan2", 2, 2),
        new(ExprKind.Sinh, "sinh", 1, 1),
        new(ExprKind.Cosh, "cosh", 1, 1),
        new(ExprKind.Tanh, "tanh", 1, 1),
        new(ExprKind.Gamma, "gamma", 1, 1),
        new(ExprKind.Polygamma, "polygamma", 2, 2),
        new(ExprKind.Conjugate, "conjugate", 1, 1),
        new(ExprKind.Re, "re", 1, 1),
        new(ExprKind.Im, "im", 1, 1),
        new(ExprKind.Arg, "arg", 1, 1),
        new(ExprKind.Sign, "sign", 1, 1),
        new(ExprKind.Heaviside, "Heaviside", 1, 2),
        new(ExprKind.Max, "Max", 1, int.MaxValue),
        new(ExprKind.Min, "Min", 1, int.MaxValue),
        new(ExprKind.Mod, "Mod", 2, 2),
        new(ExprKind.Floor, "floor", 1, 1),
        new(ExprKind.Ceiling, "ceiling", 1, 1),
        new(ExprKind.KroneckerDelta, "KroneckerDelta", 2, 2),
        new(ExprKind.Erf, "erf", 1, 1),
    ];

    private static readonly FrozenDictionary<string, Info> ByName = All.ToFrozenDictionary(i => i.Name, StringComparer.Ordinal);
    private static readonly Info?[] ByKind = BuildByKind();

    private static Info?[] BuildByKind()
    {
        var table = new Info?[(int)Enum.GetValues<ExprKind>().Max() + 1];
        foreach (var i in All) table[(int)i.Kind] = i;
        return table;
    }

    /// <summary>Every known function.</summary>
    public static IReadOnlyList<Info> List => All;

    /// <summary>Looks a function up by its SymPy name.</summary>
    public static bool TryGet(string name, out Info info) => ByName.TryGetValue(name, out info!);

    /// <summary>The function description of a kind, or null when the kind is not a function.</summary>
    public static Info? Of(ExprKind kind) => ByKind[(int)kind];

    /// <summary>True for kinds that are function applications.</summary>
    public static bool IsFunction(ExprKind kind) => ByKind[(int)kind] is not null;

    /// <summary>True for kinds whose value is a truth value (conditions).</summary>
    public static bool IsBoolean(ExprKind kind) => kind is ExprKind.True or ExprKind.False
        or ExprKind.StrictLessThan or ExprKind.StrictGreaterThan or ExprKind.LessThan or ExprKind.GreaterThan
        or ExprKind.Equality or ExprKind.Unequality or ExprKind.And or ExprKind.Or or ExprKind.Not;

    /// <summary>True for the six comparisons.</summary>
    public static bool IsRelational(ExprKind kind) => kind is ExprKind.StrictLessThan or ExprKind.StrictGreaterThan
        or ExprKind.LessThan or ExprKind.GreaterThan or ExprKind.Equality or ExprKind.Unequality;

    /// <summary>SymPy's class name of a relational or boolean kind.</summary>
    public static string BooleanName(ExprKind kind) => kind switch
    {
        ExprKind.StrictLessThan => "StrictLessThan",
        ExprKind.StrictGreaterThan => "StrictGreaterThan",
        ExprKind.LessThan => "LessThan",
        ExprKind.GreaterThan => "GreaterThan",
        ExprKind.Equality => "Equality",
        ExprKind.Unequality => "Unequality",
        ExprKind.And => "And",
        ExprKind.Or => "Or",
        ExprKind.Not => "Not",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };
}
