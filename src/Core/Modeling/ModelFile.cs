using PartialWave.Parsing;
using PartialWave.Symbolic;

namespace PartialWave.Modeling;

/// <summary>Loads an expression from a file, choosing the reader by extension.</summary>
public static class ModelFile
{
    /// <summary>Reads an .amp model file with everything it declares (parameters, defaults, limits), not only its intensity.</summary>
    public static ParseResult<Modeling.AmplitudeModel> LoadModel(string path) => AmpReader.ParseFile(path);

    /// <summary>True when <paramref name="path"/> names an .amp model file.</summary>
    public static bool IsAmp(string path) => Path.GetExtension(path).Equals(".amp", StringComparison.OrdinalIgnoreCase);

    /// <summary>Extensions and what reads them.</summary>
    public static readonly IReadOnlyDictionary<string, string> Formats = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        [".srepr"] = "SymPy srepr export",
        [".expr"] = "infix expression (e.g. c*exp(I*phi)/(m^2 - s - I*m*w))",
        [".amp"] = "PartialWave model language (variables, parameters with defaults and limits, amplitudes, intensity)",
    };

    /// <summary>
    /// Reads a model file (.srepr: SymPy srepr; .expr: infix; .amp: the model language, giving its intensity). A constant
    /// that is NaN or infinite is an error at its place (PWA0020).
    /// </summary>
    public static ParseResult<Expr> Load(string path)
    {
        var ext = Path.GetExtension(path);
        if (!Formats.ContainsKey(ext))
            return new ParseResult<Expr>(null, [new Diagnostic(DiagnosticCodes.FileError,
                $"unknown model format '{ext}': expected one of {string.Join(", ", Formats.Select(f => $"{f.Key} ({f.Value})"))}", path, 1, 1)]);
        return SourceFile.Parse(path, (text, file) =>
        {
            if (ext.Equals(".amp", StringComparison.OrdinalIgnoreCase))
            {
                var model = AmpReader.Parse(text, file);
                return new ParseResult<Expr>(model.Value?.Intensity, model.Diagnostics);
            }
            return ext.Equals(".srepr", StringComparison.OrdinalIgnoreCase) ? SreprReader.ParseModel(text, file) : InfixReader.ParseModel(text, file);
        });
    }
}
