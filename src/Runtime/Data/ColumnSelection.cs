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
        options.FileColumns?.Invoke(fileColumns);
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
                diagnostics.Add(new Diagnostic(DiagnosticCodes.MissingColumn,
                    $"no column '{requested[k]}' in the file (it has {Describe(fileColumns)}){NameSuggestions.DidYouMean(requested[k], fileColumns)}{(missing ? "" : HeaderNote(fileColumns, file))}",
                    file, line, 1));
                missing = true;
            }
        }
        return missing ? null : new ColumnSelection(requested.ToArray(), source, target);
    }

    // Why a file's names may not be the names meant: a first line of numbers (no header), names with spaces around
    // them, or the numbered columns of a 2-D .npy array, which has no names.
    private static string HeaderNote(IReadOnlyList<string> names, string file)
    {
        if (names.FirstOrDefault(n => n.Contains(';') || n.Contains('\t')) is { } joined)
            return $"; the header name '{joined}' holds a '{(joined.Contains(';') ? ';' : "\\t")}': pwa reads comma-separated values, with '.' in numbers";
        if (names.Count > 0 && names.All(n => double.TryParse(n, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out _)))
            return "; the first line holds numbers, not names: the file needs a header line of column names";
        if (names.Any(n => n.Length > 0 && (char.IsWhiteSpace(n[0]) || char.IsWhiteSpace(n[^1]))))
            return "; names are matched exactly, and the header has names with spaces around them";
        if (string.Equals(Path.GetExtension(file), ".npy", StringComparison.OrdinalIgnoreCase) && names.Count > 1
            && names.Select((n, i) => n == $"col{i}").All(b => b))
            return "; a 2-D .npy array has no column names, so its columns are read as col0, col1, ...: save named columns with numpy.savez (.npz), or as CSV or Parquet";
        return "";
    }

    /// <summary>A column list for messages, shortened when long.</summary>
    public static string Describe(IReadOnlyList<string> names) =>
        names.Count == 0 ? "no columns"
        : names.Count <= 20 ? string.Join(", ", names.Select(n => $"'{n}'"))
        : string.Join(", ", names.Take(20).Select(n => $"'{n}'")) + $", ... ({names.Count} in all)";
}
