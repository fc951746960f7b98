namespace PartialWave.Parsing;

/// <summary>
/// What a bare name is, in every reader and writer alike: a letter (any script: α, θ, ...) or '_', then letters,
/// digits and '_'. Anything else is written quoted.
/// </summary>
internal static class Identifiers
{
    /// <summary>A character that can start a bare name.</summary>
    public static bool IsStart(char c) => char.IsLetter(c) || c == '_';

    /// <summary>A character that can continue a bare name.</summary>
    public static bool IsPart(char c) => char.IsLetterOrDigit(c) || c == '_';

    /// <summary>Whether a whole string is a bare name.</summary>
    public static bool IsIdentifier(string name) => name.Length > 0 && IsStart(name[0]) && name.All(IsPart);
}
