using System.Text;

namespace PartialWave.Data;

/// <summary>The element and field types of Thrift's compact protocol, in which Parquet writes its metadata.</summary>
internal enum ThriftType : byte
{
    Stop = 0,
    True = 1,
    False = 2,
    Byte = 3,
    I16 = 4,
    I32 = 5,
    I64 = 6,
    Double = 7,
    Binary = 8,
    List = 9,
    Set = 10,
    Map = 11,
    Struct = 12,
}

/// <summary>
/// Writes Thrift compact-protocol structures: field headers as id deltas, integers as zigzag varints. Only what the
/// Parquet page headers and footer of <see cref="ParquetFileWriter"/> need.
/// </summary>
internal sealed class ThriftWriter
{
    private readonly List<byte> _bytes = [];
    private readonly Stack<short> _lastIds = new();
    private short _lastId;

    public byte[] ToArray() => [.. _bytes];

    public void BeginStruct()
    {
        _lastIds.Push(_lastId);
        _lastId = 0;
    }

    public void EndStruct()
    {
        _bytes.Add((byte)ThriftType.Stop);
        _lastId = _lastIds.Pop();
    }

    public void Field(short id, ThriftType type)
    {
        int delta = id - _lastId;
        if (delta is > 0 and <= 15) _bytes.Add((byte)((delta << 4) | (byte)type));
        else
        {
            _bytes.Add((byte)type);
            Varint(ZigZag(id));
        }
        _lastId = id;
    }

    public void I32(short id, int value)
    {
        Field(id, ThriftType.I32);
        Varint(ZigZag(value));
    }

    public void I64(short id, long value)
    {
        Field(id, ThriftType.I64);
        Varint(ZigZag(value));
    }

    public void String(short id, string value)
    {
        Field(id, ThriftType.Binary);
        StringValue(value);
    }

    public void StringValue(string value)
    {
        var utf8 = Encoding.UTF8.GetBytes(value);
        Varint((ulong)utf8.Length);
        _bytes.AddRange(utf8);
    }

    public void I32Value(int value) => Varint(ZigZag(value));

    public void ListHeader(short id, ThriftType element, int count)
    {
        Field(id, ThriftType.List);
        if (count < 15) _bytes.Add((byte)((count << 4) | (byte)element));
        else
        {
            _bytes.Add((byte)(0xF0 | (byte)element));
            Varint((ulong)count);
        }
    }

    public void StructField(short id) => Field(id, ThriftType.Struct);

    private static ulong ZigZag(long v) => (ulong)((v << 1) ^ (v >> 63));

    private void Varint(ulong v)
    {
        while (v >= 0x80)
        {
            _bytes.Add((byte)(v | 0x80));
            v >>= 7;
        }
        _bytes.Add((byte)v);
    }
}

/// <summary>
/// Reads Thrift compact-protocol structures from a byte span, skipping fields the caller does not ask for. Malformed
/// input (a varint too long, a length past the end, nesting too deep) throws <see cref="FormatException"/>.
/// </summary>
internal ref struct ThriftReader(ReadOnlySpan<byte> bytes)
{
    private const int MaxDepth = 64;
    private readonly ReadOnlySpan<byte> _bytes = bytes;

    /// <summary>Bytes read so far.</summary>
    public int Position { get; private set; }

    /// <summary>The next field of the current struct: its id and type; <see cref="ThriftType.Stop"/> at its end.</summary>
    public (short Id, ThriftType Type) NextField(ref short lastId)
    {
        byte b = Byte();
        var type = (ThriftType)(b & 0x0F);
        if (type == ThriftType.Stop) return (0, type);
        int delta = b >> 4;
        short id = delta != 0 ? (short)(lastId + delta) : (short)UnZigZag(Varint());
        lastId = id;
        return (id, type);
    }

    public long Integer() => UnZigZag(Varint());

    public int I32()
    {
        long v = Integer();
        return v is >= int.MinValue and <= int.MaxValue ? (int)v : throw new FormatException("a 32-bit Thrift integer out of range");
    }

    public string String()
    {
        var bytes = Binary();
        return Encoding.UTF8.GetString(bytes);
    }

    public ReadOnlySpan<byte> Binary()
    {
        ulong length = Varint();
        if (length > (ulong)(_bytes.Length - Position)) throw new FormatException("a Thrift string runs past the end of its block");
        var s = _bytes.Slice(Position, (int)length);
        Position += (int)length;
        return s;
    }

    public (ThriftType Element, int Count) ListHeader()
    {
        byte b = Byte();
        var element = (ThriftType)(b & 0x0F);
        ulong count = (ulong)(b >> 4);
        if (count == 15) count = Varint();
        if (count > (ulong)(_bytes.Length - Position)) throw new FormatException("a Thrift list longer than its block");
        return (element, (int)count);
    }

    /// <summary>Skips a value of the given type (a field's value, or a list element).</summary>
    public void Skip(ThriftType type, int depth = 0)
    {
        if (depth > MaxDepth) throw new FormatException("Thrift structures nested too deeply");
        switch (type)
        {
            case ThriftType.True or ThriftType.False: break;
            case ThriftType.Byte: Byte(); break;
            case ThriftType.I16 or ThriftType.I32 or ThriftType.I64: Varint(); break;
            case ThriftType.Double:
                if (_bytes.Length - Position < 8) throw new FormatException("a Thrift double runs past the end of its block");
                Position += 8;
                break;
            case ThriftType.Binary: Binary(); break;
            case ThriftType.List or ThriftType.Set:
            {
                var (element, count) = ListHeader();
                for (int i = 0; i < count; i++)
                {
                    if (element is ThriftType.True or ThriftType.False) Byte(); // a boolean element is one byte
                    else Skip(element, depth + 1);
                }
                break;
            }
            case ThriftType.Map:
            {
                ulong count = Varint();
                if (count == 0) break;
                byte kinds = Byte();
                for (ulong i = 0; i < count; i++)
                {
                    Skip((ThriftType)(kinds >> 4), depth + 1);
                    Skip((ThriftType)(kinds & 0x0F), depth + 1);
                }
                break;
            }
            case ThriftType.Struct:
            {
                short last = 0;
                while (true)
                {
                    var (_, t) = NextField(ref last);
                    if (t == ThriftType.Stop) break;
                    Skip(t, depth + 1);
                }
                break;
            }
            default: throw new FormatException($"unknown Thrift type {(int)type}");
        }
    }

    private byte Byte()
    {
        if (Position >= _bytes.Length) throw new FormatException("Thrift data ends early");
        return _bytes[Position++];
    }

    private ulong Varint()
    {
        ulong v = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            byte b = Byte();
            v |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80) return v;
        }
        throw new FormatException("a Thrift varint longer than 10 bytes");
    }

    private static long UnZigZag(ulong v) => (long)(v >> 1) ^ -(long)(v & 1);
}
