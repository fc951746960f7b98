using PartialWave.Symbolic;

namespace PartialWave.Parsing;

/// <summary>Loads an expression from a file, choosing the reader by extension.</summary>
public static class ModelFile
{
    /// <summary>Extensions and what reads them.</summary>
    public static readonly IReadOnlyDictionary<string, string> Formats = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        [".srepr"] = "SymPy srepr export",
        [".expr"] = "infix expression (e.g. c*exp(I*phi)/(m^2 - s - I*m*w))",
    };

    /// <summary>Reads a model file (.srepr: SymPy srepr; .expr: infix).</summary>
    public static ParseResult<Expr> Load(string path)
    {
        var ext = Path.GetExtension(path);
        if (!Formats.ContainsKey(ext))
            return new ParseResult<Expr>(null, [new Diagnostic(DiagnosticCodes.FileError,
                $"unknown model format '{ext}': expected one of {string.Join(", ", Formats.Select(f => $"{f.Key} ({f.Value})"))}", path, 1, 1)]);
        string text;
        try { text = File.ReadAllText(path); }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return new ParseResult<Expr>(null, [new Diagnostic(DiagnosticCodes.FileError, $"cannot read the file: {ex.Message}", path, 1, 1)]);
        }
        return ext.Equals(".srepr", StringComparison.OrdinalIgnoreCase) ? SreprReader.Parse(text, path) : InfixReader.Parse(text, path);
    }
}
