using PartialWave.Parsing;

namespace PartialWave.Data;

/// <summary>Reading and writing Apache Parquet event files: what the PartialWave.Parquet package implements.</summary>
internal interface IParquetFiles
{
    /// <summary>Reads the whole file.</summary>
    ParseResult<EventSample> Read(string path, EventReadOptions options);
    /// <summary>Reads the file in samples of at most <paramref name="chunkEvents"/> events.</summary>
    IEnumerable<EventSample> ReadChunks(string path, int chunkEvents, EventReadOptions options);
    /// <summary>Writes a sample (replacing the file at once).</summary>
    void Write(EventSample sample, string path);
}

/// <summary>
/// Finds the Parquet support of the PartialWave.Parquet package by name, so that an application without Parquet
/// files needs neither it nor Parquet.Net.
/// </summary>
internal static class ParquetFiles
{
    private const string Implementation = "PartialWave.Data.ParquetFormat, PartialWave.Parquet";

    private static readonly Lazy<IParquetFiles?> s_files = new(() => Plugins.Find<IParquetFiles>(Implementation));

    /// <summary>The implementation, or null where the package is not shipped.</summary>
    public static IParquetFiles? Find() => s_files.Value;

    /// <summary>The error for a Parquet file where the package is missing.</summary>
    public static Diagnostic Missing(string path) => new(DiagnosticCodes.UnsupportedData,
        "Parquet files are read by the PartialWave.Parquet package, which this application does not reference (PartialWave.Engine brings it)", path, 1, 1);
}
