using System.Globalization;
using System.Numerics;
using PartialWave.Data;
using PartialWave.Parsing;
using Spectre.Console;

namespace PartialWave.Cli;

/// <summary>Where a command writes: plain text to stdout, diagnostics to stderr, tables through Spectre.Console.</summary>
internal sealed class CommandIo(TextWriter stdout, TextWriter stderr)
{
    public TextWriter Out { get; } = stdout;
    public TextWriter Err { get; } = stderr;

    /// <summary>A Spectre console over stdout; no colours or cursor codes when the output is not a terminal.</summary>
    public IAnsiConsole Console { get; } = AnsiConsole.Create(new AnsiConsoleSettings
    {
        Out = new AnsiConsoleOutput(stdout),
        Ansi = ReferenceEquals(stdout, System.Console.Out) && !System.Console.IsOutputRedirected ? AnsiSupport.Detect : AnsiSupport.No,
        ColorSystem = ReferenceEquals(stdout, System.Console.Out) && !System.Console.IsOutputRedirected ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
        Interactive = InteractionSupport.No,
    }).WithWideProfile();

    public int Fail(IEnumerable<Diagnostic> diagnostics)
    {
        foreach (var d in diagnostics) Err.WriteLine(d.ToString());
        return (int)ExitCode.BadInput;
    }

    /// <summary>Problems that do not stop the command, in the <c>file:line:col: warning CODE: message</c> form.</summary>
    public void Warn(IEnumerable<Diagnostic> warnings)
    {
        foreach (var w in warnings) Err.WriteLine($"{w.File}:{w.Line}:{w.Column}: warning {w.Code}: {w.Message}");
    }

    /// <summary>A reader's missing-column errors with the command's reason for reading that column appended.</summary>
    public static IEnumerable<Diagnostic> ExplainMissingColumns(IEnumerable<Diagnostic> diagnostics, string why) =>
        diagnostics.Select(d => d.Code != DiagnosticCodes.MissingColumn ? d : d with { Message = $"{d.Message}; {why}" });

    /// <summary>A problem with no position (command-line arguments, a file as a whole).</summary>
    public int Fail(string file, string message)
    {
        Err.WriteLine($"{file}: error: {message}");
        return (int)ExitCode.BadInput;
    }

    /// <summary>A problem at a place in a file, in the standard <c>file:line:col: error CODE: message</c> form.</summary>
    public int Fail(string file, int line, int column, string code, string message) =>
        Fail([new Diagnostic(code, message, file, line, column)]);

    /// <summary>
    /// Refuses an output before any work: one of the inputs, a wrong extension, a folder that is missing or cannot be
    /// written (see <see cref="OutputFile.Check"/>). True when <paramref name="output"/> is null (standard output) or fine.
    /// </summary>
    public bool CheckOutput(string? output, IEnumerable<string?> inputs, string[] extensions, out int exit)
    {
        exit = 0;
        if (output is null || OutputFile.Check(output, inputs, extensions) is not { } why) return true;
        exit = Fail(output, $"cannot write the output file: {why}");
        return false;
    }

    /// <summary>Writes an output file whole or not at all (<see cref="OutputFile.Write"/>); false with the exit code when it fails.</summary>
    public bool TryWrite(string path, Action<TextWriter> write, out int exit)
    {
        exit = 0;
        try
        {
            OutputFile.WriteText(path, write);
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            exit = Fail(path, $"cannot write the output file: {ex.Message}");
            return false;
        }
    }

    /// <summary>An invalid JSON document, at the place the JSON reader stopped.</summary>
    public int Fail(string file, System.Text.Json.JsonException ex, int lineOffset = 0) =>
        Fail(file, (int)(ex.LineNumber ?? 0) + 1 + lineOffset, (int)(ex.BytePositionInLine ?? 0) + 1, DiagnosticCodes.InvalidJson,
             JsonErrors.Message(ex));

    /// <summary>Where a JSON property name first appears in a text (1:1 when it cannot be found).</summary>
    public static (int Line, int Column) FindJsonKey(string text, string name)
    {
        int at = text.IndexOf(System.Text.Json.JsonSerializer.Serialize(name), StringComparison.Ordinal);
        // Names with '+', '<', '&', ... or non-ASCII letters: as Python's json and most writers leave them.
        if (at < 0) at = text.IndexOf(System.Text.Json.JsonSerializer.Serialize(name, RelaxedJson), StringComparison.Ordinal);
        if (at < 0) at = text.IndexOf('"' + name + '"', StringComparison.Ordinal);
        return at < 0 ? (1, 1) : SourcePosition.Locate(text, at);
    }

    private static readonly System.Text.Json.JsonSerializerOptions RelaxedJson =
        new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Format(double v) => v.ToString("G17", CultureInfo.InvariantCulture);

    public static string Format(Complex z) =>
        z.Imaginary == 0 ? Format(z.Real)
        : $"{Format(z.Real)} {(z.Imaginary < 0 || double.IsNegative(z.Imaginary) ? "-" : "+")} {Format(Math.Abs(z.Imaginary))}i";
}

internal static class ConsoleExtensions
{
    // Redirected output would be wrapped at 80 columns; a table of 17-digit values needs more.
    public static IAnsiConsole WithWideProfile(this IAnsiConsole console)
    {
        if (console.Profile.Width < 160) console.Profile.Width = 160;
        return console;
    }
}
