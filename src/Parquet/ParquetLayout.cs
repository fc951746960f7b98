using System.Buffers;
using System.Buffers.Binary;
using System.IO.Hashing;

namespace PartialWave.Data;

/// <summary>
/// Where a Parquet file keeps its column chunks, read from its footer, and the check of their page checksums:
/// each page whose header carries a CRC-32 (optional in the format; <see cref="ParquetFileWriter"/> always writes
/// one) is hashed and compared, so a flipped bit or an overwritten stretch inside a page is an error, not a value.
/// Pages without one are counted, so a reader can say that damage to them cannot be seen. The footer of a file
/// written by <see cref="ParquetFileWriter"/> carries a CRC-32 of its own in a key-value entry, checked here.
/// </summary>
internal sealed class ParquetLayout
{
    private const int MaxFooter = 256 << 20;

    private ParquetLayout(long fileLength, List<Chunk[]> groups)
    {
        FileLength = fileLength;
        Groups = groups;
    }

    /// <summary>A column chunk: its column's path, where it starts, how many bytes it spans, how many values it holds.</summary>
    internal readonly record struct Chunk(string Path, long Start, long Size, long Values);

    /// <summary>The length of the file the layout was read from.</summary>
    public long FileLength { get; }

    /// <summary>Per row group, the column chunks in schema order.</summary>
    public IReadOnlyList<Chunk[]> Groups { get; }

    /// <summary>The tally of a check: pages seen, and pages whose header had no checksum.</summary>
    internal record struct Tally(int Pages, int Unchecked)
    {
        public static Tally operator +(Tally a, Tally b) => new(a.Pages + b.Pages, a.Unchecked + b.Unchecked);
    }

    /// <summary>Reads the footer of a seekable stream.</summary>
    /// <exception cref="FormatException">No Parquet footer, or one that cannot be parsed.</exception>
    public static ParquetLayout Read(Stream stream)
    {
        long length = stream.Length;
        if (length < 12) throw new FormatException($"{length} bytes are too few for a Parquet file (at least 12: magic, footer length, magic)");
        Span<byte> tail = stackalloc byte[8];
        ReadAt(stream, length - 8, tail);
        if (!tail[4..].SequenceEqual("PAR1"u8)) throw new FormatException("the file does not end with Parquet's magic 'PAR1' (truncated, or another format)");
        int footerLength = BinaryPrimitives.ReadInt32LittleEndian(tail);
        if (footerLength <= 0 || footerLength > length - 12 || footerLength > MaxFooter)
            throw new FormatException($"the footer length {footerLength} does not fit a file of {length} bytes");
        var footer = new byte[footerLength];
        ReadAt(stream, length - 8 - footerLength, footer);
        var groups = ParseFooter(footer);
        if (groups is null) throw new FormatException("the footer does not match its checksum: it is damaged");
        foreach (var chunk in groups.SelectMany(g => g))
        {
            if (chunk.Start < 4 || chunk.Size < 0 || chunk.Start + chunk.Size > length - 8 - footerLength)
                throw new FormatException($"column '{chunk.Path}' is said to span bytes {chunk.Start}..{chunk.Start + chunk.Size}, outside the data of a {length}-byte file");
        }
        return new ParquetLayout(length, groups);
    }

    /// <summary>
    /// Checks the pages of one column chunk: their headers parse, they fill the chunk exactly, their values add up to the
    /// chunk's, and each checksum present matches its page. Returns the tally; a mismatch throws
    /// <see cref="FormatException"/> saying where.
    /// </summary>
    public static Tally Verify(Stream stream, Chunk chunk)
    {
        var tally = new Tally();
        long values = 0;
        long position = chunk.Start, end = chunk.Start + chunk.Size;
        var buffer = ArrayPool<byte>.Shared.Rent(1 << 20);
        try
        {
            while (position < end)
            {
                var header = ReadPageHeader(stream, position, end, ref buffer);
                long dataStart = position + header.HeaderBytes;
                if (header.CompressedSize < 0 || dataStart + header.CompressedSize > end)
                    throw new FormatException($"a page of column '{chunk.Path}' at byte {position} claims {header.CompressedSize} bytes, past the end of its column chunk");
                tally.Pages++;
                values += header.Values;
                if (header.Crc is not { } expected) tally.Unchecked++;
                else
                {
                    var crc = new Crc32();
                    stream.Position = dataStart;
                    for (long left = header.CompressedSize; left > 0;)
                    {
                        int n = stream.Read(buffer, 0, (int)Math.Min(left, buffer.Length));
                        if (n == 0) throw new FormatException($"column '{chunk.Path}' ends early at byte {stream.Position}");
                        crc.Append(buffer.AsSpan(0, n));
                        left -= n;
                    }
                    uint actual = crc.GetCurrentHashAsUInt32();
                    if (actual != unchecked((uint)expected))
                        throw new FormatException(
                            $"the page of column '{chunk.Path}' at bytes {dataStart}..{dataStart + header.CompressedSize} does not match its checksum " +
                            $"(CRC-32 {actual:x8}, expected {unchecked((uint)expected):x8}): the file is damaged");
                }
                position = dataStart + header.CompressedSize;
            }
            if (values != chunk.Values)
                throw new FormatException($"the pages of column '{chunk.Path}' hold {values} values where its metadata says {chunk.Values}");
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        return tally;
    }

    // Values counts data pages only (v1 and v2); dictionary and index pages hold none of the column's rows.
    private readonly record struct PageHeader(int HeaderBytes, int CompressedSize, int? Crc, int Values);

    private static PageHeader ReadPageHeader(Stream stream, long position, long end, ref byte[] buffer)
    {
        int window = (int)Math.Min(4096, end - position); // a header is tens of bytes; statistics can make it longer
        while (true)
        {
            ReadAt(stream, position, buffer.AsSpan(0, window));
            try
            {
                var reader = new ThriftReader(buffer.AsSpan(0, window));
                int compressed = -1, values = 0;
                int? crc = null;
                short last = 0;
                while (true)
                {
                    var (id, type) = reader.NextField(ref last);
                    if (type == ThriftType.Stop) break;
                    if (id == 3 && type == ThriftType.I32) compressed = reader.I32();
                    else if (id == 4 && type == ThriftType.I32) crc = reader.I32();
                    else if (id is 5 or 8 && type == ThriftType.Struct) values = NumValues(ref reader);
                    else reader.Skip(type);
                }
                return new PageHeader(reader.Position, compressed, crc, values);
            }
            catch (FormatException) when (window < end - position && window < MaxFooter)
            {
                // A header larger than the window (large statistics): read more and parse again.
                long wider = Math.Min(Math.Min((long)window * 4, end - position), MaxFooter);
                if (wider > buffer.Length)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = ArrayPool<byte>.Shared.Rent((int)wider);
                }
                window = (int)wider;
            }
        }
    }

    // DataPageHeader and DataPageHeaderV2 both keep num_values as field 1.
    private static int NumValues(ref ThriftReader reader)
    {
        int values = 0;
        short last = 0;
        while (true)
        {
            var (id, type) = reader.NextField(ref last);
            if (type == ThriftType.Stop) return values;
            if (id == 1 && type == ThriftType.I32) values = reader.I32();
            else reader.Skip(type);
        }
    }

    // FileMetaData: 4 = row_groups; RowGroup: 1 = columns; ColumnChunk: 3 = meta_data; ColumnMetaData: 3 = path_in_schema,
    // 5 = num_values, 7 = total_compressed_size, 9 = data_page_offset, 11 = dictionary_page_offset.
    // The row groups; null when the footer carries PartialWave's footer checksum (or says PartialWave wrote it) and
    // the checksum does not match. The structure must fill the footer exactly: a zeroed byte is Thrift's end marker,
    // and would otherwise cut the footer short without a word.
    private static List<Chunk[]>? ParseFooter(ReadOnlySpan<byte> footer)
    {
        var reader = new ThriftReader(footer);
        var groups = new List<Chunk[]>();
        string? createdBy = null, checksum = null;
        int checksumFieldAt = -1;
        short last = 0;
        while (true)
        {
            int fieldAt = reader.Position;
            var (id, type) = reader.NextField(ref last);
            if (type == ThriftType.Stop) break;
            if (id == 4 && type == ThriftType.List)
            {
                var (element, count) = reader.ListHeader();
                if (element != ThriftType.Struct) throw new FormatException("row groups that are not structures");
                for (int g = 0; g < count; g++) groups.Add(ParseRowGroup(ref reader));
            }
            else if (id == 6 && type == ThriftType.Binary) createdBy = reader.String();
            else if (id == 5 && type == ThriftType.List)
            {
                var (_, count) = reader.ListHeader();
                for (int k = 0; k < count; k++)
                {
                    var (key, value) = ParseKeyValue(ref reader);
                    if (key == ParquetFileWriter.FooterChecksumKey)
                    {
                        checksum = value;
                        checksumFieldAt = fieldAt;
                    }
                }
            }
            else reader.Skip(type);
        }
        if (reader.Position != footer.Length)
            throw new FormatException($"the footer's metadata ends after {reader.Position} of its {footer.Length} bytes: it is damaged");
        if (checksum is null) return createdBy == ParquetFileWriter.CreatedBy ? null : groups;
        var actual = Crc32.HashToUInt32(footer[..checksumFieldAt]).ToString("x8", System.Globalization.CultureInfo.InvariantCulture);
        return actual == checksum ? groups : null;
    }

    private static (string? Key, string? Value) ParseKeyValue(ref ThriftReader reader)
    {
        string? key = null, value = null;
        short last = 0;
        while (true)
        {
            var (id, type) = reader.NextField(ref last);
            if (type == ThriftType.Stop) return (key, value);
            if (id == 1 && type == ThriftType.Binary) key = reader.String();
            else if (id == 2 && type == ThriftType.Binary) value = reader.String();
            else reader.Skip(type);
        }
    }

    private static Chunk[] ParseRowGroup(ref ThriftReader reader)
    {
        var chunks = new List<Chunk>();
        short last = 0;
        while (true)
        {
            var (id, type) = reader.NextField(ref last);
            if (type == ThriftType.Stop) break;
            if (id != 1 || type != ThriftType.List)
            {
                reader.Skip(type);
                continue;
            }
            var (_, count) = reader.ListHeader();
            for (int c = 0; c < count; c++) chunks.Add(ParseColumnChunk(ref reader));
        }
        return [.. chunks];
    }

    private static Chunk ParseColumnChunk(ref ThriftReader reader)
    {
        Chunk? chunk = null;
        short last = 0;
        while (true)
        {
            var (id, type) = reader.NextField(ref last);
            if (type == ThriftType.Stop) break;
            if (id == 3 && type == ThriftType.Struct) chunk = ParseColumnMetaData(ref reader);
            else reader.Skip(type);
        }
        return chunk ?? throw new FormatException("a column chunk without metadata (kept in another file?)");
    }

    private static Chunk ParseColumnMetaData(ref ThriftReader reader)
    {
        var path = new List<string>();
        long values = 0, size = -1, data = -1, dictionary = -1;
        short last = 0;
        while (true)
        {
            var (id, type) = reader.NextField(ref last);
            if (type == ThriftType.Stop) break;
            switch (id)
            {
                case 3 when type == ThriftType.List:
                    var (_, count) = reader.ListHeader();
                    for (int i = 0; i < count; i++) path.Add(reader.String());
                    break;
                case 5 when type == ThriftType.I64: values = reader.Integer(); break;
                case 7 when type == ThriftType.I64: size = reader.Integer(); break;
                case 9 when type == ThriftType.I64: data = reader.Integer(); break;
                case 11 when type == ThriftType.I64: dictionary = reader.Integer(); break;
                default: reader.Skip(type); break;
            }
        }
        // Some writers record a dictionary offset of 0 for none; a dictionary page comes before the data pages.
        long start = dictionary > 0 && dictionary < data ? dictionary : data;
        return new Chunk(string.Join('.', path), start, size, values);
    }

    private static void ReadAt(Stream stream, long position, Span<byte> into)
    {
        stream.Position = position;
        stream.ReadExactly(into);
    }
}
