using PartialWave.Symbolic;

namespace PartialWave.Parsing;

/// <summary>
/// What an embedding language (the <c>.amp</c> model reader) adds to infix expressions: its declared names, its
/// functions, names that are not identifiers, and imaginary literals such as <c>2.5i</c>. With a scope every name
/// must resolve; unknown names, unknown functions and wrong argument counts are all reported in one pass.
/// </summary>
public sealed class InfixScope
{
    /// <summary>The expression a name stands for (a symbol, or a definition), or null when it is not declared.</summary>
    public required Func<string, Expr?> ResolveName { get; init; }

    /// <summary>A function of the embedding language, or null (then the built-in math functions are tried).</summary>
    public Func<string, InfixFunction?> ResolveFunction { get; init; } = _ => null;

    /// <summary>The names <see cref="ResolveName"/> knows, for suggestions when a name is misspelt.</summary>
    public IEnumerable<string> Names { get; init; } = [];

    /// <summary>Function names of the embedding language, for suggestions when a name is misspelt.</summary>
    public IEnumerable<string> FunctionNames { get; init; } = [];

    /// <summary>Declared names that are not identifiers but start like one (<c>theta_1^12</c>): matched longest first.</summary>
    public IReadOnlyCollection<string> CompoundNames { get; init; } = [];

    /// <summary>Read <c>2.5i</c> as 2.5·I.</summary>
    public bool ImaginaryLiterals { get; init; }
}

/// <summary>A function of an <see cref="InfixScope"/>: its arity and how it builds its value.</summary>
/// <param name="MinArgs">Fewest arguments.</param>
/// <param name="MaxArgs">Most arguments.</param>
/// <param name="Apply">Builds the value; throws <see cref="InfixArgumentException"/> to blame one argument.</param>
public sealed record InfixFunction(int MinArgs, int MaxArgs, Func<IReadOnlyList<Expr>, Expr> Apply);

/// <summary>Thrown by an <see cref="InfixFunction"/> to report a bad argument at that argument's position.</summary>
/// <param name="argumentIndex">The argument blamed (0-based); -1 for the call as a whole.</param>
/// <param name="code">A diagnostic code.</param>
/// <param name="message">What was expected.</param>
public sealed class InfixArgumentException(int argumentIndex, string code, string message) : Exception(message)
{
    /// <summary>The argument blamed (0-based); -1 for the call as a whole.</summary>
    public int ArgumentIndex { get; } = argumentIndex;
    /// <summary>The diagnostic code.</summary>
    public string Code { get; } = code;
}
