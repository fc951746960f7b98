using System.Reflection;
using System.Text;
using System.Text.Json;
using PartialWave.Parsing;
using PartialWave.Symbolic;
using Xunit.Sdk;

namespace PartialWave.Engine.Tests.Core.Parsing;

/// <summary>Shared checks for the reader tests: hang-guarded parsing, well-formed results, reference data.</summary>
internal static class ReaderHarness
{
    /// <summary>A hang guard, not a performance bound: one parse that takes this long is stuck.</summary>
    public static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(10);

    public const string File = "<fuzz>";

    /// <summary>Every code DiagnosticCodes declares.</summary>
    public static readonly IReadOnlySet<string> KnownCodes = typeof(DiagnosticCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.IsLiteral && f.FieldType == typeof(string))
        .Select(f => (string)f.GetRawConstantValue()!)
        .ToHashSet(StringComparer.Ordinal);

    public static ParseResult<Expr> Srepr(string text) => SreprReader.Parse(text, File);

    public static ParseResult<Expr> Infix(string text) => InfixReader.Parse(text, File);

    /// <summary>
    /// Runs one parse on the thread pool and waits at most <see cref="HangGuard"/>. Any exception, a hang,
    /// or a result that is neither a value nor diagnostics fails the test, naming the input.
    /// </summary>
    public static ParseResult<Expr> ParseGuarded(Func<string, ParseResult<Expr>> reader, string text, string what)
    {
        // A thread of its own: on the thread pool, a parse could wait longer than the guard for a thread while the
        // other test classes' parallel loops hold the pool (it failed so once in a full run, a 34 kB input that
        // parses in milliseconds).
        var task = Task.Factory.StartNew(() => reader(text), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        bool finished;
        try
        {
            finished = task.Wait(HangGuard);
        }
        catch (AggregateException ex)
        {
            throw new XunitException($"{what} threw {ex.InnerException!.GetType().Name} on input {Show(text)}:{Environment.NewLine}{ex.InnerException}");
        }
        if (!finished) throw new XunitException($"{what} did not finish within {HangGuard.TotalSeconds} s on input {Show(text)}");
        var result = task.Result;
        AssertWellFormed(result, text, File, what);
        return result;
    }

    /// <summary>A value and no diagnostics, or no value and diagnostics that point into the text.</summary>
    public static void AssertWellFormed(ParseResult<Expr> r, string text, string file, string what)
    {
        if (r.Success)
        {
            if (r.Diagnostics.Count != 0) throw new XunitException($"{what}: success with diagnostics on {Show(text)}");
            if (r.Value!.IsBoolean) throw new XunitException($"{what}: returned a condition as a value on {Show(text)}");
            return;
        }
        if (r.Diagnostics.Count == 0) throw new XunitException($"{what}: neither a value nor diagnostics on {Show(text)}");
        var lines = text.Split('\n');
        foreach (var d in r.Diagnostics)
        {
            string where = $"{what}: diagnostic {d} on {Show(text)}";
            if (!KnownCodes.Contains(d.Code)) throw new XunitException($"{where}: unknown code");
            if (string.IsNullOrWhiteSpace(d.Message)) throw new XunitException($"{where}: empty message");
            if (d.File != file) throw new XunitException($"{where}: file is '{d.File}', not '{file}'");
            if (d.Line < 1 || d.Line > lines.Length) throw new XunitException($"{where}: line outside 1..{lines.Length}");
            if (d.Column < 1 || d.Column > lines[d.Line - 1].Length + 1)
                throw new XunitException($"{where}: column outside 1..{lines[d.Line - 1].Length + 1}");
        }
    }

    /// <summary>The input as a C# literal, shortened around the middle when long.</summary>
    public static string Show(string text)
    {
        var sb = new StringBuilder("\"");
        string s = text.Length <= 400 ? text : text[..200] + "…" + text[^200..];
        foreach (var c in s)
        {
            if (c == '"' || c == '\\') sb.Append('\\').Append(c);
            else if (c < 0x20 || c == 0x7f || char.IsSurrogate(c) || c == '\uFFFD') sb.Append($"\\u{(int)c:X4}");
            else sb.Append(c);
        }
        return sb.Append('"').Append(text.Length > 400 ? $" ({text.Length} chars)" : "").ToString();
    }

    /// <summary>Assumptions by name, from the symbols of an expression (null when a name has two assumption sets).</summary>
    public static Func<string, Assumptions>? AssumptionsOf(Expr e)
    {
        var map = new Dictionary<string, Assumptions>(StringComparer.Ordinal);
        foreach (var s in e.FreeSymbols())
        {
            if (map.TryGetValue(s.Name, out var a) && a != s.Assumptions) return null;
            map[s.Name] = s.Assumptions;
        }
        return name => map.TryGetValue(name, out var a) ? a : Assumptions.None;
    }

    /// <summary>The expression with every Indexed symbol replaced by the plain symbol of the same name (what infix can express).</summary>
    public static Expr WithoutIndexed(Expr e)
    {
        var map = new Dictionary<Expr, Expr>();
        foreach (var s in e.FreeSymbols())
            if (s.Indexed is not null) map[s] = Expr.Symbol(s.Name, s.Assumptions);
        return map.Count == 0 ? e : e.Substitute(map);
    }

    /// <summary>The expression with every Float at precision 53 (infix writes no precision).</summary>
    public static Expr WithoutPrecision(Expr e)
    {
        var map = new Dictionary<Expr, Expr>();
        foreach (var n in e.Distinct())
            if (n is FloatNumber { Precision: not 53 } f) map[n] = Expr.Float(f.Value);
        return map.Count == 0 ? e : e.Substitute(map);
    }

    // ---------------- round trips ----------------

    /// <summary>Null when SreprPrinter.Print reads back (srepr) as the very same object, else what went wrong.</summary>
    public static string? SreprRoundTripProblem(Expr e)
    {
        string printed;
        try { printed = SreprPrinter.Print(e); }
        catch (Exception ex) { return $"SreprPrinter.Print threw {ex.GetType().Name}: {ex.Message}"; }
        ParseResult<Expr> back;
        try { back = SreprReader.Parse(printed); }
        catch (Exception ex) { return $"printed {Show(printed)}; reading it back threw {ex}"; }
        if (!back.Success) return $"printed {Show(printed)}, which does not read back: {back.Diagnostics[0]}";
        if (!ReferenceEquals(back.Value, e)) return $"printed {Show(printed)}, which reads back as {Show(SreprPrinter.Print(back.Value!))}";
        return null;
    }

    /// <summary>
    /// Null when InfixPrinter.Print reads back (infix, with the symbols' assumptions) as the very same object,
    /// after what infix cannot express is taken out of the expected value: Indexed symbols become plain
    /// symbols of the same name, and Floats get precision 53. "" when the expression cannot be written in
    /// infix at all (one name with two assumption sets); else what went wrong.
    /// </summary>
    public static string? InfixRoundTripProblem(Expr original)
    {
        Expr e;
        try { e = WithoutPrecision(WithoutIndexed(original)); }
        catch (Exception ex) { return $"replacing Indexed symbols threw {ex}"; }
        var assumptions = AssumptionsOf(e);
        if (assumptions is null) return "";
        string printed;
        try { printed = InfixPrinter.Print(e); }
        catch (Exception ex) { return $"InfixPrinter.Print threw {ex.GetType().Name}: {ex.Message} (srepr {Show(SreprPrinter.Print(e))})"; }
        ParseResult<Expr> back;
        try { back = InfixReader.Parse(printed, "<printed>", assumptions); }
        catch (Exception ex) { return $"printed {Show(printed)}; reading it back threw {ex}"; }
        string source = $"srepr {Show(SreprPrinter.Print(e))} printed as {Show(printed)}";
        if (!back.Success) return $"{source}, which does not read back: {back.Diagnostics[0]}";
        if (!ReferenceEquals(back.Value, e)) return $"{source}, which reads back as {Show(SreprPrinter.Print(back.Value!))}";
        return null;
    }

    // ---------------- reference data ----------------

    public static readonly string[] BigModels = ["jpsi_gamma_pi0pi0", "jpsi_gamma_pi0pi0_f0f2_canonical", "lc2pkpi_default_full"];

    /// <summary>(name, srepr) of each line of sympy_small.srepr.jsonl; skips the test when the file is absent.</summary>
    public static IReadOnlyList<(string Name, string Srepr)> SmallLines()
    {
        var path = SharedData.ReferenceModel("sympy_small.srepr.jsonl");
        var list = new List<(string, string)>();
        foreach (var line in System.IO.File.ReadLines(path))
        {
            if (string.IsNullOrWhiteSpace(line)) continue;
            using var doc = JsonDocument.Parse(line);
            list.Add((doc.RootElement.GetProperty("name").GetString()!, doc.RootElement.GetProperty("srepr").GetString()!));
        }
        return list;
    }

    /// <summary>Names of the small expressions for MemberData, or one placeholder when the data is absent.</summary>
    public static IEnumerable<object[]> SmallNames()
    {
        var root = SharedData.Root;
        var path = root is null ? null : Path.Combine(root, "reference-models", "sympy_small.srepr.jsonl");
        if (path is null || !System.IO.File.Exists(path)) { yield return [Absent]; yield break; }
        foreach (var line in System.IO.File.ReadLines(path))
        {
            if (string.IsNullOrWhiteSpace(line)) continue;
            using var doc = JsonDocument.Parse(line);
            yield return [doc.RootElement.GetProperty("name").GetString()!];
        }
    }

    public const string Absent = "(shared data absent)";
}
