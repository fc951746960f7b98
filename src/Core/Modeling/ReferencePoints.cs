using PartialWave.Parsing;
using System.Numerics;
using System.Text.Json;

namespace PartialWave.Modeling;

/// <summary>
/// A reference-value file in the format of the shared reference models: <c>parameter_defaults</c>
/// (name → number or [re, im]) and <c>points</c> (each with <c>symbols</c> and the exact <c>value</c>).
/// </summary>
public sealed class ReferencePoints
{
    /// <summary>One point: the symbol values (parameters at their defaults added) and SymPy's value.</summary>
    public sealed record Point(int Index, IReadOnlyDictionary<string, Complex> Symbols, Complex Expected);

    /// <summary>Parameter defaults by name.</summary>
    public IReadOnlyDictionary<string, Complex> ParameterDefaults { get; }

    /// <summary>The points, with parameter defaults merged in.</summary>
    public IReadOnlyList<Point> Points { get; }

    /// <summary>Parameters whose default is written as [re, im]: complex parameters, even where the default is real.</summary>
    public IReadOnlySet<string> ComplexParameters { get; }

    private ReferencePoints(IReadOnlyDictionary<string, Complex> defaults, IReadOnlyList<Point> points, IReadOnlySet<string> complexParameters)
    {
        ParameterDefaults = defaults;
        Points = points;
        ComplexParameters = complexParameters;
    }

    /// <summary>Reads a number or a [re, im] pair.</summary>
    public static Complex ReadComplex(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Number => new Complex(e.GetDouble(), 0),
        JsonValueKind.Array when e.GetArrayLength() == 2 => new Complex(ReadReal(e[0]), ReadReal(e[1])),
        JsonValueKind.True => Complex.One,
        JsonValueKind.False => Complex.Zero,
        _ => throw new FormatException($"expected a number or [re, im], found {e.ValueKind}"),
    };

    private static double ReadReal(JsonElement e) => e.ValueKind == JsonValueKind.Number ? e.GetDouble()
        : throw new FormatException($"expected a number, found {e.ValueKind}");

    /// <summary>Reads a name → value object.</summary>
    public static Dictionary<string, Complex> ReadValues(JsonElement obj)
    {
        var d = new Dictionary<string, Complex>(StringComparer.Ordinal);
        foreach (var p in obj.EnumerateObject()) d[p.Name] = ReadComplex(p.Value);
        return d;
    }

    /// <summary>Loads a reference file.</summary>
    /// <exception cref="FormatException">The file is not in the expected shape (the message says where).</exception>
    public static ReferencePoints Load(string path)
    {
        var text = File.ReadAllText(path);
        using var doc = JsonDocument.Parse(text);
        var root = doc.RootElement;
        if (root.ValueKind != JsonValueKind.Object) throw new FormatException("expected a JSON object with 'points' (and 'parameter_defaults')");
        bool hasDefaults = root.TryGetProperty("parameter_defaults", out var pd);
        var defaults = hasDefaults ? ReadValues(pd) : new Dictionary<string, Complex>();
        var complexParameters = hasDefaults
            ? pd.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.Array).Select(p => p.Name).ToHashSet(StringComparer.Ordinal)
            : new HashSet<string>(StringComparer.Ordinal);
        if (!root.TryGetProperty("points", out var pts) || pts.ValueKind != JsonValueKind.Array)
            throw new FormatException("no 'points' list: expected \"points\": [{\"symbols\": {name: value, ...}, \"value\": [re, im]}, ...]");
        var points = new List<Point>();
        int i = 0;
        foreach (var p in pts.EnumerateArray())
        {
            try
            {
                if (p.ValueKind != JsonValueKind.Object) throw new FormatException("expected an object {\"symbols\": {...}, \"value\": [re, im]}");
                var symbols = new Dictionary<string, Complex>(defaults, StringComparer.Ordinal);
                foreach (var (k, v) in ReadValues(Member(p, "symbols"))) symbols[k] = v;
                points.Add(new Point(i, symbols, ReadComplex(Member(p, "value"))));
            }
            catch (Exception ex) when (ex is FormatException or InvalidOperationException or KeyNotFoundException)
            {
                var (line, column) = JsonLocations.Index(text).Locate($"points[{i}]");
                throw new FormatException($"point {i} (line {line}, column {column}): {ex.Message}", ex);
            }
            i++;
        }
        return new ReferencePoints(defaults, points, complexParameters);
    }

    private static JsonElement Member(JsonElement o, string name) =>
        o.TryGetProperty(name, out var v) ? v : throw new FormatException($"missing '{name}'");

    /// <summary>|value - expected| / |expected| (absolute when expected is zero; 0 when both are NaN).</summary>
    public static double RelativeDeviation(Complex value, Complex expected)
    {
        if (double.IsNaN(value.Real) && double.IsNaN(expected.Real)) return 0;
        double diff = Complex.Abs(value - expected);
        double scale = Complex.Abs(expected);
        return scale > 0 ? diff / scale : diff;
    }
}
