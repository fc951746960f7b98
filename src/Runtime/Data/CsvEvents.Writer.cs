using System.Globalization;
using System.Text;

namespace PartialWave.Data;

// CSV writing: the header with RFC 4180 quoting where a name needs it, values in the shortest form that reads back
// to the same double ("R"), LF line ends, UTF-8 without a byte-order mark.
public static partial class CsvEvents
{
    /// <summary>Writes a sample as CSV, replacing the file at once (a temporary file moved into place).</summary>
    /// <exception cref="ArgumentException">The sample has no columns: a CSV file needs a header of at least one name.</exception>
    public static void Write(EventSample sample, string path)
    {
        CheckWritable(sample);
        OutputFile.Write(path, stream =>
        {
            using var writer = new StreamWriter(stream, new UTF8Encoding(false), 1 << 16);
            Write(sample, writer);
        });
    }

    /// <summary>Writes a sample as CSV text.</summary>
    /// <exception cref="ArgumentException">The sample has no columns.</exception>
    public static void Write(EventSample sample, TextWriter writer)
    {
        CheckWritable(sample);
        var names = sample.ColumnNames;
        for (int i = 0; i < names.Count; i++)
        {
            if (i > 0) writer.Write(',');
            writer.Write(Quote(names[i]));
        }
        writer.Write('\n');
        var columns = new double[names.Count][];
        for (int i = 0; i < columns.Length; i++) columns[i] = sample[names[i]].ToArray();
        Span<char> buffer = stackalloc char[64];
        var line = new StringBuilder(32 * columns.Length);
        for (int r = 0; r < sample.Count; r++)
        {
            for (int i = 0; i < columns.Length; i++)
            {
                if (i > 0) writer.Write(',');
                columns[i][r].TryFormat(buffer, out int written, "R", CultureInfo.InvariantCulture);
                writer.Write(buffer[..written]);
            }
            writer.Write('\n');
        }
        writer.Flush();
    }

    /// <summary>A column name as a CSV header field: quoted, with quotes doubled, when it holds a comma, quote or line break.</summary>
    internal static string Quote(string name) =>
        name.AsSpan().IndexOfAny(",\"\r\n") < 0 && name.Length > 0 ? name : "\"" + name.Replace("\"", "\"\"") + "\"";

    private static void CheckWritable(EventSample sample)
    {
        if (sample.ColumnNames.Count == 0)
            throw new ArgumentException("a sample without columns cannot be written as CSV: the header needs at least one name", nameof(sample));
    }
}
