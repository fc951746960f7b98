using PartialWave.Data;
using PartialWave.Parsing;

// Not PartialWave.Engine.Tests.Data: that would shadow PartialWave.Data for "Data.X" in sibling test namespaces.
namespace PartialWave.Engine.Tests.Runtime.Data;

public class EventCacheTests
{
    private static EventSample Sample(int n, int seed) =>
        DataAssert.Sample(("x", DataAssert.Awkward(n, seed)), ("y, \"quoted\"", DataAssert.Awkward(n, seed + 1)));

    // A file last modified an hour ago, so that its stamp is trusted once hashed.
    private static string Old(string path)
    {
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddHours(-1));
        return path;
    }

    private static string[] Entries(EventCache cache) =>
        Directory.Exists(cache.Directory) ? Directory.GetFiles(cache.Directory, "*.pwev") : [];

    [Theory]
    [InlineData("csv", true)]
    [InlineData("csv", false)]
    [InlineData("npy", true)]
    [InlineData("npz", true)]
    [InlineData("parquet", false)]
    public void Miss_then_hit_with_the_same_sample(string extension, bool trustStamps)
    {
        using var dir = new TempDir();
        var sample = extension == "npy" ? DataAssert.Sample(("events", DataAssert.Awkward(3000, 1))) : Sample(3000, 1);
        var path = dir.File("events." + extension);
        EventFiles.Write(sample, path);
        Old(path);
        var cache = new EventCache(dir.File("cache")) { TrustFileStamps = trustStamps };
        DataAssert.Equal(sample, DataAssert.Ok(cache.Read(path, null, out var first)));
        Assert.Equal(EventCacheStatus.Miss, first);
        DataAssert.Equal(sample, DataAssert.Ok(cache.Read(path, null, out var second)));
        Assert.Equal(EventCacheStatus.Hit, second);
        var entry = Assert.Single(Entries(cache));
        // Compact: the header, the raw doubles, the checksum.
        Assert.InRange(new FileInfo(entry).Length - 8L * sample.Count * sample.ColumnNames.Count, 72, 64 * 3 + 8);
        Assert.Empty(Directory.GetFiles(cache.Directory, "*.tmp"));
    }

    [Fact]
    public void Entry_name_is_the_content_hash()
    {
        using var dir = new TempDir();
        var path = dir.Write("e.csv", "x\n1\n2\n");
        var cache = new EventCache(dir.File("cache"));
        cache.Read(path);
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(path))), EventCache.HashFile(path));
        Assert.StartsWith(EventCache.HashFile(path) + "-", Path.GetFileName(Assert.Single(Entries(cache))));
        // A copy elsewhere with the same content is the same entry.
        var copy = dir.Write("copy.csv", "x\n1\n2\n");
        cache.Read(copy, null, out var status);
        Assert.Equal(EventCacheStatus.Hit, status);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void An_edited_file_is_read_again(bool trustStamps)
    {
        using var dir = new TempDir();
        var path = Old(dir.Write("e.csv", "x\n1\n2\n"));
        var cache = new EventCache(dir.File("cache")) { TrustFileStamps = trustStamps };
        cache.Read(path, null, out _);
        cache.Read(path, null, out var hit);
        Assert.Equal(EventCacheStatus.Hit, hit);
        File.WriteAllText(path, "x\n1\n3\n");
        var edited = DataAssert.Ok(cache.Read(path, null, out var status));
        Assert.Equal(EventCacheStatus.Miss, status);
        Assert.Equal([1.0, 3.0], edited["x"].ToArray());
        Assert.Equal(2, Entries(cache).Length);
    }

    [Fact]
    public void Without_trusted_stamps_an_edit_that_keeps_length_and_time_is_still_seen()
    {
        using var dir = new TempDir();
        var path = Old(dir.Write("e.csv", "x\n1\n2\n"));
        var time = File.GetLastWriteTimeUtc(path);
        var cache = new EventCache(dir.File("cache")) { TrustFileStamps = false };
        cache.Read(path);
        File.WriteAllText(path, "x\n1\n9\n");
        File.SetLastWriteTimeUtc(path, time);
        Assert.Equal([1.0, 9.0], DataAssert.Ok(cache.Read(path, null, out var status))["x"].ToArray());
        Assert.Equal(EventCacheStatus.Miss, status);
    }

    [SkippableFact]
    public void With_trusted_stamps_an_edit_that_restores_length_and_modification_time_is_still_seen()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "the inode change time is read on Linux only");
        using var dir = new TempDir();
        var path = Old(dir.Write("e.csv", "x\n1\n2\n"));
        var time = File.GetLastWriteTimeUtc(path);
        // Stamps are trusted only once the file's metadata is a few seconds old (the racy-clean rule).
        Thread.Sleep(TimeSpan.FromSeconds(3.2));
        var cache = new EventCache(dir.File("cache"));
        cache.Read(path);
        Assert.Equal([1.0, 2.0], DataAssert.Ok(cache.Read(path, null, out var hit))["x"].ToArray());
        Assert.Equal(EventCacheStatus.Hit, hit);
        // What cp -p, rsync -t or tar do: same length, the old modification time put back. The change time moves.
        File.WriteAllText(path, "x\n1\n9\n");
        File.SetLastWriteTimeUtc(path, time);
        Assert.Equal([1.0, 9.0], DataAssert.Ok(cache.Read(path, null, out var status))["x"].ToArray());
        Assert.Equal(EventCacheStatus.Miss, status);
    }

    [Fact]
    public void A_recently_modified_file_is_hashed_again_even_with_stamps()
    {
        using var dir = new TempDir();
        // Written just now: a second write within the file system's time resolution could keep the stamp, so
        // the stamp is not trusted and the content decides.
        var path = dir.Write("e.csv", "x\n1\n2\n");
        var time = File.GetLastWriteTimeUtc(path);
        var cache = new EventCache(dir.File("cache"));
        cache.Read(path);
        File.WriteAllText(path, "x\n1\n7\n");
        File.SetLastWriteTimeUtc(path, time);
        Assert.Equal([1.0, 7.0], DataAssert.Ok(cache.Read(path))["x"].ToArray());
    }

    public static TheoryData<string> Damages => new() { "flip-payload", "flip-header", "truncate", "garbage", "empty", "extend" };

    [Theory]
    [MemberData(nameof(Damages))]
    public void A_corrupt_entry_is_detected_and_replaced(string damage)
    {
        using var dir = new TempDir();
        var sample = Sample(20_000, 3);
        var path = dir.File("e.parquet");
        EventFiles.Write(sample, path);
        Old(path);
        var cache = new EventCache(dir.File("cache"));
        cache.Read(path);
        var entry = Assert.Single(Entries(cache));
        var bytes = File.ReadAllBytes(entry);
        switch (damage)
        {
            case "flip-payload": bytes[bytes.Length / 2] ^= 0x10; break;
            case "flip-header": bytes[70] ^= 1; break;
            case "truncate": bytes = bytes[..^9]; break;
            case "garbage": bytes = new byte[bytes.Length]; new Random(1).NextBytes(bytes); break;
            case "empty": bytes = []; break;
            case "extend": bytes = [.. bytes, 0, 0, 0, 0, 0, 0, 0, 0]; break;
        }
        File.WriteAllBytes(entry, bytes);
        DataAssert.Equal(sample, DataAssert.Ok(cache.Read(path, null, out var status)));
        Assert.Equal(EventCacheStatus.Replaced, status);
        cache.Read(path, null, out status);
        Assert.Equal(EventCacheStatus.Hit, status);
    }

    [Fact]
    public void Swapped_blocks_are_caught_by_the_checksum()
    {
        using var dir = new TempDir();
        var path = dir.File("e.csv");
        CsvEvents.Write(Sample(1000, 5), path);
        Old(path);
        var cache = new EventCache(dir.File("cache"));
        cache.Read(path);
        var entry = Assert.Single(Entries(cache));
        var bytes = File.ReadAllBytes(entry);
        // Swap two doubles of the first column: same sum, different order.
        var a = bytes.AsSpan(256, 8).ToArray();
        bytes.AsSpan(264, 8).CopyTo(bytes.AsSpan(256));
        a.CopyTo(bytes, 264);
        File.WriteAllBytes(entry, bytes);
        cache.Read(path, null, out var status);
        Assert.Equal(EventCacheStatus.Replaced, status);
    }

    [Fact]
    public void Read_options_are_part_of_the_key()
    {
        using var dir = new TempDir();
        var path = Old(dir.Write("e.csv", "a,b\n1,NaN\n2,3\n"));
        var cache = new EventCache(dir.File("cache"));
        var d = DataAssert.Fails(cache.Read(path, null, out var status));
        Assert.Equal((EventCacheStatus.Failed, DiagnosticCodes.NaNValue, 2, 3), (status, d.Code, d.Line, d.Column));
        Assert.Empty(Entries(cache));
        // Bad input is never cached: the same diagnostic again.
        Assert.Equal(d, DataAssert.Fails(cache.Read(path)));

        var onlyA = DataAssert.Ok(cache.Read(path, new EventReadOptions { Columns = ["a"] }, out status));
        Assert.Equal((EventCacheStatus.Miss, 1), (status, onlyA.ColumnNames.Count));
        var withNaN = DataAssert.Ok(cache.Read(path, new EventReadOptions { AllowNaN = true }, out status));
        Assert.Equal((EventCacheStatus.Miss, 2), (status, withNaN.ColumnNames.Count));
        cache.Read(path, new EventReadOptions { Columns = ["a"] }, out status);
        Assert.Equal(EventCacheStatus.Hit, status);
        Assert.Equal(2, Entries(cache).Length);
    }

    [Fact]
    public void Missing_files_and_unknown_extensions_pass_their_diagnostics_through()
    {
        using var dir = new TempDir();
        var cache = new EventCache(dir.File("cache"));
        Assert.Equal(DiagnosticCodes.FileError, DataAssert.Fails(cache.Read(dir.File("none.csv"), null, out var status)).Code);
        Assert.Equal(EventCacheStatus.Failed, status);
        Assert.Equal(DiagnosticCodes.UnsupportedData, DataAssert.Fails(cache.Read(dir.Write("e.txt", "x\n1\n"), null, out status)).Code);
        Assert.Equal(EventCacheStatus.Failed, status);
    }

    [Fact]
    public void An_unwritable_cache_still_reads()
    {
        using var dir = new TempDir();
        var path = dir.Write("e.csv", "x\n1\n");
        var blocker = dir.Write("blocker", "a file where the cache directory should be");
        var cache = new EventCache(Path.Combine(blocker, "events"));
        Assert.Equal([1.0], DataAssert.Ok(cache.Read(path, null, out var status))["x"].ToArray());
        Assert.Equal(EventCacheStatus.NotStored, status);
    }

    [Fact]
    public void Clear_removes_the_entries()
    {
        using var dir = new TempDir();
        var path = dir.Write("e.csv", "x\n1\n");
        var cache = new EventCache(dir.File("cache"));
        cache.Read(path);
        Assert.Single(Entries(cache));
        cache.Clear();
        Assert.Empty(Entries(cache));
        cache.Read(path, null, out var status);
        Assert.Equal(EventCacheStatus.Miss, status);
    }

    [Fact]
    public void Default_directory_follows_PARTIALWAVE_CACHE()
    {
        var saved = Environment.GetEnvironmentVariable("PARTIALWAVE_CACHE");
        try
        {
            Environment.SetEnvironmentVariable("PARTIALWAVE_CACHE", "/some/cache");
            Assert.Equal(Path.Combine("/some/cache", "events"), EventCache.DefaultDirectory);
            Environment.SetEnvironmentVariable("PARTIALWAVE_CACHE", null);
            Assert.EndsWith(Path.Combine("partialwave", "events"), EventCache.DefaultDirectory);
        }
        finally
        {
            Environment.SetEnvironmentVariable("PARTIALWAVE_CACHE", saved);
        }
    }
}
