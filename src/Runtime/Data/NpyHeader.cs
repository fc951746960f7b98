using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace PartialWave.Data;

/// <summary>
/// The header of a NumPy <c>.npy</c> file (format versions 1.0, 2.0 and 3.0): magic <c>\x93NUMPY</c>, version,
/// header length, then a Python dict literal <c>{'descr': '&lt;f8', 'fortran_order': False, 'shape': (n,), }</c>
/// padded with spaces to a multiple of 64 bytes and ended by a line feed.
/// </summary>
internal sealed class NpyHeader
{
    private static ReadOnlySpan<byte> Magic => [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    private NpyHeader(char kind, int itemSize, bool bigEndian, bool fortranOrder, long[] shape, int dataOffset)
    {
        Kind = kind;
        ItemSize = itemSize;
        BigEndian = bigEndian;
        FortranOrder = fortranOrder;
        Shape = shape;
        DataOffset = dataOffset;
    }

    /// <summary>'f' (float), 'i' (signed integer) or 'u' (unsigned integer).</summary>
    public char Kind { get; }
    /// <summary>Bytes per element.</summary>
    public int ItemSize { get; }
    /// <summary>True for '&gt;' byte order.</summary>
    public bool BigEndian { get; }
    /// <summary>Column-major 2-D data.</summary>
    public bool FortranOrder { get; }
    /// <summary>The array's shape.</summary>
    public long[] Shape { get; }
    /// <summary>Where the data starts.</summary>
    public int DataOffset { get; }

    /// <summary>Rows: the first dimension.</summary>
    public long Rows => Shape[0];
    /// <summary>Columns: 1 for a 1-D array, the second dimension for a 2-D one.</summary>
    public long Columns => Shape.Length == 2 ? Shape[1] : 1;
    /// <summary>Bytes of data the header promises.</summary>
    public long DataBytes => Rows * Columns * ItemSize;

    /// <summary>The dtype as NumPy writes it, e.g. &lt;f8.</summary>
    public string Descr => $"{(ItemSize == 1 ? '|' : BigEndian ? '>' : '<')}{Kind}{ItemSize}";

    /// <summary>
    /// Reads the header at the start of <paramref name="data"/>; <paramref name="error"/> says what is wrong when
    /// the result is null. <paramref name="data"/> may be only the first bytes of the file: a header longer than it
    /// reports <paramref name="needed"/>, the bytes to read.
    /// </summary>
    public static NpyHeader? Parse(ReadOnlySpan<byte> data, out string? error, out int needed)
    {
        error = null;
        needed = 0;
        if (data.Length < 10 || !data.StartsWith(Magic))
        {
            error = data.Length < 10 && Magic.StartsWith(data) ? "the file ends inside the .npy header" : "not a .npy file (no \\x93NUMPY magic)";
            return null;
        }
        int major = data[6];
        int headerLength, start;
        if (major == 1) { headerLength = BinaryPrimitives.ReadUInt16LittleEndian(data[8..]); start = 10; }
        else if (major is 2 or 3)
        {
            if (data.Length < 12) { needed = 12; error = "the file ends inside the .npy header"; return null; }
            uint length = BinaryPrimitives.ReadUInt32LittleEndian(data[8..]);
            if (length > 1 << 24) { error = $"the .npy header claims {length} bytes"; return null; }
            headerLength = (int)length;
            start = 12;
        }
        else
        {
            error = $".npy format version {major}.{data[7]} is not supported (1.0 to 3.0 are)";
            return null;
        }
        if (data.Length < start + headerLength)
        {
            needed = start + headerLength;
            error = $"the file ends inside the .npy header ({headerLength} bytes from byte {start})";
            return null;
        }
        string text = (major == 3 ? Encoding.UTF8 : Encoding.Latin1).GetString(data.Slice(start, headerLength));
        var dict = ParseDict(text, out error);
        if (dict is null) return null;
        if (!dict.TryGetValue("descr", out var descrValue) || descrValue is not string descr)
        {
            error = descrValue is null ? "the .npy header has no 'descr'" : "structured dtypes are not supported (the .npy 'descr' is a list): save plain numeric arrays";
            return null;
        }
        if (!dict.TryGetValue("fortran_order", out var fortranValue) || fortranValue is not bool fortran)
        {
            error = "the .npy header has no 'fortran_order' True/False";
            return null;
        }
        if (!dict.TryGetValue("shape", out var shapeValue) || shapeValue is not long[] shape)
        {
            error = "the .npy header has no 'shape' tuple";
            return null;
        }
        if (descr.Length < 3 || descr[0] is not ('<' or '>' or '|' or '=') || descr[1] is not ('f' or 'i' or 'u')
            || !int.TryParse(descr.AsSpan(2), NumberStyles.None, CultureInfo.InvariantCulture, out int size)
            || !(descr[1] == 'f' ? size is 2 or 4 or 8 : size is 1 or 2 or 4 or 8))
        {
            error = $"element type '{descr}' is not supported (float64, float32, float16 and integer types are)";
            return null;
        }
        if (shape.Length is not (1 or 2))
        {
            error = $"a {shape.Length}-dimensional array (shape {FormatShape(shape)}) is not an event sample: expected 1-D (one column) or 2-D (events x columns)";
            return null;
        }
        return new NpyHeader(descr[1], size, descr[0] == '>' && size > 1, fortran, shape, start + headerLength);
    }

    /// <summary>A shape as NumPy prints it.</summary>
    public static string FormatShape(long[] shape) =>
        shape.Length == 1 ? $"({shape[0]},)" : "(" + string.Join(", ", shape) + ")";

    /// <summary>The header of a little-endian float64 C-order array of the given shape, version 1.0, 64-byte aligned.</summary>
    public static byte[] Float64(long[] shape)
    {
        var dict = $"{{'descr': '<f8', 'fortran_order': False, 'shape': {FormatShape(shape)}, }}";
        int unpadded = 10 + dict.Length + 1;
        int total = (unpadded + 63) / 64 * 64;
        var bytes = new byte[total];
        Magic.CopyTo(bytes);
        bytes[6] = 1;
        bytes[7] = 0;
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(8), (ushort)(total - 10));
        Encoding.ASCII.GetBytes(dict, bytes.AsSpan(10));
        bytes.AsSpan(10 + dict.Length, total - 11 - dict.Length).Fill((byte)' ');
        bytes[^1] = (byte)'\n';
        return bytes;
    }

    // The dict literal NumPy writes: string keys; values are strings, True/False, tuples of integers or lists
    // (structured dtypes, reported as unsupported).
    private static Dictionary<string, object>? ParseDict(string text, out string? error)
    {
        error = null;
        var result = new Dictionary<string, object>(StringComparer.Ordinal);
        int i = 0;
        void SkipSpace() { while (i < text.Length && char.IsWhiteSpace(text[i])) i++; }
        string? ReadString()
        {
            SkipSpace();
            if (i >= text.Length || text[i] is not ('\'' or '"')) return null;
            char quote = text[i++];
            int end = text.IndexOf(quote, i);
            if (end < 0) return null;
            var s = text[i..end];
            i = end + 1;
            return s;
        }
        SkipSpace();
        if (i >= text.Length || text[i] != '{') { error = "the .npy header is not a dict literal"; return null; }
        i++;
        while (true)
        {
            SkipSpace();
            if (i < text.Length && text[i] == '}') break;
            var key = ReadString();
            SkipSpace();
            if (key is null || i >= text.Length || text[i] != ':') { error = "the .npy header is not a dict literal"; return null; }
            i++;
            SkipSpace();
            if (i >= text.Length) { error = "the .npy header ends inside its dict"; return null; }
            object value;
            if (text[i] is '\'' or '"') value = ReadString()!;
            else if (string.CompareOrdinal(text, i, "True", 0, 4) == 0) { value = true; i += 4; }
            else if (string.CompareOrdinal(text, i, "False", 0, 5) == 0) { value = false; i += 5; }
            else if (text[i] == '(')
            {
                int end = text.IndexOf(')', i);
                if (end < 0) { error = "the .npy header's shape tuple is not closed"; return null; }
                var parts = text[(i + 1)..end].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
                var dims = new long[parts.Length];
                for (int k = 0; k < parts.Length; k++)
                {
                    var part = parts[k].TrimEnd('L'); // Python 2 long literals
                    if (!long.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out dims[k]))
                    {
                        error = $"the .npy shape has a dimension '{parts[k]}' that is not a size";
                        return null;
                    }
                }
                value = dims;
                i = end + 1;
            }
            else if (text[i] == '[')
            {
                int depth = 0;
                for (; i < text.Length; i++)
                {
                    if (text[i] == '[') depth++;
                    else if (text[i] == ']' && --depth == 0) { i++; break; }
                }
                value = new object();
            }
            else { error = $"the .npy header has a value for '{key}' this reader does not understand"; return null; }
            result[key] = value;
            SkipSpace();
            if (i < text.Length && text[i] == ',') { i++; continue; }
            SkipSpace();
            if (i < text.Length && text[i] == '}') break;
            error = "the .npy header is not a dict literal";
            return null;
        }
        return result;
    }
}
