namespace PartialWave.Parsing;

/// <summary>
/// A problem in user input: a stable code, a message that says what was expected, and the 1-based
/// line and column where it was found. User errors are values of this type, never exceptions.
/// </summary>
/// <param name="Code">Stable code, e.g. <c>PWA0001</c>.</param>
/// <param name="Message">What is wrong and what was expected.</param>
/// <param name="File">The file (or a description such as "&lt;input&gt;").</param>
/// <param name="Line">1-based line.</param>
/// <param name="Column">1-based column (in UTF-16 characters).</param>
public sealed record Diagnostic(string Code, string Message, string File, int Line, int Column)
{
    /// <summary>The standard form <c>file:line:col: error CODE: message</c>.</summary>
    public override string ToString() => $"{File}:{Line}:{Column}: error {Code}: {Message}";
}

/// <summary>The diagnostic codes of the readers.</summary>
public static class DiagnosticCodes
{
    /// <summary>A character or token that cannot start or continue anything here.</summary>
    public const string UnexpectedToken = "PWA0001";
    /// <summary>A parenthesis, bracket or bar without its partner.</summary>
    public const string Unbalanced = "PWA0002";
    /// <summary>A string literal that is not terminated or has an unknown escape.</summary>
    public const string BadString = "PWA0003";
    /// <summary>A constructor or name SymPy's srepr would not produce.</summary>
    public const string UnknownConstructor = "PWA0004";
    /// <summary>A function that is not supported.</summary>
    public const string UnknownFunction = "PWA0005";
    /// <summary>Too few or too many arguments.</summary>
    public const string WrongArity = "PWA0006";
    /// <summary>An argument of the wrong type (a string where an expression is needed, ...).</summary>
    public const string WrongArgument = "PWA0007";
    /// <summary>A malformed number.</summary>
    public const string BadNumber = "PWA0008";
    /// <summary>Nesting deeper than the reader allows.</summary>
    public const string TooDeep = "PWA0009";
    /// <summary>The input ended where more was expected.</summary>
    public const string UnexpectedEnd = "PWA0010";
    /// <summary>A file could not be read or written.</summary>
    public const string FileError = "PWA0011";
    /// <summary>A JSON input that is not valid JSON or not in the expected shape.</summary>
    public const string InvalidJson = "PWA0012";
    /// <summary>A value given for a symbol the model does not have.</summary>
    public const string UnknownSymbol = "PWA0013";
    /// <summary>A symbol of the model with no value.</summary>
    public const string MissingSymbol = "PWA0014";
    /// <summary>A data file without a column the caller asked for.</summary>
    public const string MissingColumn = "PWA0015";
    /// <summary>A NaN in a data file (rejected unless the reader is told to allow NaN).</summary>
    public const string NaNValue = "PWA0016";
    /// <summary>A data file that ends before its header or its rows say it should (a short .npy, a short CSV row).</summary>
    public const string Truncated = "PWA0017";
    /// <summary>A data file of a type, element type or shape the readers do not support.</summary>
    public const string UnsupportedData = "PWA0018";
    /// <summary>A field a reader does not know (reported as a warning; the file is still read).</summary>
    public const string UnknownField = "PWA0019";
    /// <summary>A constant of a model that is NaN or infinite (a literal, an overflow, 1/0, log(0)).</summary>
    public const string NonFiniteConstant = "PWA0020";
    /// <summary>A file whose content does not match its checksum (a damaged Parquet page).</summary>
    public const string ChecksumMismatch = "PWA0021";
    /// <summary>A file without checksums, so damage to it cannot be detected (reported as a warning).</summary>
    public const string NoChecksum = "PWA0022";

    // ---- the .amp model language ----
    /// <summary>A model file statement that does not have the expected shape (a keyword, '=', a name is missing).</summary>
    public const string AmpSyntax = "PWA0101";
    /// <summary>A name used in an expression that is not declared as a variable, parameter or constant, nor defined with let.</summary>
    public const string UndeclaredSymbol = "PWA0102";
    /// <summary>A call of a function that is neither built in nor defined with let.</summary>
    public const string UndefinedFunction = "PWA0103";
    /// <summary>A name declared or defined twice (or a reserved name declared).</summary>
    public const string Redefinition = "PWA0104";
    /// <summary>A call with too few or too many arguments.</summary>
    public const string WrongArgumentCount = "PWA0105";
    /// <summary>A model file without an intensity.</summary>
    public const string MissingIntensity = "PWA0106";
    /// <summary>A model file with more than one intensity.</summary>
    public const string DuplicateIntensity = "PWA0107";
    /// <summary>A parameter default, limit or constant value that depends on a variable or parameter.</summary>
    public const string NonConstantValue = "PWA0108";
    /// <summary>Parameter limits with lower ≥ upper, or a default outside its limits.</summary>
    public const string InvalidLimits = "PWA0109";
    /// <summary>An intensity that is not provably real-valued.</summary>
    public const string ComplexIntensity = "PWA0110";
    /// <summary>A spin or angular-momentum argument that is not a literal number (or not an integer or half-integer).</summary>
    public const string SpinNotLiteral = "PWA0111";
    /// <summary>A model that is not self-consistent (a free symbol without a role, a name given two roles).</summary>
    public const string InvalidModel = "PWA0112";
}

/// <summary>The outcome of reading: a value, or the diagnostics that explain why there is none.</summary>
/// <typeparam name="T">The value type.</typeparam>
public sealed class ParseResult<T> where T : class
{
    /// <summary>The value; null when reading failed.</summary>
    public T? Value { get; }
    /// <summary>Problems found (empty on success).</summary>
    public IReadOnlyList<Diagnostic> Diagnostics { get; }
    /// <summary>True when a value was read.</summary>
    public bool Success => Value is not null;
    /// <summary>What a reader noticed about a value it read anyway (a Parquet file without page checksums, ...).</summary>
    public IReadOnlyList<Diagnostic> Warnings { get; }

    internal ParseResult(T? value, IReadOnlyList<Diagnostic> diagnostics, IReadOnlyList<Diagnostic>? warnings = null)
    {
        Value = value;
        Diagnostics = diagnostics;
        Warnings = warnings ?? [];
    }

    /// <summary>The value, or an exception listing the diagnostics (for callers that treat bad input as a bug).</summary>
    public T GetValueOrThrow() =>
        Value ?? throw new FormatException(string.Join(Environment.NewLine, Diagnostics.Select(d => d.ToString())));
}

/// <summary>Internal unwinding from deep inside a reader; always caught and turned into a Diagnostic.</summary>
internal sealed class ParseFailure(string code, string message, int offset) : Exception(message)
{
    public string Code { get; } = code;
    public int Offset { get; } = offset;

    /// <summary>The input ended (or went on with something else) before the partner of an opening bracket.</summary>
    public static ParseFailure Unclosed(string text, int open, string what, int at)
    {
        var (line, col) = SourcePosition.Locate(text, open);
        return new ParseFailure(DiagnosticCodes.Unbalanced, $"missing {what} opened at {line}:{col}", at);
    }

    /// <summary>A call with too few or too many arguments.</summary>
    public static ParseFailure WrongArity(string name, int min, int max, int count, int at)
    {
        string expected = min == max ? $"{min}" : max == int.MaxValue ? $"at least {min}" : $"{min} to {max}";
        return new ParseFailure(DiagnosticCodes.WrongArity, $"{name} takes {expected} argument(s), got {count}", at);
    }
}

/// <summary>Offsets to 1-based line and column.</summary>
public static class SourcePosition
{
    /// <summary>1-based line and column of a character offset.</summary>
    public static (int Line, int Column) Locate(string text, int offset)
    {
        offset = Math.Clamp(offset, 0, text.Length);
        int line = 1, lineStart = 0;
        for (int i = 0; i < offset; i++)
        {
            if (text[i] == '\n') { line++; lineStart = i + 1; }
        }
        return (line, offset - lineStart + 1);
    }

    internal static Diagnostic ToDiagnostic(ParseFailure f, string text, string file, int lineOffset = 0)
    {
        var (line, col) = Locate(text, f.Offset);
        return new Diagnostic(f.Code, f.Message, file, line + lineOffset, col);
    }

    /// <summary>A short printable description of what stands at an offset.</summary>
    internal static string Describe(string text, int offset)
    {
        if (offset >= text.Length) return "the end of the input";
        char c = text[offset];
        if (char.IsControl(c) || char.IsSurrogate(c)) return $"character U+{(int)c:X4}";
        int end = offset;
        while (end < text.Length && end - offset < 20 && (char.IsLetterOrDigit(text[end]) || text[end] == '_')) end++;
        return end > offset ? $"'{text[offset..end]}'" : $"'{c}'";
    }
}

/// <summary>Reading a source file for a reader: an unreadable file is a diagnostic, like any other bad input.</summary>
internal static class SourceFile
{
    /// <summary>Reads <paramref name="path"/> and hands its text to <paramref name="parse"/> (text, path).</summary>
    public static ParseResult<T> Parse<T>(string path, Func<string, string, ParseResult<T>> parse) where T : class
    {
        string text;
        try { text = File.ReadAllText(path); }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return new ParseResult<T>(null, [new Diagnostic(DiagnosticCodes.FileError, $"cannot read the file: {ex.Message}", path, 1, 1)]);
        }
        return parse(text, path);
    }
}
