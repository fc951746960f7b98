using System.Globalization;
using System.Text;
using PartialWave.Data;

namespace PartialWave.Cli.Tests;

/// <summary>
/// The corpus of bad inputs and faults (tests/corpus/cases.txt): each case builds its files in a fresh folder, runs
/// pwa once, and checks the outcome it states, plus what holds for every case: exit code 0, 1 or 2, no stack trace,
/// no file changed, added or removed that the case does not name.
/// </summary>
public class CorpusTests
{
    /// <summary>The classes of the issue that asked for the corpus; each must have cases.</summary>
    private static readonly string[] Classes = ["data-loss", "crash", "silent", "unclear", "gap"];

    private static readonly Lazy<(string Root, IReadOnlyDictionary<string, Case> Cases)> s_corpus = new(Load);

    public static TheoryData<string> CaseNames()
    {
        var data = new TheoryData<string>();
        foreach (var name in s_corpus.Value.Cases.Keys) data.Add(name);
        return data;
    }

    [Fact]
    public void Every_class_has_cases()
    {
        var cases = s_corpus.Value.Cases.Values;
        foreach (var c in Classes) Assert.True(cases.Count(k => k.Class == c) >= 3, $"class '{c}' has fewer than 3 cases");
        Assert.All(cases, k => Assert.Contains(k.Class, Classes));
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Outcome_is_as_stated(string name)
    {
        var (root, cases) = s_corpus.Value;
        var c = cases[name];
        using var dir = CliTest.NewTempDir();
        foreach (var step in c.Setup) step(Path.Combine(root, "fixtures"), dir.Root);
        var before = Snapshot(dir.Root);

        var args = c.Args.Select(a => a.StartsWith('@') ? dir.PathOf(a[1..]) : a).ToArray();
        var r = CliTest.Run(args);

        Assert.True(r.ExitCode == c.Exit, $"[{name}] expected exit code {c.Exit}, got {r}");
        Assert.DoesNotContain("   at ", r.Stderr);
        foreach (var s in c.Stderr) Assert.True(r.Stderr.Contains(s, StringComparison.Ordinal), $"[{name}] stderr lacks '{s}':\n{r}");
        foreach (var s in c.StderrNot) Assert.False(r.Stderr.Contains(s, StringComparison.Ordinal), $"[{name}] stderr has '{s}':\n{r}");
        foreach (var s in c.Stdout) Assert.True(r.Stdout.Contains(s, StringComparison.Ordinal), $"[{name}] stdout lacks '{s}':\n{r}");
        foreach (var s in c.StdoutNot) Assert.False(r.Stdout.Contains(s, StringComparison.Ordinal), $"[{name}] stdout has '{s}':\n{r}");
        if (c.StderrLines is { } lines) Assert.True(r.StderrLines.Length == lines, $"[{name}] expected {lines} line(s) on stderr:\n{r}");

        var after = Snapshot(dir.Root);
        foreach (var (file, bytes) in before)
        {
            if (c.Changed.Contains(file)) continue;
            Assert.True(after.TryGetValue(file, out var now), $"[{name}] {file} was removed");
            Assert.True(bytes.AsSpan().SequenceEqual(now), $"[{name}] {file} was changed");
        }
        foreach (var file in after.Keys.Where(f => !before.ContainsKey(f)))
            Assert.True(c.Changed.Contains(file), $"[{name}] {file} was written, and the case does not expect it:\n{r}");
        foreach (var file in c.Exists) Assert.True(File.Exists(dir.PathOf(file)), $"[{name}] {file} does not exist");
        foreach (var file in c.Absent) Assert.False(File.Exists(dir.PathOf(file)), $"[{name}] {file} exists");
    }

    // Every file under the folder (links as themselves), by path relative to it.
    private static Dictionary<string, byte[]> Snapshot(string root) =>
        Directory.EnumerateFiles(root, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })
            .ToDictionary(f => Path.GetRelativePath(root, f), f => new FileInfo(f).LinkTarget is { } target ? Encoding.UTF8.GetBytes("-> " + target) : File.ReadAllBytes(f));

    private sealed class Case(string name, int line)
    {
        public string Name { get; } = name;
        public int Line { get; } = line;
        public string Class { get; set; } = "";
        public List<Action<string, string>> Setup { get; } = [];
        public string[] Args { get; set; } = [];
        public int Exit { get; set; } = -1;
        public List<string> Stderr { get; } = [];
        public List<string> StderrNot { get; } = [];
        public List<string> Stdout { get; } = [];
        public List<string> StdoutNot { get; } = [];
        public int? StderrLines { get; set; }
        public HashSet<string> Changed { get; } = [];
        public List<string> Exists { get; } = [];
        public List<string> Absent { get; } = [];
    }

    private static (string, IReadOnlyDictionary<string, Case>) Load()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "tests", "corpus", "cases.txt"))) dir = dir.Parent;
        if (dir is null) throw new InvalidOperationException("tests/corpus/cases.txt not found above " + AppContext.BaseDirectory);
        var root = Path.Combine(dir.FullName, "tests", "corpus");
        var file = Path.Combine(root, "cases.txt");
        var cases = new Dictionary<string, Case>(StringComparer.Ordinal);
        Case? c = null;
        int n = 0;
        foreach (var raw in File.ReadLines(file))
        {
            n++;
            var line = raw.TrimEnd();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            string Where() => $"{file}:{n}";
            if (line.StartsWith('[') && line.EndsWith(']'))
            {
                c = new Case(line[1..^1], n);
                if (!cases.TryAdd(c.Name, c)) throw new FormatException($"{Where()}: case '{c.Name}' is defined twice");
                continue;
            }
            if (c is null) throw new FormatException($"{Where()}: a directive before the first [case]");
            int colon = line.IndexOf(": ", StringComparison.Ordinal);
            string key = colon < 0 ? line.TrimEnd(':') : line[..colon];
            string value = colon < 0 ? "" : line[(colon + 2)..];
            switch (key)
            {
                case "class": c.Class = value; break;
                case "why": break;
                case "copy":
                    foreach (var f in value.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                        c.Setup.Add((fixtures, target) => File.Copy(Path.Combine(fixtures, f), Path.Combine(target, f)));
                    break;
                case "text":
                {
                    var (name, content) = Assignment(value, Where());
                    var text = Unescape(content, Where());
                    c.Setup.Add((_, target) => File.WriteAllText(Path.Combine(target, name), text, new UTF8Encoding(false)));
                    break;
                }
                case "convert":
                {
                    // Another format of a CSV file (a fixture or one the case wrote), by extension: values read as they are.
                    var (name, source) = Assignment(value, Where());
                    c.Setup.Add((fixtures, target) =>
                    {
                        var from = File.Exists(Path.Combine(target, source)) ? Path.Combine(target, source) : Path.Combine(fixtures, source);
                        var sample = EventFiles.Read(from, new EventReadOptions { AllowNaN = true }).GetValueOrThrow();
                        EventFiles.Write(sample, Path.Combine(target, name));
                    });
                    break;
                }
                case "mutate": c.Setup.Add(Mutation(value, Where())); break;
                case "link":
                {
                    var parts = value.Split(" -> ");
                    if (parts.Length != 2) throw new FormatException($"{Where()}: expected 'link: NAME -> TARGET'");
                    c.Setup.Add((_, target) => File.CreateSymbolicLink(Path.Combine(target, parts[0]), Path.Combine(target, parts[1])));
                    break;
                }
                case "run": c.Args = SplitArgs(value, Where()); break;
                case "exit": c.Exit = int.Parse(value, CultureInfo.InvariantCulture); break;
                case "stderr": c.Stderr.Add(value); break;
                case "stderr-not": c.StderrNot.Add(value); break;
                case "stdout": c.Stdout.Add(value); break;
                case "stdout-not": c.StdoutNot.Add(value); break;
                case "stderr-lines": c.StderrLines = int.Parse(value, CultureInfo.InvariantCulture); break;
                case "changed": c.Changed.UnionWith(value.Split(' ', StringSplitOptions.RemoveEmptyEntries)); break;
                case "exists": c.Exists.AddRange(value.Split(' ', StringSplitOptions.RemoveEmptyEntries)); break;
                case "absent": c.Absent.AddRange(value.Split(' ', StringSplitOptions.RemoveEmptyEntries)); break;
                default: throw new FormatException($"{Where()}: unknown directive '{key}'");
            }
        }
        foreach (var k in cases.Values)
        {
            if (k.Args.Length == 0 || k.Exit is < 0 or > 2 || k.Class.Length == 0)
                throw new FormatException($"{file}:{k.Line}: case '{k.Name}' needs class, run and an exit code of 0, 1 or 2");
        }
        return (root, cases);
    }

    private static (string Name, string Value) Assignment(string value, string where)
    {
        int eq = value.IndexOf(" =", StringComparison.Ordinal);
        if (eq < 0) throw new FormatException($"{where}: expected 'NAME = VALUE'");
        var rest = value[(eq + 2)..];
        return (value[..eq], rest.StartsWith(' ') ? rest[1..] : rest);
    }

    private static string Unescape(string s, string where)
    {
        var sb = new StringBuilder();
        for (int i = 0; i < s.Length; i++)
        {
            if (s[i] != '\\') { sb.Append(s[i]); continue; }
            if (++i >= s.Length) throw new FormatException($"{where}: a '\\' at the end of the line");
            sb.Append(s[i] switch
            {
                'n' => "\n",
                'r' => "\r",
                't' => "\t",
                '\\' => "\\",
                _ => throw new FormatException($"{where}: unknown escape '\\{s[i]}'"),
            });
        }
        return sb.ToString();
    }

    // flip OFFSET BIT | zero OFFSET COUNT | truncate LENGTH (a negative offset counts from the end) | utf16 COPY (a UTF-16
    // copy of a text file, with its byte-order mark).
    private static Action<string, string> Mutation(string value, string where)
    {
        var p = value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (p.Length < 3) throw new FormatException($"{where}: expected 'mutate: NAME flip OFFSET BIT | zero OFFSET COUNT | truncate LENGTH'");
        var numbers = p[1] == "utf16" ? [] : p[2..].Select(x => long.Parse(x, CultureInfo.InvariantCulture)).ToArray();
        return (_, target) =>
        {
            var path = Path.Combine(target, p[0]);
            var bytes = File.ReadAllBytes(path);
            long At(long o) => o < 0 ? bytes.Length + o : o;
            switch (p[1])
            {
                case "flip": bytes[At(numbers[0])] ^= (byte)(1 << (int)numbers[1]); break;
                case "zero": Array.Clear(bytes, (int)At(numbers[0]), (int)numbers[1]); break;
                case "truncate": bytes = bytes[..(int)numbers[0]]; break;
                case "utf16": File.WriteAllBytes(Path.Combine(target, p[2]), [.. Encoding.Unicode.GetPreamble(), .. Encoding.Unicode.GetBytes(Encoding.UTF8.GetString(bytes))]); return;
                default: throw new FormatException($"{where}: unknown mutation '{p[1]}'");
            }
            File.WriteAllBytes(path, bytes);
        };
    }

    private static string[] SplitArgs(string s, string where)
    {
        var args = new List<string>();
        var sb = new StringBuilder();
        bool quoted = false, any = false;
        foreach (char ch in s)
        {
            if (ch == '"') { quoted = !quoted; any = true; continue; }
            if (ch == ' ' && !quoted)
            {
                if (any) args.Add(sb.ToString());
                sb.Clear();
                any = false;
                continue;
            }
            sb.Append(ch);
            any = true;
        }
        if (quoted) throw new FormatException($"{where}: an unclosed quote");
        if (any) args.Add(sb.ToString());
        return [.. args];
    }
}
