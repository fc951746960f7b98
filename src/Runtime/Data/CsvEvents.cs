using System.Buffers;
using PartialWave.Parsing;

namespace PartialWave.Data;

/// <summary>
/// CSV event files: one header line of column names (RFC 4180 quoting, since symbol names contain commas),
/// one event a row, numbers in invariant culture. A bad cell is a diagnostic naming its line and column.
/// </summary>
/// <remarks>
/// Files are read by a byte-level parser (CsvEvents.Bytes.cs) that splits unquoted data into line blocks parsed
/// on all cores; Sylvan.Data.Csv, which the <see cref="TextReader"/> overloads use, was the bottleneck against
/// pandas (one core, a string-based double parse). Both accept the same files and report the same diagnostics.
/// </remarks>
public static partial class CsvEvents
{
    /// <summary>Reads a CSV file into an event sample (every column, NaN rejected).</summary>
    public static ParseResult<EventSample> Read(string path) => Read(path, null);

    /// <summary>Reads a CSV file into an event sample.</summary>
    /// <param name="path">The file.</param>
    /// <param name="options">Columns to read and NaN policy; null for <see cref="EventReadOptions.Default"/>.</param>
    public static ParseResult<EventSample> Read(string path, EventReadOptions? options)
    {
        options ??= EventReadOptions.Default;
        IMemoryOwner<byte> mapped;
        try
        {
            if (new FileInfo(path).Length > Array.MaxLength) return ReadLarge(path, options);
            mapped = MappedFile.Open(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return Fail(path, 1, 1, DiagnosticCodes.FileError, $"cannot read the file: {ex.Message}");
        }
        using (mapped) return Parse(mapped.Memory, path, options);
    }

    /// <summary>
    /// Reads a CSV file in samples of <paramref name="chunkEvents"/> events (the last may have fewer), holding
    /// about one chunk in memory; the chunks put together equal what <see cref="Read(string, EventReadOptions?)"/>
    /// returns. Bad input throws <see cref="EventFileException"/> when the enumeration reaches it.
    /// </summary>
    public static IEnumerable<EventSample> ReadChunks(string path, int chunkEvents, EventReadOptions? options = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkEvents, 1);
        return ReadChunksIterator(path, chunkEvents, options ?? EventReadOptions.Default);
    }

    // Files past the largest byte array: read in chunks and joined.
    private static ParseResult<EventSample> ReadLarge(string path, EventReadOptions options)
    {
        var chunks = new List<EventSample>();
        try
        {
            foreach (var chunk in ReadChunksIterator(path, 1 << 22, options, emptyChunk: true)) chunks.Add(chunk);
        }
        catch (EventFileException ex)
        {
            return new ParseResult<EventSample>(null, [ex.Diagnostic]);
        }
        return new ParseResult<EventSample>(EventSampleBuilder.Concat(chunks), []);
    }

    private static ParseResult<EventSample> Fail(string file, int line, int col, string code, string message) =>
        new(null, [new Diagnostic(code, message, file, line, col)]);
}
