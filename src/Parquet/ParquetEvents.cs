using System.Numerics;
using Parquet;
using Parquet.Schema;
using PartialWave.Parsing;

namespace PartialWave.Data;

/// <summary>
/// Parquet files (Parquet.Net): flat schemas of numeric columns (double, float and integer types, required or
/// optional; a null is an error naming its row) read as doubles; written by <see cref="ParquetFileWriter"/>. Page
/// checksums are verified (<see cref="ParquetLayout"/>) before a column chunk is decoded, and a file with pages
/// that have none gets a warning. Chunked reading goes one row group at a time.
/// </summary>
internal static class ParquetEvents
{
    /// <summary>Reads a Parquet file.</summary>
    public static ParseResult<EventSample> Read(string path, EventReadOptions options)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            return Read(stream, path, options);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return new ParseResult<EventSample>(null, [new Diagnostic(DiagnosticCodes.FileError, $"cannot read the file: {ex.Message}", path, 1, 1)]);
        }
    }

    /// <summary>Reads Parquet data from a seekable stream.</summary>
    public static ParseResult<EventSample> Read(Stream stream, string file, EventReadOptions options)
    {
        try
        {
            using var source = Source.Open(stream, file, options);
            var groups = source.Groups().ToList();
            var sample = EventSampleBuilder.Concat(groups, source.Selection.Names);
            return new ParseResult<EventSample>(sample, [], source.Tally.Unchecked == 0 ? [] : [NoChecksums(file, source.Tally)]);
        }
        catch (EventFileException ex)
        {
            return new ParseResult<EventSample>(null, [ex.Diagnostic]);
        }
    }

    /// <summary>Reads a Parquet file in chunks of rows, one row group in memory at a time.</summary>
    public static IEnumerable<EventSample> ReadChunks(string path, int chunkEvents, EventReadOptions options)
    {
        var stream = EventFileException.OpenForChunks(path);
        using (stream)
        using (var source = Source.Open(stream, path, options))
        {
            foreach (var chunk in EventSampleBuilder.Rechunk(source.Groups(), chunkEvents)) yield return chunk;
        }
    }

    /// <summary>Writes a sample as a Parquet file of required double columns, every page with its checksum.</summary>
    public static void Write(EventSample sample, string path) => OutputFile.Write(path, stream => Write(sample, stream));

    /// <summary>Writes a sample as Parquet to a stream (see <see cref="ParquetFileWriter"/>).</summary>
    /// <exception cref="ArgumentException">The sample has no columns.</exception>
    public static void Write(EventSample sample, Stream stream)
    {
        if (sample.ColumnNames.Count == 0) throw new ArgumentException("a sample without columns cannot be written as Parquet", nameof(sample));
        ParquetFileWriter.Write(sample, stream);
    }

    /// <summary>An open Parquet file, its columns checked, its row groups read on demand.</summary>
    private sealed class Source : IDisposable
    {
        private readonly ParquetReader _reader;
        private readonly DataField[] _fields;
        private readonly string _file;
        private readonly bool _allowNaN;
        private readonly Stream _stream;
        private readonly ParquetLayout _layout;

        private Source(Stream stream, ParquetLayout layout, ParquetReader reader, DataField[] fields, ColumnSelection selection, string file, bool allowNaN)
        {
            _stream = stream;
            _layout = layout;
            _reader = reader;
            _fields = fields;
            Selection = selection;
            _file = file;
            _allowNaN = allowNaN;
        }

        public ColumnSelection Selection { get; }

        /// <summary>The pages checked so far, and how many of them had no checksum.</summary>
        public ParquetLayout.Tally Tally { get; private set; }

        public static Source Open(Stream stream, string file, EventReadOptions options)
        {
            ParquetReader reader;
            ParquetLayout layout;
            try
            {
                layout = ParquetLayout.Read(stream);
                reader = Task.Run(() => ParquetReader.CreateAsync(stream, null, leaveStreamOpen: true)).GetAwaiter().GetResult();
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                throw Error(file, DiagnosticCodes.UnsupportedData, $"not a readable Parquet file (truncated, or another format): {ex.Message}");
            }
            try
            {
                var fields = reader.Schema.GetDataFields();
                if (reader.Schema.Fields.Count != fields.Length || fields.Any(f => f.MaxRepetitionLevel > 0))
                    throw Error(file, DiagnosticCodes.UnsupportedData, "nested or repeated Parquet columns are not event data: expected a flat table of numeric columns");
                var diagnostics = new List<Diagnostic>();
                var selection = ColumnSelection.Create(fields.Select(f => f.Name).ToList(), options, file, 1, diagnostics)
                    ?? throw new EventFileException(diagnostics[0]);
                foreach (int j in selection.Source)
                {
                    if (!IsNumeric(fields[j].ClrType))
                        throw Error(file, DiagnosticCodes.UnsupportedData,
                            $"column '{fields[j].Name}' holds {Describe(fields[j].ClrType)} values, not numbers (read the numeric columns with EventReadOptions.Columns)");
                }
                if (layout.Groups.Count != reader.RowGroupCount || layout.Groups.Any(g => g.Length != fields.Length))
                    throw Error(file, DiagnosticCodes.UnsupportedData, "the footer's row groups do not match its schema (a damaged footer?)");
                return new Source(stream, layout, reader, fields, selection, file, options.AllowNaN);
            }
            catch (Exception ex) when (ex is not (EventFileException or OutOfMemoryException))
            {
                // Parquet.Net's own checks of a schema it cannot use (no fields, bad types) are damage, not bugs here.
                reader.DisposeAsync().AsTask().GetAwaiter().GetResult();
                throw Error(file, DiagnosticCodes.UnsupportedData, $"not a readable Parquet file (a damaged footer?): {ex.Message}");
            }
            catch
            {
                reader.DisposeAsync().AsTask().GetAwaiter().GetResult();
                throw;
            }
        }

        /// <summary>The row groups in order, each as a sample of the selected columns.</summary>
        public IEnumerable<EventSample> Groups()
        {
            long firstRow = 0;
            for (int g = 0; g < _reader.RowGroupCount; g++)
            {
                Verify(g);
                var group = _reader.OpenRowGroupReader(g);
                foreach (int j in Selection.Source)
                {
                    if (_layout.Groups[g][j].Values != group.RowCount)
                        throw Error(_file, DiagnosticCodes.ChecksumMismatch, $"row group {g} says it has {group.RowCount} rows, but column '{_fields[j].Name}' holds {_layout.Groups[g][j].Values} values (a damaged footer?)");
                }
                if (group.RowCount > Array.MaxLength) throw Error(_file, DiagnosticCodes.UnsupportedData, $"row group {g} has {group.RowCount} rows, more than one array holds");
                int rows = (int)group.RowCount;
                var columns = new List<KeyValuePair<string, double[]>>();
                for (int k = 0; k < Selection.Names.Length; k++)
                {
                    var field = _fields[Selection.Source[k]];
                    double[] values;
                    int nullAt;
                    try
                    {
                        (values, nullAt) = Task.Run(() => ReadColumn(group, field, rows)).GetAwaiter().GetResult();
                    }
                    catch (Exception ex) when (ex is not (OutOfMemoryException or EventFileException))
                    {
                        throw Error(_file, DiagnosticCodes.Truncated, $"column '{field.Name}' of row group {g} cannot be read (truncated or corrupt file?): {ex.Message}");
                    }
                    if (nullAt >= 0)
                        throw Error(_file, DiagnosticCodes.BadNumber, $"null (missing value) at row index {firstRow + nullAt} of column '{field.Name}'");
                    if (!_allowNaN && NpyEvents.NaNError(values, firstRow, field.Name, _file) is { } nan) throw new EventFileException(nan);
                    columns.Add(new(Selection.Names[k], values));
                }
                firstRow += rows;
                yield return new EventSample(columns);
            }
        }

        // The page checksums of the selected columns of row group g, before any of its values are decoded.
        private void Verify(int g)
        {
            foreach (int j in Selection.Source)
            {
                var chunk = _layout.Groups[g][j];
                if (chunk.Path != _fields[j].Name)
                    throw Error(_file, DiagnosticCodes.UnsupportedData, $"row group {g} keeps column '{chunk.Path}' where the schema has '{_fields[j].Name}' (a damaged footer?)");
                ParquetLayout.Tally tally;
                try
                {
                    tally = ParquetLayout.Verify(_stream, chunk);
                }
                catch (FormatException ex)
                {
                    throw Error(_file, DiagnosticCodes.ChecksumMismatch, $"row group {g}: {ex.Message}");
                }
                Tally += tally;
            }
        }

        public void Dispose() => _reader.DisposeAsync().AsTask().GetAwaiter().GetResult();

        private static string Describe(Type t) =>
            t == typeof(string) || t == typeof(ReadOnlyMemory<char>) ? "text"
            : t == typeof(byte[]) || t == typeof(ReadOnlyMemory<byte>) ? "binary"
            : t == typeof(bool) ? "boolean"
            : t == typeof(DateTime) || t == typeof(DateOnly) || t == typeof(TimeOnly) || t == typeof(TimeSpan) || t == typeof(DateTimeOffset) ? "date/time"
            : t == typeof(decimal) ? "decimal"
            : t.Name;

        private static bool IsNumeric(Type t) =>
            t == typeof(double) || t == typeof(float) || t == typeof(int) || t == typeof(long) || t == typeof(short)
            || t == typeof(sbyte) || t == typeof(byte) || t == typeof(ushort) || t == typeof(uint) || t == typeof(ulong);

        private static Task<(double[], int)> ReadColumn(ParquetRowGroupReader group, DataField field, int rows)
        {
            var t = field.ClrType;
            return t == typeof(double) ? Read<double>(group, field, rows)
                : t == typeof(float) ? Read<float>(group, field, rows)
                : t == typeof(int) ? Read<int>(group, field, rows)
                : t == typeof(long) ? Read<long>(group, field, rows)
                : t == typeof(short) ? Read<short>(group, field, rows)
                : t == typeof(sbyte) ? Read<sbyte>(group, field, rows)
                : t == typeof(byte) ? Read<byte>(group, field, rows)
                : t == typeof(ushort) ? Read<ushort>(group, field, rows)
                : t == typeof(uint) ? Read<uint>(group, field, rows)
                : Read<ulong>(group, field, rows);
        }

        // A column as doubles, and the index of its first null (-1 when none).
        private static async Task<(double[], int)> Read<T>(ParquetRowGroupReader group, DataField field, int rows) where T : struct, INumberBase<T>
        {
            var values = LargeArrays.Doubles(rows);
            if (!field.IsNullable)
            {
                if (typeof(T) == typeof(double))
                {
                    await group.ReadAsync<double>(field, values.AsMemory()).ConfigureAwait(false);
                    return (values, -1);
                }
                var raw = new T[rows];
                await group.ReadAsync<T>(field, raw.AsMemory()).ConfigureAwait(false);
                for (int i = 0; i < rows; i++) values[i] = double.CreateTruncating(raw[i]);
                return (values, -1);
            }
            var nullable = new T?[rows];
            await group.ReadAsync<T>(field, nullable.AsMemory()).ConfigureAwait(false);
            for (int i = 0; i < rows; i++)
            {
                if (nullable[i] is not { } v) return (values, i);
                values[i] = double.CreateTruncating(v);
            }
            return (values, -1);
        }
    }

    private static Diagnostic NoChecksums(string file, ParquetLayout.Tally tally) => new(DiagnosticCodes.NoChecksum,
        $"{tally.Unchecked} of the {tally.Pages} pages read have no checksum, so damage to them cannot be detected " +
        "(files written by PartialWave carry CRC-32 page checksums; pyarrow writes them with write_page_checksum=True)", file, 1, 1);

    private static EventFileException Error(string file, string code, string message) =>
        new(new Diagnostic(code, message, file, 1, 1));
}
