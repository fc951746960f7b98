using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text;
using PartialWave.Parsing;

namespace PartialWave.Data;

// The byte-level CSV parser. A record without quotes (nearly every data row) is parsed in one pass: each field is a
// number read by FastDouble straight from the bytes and must end at a comma or the line's end. A record with a
// quote goes through ScanRecord, the full RFC 4180 splitter (quoted fields, "" escapes, line breaks in quotes).
// Whole files without quotes are cut at line ends into blocks parsed on all cores into preallocated columns.
public static partial class CsvEvents
{
    private static readonly SearchValues<byte> Delimiters = SearchValues.Create(",\r\n"u8);
    private static readonly SearchValues<byte> RecordBreaks = SearchValues.Create("\r\n\""u8);

    /// <summary>The header of a file and what to do with each of its fields.</summary>
    private sealed class Layout(string file, string[] fileNames, ColumnSelection selection, bool allowNaN)
    {
        public string File { get; } = file;
        public string[] FileNames { get; } = fileNames;
        public ColumnSelection Selection { get; } = selection;
        public bool AllowNaN { get; } = allowNaN;
        public int FieldCount => FileNames.Length;
    }

    /// <summary>One field of a record: its content [Start, End) and where its raw text starts.</summary>
    private struct Field
    {
        public int RawStart, Start, End;
        public bool Escaped;   // quoted with "" inside: the content needs unescaping
        public bool Malformed; // text after a closing quote: the raw text is the content
    }

    /// <summary>Parses a whole CSV file held in memory.</summary>
    internal static ParseResult<EventSample> Parse(ReadOnlyMemory<byte> memory, string file, EventReadOptions options)
    {
        var data = memory.Span;
        int pos = data.StartsWith("\uFEFF"u8) ? 3 : 0;
        var fields = new List<Field>();
        var header = ParseHeader(data[pos..], true, file, options, fields, out var layout, out int consumed, out int headerLines);
        if (header is not null) return new ParseResult<EventSample>(null, header);
        pos += consumed;
        return ParseBody(memory[..(pos + ContentEnd(data[pos..]))], pos, 1 + headerLines, layout!);
    }

    /// <summary>
    /// Where the records of <paramref name="data"/> end once blank lines at its end are left out (an editor's or a
    /// script's trailing newlines): after the line break of the last line with content, or at 0 when every line is
    /// blank. A blank line before more data is still an error.
    /// </summary>
    private static int ContentEnd(ReadOnlySpan<byte> data)
    {
        int last = data.LastIndexOfAnyExcept(" \t\r\n"u8);
        if (last < 0) return 0;
        int rest = data[(last + 1)..].IndexOfAny((byte)'\n', (byte)'\r');
        if (rest < 0) return data.Length;
        int end = last + 1 + rest;
        return data[end] == (byte)'\r' && end + 1 < data.Length && data[end + 1] == (byte)'\n' ? end + 2 : end + 1;
    }

    /// <summary>
    /// Reads the header record at the start of <paramref name="data"/>. Returns null when it is complete and
    /// valid (layout set), the diagnostics when it is bad, or an empty list when more data is needed (not final).
    /// </summary>
    private static List<Diagnostic>? ParseHeader(ReadOnlySpan<byte> data, bool final, string file, EventReadOptions options,
        List<Field> fields, out Layout? layout, out int consumed, out int lines)
    {
        layout = null;
        consumed = lines = 0;
        if (data.IsEmpty)
        {
            if (!final) return [];
            return [new Diagnostic(DiagnosticCodes.UnexpectedEnd, "the file is empty: expected a header line of column names", file, 1, 1)];
        }
        int next = ScanRecord(data, 0, final, fields, out int embedded, out int openQuote);
        if (next == -1) return [];
        if (next == -2)
        {
            var (l, c) = Position(data, 0, openQuote);
            return [new Diagnostic(DiagnosticCodes.UnexpectedEnd, "a quoted column name is not closed before the end of the file", file, l, c)];
        }
        var names = new string[fields.Count];
        for (int i = 0; i < names.Length; i++)
        {
            var f = fields[i];
            if (f.Malformed)
            {
                var (l, c) = Position(data, 0, f.RawStart);
                return [new Diagnostic(DiagnosticCodes.UnexpectedToken, $"text after the closing quote of column {i + 1}'s name", file, l, c)];
            }
            names[i] = Encoding.UTF8.GetString(Content(data, f));
        }
        if (CheckHeader(names, file) is { } bad) return [bad];
        var diagnostics = new List<Diagnostic>();
        var selection = ColumnSelection.Create(names, options, file, 1, diagnostics);
        if (selection is null) return diagnostics;
        layout = new Layout(file, names, selection, options.AllowNaN);
        consumed = next;
        lines = embedded + 1;
        return null;
    }

    // The records of data[start..]: in parallel blocks when no record has a quote or a lone CR (so that every
    // line feed ends exactly one record), otherwise in one pass.
    private static ParseResult<EventSample> ParseBody(ReadOnlyMemory<byte> memory, int start, int firstLine, Layout layout)
    {
        var data = memory.Span;
        int length = data.Length - start;
        int k = layout.Selection.Names.Length;
        int blocks = length < 1 << 20 ? 1 : Math.Clamp(length >> 18, 1, Environment.ProcessorCount * 4);
        var starts = new int[blocks + 1];
        starts[0] = start;
        starts[blocks] = data.Length;
        for (int b = 1; b < blocks; b++)
        {
            int guess = Math.Max(start + (int)((long)length * b / blocks), starts[b - 1]);
            int lf = data[guess..].IndexOf((byte)'\n');
            starts[b] = lf < 0 ? data.Length : guess + lf + 1;
        }
        var lineFeeds = new int[blocks];
        int complicated = 0;
        void Scan(int b)
        {
            var s = memory.Span[starts[b]..starts[b + 1]];
            if (s.IndexOf((byte)'"') >= 0 || s.Count((byte)'\r') != s.Count("\r\n"u8)) Volatile.Write(ref complicated, 1);
            lineFeeds[b] = s.Count((byte)'\n');
        }
        if (blocks == 1) Scan(0);
        else Parallel.For(0, blocks, Scan);

        long totalLineFeeds = lineFeeds.Sum(x => (long)x);
        bool unterminatedLast = length > 0 && data[^1] != (byte)'\n';
        long rows = totalLineFeeds + (unterminatedLast ? 1 : 0);
        if (rows > Array.MaxLength) return Fail(layout.File, firstLine, 1, DiagnosticCodes.UnsupportedData, $"{rows} rows are more than a .NET array can hold");
        var fields = new List<Field>();
        if (complicated != 0)
        {
            // Quoted records may span lines, so the line count only bounds the rows.
            var grown = new ColumnBuilder(k, (int)rows);
            int pos = start, row = 0, line = firstLine;
            var error = ParseRecords(data, ref pos, int.MaxValue, layout, grown, ref row, ref line, fields);
            return error is not null ? new ParseResult<EventSample>(null, [error]) : new ParseResult<EventSample>(grown.ToSample(layout.Selection.Names, row), []);
        }

        var columns = new ColumnBuilder(k, (int)rows) { Fixed = true };
        if (blocks == 1)
        {
            int pos = start, row = 0, line = firstLine;
            var error = ParseRecords(data, ref pos, int.MaxValue, layout, columns, ref row, ref line, fields);
            if (error is not null) return new ParseResult<EventSample>(null, [error]);
            if (row != rows) throw new InvalidOperationException($"parsed {row} rows, counted {rows}");
        }
        else
        {
            var firstRow = new int[blocks];
            for (int b = 1; b < blocks; b++) firstRow[b] = firstRow[b - 1] + lineFeeds[b - 1];
            var errors = new Diagnostic?[blocks];
            Parallel.For(0, blocks, b =>
            {
                int pos = starts[b], row = firstRow[b], line = firstLine + firstRow[b];
                errors[b] = ParseRecords(memory.Span[..starts[b + 1]], ref pos, int.MaxValue, layout, columns, ref row, ref line, []);
                if (errors[b] is null && row != (b + 1 < blocks ? firstRow[b + 1] : rows))
                    throw new InvalidOperationException($"block {b} ended at row {row}, counted otherwise");
            });
            if (errors.FirstOrDefault(e => e is not null) is { } error) return new ParseResult<EventSample>(null, [error]);
        }
        return new ParseResult<EventSample>(columns.ToSample(layout.Selection.Names, (int)rows), []);
    }

    /// <summary>
    /// Parses up to <paramref name="maxRecords"/> records from <paramref name="pos"/> to the end of
    /// <paramref name="data"/> (which ends at a record boundary or the end of the file) into rows from
    /// <paramref name="row"/>. Returns the first bad input, or null.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot: skip tier-0 code on the first (often only) read
    private static Diagnostic? ParseRecords(ReadOnlySpan<byte> data, ref int pos, int maxRecords, Layout layout,
        ColumnBuilder columns, ref int row, ref int line, List<Field> fields)
    {
        int n = layout.FieldCount;
        int[] target = layout.Selection.Target;
        bool allowNaN = layout.AllowNaN;
        int len = data.Length;
        int p = pos;
        for (int r = 0; r < maxRecords && p < len; r++)
        {
            columns.EnsureRow(row);
            double[][] arrays = columns.Arrays;
            int recordStart = p;
            bool general = false;
            for (int f = 0; f < n; f++)
            {
                if (p < len && data[p] == (byte)'"') { general = true; break; }
                int fieldStart = p, end;
                int t = target[f];
                if (t >= 0)
                {
                    int used = FastDouble.ParsePrefix(data[p..], out double v);
                    end = p + used;
                    if (used == 0 || (end < len && data[end] != (byte)',' && data[end] != (byte)'\n' && data[end] != (byte)'\r'))
                    {
                        int rel = data[p..].IndexOfAny(Delimiters);
                        end = rel < 0 ? len : p + rel;
                        if (data[p..end].IndexOf((byte)'"') >= 0) { general = true; break; }
                        if (!FastDouble.TryParseField(data[p..end], out v))
                            return CellError(data, recordStart, line, fieldStart, f, layout, fields, DiagnosticCodes.BadNumber,
                                NotANumberMessage(Encoding.UTF8.GetString(data[p..end]), layout.FileNames[f]));
                    }
                    if (!double.IsFinite(v) && !allowNaN)
                        return CellError(data, recordStart, line, fieldStart, f, layout, fields, DiagnosticCodes.NaNValue, DataChecks.NonFiniteMessage(v, layout.FileNames[f]));
                    arrays[t][row] = v;
                }
                else
                {
                    int rel = data[p..].IndexOfAny(Delimiters);
                    end = rel < 0 ? len : p + rel;
                    if (data[p..end].IndexOf((byte)'"') >= 0) { general = true; break; }
                }
                p = end;
                bool comma = p < len && data[p] == (byte)',';
                if (f < n - 1 ? !comma : comma)
                    return FieldCountError(data, recordStart, line, layout, fields);
                if (comma) p++;
            }
            if (general)
            {
                p = recordStart;
                var error = ParseQuotedRecord(data, ref p, layout, arrays, row, ref line, fields);
                if (error is not null) return error;
            }
            else
            {
                if (p < len)
                {
                    if (data[p] == (byte)'\r' && p + 1 < len && data[p + 1] == (byte)'\n') p += 2;
                    else p++;
                }
                line++;
            }
            row++;
        }
        pos = p;
        return null;
    }

    // A record with quotes: split it fully, then parse its fields.
    private static Diagnostic? ParseQuotedRecord(ReadOnlySpan<byte> data, ref int p, Layout layout, double[][] arrays, int row,
        ref int line, List<Field> fields)
    {
        int recordStart = p;
        int next = ScanRecord(data, p, true, fields, out int embedded, out int openQuote);
        if (next < 0)
        {
            var (dl, col) = Position(data, recordStart, openQuote);
            return new Diagnostic(DiagnosticCodes.UnexpectedEnd, "a quoted field is not closed before the end of the file", layout.File, line + dl, col);
        }
        if (fields.Count != layout.FieldCount)
            return new Diagnostic(fields.Count < layout.FieldCount ? DiagnosticCodes.Truncated : DiagnosticCodes.UnexpectedToken,
                FieldCountMessage(fields.Count, layout.FieldCount), layout.File, line, 1);
        int[] target = layout.Selection.Target;
        for (int f = 0; f < fields.Count; f++)
        {
            int t = target[f];
            if (t < 0) continue;
            var field = fields[f];
            var content = Content(data, field);
            if (!FastDouble.TryParseField(content, out double v))
            {
                var (dl, col) = Position(data, recordStart, field.RawStart);
                return new Diagnostic(DiagnosticCodes.BadNumber, NotANumberMessage(Encoding.UTF8.GetString(content), layout.FileNames[f]), layout.File, line + dl, col);
            }
            if (!double.IsFinite(v) && !layout.AllowNaN)
            {
                var (dl, col) = Position(data, recordStart, field.RawStart);
                return new Diagnostic(DiagnosticCodes.NaNValue, DataChecks.NonFiniteMessage(v, layout.FileNames[f]), layout.File, line + dl, col);
            }
            arrays[t][row] = v;
        }
        p = next;
        line += embedded + 1;
        return null;
    }

    // A bad cell in an unquoted record; a wrong field count in the same record takes precedence, as in the text reader.
    private static Diagnostic CellError(ReadOnlySpan<byte> data, int recordStart, int line, int fieldStart, int field, Layout layout,
        List<Field> fields, string code, string message)
    {
        if (ScanRecord(data, recordStart, true, fields, out _, out _) >= 0 && fields.Count != layout.FieldCount)
            return FieldCountError(data, recordStart, line, layout, fields);
        var (dl, col) = Position(data, recordStart, fieldStart);
        return new Diagnostic(code, message, layout.File, line + dl, col);
    }

    private static Diagnostic FieldCountError(ReadOnlySpan<byte> data, int recordStart, int line, Layout layout, List<Field> fields)
    {
        int count = ScanRecord(data, recordStart, true, fields, out _, out _) >= 0 ? fields.Count : 0;
        return new Diagnostic(count < layout.FieldCount ? DiagnosticCodes.Truncated : DiagnosticCodes.UnexpectedToken,
            FieldCountMessage(count, layout.FieldCount), layout.File, line, 1);
    }

    /// <summary>Line (relative to <paramref name="from"/>'s line) and 1-based UTF-16 column of byte <paramref name="at"/>.</summary>
    private static (int Line, int Column) Position(ReadOnlySpan<byte> data, int from, int at)
    {
        var before = data[from..at];
        int lf = before.LastIndexOf((byte)'\n');
        return (before.Count((byte)'\n'), Encoding.UTF8.GetCharCount(before[(lf + 1)..]) + 1);
    }

    /// <summary>A field's text, quotes removed and "" unescaped.</summary>
    private static ReadOnlySpan<byte> Content(ReadOnlySpan<byte> data, Field f)
    {
        var raw = data[f.Start..f.End];
        if (!f.Escaped) return raw;
        var text = new byte[raw.Length];
        int m = 0;
        for (int i = 0; i < raw.Length; i++)
        {
            text[m++] = raw[i];
            if (raw[i] == (byte)'"') i++; // the second quote of a "" pair
        }
        return text.AsSpan(0, m);
    }

    /// <summary>
    /// Splits the record starting at <paramref name="p"/> into fields (RFC 4180; a lone CR also ends a record).
    /// Returns the position after its line break; -1 when the data ends first and more may follow (not final);
    /// -2 when a quoted field is still open at the end of the file (its quote at <paramref name="openQuote"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot: skip tier-0 code on the first (often only) read
    private static int ScanRecord(ReadOnlySpan<byte> data, int p, bool final, List<Field> fields, out int embeddedLineFeeds, out int openQuote)
    {
        fields.Clear();
        embeddedLineFeeds = 0;
        openQuote = -1;
        int len = data.Length;
        while (true)
        {
            var field = new Field { RawStart = p };
            if (p < len && data[p] == (byte)'"')
            {
                int q = p + 1;
                bool escaped = false;
                while (true)
                {
                    int rel = data[q..].IndexOf((byte)'"');
                    if (rel < 0)
                    {
                        openQuote = p;
                        return final ? -2 : -1;
                    }
                    embeddedLineFeeds += data.Slice(q, rel).Count((byte)'\n');
                    q += rel + 1;
                    if (q < len && data[q] == (byte)'"') { escaped = true; q++; continue; }
                    if (q >= len && !final) return -1; // the next byte might be a second quote
                    break;
                }
                field.Start = p + 1;
                field.End = q - 1;
                field.Escaped = escaped;
                p = q;
                if (p < len && data[p] != (byte)',' && data[p] != (byte)'\r' && data[p] != (byte)'\n')
                {
                    int rel = data[p..].IndexOfAny(Delimiters);
                    if (rel < 0 && !final) return -1;
                    p = rel < 0 ? len : p + rel;
                    field.Start = field.RawStart;
                    field.End = p;
                    field.Escaped = false;
                    field.Malformed = true;
                }
            }
            else
            {
                int rel = data[p..].IndexOfAny(Delimiters);
                if (rel < 0 && !final) return -1;
                p = rel < 0 ? len : p + rel;
                field.Start = field.RawStart;
                field.End = p;
            }
            fields.Add(field);
            if (p >= len) return final ? len : -1;
            byte c = data[p];
            if (c == (byte)',') { p++; continue; }
            if (c == (byte)'\r')
            {
                if (p + 1 >= len) return final ? len : -1;
                return data[p + 1] == (byte)'\n' ? p + 2 : p + 1;
            }
            return p + 1;
        }
    }

    /// <summary>
    /// The end of at most <paramref name="maxRecords"/> whole records from <paramref name="p"/>, and their number.
    /// Without <paramref name="final"/> a record must end in a line break to count.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot: skip tier-0 code on the first (often only) read
    private static int FindRecords(ReadOnlySpan<byte> data, int p, int maxRecords, bool final, List<Field> fields, out int records)
    {
        records = 0;
        int len = data.Length;
        while (records < maxRecords && p < len)
        {
            int rel = data[p..].IndexOfAny(RecordBreaks);
            if (rel < 0)
            {
                if (!final) break;
                p = len;
            }
            else if (data[p + rel] == (byte)'"')
            {
                int next = ScanRecord(data, p, final, fields, out _, out _);
                if (next == -1) break;
                p = next == -2 ? len : next; // an unclosed quote: the parser reports it
            }
            else if (data[p + rel] == (byte)'\n') p += rel + 1;
            else if (p + rel + 1 < len) p += rel + (data[p + rel + 1] == (byte)'\n' ? 2 : 1);
            else if (final) p = len;
            else break;
            records++;
        }
        return p;
    }

    // With emptyChunk, a file without rows gives one empty sample (for its column names) rather than none.
    private static IEnumerable<EventSample> ReadChunksIterator(string path, int chunkEvents, EventReadOptions options, bool emptyChunk = false)
    {
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new EventFileException(new Diagnostic(DiagnosticCodes.FileError, $"cannot read the file: {ex.Message}", path, 1, 1));
        }
        using (stream)
        {
            var window = new ByteWindow(stream, 1 << 20);
            window.Fill();
            while (!window.Eof && window.Length < 3) window.Fill();
            if (window.Span.StartsWith("\uFEFF"u8)) window.Advance(3);
            var fields = new List<Field>();
            Layout? layout;
            int consumed, headerLines;
            while (true)
            {
                var header = ParseHeader(window.Span, window.Eof, path, options, fields, out layout, out consumed, out headerLines);
                if (header is null) break;
                if (header.Count > 0) throw new EventFileException(header[0]);
                window.Fill();
            }
            window.Advance(consumed);
            var names = layout!.Selection.Names;
            int line = 1 + headerLines;
            int capacity = Math.Min(chunkEvents, 1 << 16);
            var columns = new ColumnBuilder(names.Length, capacity);
            int rows = 0;
            bool any = false;
            while (true)
            {
                // Blank lines at the end of the window wait for what follows them: more data (then they are an
                // error, as in a whole read) or the end of the file (then they are left out).
                var span = window.Span[..ContentEnd(window.Span)];
                int end = FindRecords(span, 0, chunkEvents - rows, window.Eof, fields, out int records);
                if (records > 0)
                {
                    int pos = 0;
                    var error = ParseRecords(span[..end], ref pos, records, layout, columns, ref rows, ref line, fields);
                    if (error is not null) throw new EventFileException(error);
                    window.Advance(end);
                    if (rows == chunkEvents)
                    {
                        any = true;
                        yield return columns.ToSample(names, rows);
                        columns = new ColumnBuilder(names.Length, capacity);
                        rows = 0;
                    }
                    continue;
                }
                if (window.Eof) break;
                window.Fill();
            }
            if (rows > 0 || (emptyChunk && !any)) yield return columns.ToSample(names, rows);
        }
    }

    /// <summary>A sliding window over a stream: the bytes read but not yet consumed.</summary>
    private sealed class ByteWindow(Stream stream, int size)
    {
        private byte[] _buffer = new byte[size];
        private int _start, _end;

        public bool Eof { get; private set; }
        public int Length => _end - _start;
        public ReadOnlySpan<byte> Span => _buffer.AsSpan(_start, _end - _start);
        public void Advance(int count) => _start += count;

        /// <summary>Reads more: moves the unconsumed bytes to the front, grows the buffer when they fill it.</summary>
        public void Fill()
        {
            if (_start > 0)
            {
                Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
                _end -= _start;
                _start = 0;
            }
            if (_end == _buffer.Length) Array.Resize(ref _buffer, checked(_buffer.Length * 2));
            int read = stream.Read(_buffer, _end, _buffer.Length - _end);
            if (read == 0) Eof = true;
            _end += read;
        }
    }
}
