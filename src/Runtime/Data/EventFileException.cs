using PartialWave.Parsing;

namespace PartialWave.Data;

/// <summary>
/// Bad input found while streaming an event file in chunks, where earlier chunks have already been handed out and
/// a <see cref="ParseResult{T}"/> cannot be returned. Carries the same diagnostic a whole-file read reports.
/// </summary>
public sealed class EventFileException : FormatException
{
    /// <summary>Wraps a diagnostic.</summary>
    public EventFileException(Diagnostic diagnostic) : base(diagnostic.ToString()) => Diagnostic = diagnostic;

    /// <summary>What is wrong and where.</summary>
    public Diagnostic Diagnostic { get; }

    /// <summary>Opens a file for a chunked read; a file that cannot be opened is reported as this exception.</summary>
    internal static FileStream OpenForChunks(string path)
    {
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new EventFileException(new Diagnostic(DiagnosticCodes.FileError, $"cannot read the file: {ex.Message}", path, 1, 1));
        }
    }
}
