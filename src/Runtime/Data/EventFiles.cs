using PartialWave.Parsing;

namespace PartialWave.Data;

/// <summary>The event-file formats, told apart by file extension.</summary>
public enum EventFileFormat
{
    /// <summary>Comma-separated values with a header of column names (.csv).</summary>
    Csv,
    /// <summary>A NumPy array (.npy): 1-D for one column, 2-D for events x columns.</summary>
    Npy,
    /// <summary>A zip of NumPy arrays, one per named column (.npz).</summary>
    Npz,
    /// <summary>Apache Parquet (.parquet).</summary>
    Parquet,
}

/// <summary>
/// Event samples to and from files, the format chosen by extension: .csv, .npy, .npz, .parquet. Readers return
/// diagnostics naming the file and the place (line and column for CSV, row index and column for the binary
/// formats) for a missing column, a non-numeric cell, a truncated file or a NaN; nothing is dropped silently.
/// </summary>
public static class EventFiles
{
    /// <summary>The extensions understood, with their formats.</summary>
    public static IReadOnlyDictionary<string, EventFileFormat> Extensions { get; } =
        new Dictionary<string, EventFileFormat>(StringComparer.OrdinalIgnoreCase)
        {
            [".csv"] = EventFileFormat.Csv,
            [".npy"] = EventFileFormat.Npy,
            [".npz"] = EventFileFormat.Npz,
            [".parquet"] = EventFileFormat.Parquet,
        };

    /// <summary>The format of a path by its extension (case-insensitive); null when it is none of them.</summary>
    public static EventFileFormat? FormatOf(string path) =>
        Extensions.TryGetValue(Path.GetExtension(path), out var format) ? format : null;

    /// <summary>Reads an event file whole.</summary>
    /// <param name="path">A .csv, .npy, .npz or .parquet file.</param>
    /// <param name="options">Columns to read and NaN policy; null for <see cref="EventReadOptions.Default"/>.</param>
    public static ParseResult<EventSample> Read(string path, EventReadOptions? options = null)
    {
        options ??= EventReadOptions.Default;
        return FormatOf(path) switch
        {
            EventFileFormat.Csv => CsvEvents.Read(path, options),
            EventFileFormat.Npy => NpyEvents.Read(path, options),
            EventFileFormat.Npz => NpzEvents.Read(path, options),
            EventFileFormat.Parquet => ParquetFiles.Find() is { } parquet ? parquet.Read(path, options) : new ParseResult<EventSample>(null, [ParquetFiles.Missing(path)]),
            _ => new ParseResult<EventSample>(null, [UnknownExtension(path)]),
        };
    }

    /// <summary>
    /// Reads an event file in samples of <paramref name="chunkEvents"/> events (the last may have fewer), for files
    /// larger than memory: CSV is streamed, .npy read by seeking, .npz entries streamed side by side, Parquet read
    /// a row group at a time. The chunks put together equal <see cref="Read"/>'s sample. Bad input throws
    /// <see cref="EventFileException"/> (with the diagnostic <see cref="Read"/> would give) when the enumeration
    /// reaches it, so chunks before it have been handed out already.
    /// </summary>
    public static IEnumerable<EventSample> ReadChunks(string path, int chunkEvents, EventReadOptions? options = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkEvents, 1);
        options ??= EventReadOptions.Default;
        return FormatOf(path) switch
        {
            EventFileFormat.Csv => CsvEvents.ReadChunks(path, chunkEvents, options),
            EventFileFormat.Npy => NpyEvents.ReadChunks(path, chunkEvents, options),
            EventFileFormat.Npz => NpzEvents.ReadChunks(path, chunkEvents, options),
            EventFileFormat.Parquet => (ParquetFiles.Find() ?? throw new EventFileException(ParquetFiles.Missing(path))).ReadChunks(path, chunkEvents, options),
            _ => throw new EventFileException(UnknownExtension(path)),
        };
    }

    /// <summary>
    /// Writes a sample, the format chosen by extension; the file is replaced at once (written beside it, then
    /// moved), so a failed write leaves the old file. CSV values are written in round-trip form, the binary formats
    /// as float64: every format reads back bit for bit. A .npy file holds one column (read back under the file's
    /// name) or columns named col0..colN-1.
    /// </summary>
    /// <exception cref="ArgumentException">An unknown extension, or columns the format cannot hold.</exception>
    /// <exception cref="IOException">The file cannot be written.</exception>
    public static void Write(EventSample sample, string path)
    {
        switch (FormatOf(path))
        {
            case EventFileFormat.Csv: CsvEvents.Write(sample, path); break;
            case EventFileFormat.Npy: NpyEvents.Write(sample, path); break;
            case EventFileFormat.Npz: NpzEvents.Write(sample, path); break;
            case EventFileFormat.Parquet: (ParquetFiles.Find() ?? throw new ArgumentException(ParquetFiles.Missing(path).Message, nameof(path))).Write(sample, path); break;
            default: throw new ArgumentException(UnknownExtension(path).Message, nameof(path));
        }
    }

    private static Diagnostic UnknownExtension(string path)
    {
        var ext = Path.GetExtension(path);
        var what = ext.Length == 0 ? "no extension" : $"the extension '{ext}'";
        return new Diagnostic(DiagnosticCodes.UnsupportedData,
            $"unknown event file type ({what}): expected {string.Join(", ", Extensions.Keys)}", path, 1, 1);
    }
}
