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
}
