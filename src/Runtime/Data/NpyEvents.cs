using System.Runtime.CompilerServices;
using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using PartialWave.Parsing;

namespace PartialWave.Data;

/// <summary>
/// NumPy <c>.npy</c> files as event samples. A 1-D array is one column named after the file (events.npy holds
/// column "events"); a 2-D array (events x columns, C or Fortran order) has columns col0, col1, .... Elements
/// may be float64, float32, float16 or integers of either byte order; all become doubles. Written files are
/// little-endian float64, 1-D for one column, 2-D for columns named col0..colN-1 (the names a 2-D file reads back).
/// </summary>
internal static class NpyEvents
{
    /// <summary>Reads a .npy file.</summary>
    public static ParseResult<EventSample> Read(string path, EventReadOptions options)
    {
        IMemoryOwner<byte> mapped;
        try
        {
            mapped = MappedFile.Open(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return Fail(path, DiagnosticCodes.FileError, $"cannot read the file: {ex.Message}");
        }
        using (mapped) return Parse(mapped.Memory.Span, path, Path.GetFileNameWithoutExtension(path), options);
    }

    /// <summary>Reads .npy bytes; a 1-D array's column is named <paramref name="name"/>.</summary>
    public static ParseResult<EventSample> Parse(ReadOnlySpan<byte> data, string file, string name, EventReadOptions options)
    {
        var header = NpyHeader.Parse(data, out var error, out _);
        if (header is null) return Fail(file, error!.StartsWith("the file ends", StringComparison.Ordinal) ? DiagnosticCodes.Truncated : DiagnosticCodes.UnsupportedData, error);
        if (CheckSize(header, data.Length, file) is { } sizeError) return new ParseResult<EventSample>(null, [sizeError]);
        var names = ColumnNames(header, name);
        var diagnostics = new List<Diagnostic>();
        var selection = ColumnSelection.Create(names, options, file, 1, diagnostics);
        if (selection is null) return new ParseResult<EventSample>(null, diagnostics);
        int rows = (int)header.Rows;
        var body = data[header.DataOffset..];
        var columns = new List<KeyValuePair<string, double[]>>();
        for (int k = 0; k < selection.Names.Length; k++)
        {
            int j = selection.Source[k];
            var values = LargeArrays.Doubles(rows);
            Decode(body, header, j, 0, rows, values);
            if (!options.AllowNaN && NaNError(values, 0, selection.Names[k], file) is { } nan) return new ParseResult<EventSample>(null, [nan]);
            columns.Add(new(selection.Names[k], values));
        }
        return new ParseResult<EventSample>(new EventSample(columns), []);
    }

    /// <summary>Reads a .npy file in chunks of rows, seeking to each chunk's bytes.</summary>
    public static IEnumerable<EventSample> ReadChunks(string path, int chunkEvents, EventReadOptions options)
    {
        SafeFileHandle handle;
        try
        {
            handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new EventFileException(new Diagnostic(DiagnosticCodes.FileError, $"cannot read the file: {ex.Message}", path, 1, 1));
        }
        using (handle)
        {
            long length = RandomAccess.GetLength(handle);
            var head = new byte[(int)Math.Min(length, 4096)];
            RandomAccess.Read(handle, head, 0);
            var header = NpyHeader.Parse(head, out var error, out int needed);
            if (header is null && needed > head.Length && needed <= length)
            {
                head = new byte[needed];
                RandomAccess.Read(handle, head, 0);
                header = NpyHeader.Parse(head, out error, out _);
            }
            if (header is null)
                throw new EventFileException(new Diagnostic(error!.StartsWith("the file ends", StringComparison.Ordinal) ? DiagnosticCodes.Truncated : DiagnosticCodes.UnsupportedData, error, path, 1, 1));
            if (CheckSize(header, length, path) is { } sizeError) throw new EventFileException(sizeError);
            var names = ColumnNames(header, Path.GetFileNameWithoutExtension(path));
            var diagnostics = new List<Diagnostic>();
            var selection = ColumnSelection.Create(names, options, path, 1, diagnostics) ?? throw new EventFileException(diagnostics[0]);
            long rows = header.Rows, width = header.Columns;
            int size = header.ItemSize;
            var buffer = Array.Empty<byte>();
            for (long start = 0; start < rows; start += chunkEvents)
            {
                int count = (int)Math.Min(chunkEvents, rows - start);
                var columns = new List<KeyValuePair<string, double[]>>();
                if (header.Shape.Length == 1 || !header.FortranOrder)
                {
                    // Rows are contiguous: one read for the chunk.
                    long bytes = count * width * size;
                    if (buffer.Length < bytes) buffer = new byte[bytes];
                    ReadExactly(handle, buffer.AsSpan(0, (int)bytes), header.DataOffset + start * width * size);
                }
                for (int k = 0; k < selection.Names.Length; k++)
                {
                    int j = selection.Source[k];
                    var values = LargeArrays.Doubles(count);
                    if (header.Shape.Length == 2 && header.FortranOrder)
                    {
                        // Each column is contiguous: read this column's rows of the chunk.
                        int bytes = count * size;
                        if (buffer.Length < bytes) buffer = new byte[bytes];
                        ReadExactly(handle, buffer.AsSpan(0, bytes), header.DataOffset + (j * rows + start) * size);
                        DecodeStrided(buffer.AsSpan(0, bytes), header, size, values);
                    }
                    else
                    {
                        DecodeStrided(buffer.AsSpan(j * size), header, (int)width * size, values);
                    }
                    if (!options.AllowNaN && NaNError(values, start, selection.Names[k], path) is { } nan) throw new EventFileException(nan);
                    columns.Add(new(selection.Names[k], values));
                }
                yield return new EventSample(columns);
            }
        }
    }

    /// <summary>Writes a sample as a little-endian float64 .npy file.</summary>
    public static void Write(EventSample sample, string path) => OutputFile.Write(path, stream => Write(sample, stream));

    /// <summary>
    /// Writes a sample as .npy: one column as a 1-D array; columns named col0..colN-1 (in order) as an events x N
    /// C-order array.
    /// </summary>
    /// <exception cref="ArgumentException">Any other set of columns: a .npy file cannot keep their names.</exception>
    public static void Write(EventSample sample, Stream stream)
    {
        var names = sample.ColumnNames;
        if (names.Count == 0) throw new ArgumentException("a sample without columns cannot be written as .npy", nameof(sample));
        bool generic = names.Count > 1 && names.Select((n, i) => n == $"col{i}").All(x => x);
        if (names.Count > 1 && !generic)
            throw new ArgumentException(
                $"a .npy file holds one named column (the file's name) or columns col0..colN-1; this sample has {ColumnSelection.Describe(names)}: write .npz or .parquet to keep the names",
                nameof(sample));
        if (names.Count == 1)
        {
            WriteColumn(stream, sample[names[0]]);
            return;
        }
        stream.Write(NpyHeader.Float64([sample.Count, names.Count]));
        // C order: row by row, a block of rows at a time.
        const int block = 4096;
        var rowMajor = new double[block * names.Count];
        for (int start = 0; start < sample.Count; start += block)
        {
            int count = Math.Min(block, sample.Count - start);
            for (int j = 0; j < names.Count; j++)
            {
                var column = sample[names[j]].Slice(start, count);
                for (int r = 0; r < count; r++) rowMajor[r * names.Count + j] = column[r];
            }
            WriteLittleEndian(stream, rowMajor.AsSpan(0, count * names.Count));
        }
    }

    /// <summary>Writes one column as a 1-D little-endian float64 array.</summary>
    public static void WriteColumn(Stream stream, ReadOnlySpan<double> values)
    {
        stream.Write(NpyHeader.Float64([values.Length]));
        WriteLittleEndian(stream, values);
    }

    /// <summary>The columns of an array: the given name for 1-D, col0.. for 2-D.</summary>
    private static string[] ColumnNames(NpyHeader header, string name) =>
        header.Shape.Length == 1 ? [name] : Enumerable.Range(0, (int)header.Columns).Select(j => $"col{j}").ToArray();

    internal static Diagnostic? CheckSize(NpyHeader header, long fileLength, string file)
    {
        long available = fileLength - header.DataOffset;
        if (header.Rows > Array.MaxLength || header.Columns > 1 << 20)
            return new Diagnostic(DiagnosticCodes.UnsupportedData, $"shape {NpyHeader.FormatShape(header.Shape)} is more than an event sample can hold", file, 1, 1);
        if (available < header.DataBytes)
        {
            long rowBytes = header.Columns * header.ItemSize;
            string where = header.FortranOrder && header.Shape.Length == 2
                ? $"column {available / (header.Rows * header.ItemSize)} is cut short"
                : $"it ends in row index {available / rowBytes}";
            return new Diagnostic(DiagnosticCodes.Truncated,
                $"truncated .npy: the header (shape {NpyHeader.FormatShape(header.Shape)}, {header.Descr}) promises {header.DataBytes} bytes of data after byte {header.DataOffset}, the file has {available}: {where}",
                file, 1, 1);
        }
        if (available > header.DataBytes)
            return new Diagnostic(DiagnosticCodes.UnexpectedToken,
                $"the file has {available - header.DataBytes} bytes after the data its header (shape {NpyHeader.FormatShape(header.Shape)}, {header.Descr}) describes",
                file, 1, 1);
        return null;
    }

    internal static Diagnostic? NaNError(ReadOnlySpan<double> values, long firstRow, string column, string file)
    {
        int at = DataChecks.IndexOfNonFinite(values);
        return at < 0 ? null
            : new Diagnostic(DiagnosticCodes.NaNValue, $"row index {firstRow + at}: {DataChecks.NonFiniteMessage(values[at], column)}", file, 1, 1);
    }

    private static void ReadExactly(SafeFileHandle handle, Span<byte> buffer, long offset)
    {
        while (!buffer.IsEmpty)
        {
            int read = RandomAccess.Read(handle, buffer, offset);
            if (read == 0) throw new EndOfStreamException("the file ended early (was it truncated while being read?)");
            buffer = buffer[read..];
            offset += read;
        }
    }

    /// <summary>Column <paramref name="j"/>, rows [start, start + count), of an array's data.</summary>
    private static void Decode(ReadOnlySpan<byte> body, NpyHeader header, int j, long start, int count, Span<double> values)
    {
        if (count == 0) return;
        int size = header.ItemSize;
        if (header.Shape.Length == 2 && header.FortranOrder)
            DecodeStrided(body[(int)((j * header.Rows + start) * size)..], header, size, values[..count]);
        else
            DecodeStrided(body[(int)((start * header.Columns + j) * size)..], header, (int)header.Columns * size, values[..count]);
    }

    /// <summary>values[r] = element at byte r * stride of <paramref name="source"/>, converted to double.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot loop: skip tier-0 code on a first (often only) call
    internal static void DecodeStrided(ReadOnlySpan<byte> source, NpyHeader header, int stride, Span<double> values)
    {
        int n = values.Length;
        bool big = header.BigEndian;
        switch (header.Kind, header.ItemSize)
        {
            case ('f', 8) when stride == 8 && !big && BitConverter.IsLittleEndian:
                MemoryMarshal.Cast<byte, double>(source[..(8 * n)]).CopyTo(values);
                break;
            case ('f', 8):
                for (int r = 0; r < n; r++) { var s = source.Slice(r * stride, 8); values[r] = big ? BinaryPrimitives.ReadDoubleBigEndian(s) : BinaryPrimitives.ReadDoubleLittleEndian(s); }
                break;
            case ('f', 4):
                for (int r = 0; r < n; r++) { var s = source.Slice(r * stride, 4); values[r] = big ? BinaryPrimitives.ReadSingleBigEndian(s) : BinaryPrimitives.ReadSingleLittleEndian(s); }
                break;
            case ('f', 2):
                for (int r = 0; r < n; r++) { var s = source.Slice(r * stride, 2); values[r] = (double)(big ? BinaryPrimitives.ReadHalfBigEndian(s) : BinaryPrimitives.ReadHalfLittleEndian(s)); }
                break;
            case ('i', 1):
                for (int r = 0; r < n; r++) values[r] = (sbyte)source[r * stride];
                break;
            case ('u', 1):
                for (int r = 0; r < n; r++) values[r] = source[r * stride];
                break;
            case ('i', 2):
                for (int r = 0; r < n; r++) { var s = source.Slice(r * stride, 2); values[r] = big ? BinaryPrimitives.ReadInt16BigEndian(s) : BinaryPrimitives.ReadInt16LittleEndian(s); }
                break;
            case ('u', 2):
                for (int r = 0; r < n; r++) { var s = source.Slice(r * stride, 2); values[r] = big ? BinaryPrimitives.ReadUInt16BigEndian(s) : BinaryPrimitives.ReadUInt16LittleEndian(s); }
                break;
            case ('i', 4):
                for (int r = 0; r < n; r++) { var s = source.Slice(r * stride, 4); values[r] = big ? BinaryPrimitives.ReadInt32BigEndian(s) : BinaryPrimitives.ReadInt32LittleEndian(s); }
                break;
            case ('u', 4):
                for (int r = 0; r < n; r++) { var s = source.Slice(r * stride, 4); values[r] = big ? BinaryPrimitives.ReadUInt32BigEndian(s) : BinaryPrimitives.ReadUInt32LittleEndian(s); }
                break;
            case ('i', 8):
                for (int r = 0; r < n; r++) { var s = source.Slice(r * stride, 8); values[r] = big ? BinaryPrimitives.ReadInt64BigEndian(s) : BinaryPrimitives.ReadInt64LittleEndian(s); }
                break;
            case ('u', 8):
                for (int r = 0; r < n; r++) { var s = source.Slice(r * stride, 8); values[r] = big ? BinaryPrimitives.ReadUInt64BigEndian(s) : BinaryPrimitives.ReadUInt64LittleEndian(s); }
                break;
            default:
                throw new InvalidOperationException($"unchecked element type {header.Descr}");
        }
    }

    private static void WriteLittleEndian(Stream stream, ReadOnlySpan<double> values)
    {
        if (BitConverter.IsLittleEndian)
        {
            stream.Write(MemoryMarshal.AsBytes(values));
            return;
        }
        var bytes = new byte[8 * values.Length];
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteDoubleLittleEndian(bytes.AsSpan(8 * i), values[i]);
        stream.Write(bytes);
    }

    private static ParseResult<EventSample> Fail(string file, string code, string message) =>
        new(null, [new Diagnostic(code, message, file, 1, 1)]);
}
