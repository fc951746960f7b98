using System.Globalization;
using System.Numerics;
using System.Text;
using PartialWave.Modeling;
using PartialWave.Symbolic;

namespace PartialWave.Parsing;

/// <summary>
/// Prints an <see cref="AmplitudeModel"/> in the <c>.amp</c> language. Subexpressions that the model's DAG shares and
/// that are not trivial become <c>let _tN = ...</c> definitions, so a model with heavy sharing (the Λc model: 61,769
/// tree nodes, 925 distinct) prints at the size of its DAG, not of its tree. Floats print in shortest round-trip form,
/// so reading the text back gives the same expression.
/// </summary>
public static class AmpWriter
{
    // Below this many characters a shared subexpression is printed where it is used: a let would not make it shorter.
    private const int InlineLength = 16;

    /// <summary>The model as <c>.amp</c> text.</summary>
    public static string Write(AmplitudeModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var sb = new StringBuilder();
        sb.Append("# ").Append(model.Name).Append(": written by PartialWave");
        if (model.SourcePath is not null) sb.Append(" from ").Append(Path.GetFileName(model.SourcePath));
        sb.Append('\n');
        sb.Append("model ").Append(Name(model.Name)).Append("\n\n");

        var roots = model.Components.Select(c => c.Amplitude).Append(model.Intensity).ToList();
        var symbols = new Dictionary<string, Symbol>(StringComparer.Ordinal);
        foreach (var r in roots)
            foreach (var s in r.FreeSymbols())
                if (!symbols.TryGetValue(s.Name, out var seen) || Strength(s.Assumptions) > Strength(seen.Assumptions)) symbols[s.Name] = s;

        foreach (var v in model.Variables)
        {
            sb.Append("variable ").Append(Name(v));
            if (symbols.TryGetValue(v, out var s) && Annotation(s.Assumptions) is { } a) sb.Append(" : ").Append(a);
            sb.Append('\n');
        }
        if (model.Variables.Count > 0) sb.Append('\n');
        foreach (var (name, value) in model.Constants)
            sb.Append("constant ").Append(Name(name)).Append(" = ").Append(Number(value)).Append('\n');
        if (model.Constants.Count > 0) sb.Append('\n');
        foreach (var p in model.Parameters)
        {
            sb.Append("parameter ").Append(Name(p.Name));
            if (p.IsComplex) sb.Append(" : complex");
            else if (symbols.TryGetValue(p.Name, out var s) && Annotation(s.Assumptions) is { } a) sb.Append(" : ").Append(a);
            sb.Append(" = ").Append(Number(p.IsComplex ? p.Default : p.Default.Real));
            if (p.Lower is { } lo && p.Upper is { } hi) sb.Append(" in [").Append(Float(lo)).Append(", ").Append(Float(hi)).Append(']');
            else if (p.Lower is { } l) sb.Append(" >= ").Append(Float(l));
            else if (p.Upper is { } u) sb.Append(" <= ").Append(Float(u));
            if (p.IsFixed) sb.Append(" fixed");
            sb.Append('\n');
        }
        if (model.Parameters.Count > 0) sb.Append('\n');

        WriteDefinitions(sb, model, roots, symbols.Keys);
        return sb.ToString();
    }

    private static void WriteDefinitions(StringBuilder sb, AmplitudeModel model, List<Expr> roots, IEnumerable<string> symbolNames)
    {
        var taken = new HashSet<string>(symbolNames.Concat(model.Components.Select(c => c.Name)).Concat(model.Variables)
            .Concat(model.Parameters.Select(p => p.Name)).Concat(model.Constants.Keys), StringComparer.Ordinal);
        var aliases = new Dictionary<Expr, string>(ReferenceEqualityComparer.Instance);
        var componentOf = new Dictionary<Expr, string>(ReferenceEqualityComparer.Instance);
        foreach (var (name, amplitude) in model.Components) componentOf.TryAdd(amplitude, name);

        // How many distinct parents (or roots) use each node: a node used once is printed where it is used.
        var nodes = DistinctAll(roots);
        var uses = new Dictionary<Expr, int>(ReferenceEqualityComparer.Instance);
        foreach (var n in nodes)
            foreach (var a in n.ArgArray.Distinct())
                uses[a] = uses.GetValueOrDefault(a) + 1;
        foreach (var r in roots) uses[r] = uses.GetValueOrDefault(r) + 1;

        Expr? defining = null;
        string? Alias(Expr e) => ReferenceEquals(e, defining) ? null : aliases.GetValueOrDefault(e);
        string Print(Expr e) => InfixPrinter.Print(e, Alias, Name);

        int next = 1;
        foreach (var n in nodes)
        {
            if (componentOf.TryGetValue(n, out var component))
            {
                defining = n;
                sb.Append("amplitude ").Append(Name(component)).Append(" = ").Append(Print(n)).Append('\n');
                aliases[n] = Name(component);
                continue;
            }
            if (n.ArgArray.Length == 0 || n.IsBoolean || n.Kind == ExprKind.ExprCondPair || uses.GetValueOrDefault(n) < 2) continue;
            defining = n;
            var text = Print(n);
            if (text.Length <= InlineLength) continue;
            string name;
            do name = $"_t{next++}"; while (taken.Contains(name));
            sb.Append("let ").Append(name).Append(" = ").Append(text).Append('\n');
            aliases[n] = name;
        }
        defining = null;
        sb.Append("\nintensity = ").Append(Print(model.Intensity)).Append('\n');
    }

    // Distinct nodes of several roots, children before parents.
    private static List<Expr> DistinctAll(IEnumerable<Expr> roots)
    {
        var seen = new HashSet<Expr>(ReferenceEqualityComparer.Instance);
        var all = new List<Expr>();
        foreach (var r in roots)
            foreach (var n in Counting.Distinct(r))
                if (seen.Add(n)) all.Add(n);
        return all;
    }

    private static int Strength(Assumptions a) =>
        (a & Assumptions.Positive) != 0 ? 3 : (a & Assumptions.Nonnegative) != 0 ? 2 : (a & Assumptions.Real) != 0 ? 1 : 0;

    private static string? Annotation(Assumptions a) =>
        (a & Assumptions.Positive) != 0 ? "positive" : (a & Assumptions.Nonnegative) != 0 ? "nonnegative" : null;

    /// <summary>A name as the .amp reader reads it: bare when it is a plain identifier and no keyword, else in double quotes.</summary>
    public static string Name(string name)
    {
        bool plain = Identifiers.IsIdentifier(name);
        if (plain && !InfixPrinter.Reserved.Contains(name) && !AmpReader.Keywords.Contains(name) && name is not ("in" or "fixed")) return name;
        return "\"" + name.Replace("\"", "\"\"") + "\"";
    }

    private static string Float(double v) => v.ToString("R", CultureInfo.InvariantCulture).Replace("E", "e");

    /// <summary>A number in .amp syntax: <c>0.77</c>, <c>1.19 - 1.03i</c>; each part reads back to the same double.</summary>
    public static string Number(Complex z)
    {
        string re = Literal(z.Real);
        if (z.Imaginary == 0) return re;
        string im = Literal(Math.Abs(z.Imaginary)) + "i";
        return z.Real == 0 ? (z.Imaginary < 0 ? "-" : "") + im : $"{re} {(z.Imaginary < 0 ? "-" : "+")} {im}";
    }

    private static string Literal(double v)
    {
        if (double.IsNaN(v)) return "nan";
        if (double.IsInfinity(v)) return v > 0 ? "oo" : "-oo";
        var s = Float(v);
        return s.Contains('.') || s.Contains('e') ? s : s + ".0";
    }
}
