using Parquet;
using Parquet.Schema;
using PartialWave.Data;
using PartialWave.Parsing;
using PartialWave.Engine.Tests.Runtime.Data;

// Not PartialWave.Engine.Tests.Data: that would shadow PartialWave.Data for "Data.X" in sibling test namespaces.
namespace PartialWave.Engine.Tests.Parquet;

public class ParquetEventsTests
{
    [Fact]
    public void Round_trip_is_bit_exact()
    {
        using var dir = new TempDir();
        var sample = DataAssert.Sample(("m_12", DataAssert.Awkward(2000, 1)), ("theta 0, \"deg\"", DataAssert.Awkward(2000, 2)), ("phi", DataAssert.Awkward(2000, 3)));
        var path = dir.File("events.parquet");
        EventFiles.Write(sample, path);
        DataAssert.Equal(sample, DataAssert.Ok(EventFiles.Read(path)));
    }

    [Fact]
    public void Empty_sample_keeps_its_columns()
    {
        using var dir = new TempDir();
        var sample = DataAssert.Sample(("x", []), ("y", []));
        var path = dir.File("empty.parquet");
        EventFiles.Write(sample, path);
        DataAssert.Equal(sample, DataAssert.Ok(EventFiles.Read(path)));
        Assert.Empty(EventFiles.ReadChunks(path, 10));
    }

    /// <summary>A file as another tool writes it: several row groups, optional and integer columns, a text column.</summary>
    private static async Task<string> Foreign(TempDir dir, string name, int groups, int rows, bool withNull = false, bool withNaN = false)
    {
        var f = new DataField<float>("f", nullable: false);
        var i = new DataField<int>("i", nullable: false);
        var l = new DataField<long>("l", nullable: true);
        var d = new DataField<double>("d", nullable: true);
        var s = new DataField<string>("s", nullable: true);
        var path = dir.File(name);
        using var stream = File.Create(path);
        var writer = await ParquetWriter.CreateAsync(new ParquetSchema(f, i, l, d, s), stream);
        await using (writer)
        {
            for (int g = 0; g < groups; g++)
            {
                using var group = writer.CreateRowGroup();
                int first = g * rows;
                await group.WriteAsync<float>(f, Enumerable.Range(first, rows).Select(k => k * 0.25f).ToArray().AsMemory());
                await group.WriteAsync<int>(i, Enumerable.Range(first, rows).Select(k => -k).ToArray().AsMemory());
                await group.WriteAsync<long>(l, Enumerable.Range(first, rows).Select(k => withNull && k == 2 * rows + 3 ? null : (long?)(k * 1000L)).ToArray().AsMemory());
                await group.WriteAsync<double>(d, Enumerable.Range(first, rows).Select(k => (double?)(withNaN && k == rows + 1 ? double.NaN : k / 3.0)).ToArray().AsMemory());
                await group.WriteAsync(s, Enumerable.Range(first, rows).Select(k => $"event {k}").ToArray());
            }
        }
        return path;
    }

    private static readonly EventReadOptions Numeric = new() { Columns = ["f", "i", "l", "d"] };

    [Fact]
    public async Task Numeric_types_and_row_groups_read_as_doubles()
    {
        using var dir = new TempDir();
        var path = await Foreign(dir, "foreign.parquet", groups: 3, rows: 100);
        var s = DataAssert.Ok(EventFiles.Read(path, Numeric));
        Assert.Equal(300, s.Count);
        Assert.Equal(Enumerable.Range(0, 300).Select(k => (double)(k * 0.25f)), s["f"].ToArray());
        Assert.Equal(Enumerable.Range(0, 300).Select(k => (double)-k), s["i"].ToArray());
        Assert.Equal(Enumerable.Range(0, 300).Select(k => k * 1000.0), s["l"].ToArray());
        Assert.Equal(Enumerable.Range(0, 300).Select(k => k / 3.0), s["d"].ToArray());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(64)]
    [InlineData(100)]
    [InlineData(250)]
    [InlineData(10_000)]
    public async Task Chunks_across_row_groups_equal_the_whole_file(int chunk)
    {
        using var dir = new TempDir();
        var path = await Foreign(dir, "groups.parquet", groups: 3, rows: 100);
        var whole = DataAssert.Ok(EventFiles.Read(path, Numeric));
        var chunks = EventFiles.ReadChunks(path, chunk, Numeric).ToList();
        Assert.All(chunks.SkipLast(1), c => Assert.Equal(chunk, c.Count));
        DataAssert.Equal(whole, DataAssert.Join(chunks, whole.ColumnNames));
    }

    [Fact]
    public async Task A_text_column_is_an_error_unless_the_numeric_ones_are_requested()
    {
        using var dir = new TempDir();
        var path = await Foreign(dir, "text.parquet", groups: 1, rows: 10);
        var d = DataAssert.Fails(EventFiles.Read(path));
        Assert.Equal(DiagnosticCodes.UnsupportedData, d.Code);
        Assert.Contains("column 's' holds text values", d.Message);
    }

    [Fact]
    public async Task Null_and_NaN_name_their_row_index()
    {
        using var dir = new TempDir();
        var nulls = await Foreign(dir, "nulls.parquet", groups: 3, rows: 10, withNull: true);
        var d = DataAssert.Fails(EventFiles.Read(nulls, Numeric));
        Assert.Contains("null (missing value) at row index 23 of column 'l'", d.Message);
        var ex = Assert.Throws<EventFileException>(() => EventFiles.ReadChunks(nulls, 4, Numeric).ToList());
        Assert.Equal(d, ex.Diagnostic);

        var nans = await Foreign(dir, "nans.parquet", groups: 3, rows: 10, withNaN: true);
        d = DataAssert.Fails(EventFiles.Read(nans, Numeric));
        Assert.Equal(DiagnosticCodes.NaNValue, d.Code);
        Assert.Contains("row index 11: NaN in column 'd'", d.Message);
        Assert.True(DataAssert.Ok(EventFiles.Read(nans, Numeric with { AllowNaN = true })).Count == 30);
    }

    [Fact]
    public void Missing_column_and_damaged_files_are_named()
    {
        using var dir = new TempDir();
        var path = dir.File("xy.parquet");
        EventFiles.Write(DataAssert.Sample(("x", DataAssert.Awkward(5000, 1)), ("y", DataAssert.Awkward(5000, 2))), path);
        var d = DataAssert.Fails(EventFiles.Read(path, new EventReadOptions { Columns = ["x", "q"] }));
        Assert.Equal(DiagnosticCodes.MissingColumn, d.Code);
        Assert.Contains("no column 'q' in the file (it has 'x', 'y')", d.Message);

        var bytes = File.ReadAllBytes(path);
        d = DataAssert.Fails(EventFiles.Read(dir.Write("cut.parquet", bytes[..(bytes.Length / 2)])));
        Assert.Contains("not a readable Parquet file", d.Message);
        Assert.EndsWith("cut.parquet", d.File);
        d = DataAssert.Fails(EventFiles.Read(dir.Write("text.parquet", "x,y\n1,2\n")));
        Assert.Equal(DiagnosticCodes.UnsupportedData, d.Code);
    }

    [Fact]
    public void Every_page_written_carries_a_checksum_and_a_damaged_page_is_an_error()
    {
        using var dir = new TempDir();
        // Two row groups and several pages per column chunk.
        int n = ParquetFileWriter.RowGroupSize + 3 * ParquetFileWriter.PageSize + 17;
        var sample = DataAssert.Sample(("x", DataAssert.Awkward(n, 1)), ("y", DataAssert.Awkward(n, 2)));
        var path = dir.File("xy.parquet");
        EventFiles.Write(sample, path);
        var read = EventFiles.Read(path);
        DataAssert.Equal(sample, DataAssert.Ok(read));
        Assert.Empty(read.Warnings);

        using (var stream = File.OpenRead(path))
        {
            var layout = ParquetLayout.Read(stream);
            Assert.Equal(2, layout.Groups.Count);
            var tally = ParquetLayout.Verify(stream, layout.Groups[1][1]);
            Assert.Equal(new ParquetLayout.Tally(4, 0), tally);
        }

        var bytes = File.ReadAllBytes(path);
        foreach (long at in new[] { 200L, bytes.Length / 2, bytes.Length - 4000 })
        {
            var flipped = (byte[])bytes.Clone();
            flipped[at] ^= 0x10;
            var damaged = dir.Write($"flip{at}.parquet", flipped);
            var d = DataAssert.Fails(EventFiles.Read(damaged));
            Assert.Equal(DiagnosticCodes.ChecksumMismatch, d.Code);
            Assert.Contains("does not match its checksum", d.Message);
            var ex = Assert.Throws<EventFileException>(() => EventFiles.ReadChunks(damaged, 1000).ToList());
            Assert.Equal(DiagnosticCodes.ChecksumMismatch, ex.Diagnostic.Code);
        }

        // 64 bytes overwritten in a page of y: the columns read are checked, a column not read is not.
        var overwritten = (byte[])bytes.Clone();
        long yStart;
        using (var stream = File.OpenRead(path)) yStart = ParquetLayout.Read(stream).Groups[0][1].Start;
        Array.Fill(overwritten, (byte)0, (int)yStart + 5000, 64);
        var zeros = dir.Write("zeros.parquet", overwritten);
        Assert.Contains("column 'y'", DataAssert.Fails(EventFiles.Read(zeros)).Message);
        Assert.Equal(n, DataAssert.Ok(EventFiles.Read(zeros, new EventReadOptions { Columns = ["x"] })).Count);
    }

    [Fact]
    public async Task A_file_without_page_checksums_is_read_with_a_warning()
    {
        using var dir = new TempDir();
        var path = await Foreign(dir, "foreign.parquet", groups: 2, rows: 50);
        var read = EventFiles.Read(path, Numeric);
        Assert.Equal(100, DataAssert.Ok(read).Count);
        var w = Assert.Single(read.Warnings);
        Assert.Equal(DiagnosticCodes.NoChecksum, w.Code);
        Assert.Contains("8 of the 8 pages read have no checksum", w.Message);
    }

    [Fact]
    public void Footers_that_lie_about_their_chunks_are_errors()
    {
        using var dir = new TempDir();
        var path = dir.File("x.parquet");
        EventFiles.Write(DataAssert.Sample(("x", DataAssert.Awkward(100, 1))), path);
        var bytes = File.ReadAllBytes(path);
        for (int keep = 0; keep < bytes.Length; keep += 37)
        {
            var d = DataAssert.Fails(EventFiles.Read(dir.Write("cut.parquet", bytes[..keep])));
            Assert.Contains("not a readable Parquet file", d.Message);
        }
        // Every single-bit flip anywhere in the file is an error or reads the original values: never other numbers.
        var original = DataAssert.Ok(EventFiles.Read(path));
        int silent = 0;
        for (int at = 0; at < bytes.Length; at++)
        {
            var flipped = (byte[])bytes.Clone();
            flipped[at] ^= 0x04;
            var read = EventFiles.Read(dir.Write("flip.parquet", flipped));
            if (read.Success && !DataAssert.SameValues(original, read.Value!)) silent++;
        }
        Assert.Equal(0, silent);
    }
}
