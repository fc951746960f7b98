using System.Globalization;
using PartialWave.Parsing;
using Sylvan.Data.Csv;

namespace PartialWave.Data;

/// <summary>
/// CSV event files: one header line of column names (RFC 4180 quoting, since symbol names contain commas),
/// one event a row, numbers in invariant culture. A bad cell is a diagnostic naming its line and column.
/// </summary>
public static class CsvEvents
{
    /// <summary>Reads a CSV file into an event sample.</summary>
    public static ParseResult<EventSample> Read(string path)
    {
        try
        {
            using var reader = new StreamReader(path);
            return Read(reader, path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return Fail(path, 1, 1, DiagnosticCodes.FileError, $"cannot read the file: {ex.Message}");
        }
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

    private static ParseResult<EventSample> Fail(string file, int line, int col, string code, string message) =>
        new(null, [new Diagnostic(code, message, file, line, col)]);

    /// <summary>Reads CSV text into an event sample.</summary>
    public static ParseResult<EventSample> Read(TextReader text, string file)
    {
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
            var seen = new HashSet<string>(StringComparer.Ordinal);
            for (int i = 0; i < n; i++)
            {
                names[i] = csv.GetName(i);
                if (names[i].Length == 0) return Fail(file, 1, i + 1, DiagnosticCodes.UnexpectedToken, $"column {i + 1} of the header has no name");
                if (!seen.Add(names[i])) return Fail(file, 1, i + 1, DiagnosticCodes.UnexpectedToken, $"column name '{names[i]}' appears twice in the header");
            }
            var columns = new List<double>[n];
            for (int i = 0; i < n; i++) columns[i] = new List<double>();
            int line = 2; // physical line where the current record starts (the header is line 1)
            try
            {
                while (csv.Read())
                {
                    var raw = csv.GetRawRecordSpan();
                    if (csv.RowFieldCount != n)
                        return Fail(file, line, 1, DiagnosticCodes.UnexpectedToken, $"row has {csv.RowFieldCount} fields, the header has {n}");
                    for (int i = 0; i < n; i++)
                    {
                        var cell = csv.GetFieldSpan(i);
                        if (!double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out var v))
                        {
                            var (dl, col) = FieldPosition(raw, i);
                            return Fail(file, line + dl, col, DiagnosticCodes.BadNumber, $"not a number: '{cell}' in column '{names[i]}'");
                        }
                        columns[i].Add(v);
                    }
                    // Quoted fields may span lines; count them so later records keep their real line numbers.
                    line += Math.Max(1, raw.Count('\n'));
                }
            }
            catch (CsvFormatException ex)
            {
                return Fail(file, line, 1, DiagnosticCodes.UnexpectedToken, $"malformed CSV: {ex.Message}");
            }
            return new ParseResult<EventSample>(new EventSample(names.Select((name, i) => new KeyValuePair<string, double[]>(name, columns[i].ToArray()))), []);
        }
    }
}
