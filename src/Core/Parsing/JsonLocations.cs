using System.Text;
using System.Text.Json;

namespace PartialWave.Parsing;

/// <summary>
/// Where each value of a JSON text starts, by its path (<c>free_parameters[2].limits</c>, <c>fixed_parameters['m']</c>
/// for keys that are not identifiers): lets a reader of JSON files point its diagnostics at the value at fault,
/// as the readers of model files do. Built only when there is an error to place.
/// </summary>
internal sealed class JsonLocations
{
    private readonly Dictionary<string, int> _offsets = new(StringComparer.Ordinal);
    private readonly string _text;

    private JsonLocations(string text) => _text = text;

    /// <summary>Indexes <paramref name="text"/> (which must be valid JSON, comments and trailing commas allowed).</summary>
    public static JsonLocations Index(string text)
    {
        var index = new JsonLocations(text);
        var bytes = Encoding.UTF8.GetBytes(text);
        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        // One frame per open container: its path, whether it is an array, the next element index, the pending key.
        var stack = new Stack<(string Path, bool Array, int Next, string? Key)>();
        int charOffset = 0, byteOffset = 0;
        int CharAt(long bytePosition)
        {
            // Offsets only grow while reading, so the UTF-8 prefix is decoded incrementally.
            int target = (int)bytePosition;
            charOffset += Encoding.UTF8.GetCharCount(bytes, byteOffset, target - byteOffset);
            byteOffset = target;
            return charOffset;
        }
        string ValuePath()
        {
            if (stack.Count == 0) return "";
            var top = stack.Pop();
            string path;
            if (top.Array)
            {
                path = $"{top.Path}[{top.Next}]";
                top.Next++;
            }
            else path = Member(top.Path, top.Key ?? "");
            stack.Push(top);
            return path;
        }
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName:
                    {
                        var top = stack.Pop();
                        stack.Push(top with { Key = reader.GetString() });
                        break;
                    }
                    case JsonTokenType.StartObject or JsonTokenType.StartArray:
                    {
                        var path = ValuePath();
                        index._offsets.TryAdd(path, CharAt(reader.TokenStartIndex));
                        stack.Push((path, reader.TokenType == JsonTokenType.StartArray, 0, null));
                        break;
                    }
                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        stack.Pop();
                        break;
                    default:
                        index._offsets.TryAdd(ValuePath(), CharAt(reader.TokenStartIndex));
                        break;
                }
            }
        }
        catch (JsonException)
        {
            // Invalid JSON is reported by the parser with its own position; what was indexed so far stays usable.
        }
        return index;
    }

    /// <summary>The path of member <paramref name="key"/> of the object at <paramref name="path"/>.</summary>
    public static string Member(string path, string key)
    {
        return Identifiers.IsIdentifier(key) ? path.Length == 0 ? key : $"{path}.{key}" : $"{path}['{key}']";
    }

    /// <summary>
    /// Line and column of the value at <paramref name="path"/>, or of the nearest enclosing value that exists (an
    /// object missing a key is pointed at itself); 1:1 for the document.
    /// </summary>
    public (int Line, int Column) Locate(string path)
    {
        while (true)
        {
            if (_offsets.TryGetValue(path, out var offset)) return SourcePosition.Locate(_text, offset);
            int cut = Math.Max(path.LastIndexOf('.'), path.LastIndexOf('['));
            if (cut <= 0) return (1, 1);
            path = path[..cut];
        }
    }
}
