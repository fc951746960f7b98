using PartialWave.Parsing;

namespace PartialWave.Data;

/// <summary>Which of a file's columns a read keeps, in which order: all of them, or those the caller asked for.</summary>
internal sealed class ColumnSelection
{
    private ColumnSelection(string[] names, int[] source, int[] target)
    {
        Names = names;
        Source = source;
        Target = target;
    }

    /// <summary>The sample's column names.</summary>
    public string[] Names { get; }

    /// <summary>For each sample column, its index among the file's columns.</summary>
    public int[] Source { get; }

    /// <summary>For each file column, its index among the sample's columns, or -1 when it is not read.</summary>
    public int[] Target { get; }

    /// <summary>
    /// The selection for a file with columns <paramref name="fileColumns"/>; null, with one diagnostic per missing
    /// column (at <paramref name="line"/>:1 of <paramref name="file"/>), when the file lacks a requested column.
    /// </summary>
    public static ColumnSelection? Create(IReadOnlyList<string> fileColumns, EventReadOptions options, string file, int line, List<Diagnostic> diagnostics)
    {
        var target = new int[fileColumns.Count];
        if (options.Columns is null)
        {
            for (int i = 0; i < target.Length; i++) target[i] = i;
            return new ColumnSelection(fileColumns.ToArray(), Enumerable.Range(0, fileColumns.Count).ToArray(), target);
        }
        Array.Fill(target, -1);
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < fileColumns.Count; i++) index.TryAdd(fileColumns[i], i);
        var requested = options.Columns;
        var source = new int[requested.Count];
        bool missing = false;
        for (int k = 0; k < requested.Count; k++)
        {
            if (index.TryGetValue(requested[k], out int i))
            {
                if (target[i] >= 0) throw new ArgumentException($"column '{requested[k]}' is requested twice", nameof(options));
                source[k] = i;
                target[i] = k;
            }
            else
            {
                missing = true;
                diagnostics.Add(new Diagnostic(DiagnosticCodes.MissingColumn,
                    $"no column '{requested[k]}' in the file (it has {Describe(fileColumns)})", file, line, 1));
            }
        }
        return missing ? null : new ColumnSelection(requested.ToArray(), source, target);
    }

    /// <summary>A column list for messages, shortened when long.</summary>
    public static string Describe(IReadOnlyList<string> names) =>
        names.Count == 0 ? "no columns"
        : names.Count <= 20 ? string.Join(", ", names.Select(n => $"'{n}'"))
        : string.Join(", ", names.Take(20).Select(n => $"'{n}'")) + $", ... ({names.Count} in all)";
}
