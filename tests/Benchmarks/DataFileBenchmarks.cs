using System.Globalization;
using System.Text;
using BenchmarkDotNet.Attributes;
using PartialWave.Data;

using PartialWave.Benchmarks.Tracking;

namespace PartialWave.Benchmarks;

// Reading a 1,000,000-event, 3-column CSV, the counterpart of pandas.read_csv on the same file, and reloading it from
// EventCache (issue 5's data-file targets). run-data-vs-pandas.sh writes the file (deterministic, with NumPy), runs
// these and the pandas timing side by side, and writes the ratios to perf-results/peers/data/.

/// <summary>The benchmark CSV: $PARTIALWAVE_BENCH_CSV, or one written here when that is unset and the file is absent.</summary>
internal static class BenchCsv
{
    public const int Events = 1_000_000;

    public static string Path { get; } = Environment.GetEnvironmentVariable("PARTIALWAVE_BENCH_CSV")
        ?? System.IO.Path.Combine(System.IO.Path.GetTempPath(), "partialwave-data-bench", "events-1m.csv");

    /// <summary>The file, written when missing (uniform Dalitz-like columns, round-trip digits as Python's repr writes them).</summary>
    public static string Ensure()
    {
        if (File.Exists(Path)) return Path;
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        var rng = new Random(20261123);
        var text = new StringBuilder("m2_12,m2_23,cos_theta\n", 60 * Events);
        for (int i = 0; i < Events; i++)
            text.Append(CultureInfo.InvariantCulture, $"{0.07 + 8.93 * rng.NextDouble():R},{0.07 + 8.93 * rng.NextDouble():R},{2 * rng.NextDouble() - 1:R}\n");
        File.WriteAllText(Path, text.ToString());
        return Path;
    }

    /// <summary>
    /// Waits until the file is older than the cache's racy-stamp window, so that the hash remembered at the first
    /// read is trusted (a file written seconds ago is hashed again on every read, by design).
    /// </summary>
    public static void WaitUntilSettled(string path)
    {
        var age = DateTime.UtcNow - File.GetLastWriteTimeUtc(path);
        if (age < TimeSpan.FromSeconds(5)) Thread.Sleep(TimeSpan.FromSeconds(5) - age);
    }
}

/// <summary>
/// Steady-state reading of the 1 M-event CSV: <see cref="Read"/> is <c>EventFiles.Read</c> (the target: at least
/// as fast as <c>pandas.read_csv</c>); <see cref="ReadWithSylvan"/> is the Sylvan.Data.Csv reader the byte parser
/// replaced, for the record; <see cref="CachedReload"/> loads the sample from <see cref="EventCache"/> (the target: at
/// least 20 times faster than the first read, <see cref="CacheFirstReadBenchmarks"/>), and
/// <see cref="CachedReloadRehash"/> does so hashing the whole file each time (<c>TrustFileStamps = false</c>).
/// </summary>
[Throughput(BenchCsv.Events, "events")]
public class DataFileBenchmarks
{
    private string _path = "";
    private EventCache _cache = null!, _rehash = null!;

    /// <summary>Makes sure of the file and fills the cache (two reads: a miss, then a hit that trusts the stamp).</summary>
    [GlobalSetup]
    public void Setup()
    {
        _path = BenchCsv.Ensure();
        BenchCsv.WaitUntilSettled(_path);
        var dir = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "partialwave-data-bench", "cache-steady");
        _cache = new EventCache(dir);
        _cache.Clear();
        _rehash = new EventCache(dir) { TrustFileStamps = false };
        _cache.Read(_path, null, out var first).GetValueOrThrow();
        _cache.Read(_path, null, out var second).GetValueOrThrow();
        if (second != EventCacheStatus.Hit) throw new InvalidOperationException($"the cache did not hit after a {first}: {second}");
        Console.WriteLine($"// {_path}: {new FileInfo(_path).Length:N0} bytes, {_cache.Read(_path).GetValueOrThrow().Count:N0} events");
    }

    /// <summary>EventFiles.Read of the CSV: byte parser, all cores.</summary>
    [Benchmark(Baseline = true)]
    public int Read() => EventFiles.Read(_path).GetValueOrThrow().Count;

    /// <summary>The Sylvan.Data.Csv reader (CsvEvents.Read(TextReader)), one core.</summary>
    [Benchmark]
    public int ReadWithSylvan()
    {
        using var text = new StreamReader(_path);
        return CsvEvents.Read(text, _path).GetValueOrThrow().Count;
    }

    /// <summary>A cache hit: stamp check, entry load, checksum.</summary>
    [Benchmark]
    public int CachedReload()
    {
        var sample = _cache.Read(_path, null, out var status).GetValueOrThrow();
        return status == EventCacheStatus.Hit ? sample.Count : throw new InvalidOperationException($"expected a hit, got {status}");
    }

    /// <summary>A cache hit that hashes the source file's content first.</summary>
    [Benchmark]
    public int CachedReloadRehash()
    {
        var sample = _rehash.Read(_path, null, out var status).GetValueOrThrow();
        return status == EventCacheStatus.Hit ? sample.Count : throw new InvalidOperationException($"expected a hit, got {status}");
    }
}

/// <summary>
/// The first read through <see cref="EventCache"/>: the cache is emptied before each operation, so each one hashes
/// the file, parses it and stores the entry, which is what a user waits for the first time.
/// </summary>
[Throughput(BenchCsv.Events, "events")]
public class CacheFirstReadBenchmarks
{
    private string _path = "";
    private EventCache _cache = null!;

    /// <summary>Makes sure of the file.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _path = BenchCsv.Ensure();
        BenchCsv.WaitUntilSettled(_path);
        _cache = new EventCache(System.IO.Path.Combine(System.IO.Path.GetTempPath(), "partialwave-data-bench", "cache-first"));
    }

    /// <summary>Empties the cache, remembered hashes included.</summary>
    [IterationSetup]
    public void Empty() => _cache.Clear();

    /// <summary>A cache miss: hash, parse, store.</summary>
    [Benchmark]
    public int FirstRead()
    {
        var sample = _cache.Read(_path, null, out var status).GetValueOrThrow();
        return status == EventCacheStatus.Miss ? sample.Count : throw new InvalidOperationException($"expected a miss, got {status}");
    }
}
