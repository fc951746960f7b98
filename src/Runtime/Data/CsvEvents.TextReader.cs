using System.Globalization;
using PartialWave.Parsing;
using Sylvan.Data.Csv;

namespace PartialWave.Data;

// CSV from text (Sylvan.Data.Csv): for callers that hold a TextReader; files go through the byte parser.
public static partial class CsvEvents
{
    /// <summary>Reads CSV text into an event sample (every column, NaN rejected).</summary>
    public static ParseResult<EventSample> Read(TextReader text, string file) => Read(text, file, null);

    /// <summary>Reads CSV text into an event sample.</summary>
    /// <param name="text">The CSV text.</param>
    /// <param name="file">The name diagnostics give the input.</param>
    /// <param name="options">Columns to read and NaN policy; null for <see cref="EventReadOptions.Default"/>.</param>
    public static ParseResult<EventSample> Read(TextReader text, string file, EventReadOptions? options)
    {
        options ??= EventReadOptions.Default;
        CsvDataReader csv;
        try
        {
            csv = CsvDataReader.Create(text, new CsvDataReaderOptions { HasHeaders = true, Delimiter = ',' });
        }
        catch (CsvFormatException ex)
        {
            return Fail(file, ex.RowNumber + 1, 1, DiagnosticCodes.UnexpectedToken, $"malformed CSV header: {ex.Message}");
        }
        using (csv)
        {
            int n = csv.FieldCount;
            if (n == 0) return Fail(file, 1, 1, DiagnosticCodes.UnexpectedEnd, "the file is empty: expected a header line of column names");
            var names = new string[n];
            for (int i = 0; i < n; i++) names[i] = csv.GetName(i);
            if (CheckHeader(names, file) is { } bad) return new ParseResult<EventSample>(null, [bad]);
            var diagnostics = new List<Diagnostic>();
            var selection = ColumnSelection.Create(names, options, file, 1, diagnostics);
            if (selection is null) return new ParseResult<EventSample>(null, diagnostics);
            var columns = new ColumnBuilder(selection.Names.Length, 1024);
            int line = 2; // physical line where the current record starts (the header is line 1)
            int row = 0;
            try
            {
                int blankAt = 0; // the first of the blank lines just read: left out if only blank lines follow them
                while (csv.Read())
                {
                    var raw = csv.GetRawRecordSpan();
                    if (csv.RowFieldCount <= 1 && raw.IsWhiteSpace())
                    {
                        if (blankAt == 0) blankAt = line;
                        line += Math.Max(1, raw.Count('\n'));
                        continue;
                    }
                    if (blankAt != 0 && n > 1) return Fail(file, blankAt, 1, DiagnosticCodes.Truncated, FieldCountMessage(1, n));
                    if (blankAt != 0) return Fail(file, blankAt, 1, DiagnosticCodes.BadNumber, NotANumberMessage("", names[0]));
                    if (csv.RowFieldCount != n)
                        return Fail(file, line, 1, csv.RowFieldCount < n ? DiagnosticCodes.Truncated : DiagnosticCodes.UnexpectedToken,
                            FieldCountMessage(csv.RowFieldCount, n));
                    columns.EnsureRow(row);
                    for (int i = 0; i < n; i++)
                    {
                        int t = selection.Target[i];
                        if (t < 0) continue;
                        var cell = csv.GetFieldSpan(i);
                        if (!TryParseCell(cell, out var v))
                        {
                            var (dl, col) = FieldPosition(raw, i);
                            return Fail(file, line + dl, col, DiagnosticCodes.BadNumber, NotANumberMessage(cell.ToString(), names[i]));
                        }
                        if (!double.IsFinite(v) && !options.AllowNaN)
                        {
                            var (dl, col) = FieldPosition(raw, i);
                            return Fail(file, line + dl, col, DiagnosticCodes.NaNValue, DataChecks.NonFiniteMessage(v, names[i]));
                        }
                        columns.Arrays[t][row] = v;
                    }
                    row++;
                    // Quoted fields may span lines; count them so later records keep their real line numbers.
                    line += Math.Max(1, raw.Count('\n'));
                }
            }
            catch (CsvFormatException ex)
            {
                return Fail(file, line, 1, DiagnosticCodes.UnexpectedToken, $"malformed CSV: {ex.Message}");
            }
            return new ParseResult<EventSample>(columns.ToSample(selection.Names, row), []);
        }
    }

    private static bool TryParseCell(ReadOnlySpan<char> cell, out double value)
    {
        if (double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out value)) return true;
        var t = cell.Trim(" \t");
        bool negative = t.StartsWith('-');
        if (t.StartsWith('-') || t.StartsWith('+')) t = t[1..];
        if (t.Equals("inf", StringComparison.OrdinalIgnoreCase))
        {
            value = negative ? double.NegativeInfinity : double.PositiveInfinity;
            return true;
        }
        return false;
    }

    // Line (relative to the record's first line) and 1-based column where field `index` starts in a raw record.
    private static (int Line, int Column) FieldPosition(ReadOnlySpan<char> raw, int index)
    {
        int field = 0, line = 0, lineStart = 0;
        bool quoted = false;
        for (int k = 0; k < raw.Length && field < index; k++)
        {
            char c = raw[k];
            if (c == '"') quoted = !quoted;
            else if (c == '\n') { line++; lineStart = k + 1; }
            else if (c == ',' && !quoted && ++field == index) return (line, k + 2 - lineStart);
        }
        return (line, 1);
    }

    // The header checks both parsers make, with the same messages.
    private static Diagnostic? CheckHeader(IReadOnlyList<string> names, string file)
    {
        if (names.Any(n => n.Contains('\0')))
            return new Diagnostic(DiagnosticCodes.UnsupportedData,
                "the header holds NUL characters: the file looks UTF-16 encoded (as 'Unicode text' exports are) or binary; save it as UTF-8 CSV", file, 1, 1);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < names.Count; i++)
        {
            if (names[i].Length == 0)
                return new Diagnostic(DiagnosticCodes.UnexpectedToken, $"column {i + 1} of the header has no name", file, 1, i + 1);
            if (!seen.Add(names[i]))
                return new Diagnostic(DiagnosticCodes.UnexpectedToken, $"column name '{names[i]}' appears twice in the header", file, 1, i + 1);
        }
        return null;
    }

    private static string FieldCountMessage(int fields, int expected) =>
        fields < expected
            ? $"row has {fields} fields, the header has {expected}: the row ends early"
            : $"row has {fields} fields, the header has {expected}";

    private static string NotANumberMessage(string cell, string column) => $"not a number: '{cell}' in column '{column}'";

}
