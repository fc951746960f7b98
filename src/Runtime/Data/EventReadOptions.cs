namespace PartialWave.Data;

/// <summary>How the event-file readers treat what they read. The default reads every column and rejects NaN and ±infinity.</summary>
public sealed record EventReadOptions
{
    /// <summary>Every column, values that are not finite rejected.</summary>
    public static EventReadOptions Default { get; } = new();

    /// <summary>
    /// The columns the caller needs, in the order the sample should have them; a file without one of them is an
    /// error (<see cref="Parsing.DiagnosticCodes.MissingColumn"/>) that lists the columns it has. Other columns are
    /// not read. Null: every column of the file, in file order.
    /// </summary>
    public IReadOnlyList<string>? Columns { get; init; }

    /// <summary>
    /// Called once with the names of all the file's columns, read or not, before any row is read: for a caller that
    /// reads some columns and wants to say something about the others (a column it did not expect).
    /// </summary>
    public Action<IReadOnlyList<string>>? FileColumns { get; init; }

    /// <summary>
    /// Accept values that are not finite (NaN, ±infinity, and numbers beyond ±1.8e308, which overflow to infinity).
    /// Off by default: such a value in event data is nearly always a bug upstream, and a fit over it fails far from
    /// the cause, so the reader names its row and column instead.
    /// </summary>
    public bool AllowNaN { get; init; }
}
