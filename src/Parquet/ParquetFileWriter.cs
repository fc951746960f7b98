using System.IO.Hashing;
using System.Runtime.InteropServices;

namespace PartialWave.Data;

/// <summary>
/// Writes event samples as Parquet files of required float64 columns, PLAIN-encoded and uncompressed (random doubles
/// do not compress), in row groups of <see cref="RowGroupSize"/> events cut into pages of <see cref="PageSize"/>
/// values. Every page header carries the CRC-32 of the page's bytes, the checksum the format provides for, so that
/// <see cref="ParquetLayout"/> can tell a damaged page from data.
/// </summary>
internal static class ParquetFileWriter
{
    /// <summary>Events per row group: large enough for fast scans, small enough to stream.</summary>
    internal const int RowGroupSize = 1 << 20;

    /// <summary>Values per page (1 MiB of doubles), the granularity at which damage is found.</summary>
    internal const int PageSize = 1 << 17;

    private static readonly byte[] Magic = "PAR1"u8.ToArray();

    /// <summary>The footer's created_by: files that say it must carry <see cref="FooterChecksumKey"/>.</summary>
    internal const string CreatedBy = "PartialWave (page and footer checksums: CRC-32)";

    /// <summary>The key-value entry, last in the footer, with the CRC-32 of the footer bytes before it.</summary>
    internal const string FooterChecksumKey = "partialwave.footer_crc32";

    // Parquet's enumerations, as numbered in parquet.thrift.
    private const int TypeDouble = 5, Required = 0, EncodingPlain = 0, EncodingRle = 3, Uncompressed = 0, DataPage = 0;

    /// <summary>Writes the sample to a stream positioned at its start.</summary>
    public static void Write(EventSample sample, Stream stream)
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("Parquet float64 pages are written from little-endian memory");
        long position = 0;
        void Put(ReadOnlySpan<byte> bytes)
        {
            stream.Write(bytes);
            position += bytes.Length;
        }

        Put(Magic);
        var names = sample.ColumnNames;
        var groups = new List<(long Rows, (long Start, long Size)[] Chunks)>();
        for (int start = 0; start < sample.Count; start += RowGroupSize)
        {
            int rows = Math.Min(RowGroupSize, sample.Count - start);
            var chunks = new (long, long)[names.Count];
            for (int c = 0; c < names.Count; c++)
            {
                long chunkStart = position;
                var values = sample.Column(names[c]).AsSpan(start, rows);
                for (int p = 0; p < rows; p += PageSize)
                {
                    var page = MemoryMarshal.AsBytes(values.Slice(p, Math.Min(PageSize, rows - p)));
                    Put(PageHeader(page.Length, page.Length / sizeof(double), unchecked((int)Crc32.HashToUInt32(page))));
                    Put(page);
                }
                chunks[c] = (chunkStart, position - chunkStart);
            }
            groups.Add((rows, chunks));
        }
        var footer = Footer(names, sample.Count, groups);
        Put(footer);
        Span<byte> length = stackalloc byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(length, footer.Length);
        Put(length);
        Put(Magic);
    }

    private static byte[] PageHeader(int bytes, int values, int crc)
    {
        var w = new ThriftWriter();
        w.BeginStruct();
        w.I32(1, DataPage);
        w.I32(2, bytes);
        w.I32(3, bytes);
        w.I32(4, crc);
        w.StructField(5);
        w.BeginStruct();
        w.I32(1, values);
        w.I32(2, EncodingPlain);
        w.I32(3, EncodingRle);
        w.I32(4, EncodingRle);
        w.EndStruct();
        w.EndStruct();
        return w.ToArray();
    }

    private static byte[] Footer(IReadOnlyList<string> names, long rows, List<(long Rows, (long Start, long Size)[] Chunks)> groups)
    {
        var w = new ThriftWriter();
        w.BeginStruct();
        w.I32(1, 1); // format version
        w.ListHeader(2, ThriftType.Struct, names.Count + 1);
        w.BeginStruct(); // the root of the schema
        w.String(4, "schema");
        w.I32(5, names.Count);
        w.EndStruct();
        foreach (var name in names)
        {
            w.BeginStruct();
            w.I32(1, TypeDouble);
            w.I32(3, Required);
            w.String(4, name);
            w.EndStruct();
        }
        w.I64(3, rows);
        w.ListHeader(4, ThriftType.Struct, groups.Count);
        foreach (var (groupRows, chunks) in groups)
        {
            w.BeginStruct();
            w.ListHeader(1, ThriftType.Struct, chunks.Length);
            for (int c = 0; c < chunks.Length; c++)
            {
                var (start, size) = chunks[c];
                w.BeginStruct(); // ColumnChunk
                w.I64(2, start);
                w.StructField(3);
                w.BeginStruct(); // ColumnMetaData
                w.I32(1, TypeDouble);
                w.ListHeader(2, ThriftType.I32, 2);
                w.I32Value(EncodingPlain);
                w.I32Value(EncodingRle);
                w.ListHeader(3, ThriftType.Binary, 1);
                w.StringValue(names[c]);
                w.I32(4, Uncompressed);
                w.I64(5, groupRows);
                w.I64(6, size);
                w.I64(7, size);
                w.I64(9, start);
                w.EndStruct();
                w.EndStruct();
            }
            w.I64(2, chunks.Sum(c => c.Size));
            w.I64(3, groupRows);
            w.EndStruct();
        }
        w.String(6, CreatedBy);
        // Last, the CRC-32 of every footer byte before this field: the footer has no checksum field of its own.
        var covered = w.ToArray();
        w.ListHeader(5, ThriftType.Struct, 1);
        w.BeginStruct();
        w.String(1, FooterChecksumKey);
        w.String(2, Crc32.HashToUInt32(covered).ToString("x8", System.Globalization.CultureInfo.InvariantCulture));
        w.EndStruct();
        w.EndStruct();
        return w.ToArray();
    }
}
