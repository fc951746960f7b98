using PartialWave.Data;
using PartialWave.Parsing;

// Not PartialWave.Engine.Tests.Data: that would shadow PartialWave.Data for "Data.X" in sibling test namespaces.
namespace PartialWave.Engine.Tests.Runtime.Data;

public class EventFilesTests
{
    public static TheoryData<string> Formats => new() { "csv", "npz", "parquet", "CSV" };

    private static EventSample Sample(int n) =>
        DataAssert.Sample(("m_12", DataAssert.Awkward(n, 1)), ("cos(theta), deg", DataAssert.Awkward(n, 2)), ("phi", DataAssert.Awkward(n, 3)));

    [Theory]
    [MemberData(nameof(Formats))]
    public void Every_format_round_trips_whole_and_in_chunks(string extension)
    {
        using var dir = new TempDir();
        var sample = Sample(10_000);
        var path = dir.File("events." + extension);
        EventFiles.Write(sample, path);
        DataAssert.Equal(sample, DataAssert.Ok(EventFiles.Read(path)));
        foreach (int chunk in new[] { 1, 999, 10_000, 20_000 })
        {
            var chunks = EventFiles.ReadChunks(path, chunk).ToList();
            Assert.Equal((10_000 + chunk - 1) / chunk, chunks.Count);
            DataAssert.Equal(sample, DataAssert.Join(chunks, sample.ColumnNames));
        }
        var selected = DataAssert.Ok(EventFiles.Read(path, new EventReadOptions { Columns = ["phi", "m_12"] }));
        DataAssert.Equal(DataAssert.Sample(("phi", sample["phi"].ToArray()), ("m_12", sample["m_12"].ToArray())), selected);
    }

    [Theory]
    [InlineData("csv")]
    [InlineData("npy")]
    [InlineData("npz")]
    [InlineData("parquet")]
    public void Writing_replaces_a_file_whole_and_leaves_no_temporary_files(string extension)
    {
        using var dir = new TempDir();
        var path = dir.File("x." + extension);
        EventFiles.Write(DataAssert.Sample(("x", [1, 2, 3])), path);
        EventFiles.Write(DataAssert.Sample(("x", [4.0])), path);
        Assert.Equal([4.0], DataAssert.Ok(EventFiles.Read(path))["x"].ToArray());
        Assert.Equal([path], Directory.GetFiles(dir.Path));
    }

    [Fact]
    public void Unknown_extension_is_a_clear_error()
    {
        using var dir = new TempDir();
        var path = dir.Write("events.txt", "x\n1\n");
        var d = DataAssert.Fails(EventFiles.Read(path));
        Assert.Equal(DiagnosticCodes.UnsupportedData, d.Code);
        Assert.Equal(path, d.File);
        Assert.Contains("'.txt'", d.Message);
        Assert.Contains(".csv, .npy, .npz, .parquet", d.Message);
        Assert.Contains("no extension", DataAssert.Fails(EventFiles.Read(dir.File("events"))).Message);
        var ex = Assert.Throws<ArgumentException>(() => EventFiles.Write(DataAssert.Sample(("x", [1.0])), dir.File("out.root")));
        Assert.Contains("'.root'", ex.Message);
        Assert.Throws<EventFileException>(() => EventFiles.ReadChunks(path, 10).ToList());
    }

    [Theory]
    [InlineData("missing.csv")]
    [InlineData("missing.npy")]
    [InlineData("missing.npz")]
    [InlineData("missing.parquet")]
    public void Missing_file_is_a_file_error_naming_it(string name)
    {
        using var dir = new TempDir();
        var path = dir.File(name);
        var d = DataAssert.Fails(EventFiles.Read(path));
        Assert.Equal((DiagnosticCodes.FileError, path), (d.Code, d.File));
        Assert.Equal(DiagnosticCodes.FileError, Assert.Throws<EventFileException>(() => EventFiles.ReadChunks(path, 10).ToList()).Diagnostic.Code);
    }

    /// <summary>A pipe cannot be mapped: the readers fall back to reading it as a stream.</summary>
    [SkippableFact]
    public void Reading_from_a_pipe()
    {
        Skip.IfNot(OperatingSystem.IsLinux() || OperatingSystem.IsMacOS(), "named pipes via mkfifo");
        using var dir = new TempDir();
        foreach (var (name, content) in new[] { ("p.csv", "x,y\n1,2\n3,4\n"), ("q.csv", "x,y\n") })
        {
            var fifo = dir.File(name);
            using (var mk = System.Diagnostics.Process.Start("mkfifo", fifo)) mk.WaitForExit();
            var writer = Task.Run(() => File.WriteAllText(fifo, content));
            var s = DataAssert.Ok(EventFiles.Read(fifo));
            writer.Wait();
            Assert.Equal(["x", "y"], s.ColumnNames);
            Assert.Equal(content.Count(c => c == '\n') - 1, s.Count);
        }
    }

    [Fact]
    public void Chunk_size_must_be_positive()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => EventFiles.ReadChunks("x.csv", 0));
    }
}
