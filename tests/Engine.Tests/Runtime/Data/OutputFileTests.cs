using PartialWave.Data;

namespace PartialWave.Engine.Tests.Runtime.Data;

/// <summary>Writes are whole or nothing: a failing or interrupted write leaves the old file and no temporary.</summary>
public sealed class OutputFileTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("pwa-output-");

    public void Dispose() => _dir.Delete(recursive: true);

    private string PathOf(string name) => Path.Combine(_dir.FullName, name);

    [Fact]
    public void A_write_that_fails_midway_leaves_the_old_file_and_no_temporary()
    {
        var target = PathOf("result.json");
        File.WriteAllText(target, "old");
        Assert.Throws<InvalidOperationException>(() => OutputFile.Write(target, s =>
        {
            s.Write("new, half"u8);
            throw new InvalidOperationException("the writer failed");
        }));
        Assert.Equal("old", File.ReadAllText(target));
        Assert.Equal([target], Directory.GetFiles(_dir.FullName));
    }

    [Fact]
    public void An_interrupt_during_a_write_abandons_it_whole()
    {
        var target = PathOf("events.csv");
        File.WriteAllText(target, "old");
        // What the Ctrl-C handler does while a write is in progress.
        Assert.ThrowsAny<IOException>(() => OutputFile.Write(target, s =>
        {
            s.Write("x\n1\n"u8);
            s.Flush();
            Assert.Single(Directory.GetFiles(_dir.FullName, ".events.csv.*.tmp"));
            OutputFile.DeleteInFlight();
        }));
        Assert.Equal("old", File.ReadAllText(target));
        Assert.Equal([target], Directory.GetFiles(_dir.FullName));
    }

    [Fact]
    public void Check_says_why_an_output_cannot_be_written()
    {
        var input = PathOf("data.csv");
        File.WriteAllText(input, "x\n1\n");
        Assert.Null(OutputFile.Check(PathOf("values.csv"), [input], ".csv"));
        Assert.Contains("is the input", OutputFile.Check(input, [null, input], ".csv"));
        Assert.Contains("must end in .csv", OutputFile.Check(PathOf("values.npy"), [input], ".csv"));
        Assert.Contains("is a folder", OutputFile.Check(_dir.FullName, []));
        Assert.Contains("does not exist", OutputFile.Check(PathOf("no/values.csv"), []));
        Assert.Equal([input], Directory.GetFiles(_dir.FullName));
    }
}
