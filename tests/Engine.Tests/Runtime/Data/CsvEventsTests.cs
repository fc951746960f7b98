using System.Globalization;
using System.Text;
using PartialWave.Data;
using PartialWave.Parsing;

namespace PartialWave.Engine.Tests.Runtime.Data;

public class CsvEventsTests
{
    private static ParseResult<EventSample> ReadText(TempDir dir, string text, EventReadOptions? options = null) =>
        CsvEvents.Read(dir.Write("events.csv", text), options);

    [Fact]
    public void Round_trip_is_bit_exact_with_awkward_names_and_values()
    {
        using var dir = new TempDir();
        var sample = DataAssert.Sample(
            ("m,1", DataAssert.Awkward(500, 1)),
            ("with space", DataAssert.Awkward(500, 2)),
            ("say \"hi\"", DataAssert.Awkward(500, 3)),
            ("two\nlines", DataAssert.Awkward(500, 4)),
            ("θ_0", DataAssert.Awkward(500, 5)));
        var path = dir.File("out.csv");
        CsvEvents.Write(sample, path);
        var text = File.ReadAllText(path);
        Assert.StartsWith("\"m,1\",with space,\"say \"\"hi\"\"\",\"two\nlines\",θ_0\n", text);
        DataAssert.Equal(sample, DataAssert.Ok(CsvEvents.Read(path)));
        // The text reader (Sylvan) reads the same file to the same values.
        using var reader = new StreamReader(path);
        DataAssert.Equal(sample, DataAssert.Ok(CsvEvents.Read(reader, path)));
    }

    [Fact]
    public void Empty_sample_keeps_its_columns()
    {
        using var dir = new TempDir();
        var sample = DataAssert.Sample(("x", []), ("y", []));
        var path = dir.File("empty.csv");
        CsvEvents.Write(sample, path);
        Assert.Equal("x,y\n", File.ReadAllText(path));
        DataAssert.Equal(sample, DataAssert.Ok(CsvEvents.Read(path)));
    }

    [Fact]
    public void A_sample_without_columns_cannot_be_written()
    {
        using var dir = new TempDir();
        Assert.Throws<ArgumentException>(() => CsvEvents.Write(new EventSample([]), dir.File("none.csv")));
        Assert.False(File.Exists(dir.File("none.csv")));
    }

    [Fact]
    public void Non_numeric_cell_names_line_column_and_value()
    {
        using var dir = new TempDir();
        var d = DataAssert.Fails(ReadText(dir, "\"m,1\",s\n0.5,1.5\n0.25,abc\n1,2\n"));
        Assert.Equal(DiagnosticCodes.BadNumber, d.Code);
        Assert.Equal((3, 6), (d.Line, d.Column));
        Assert.EndsWith("events.csv", d.File);
        Assert.Contains("'abc'", d.Message);
        Assert.Contains("'s'", d.Message);
    }

    [Fact]
    public void Column_is_counted_in_characters_not_bytes()
    {
        using var dir = new TempDir();
        var d = DataAssert.Fails(ReadText(dir, "a,b,c\n1,\"θθθ\",x\n"));
        Assert.Equal((2, 3), (d.Line, d.Column));
        d = DataAssert.Fails(ReadText(dir, "a,b,c\n1,\"θθθ\",x\n", new EventReadOptions { Columns = ["c"] }));
        Assert.Equal((2, 9), (d.Line, d.Column));
    }

    [Fact]
    public void NaN_is_rejected_with_its_place_unless_allowed()
    {
        using var dir = new TempDir();
        var d = DataAssert.Fails(ReadText(dir, "x,y\n1,2\n3,NaN\n"));
        Assert.Equal(DiagnosticCodes.NaNValue, d.Code);
        Assert.Equal((3, 3), (d.Line, d.Column));
        Assert.Contains("'y'", d.Message);
        Assert.Contains("AllowNaN", d.Message);
        var allowed = DataAssert.Ok(ReadText(dir, "x,y\n1,2\n3,nan\n", new EventReadOptions { AllowNaN = true }));
        Assert.True(double.IsNaN(allowed["y"][1]));
    }

    [Fact]
    public void Row_with_too_few_fields_is_a_truncation_at_its_line()
    {
        using var dir = new TempDir();
        var d = DataAssert.Fails(ReadText(dir, "x,y,z\n1,2,3\n4,5\n"));
        Assert.Equal(DiagnosticCodes.Truncated, d.Code);
        Assert.Equal(3, d.Line);
        Assert.Contains("row has 2 fields, the header has 3", d.Message);
        // A file cut in the middle of its last row.
        d = DataAssert.Fails(ReadText(dir, "x,y,z\n1,2,3\n4,5"));
        Assert.Equal((DiagnosticCodes.Truncated, 3), (d.Code, d.Line));
    }

    [Fact]
    public void Row_with_too_many_fields_names_its_line()
    {
        using var dir = new TempDir();
        var d = DataAssert.Fails(ReadText(dir, "x,y\n1,2\n3,4,5\n"));
        Assert.Equal((DiagnosticCodes.UnexpectedToken, 3), (d.Code, d.Line));
        // The field count is reported before a bad cell of the same row, as the text reader does.
        d = DataAssert.Fails(ReadText(dir, "x,y\n1,2\nabc,4,5\n"));
        Assert.Contains("3 fields", d.Message);
    }

    [Fact]
    public void Missing_requested_column_lists_the_columns_there_are()
    {
        using var dir = new TempDir();
        var result = ReadText(dir, "x,y\n1,2\n", new EventReadOptions { Columns = ["x", "z", "w"] });
        Assert.False(result.Success);
        Assert.Equal(2, result.Diagnostics.Count);
        Assert.All(result.Diagnostics, d => Assert.Equal(DiagnosticCodes.MissingColumn, d.Code));
        Assert.Contains("no column 'z'", result.Diagnostics[0].Message);
        Assert.Contains("'x', 'y'", result.Diagnostics[0].Message);
    }

    [Fact]
    public void Requested_columns_come_in_the_requested_order_and_others_are_not_parsed()
    {
        using var dir = new TempDir();
        var s = DataAssert.Ok(ReadText(dir, "a,b,c\n1,junk,3\n4,junk,6\n", new EventReadOptions { Columns = ["c", "a"] }));
        Assert.Equal(["c", "a"], s.ColumnNames);
        Assert.Equal([3.0, 6.0], s["c"].ToArray());
        Assert.Equal([1.0, 4.0], s["a"].ToArray());
    }

    [Theory]
    [InlineData("", DiagnosticCodes.UnexpectedEnd, 1, 1)]
    [InlineData("x,,y\n1,2,3\n", DiagnosticCodes.UnexpectedToken, 1, 2)]
    [InlineData("x,x\n1,2\n", DiagnosticCodes.UnexpectedToken, 1, 2)]
    [InlineData("x,y\n1,\"2\n", DiagnosticCodes.UnexpectedEnd, 2, 3)]
    [InlineData("x\n1\n\n3\n", DiagnosticCodes.BadNumber, 3, 1)]
    public void Malformed_files_are_diagnosed(string text, string code, int line, int column)
    {
        using var dir = new TempDir();
        var d = DataAssert.Fails(ReadText(dir, text));
        Assert.Equal((code, line, column), (d.Code, d.Line, d.Column));
    }

    [Fact]
    public void Missing_file_is_a_file_error()
    {
        var d = DataAssert.Fails(CsvEvents.Read("/nonexistent/events.csv"));
        Assert.Equal(DiagnosticCodes.FileError, d.Code);
        Assert.Equal("/nonexistent/events.csv", d.File);
    }

    /// <summary>
    /// The byte parser and the text reader (Sylvan) must agree on every input: the same values, or the same
    /// diagnostic code and place.
    /// </summary>
    [Theory]
    [InlineData("x,y\n1,2\n3,4\n")]
    [InlineData("x,y\r\n1,2\r\n3,4\r\n")]
    [InlineData("x,y\n1,2\n3,4")]
    [InlineData("x,y\r1,2\r3,4\r")]
    [InlineData("x\n\"1.5\"\n 2.5 \n")]
    [InlineData("\"a\"\"b\",c\n1,2\n")]
    [InlineData("x,y\n1,\"2\n\"\n3,4\n")]
    [InlineData("x,y\n1,\"2\n\"\n3,zz\n")]
    [InlineData("x,y\n1,2\n\n")]
    [InlineData("x,y\n1,2\n,\n")]
    [InlineData("x,y\n1e400,-1e-400\n")]
    [InlineData("x,y\ninf,-Infinity\n")]
    [InlineData("x,y\nNaN,1\n")]
    [InlineData("x,y\n1,2,\n")]
    [InlineData("x,y\n1\n")]
    [InlineData("x,y\n\"1\",\"\"\"2\"\"\"\n")]
    [InlineData("x\n-0\n+.5\n5.\n")]
    [InlineData("x\n0x10\n")]
    [InlineData("x,y\n1,2\r\n3,4\n")]
    [InlineData("x\n")]
    [InlineData("x")]
    [InlineData("x,y\n1,2\n\n\n")]
    [InlineData("x,y\n1,2\r\n\r\n \t\n")]
    [InlineData("x,y\n1,2\n\n3,4\n")]
    [InlineData("x\n1\n\n")]
    [InlineData("x\n1\n\n2\n\n")]
    [InlineData("x,y\n\n")]
    public void Byte_parser_agrees_with_the_text_reader(string text)
    {
        using var dir = new TempDir();
        var path = dir.Write("events.csv", text);
        var bytes = CsvEvents.Read(path);
        var sylvan = CsvEvents.Read(new StringReader(text), path);
        Assert.Equal(sylvan.Success, bytes.Success);
        if (sylvan.Success) DataAssert.Equal(sylvan.Value!, bytes.Value!);
        else
        {
            var (s, b) = (sylvan.Diagnostics[0], bytes.Diagnostics[0]);
            Assert.Equal((s.Code, s.Line, s.Column), (b.Code, b.Line, b.Column));
        }
    }

    [Theory]
    [InlineData("x,y\n1,2\n3,4\n\n")]
    [InlineData("x,y\n1,2\n3,4\n\n\n\n")]
    [InlineData("x,y\r\n1,2\r\n3,4\r\n\r\n")]
    [InlineData("x,y\n1,2\n3,4\n  \n\t\n")]
    [InlineData("x,y\n1,2\n3,4")]
    public void Blank_lines_at_the_end_are_left_out_by_every_reader(string text)
    {
        using var dir = new TempDir();
        var path = dir.Write("events.csv", text);
        var expected = DataAssert.Sample(("x", [1.0, 3.0]), ("y", [2.0, 4.0]));
        DataAssert.Equal(expected, DataAssert.Ok(CsvEvents.Read(path)));
        DataAssert.Equal(expected, DataAssert.Ok(CsvEvents.Read(new StringReader(text), path)));
        foreach (int chunk in new[] { 1, 2, 5 })
            DataAssert.Equal(expected, DataAssert.Join(CsvEvents.ReadChunks(path, chunk), ["x", "y"]));
    }

    [Fact]
    public void A_blank_line_before_more_data_is_an_error_at_its_line()
    {
        using var dir = new TempDir();
        var path = dir.Write("events.csv", "x,y\n1,2\n\n3,4\n\n");
        var d = DataAssert.Fails(CsvEvents.Read(path));
        Assert.Equal((DiagnosticCodes.Truncated, 3, 1), (d.Code, d.Line, d.Column));
        var ex = Assert.Throws<EventFileException>(() => CsvEvents.ReadChunks(path, 1).ToList());
        Assert.Equal(d, ex.Diagnostic);
    }

    [Fact]
    public void A_byte_order_mark_is_skipped()
    {
        using var dir = new TempDir();
        var path = dir.Write("bom.csv", [.. Encoding.UTF8.GetPreamble(), .. "x\n1\n"u8.ToArray()]);
        Assert.Equal(["x"], DataAssert.Ok(CsvEvents.Read(path)).ColumnNames);
    }

    private static string BigCsv(int rows, Func<int, string>? row = null)
    {
        var text = new StringBuilder("a,b,c\n");
        var rng = new Random(3);
        for (int i = 0; i < rows; i++)
            text.Append(row?.Invoke(i) ?? string.Create(CultureInfo.InvariantCulture, $"{rng.NextDouble():R},{rng.NextDouble() * 1e6:R},{i}")).Append('\n');
        return text.ToString();
    }

    [Fact]
    public void Large_file_parsed_in_parallel_blocks_equals_the_text_reader()
    {
        using var dir = new TempDir();
        var text = BigCsv(100_000);
        Assert.True(text.Length > 4 << 20, "the file must be split into several blocks");
        var path = dir.Write("big.csv", text);
        DataAssert.Equal(DataAssert.Ok(CsvEvents.Read(new StringReader(text), path)), DataAssert.Ok(CsvEvents.Read(path)));
    }

    [Fact]
    public void Error_deep_in_a_large_file_has_its_real_line()
    {
        using var dir = new TempDir();
        var text = BigCsv(100_000, i => i == 77_777 ? "1,2,oops" : i == 90_000 ? "1,2,NaN" : string.Create(CultureInfo.InvariantCulture, $"{i * 0.5},{i},{-i}"));
        var d = DataAssert.Fails(CsvEvents.Read(dir.Write("big.csv", text)));
        Assert.Equal((DiagnosticCodes.BadNumber, 77_779, 5), (d.Code, d.Line, d.Column));
        // With quotes somewhere the file is parsed in one pass; the line must be the same.
        var quoted = "\"a\",b,c\n" + text[(text.IndexOf('\n') + 1)..];
        d = DataAssert.Fails(CsvEvents.Read(dir.Write("quoted.csv", quoted)));
        Assert.Equal((DiagnosticCodes.BadNumber, 77_779, 5), (d.Code, d.Line, d.Column));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(4096)]
    [InlineData(65_537)]
    [InlineData(1_000_000)]
    public void Chunks_put_together_equal_the_whole_file(int chunk)
    {
        using var dir = new TempDir();
        // Over 1 MB, so that records straddle the reader's buffer; with CRLF and quoted cells.
        var text = BigCsv(chunk == 1 ? 3000 : 60_000, i => i % 1000 == 7 ? "\"1.5\",\"2\r\n\",3" : null!).Replace("\n", "\r\n");
        var path = dir.Write("chunks.csv", text);
        var whole = DataAssert.Ok(CsvEvents.Read(path));
        var chunks = CsvEvents.ReadChunks(path, chunk).ToList();
        Assert.All(chunks.SkipLast(1), c => Assert.Equal(chunk, c.Count));
        DataAssert.Equal(whole, DataAssert.Join(chunks, whole.ColumnNames));
    }

    [Fact]
    public void Chunked_reading_reports_bad_input_with_its_line()
    {
        using var dir = new TempDir();
        var text = BigCsv(50_000, i => i == 40_000 ? "1,2" : string.Create(CultureInfo.InvariantCulture, $"{i},{i},{i}"));
        var path = dir.Write("bad.csv", text);
        int seen = 0;
        var ex = Assert.Throws<EventFileException>(() => { foreach (var c in CsvEvents.ReadChunks(path, 10_000)) seen += c.Count; });
        Assert.Equal(40_000, seen);
        Assert.Equal((DiagnosticCodes.Truncated, 40_002), (ex.Diagnostic.Code, ex.Diagnostic.Line));
        Assert.Equal(DataAssert.Fails(CsvEvents.Read(path)), ex.Diagnostic);
    }
}
