using System.Text;
using PartialWave.Data;
using PartialWave.Parsing;

// Not PartialWave.Engine.Tests.Data: that would shadow PartialWave.Data for "Data.X" in sibling test namespaces.
namespace PartialWave.Engine.Tests.Runtime.Data;

/// <summary>A temporary directory removed with everything in it.</summary>
internal sealed class TempDir : IDisposable
{
    public TempDir() => System.IO.Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "pwa-data-tests-" + Guid.NewGuid().ToString("N"));

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public string Write(string name, string text)
    {
        var path = File(name);
        System.IO.File.WriteAllBytes(path, Encoding.UTF8.GetBytes(text));
        return path;
    }

    public string Write(string name, byte[] bytes)
    {
        var path = File(name);
        System.IO.File.WriteAllBytes(path, bytes);
        return path;
    }

    public void Dispose()
    {
        try { System.IO.Directory.Delete(Path, recursive: true); }
        catch (IOException) { }
    }
}

internal static class DataAssert
{
    public static EventSample Sample(params (string Name, double[] Values)[] columns) =>
        new(columns.Select(c => new KeyValuePair<string, double[]>(c.Name, c.Values)));

    /// <summary>Whether two samples have the same column names and values bit for bit.</summary>
    public static bool SameValues(EventSample expected, EventSample actual) =>
        expected.ColumnNames.SequenceEqual(actual.ColumnNames) && expected.Count == actual.Count
        && expected.ColumnNames.All(n => expected[n].ToArray().Select(BitConverter.DoubleToInt64Bits).SequenceEqual(actual[n].ToArray().Select(BitConverter.DoubleToInt64Bits)));

    /// <summary>Same column names in the same order and the same values bit for bit (NaN payloads aside, -0.0 kept).</summary>
    public static void Equal(EventSample expected, EventSample actual)
    {
        Assert.Equal(expected.ColumnNames, actual.ColumnNames);
        Assert.Equal(expected.Count, actual.Count);
        foreach (var name in expected.ColumnNames)
        {
            var e = expected[name];
            var a = actual[name];
            for (int i = 0; i < e.Length; i++)
            {
                if (double.IsNaN(e[i]) && double.IsNaN(a[i])) continue;
                if (BitConverter.DoubleToInt64Bits(e[i]) != BitConverter.DoubleToInt64Bits(a[i]))
                    Assert.Fail($"column '{name}' row {i}: expected {e[i]:R}, got {a[i]:R}");
            }
        }
    }

    public static EventSample Ok(ParseResult<EventSample> result)
    {
        Assert.True(result.Success, string.Join("\n", result.Diagnostics));
        return result.Value!;
    }

    /// <summary>The single diagnostic of a failed read.</summary>
    public static Diagnostic Fails(ParseResult<EventSample> result)
    {
        Assert.False(result.Success, "expected the read to fail");
        return Assert.Single(result.Diagnostics);
    }

    /// <summary>All chunks of a chunked read, joined.</summary>
    public static EventSample Join(IEnumerable<EventSample> chunks, IReadOnlyList<string> names)
    {
        var list = chunks.ToList();
        return new EventSample(names.Select(n => new KeyValuePair<string, double[]>(n, list.SelectMany(c => c[n].ToArray()).ToArray())));
    }

    /// <summary>
    /// Finite doubles of every kind: random, tiny, huge, subnormal, signed zeros (the readers reject infinities by
    /// default; NonFiniteValueTests reads them back with AllowNaN).
    /// </summary>
    public static double[] Awkward(int n, int seed)
    {
        var rng = new Random(seed);
        double[] specials = [0.0, -0.0, 1.0, -1.0, 0.1, 1e-300, 5e-324, 2.2250738585072014E-308, double.MaxValue, double.MinValue,
            double.Epsilon, 1.7976931348623155E+308, -4.9406564584124654E-324, 9007199254740993, 123456789012345678, 1e22, 1e23];
        return Enumerable.Range(0, n).Select(i => i < specials.Length ? specials[i]
            : (i % 3) switch
            {
                0 => rng.NextDouble() * 10 - 5,
                1 => BitConverter.Int64BitsToDouble(rng.NextInt64() & 0x7FEF_FFFF_FFFF_FFFF) * (rng.Next(2) == 0 ? 1 : -1),
                _ => Math.Round(rng.NextDouble() * 1000, rng.Next(0, 6)),
            }).ToArray();
    }
}
