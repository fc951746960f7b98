using System.Globalization;
using System.Numerics;
using System.Text.Json;
using System.Text.RegularExpressions;
using PartialWave.Numerics;
using PartialWave.Optimization;
using PartialWave.Parsing;

namespace PartialWave.Benchmarks.Nist;

/// <summary>One NIST StRD nonlinear least-squares problem as its .dat file gives it.</summary>
internal sealed record NistProblem(string Name, string Response, string Formula, string[] Parameters, double[][] Starts,
    double[] Certified, double[] CertifiedSd, double CertifiedRss, string[] Predictors, double[] Y, double[][] X)
{
    /// <summary>Reads a .dat file: the model lines ("y = ... + e", possibly over several lines), start vectors,
    /// certified values and deviations, and the data block whose lines the header names.</summary>
    public static NistProblem Read(string path)
    {
        var lines = File.ReadAllLines(path);
        string name = Path.GetFileNameWithoutExtension(path);
        var model = new List<string>();
        bool inModel = false;
        foreach (var line in lines)
        {
            var t = line.Trim();
            if (!inModel && Regex.IsMatch(t, @"^(y|log\[y\])\s*=")) inModel = true;
            if (!inModel) continue;
            model.Add(t);
            if (Regex.IsMatch(t, @"\+\s*e$")) break;
        }
        var joined = string.Join(" ", model);
        int eq = joined.IndexOf('=');
        string response = joined[..eq].Trim();
        string formula = Regex.Replace(joined[(eq + 1)..], @"\+\s*e$", "").Trim();

        var parameters = new List<string>();
        var starts = new List<double[]>();
        var certified = new List<double>();
        var sd = new List<double>();
        foreach (var line in lines)
        {
            var m = Regex.Match(line, @"^\s*(b\d+)\s*=\s*(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s*$");
            if (!m.Success) continue;
            parameters.Add(m.Groups[1].Value);
            starts.Add([Num(m.Groups[2].Value), Num(m.Groups[3].Value)]);
            certified.Add(Num(m.Groups[4].Value));
            sd.Add(Num(m.Groups[5].Value));
        }
        double rss = Num(Regex.Match(string.Join("\n", lines), @"Residual Sum of Squares:\s*(\S+)").Groups[1].Value);
        var range = Regex.Match(string.Join("\n", lines), @"Data\s*\(lines\s*(\d+)\s*to\s*(\d+)\)");
        int first = int.Parse(range.Groups[1].Value, CultureInfo.InvariantCulture), last = int.Parse(range.Groups[2].Value, CultureInfo.InvariantCulture);
        var header = lines[first - 2].Replace("Data:", "").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var predictors = header.Skip(1).ToArray();
        var y = new List<double>();
        var x = predictors.Select(_ => new List<double>()).ToArray();
        for (int i = first - 1; i < last; i++)
        {
            var cells = lines[i].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            y.Add(Num(cells[0]));
            for (int k = 0; k < predictors.Length; k++) x[k].Add(Num(cells[k + 1]));
        }
        return new NistProblem(name, response, formula, [.. parameters], [starts.Select(s => s[0]).ToArray(), starts.Select(s => s[1]).ToArray()],
            [.. certified], [.. sd], rss, predictors, [.. y], x.Select(c => c.ToArray()).ToArray());
    }

    private static double Num(string s) => double.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture);

    /// <summary>The formula in the infix language: brackets as parentheses, ** as ^, arctan as atan.</summary>
    public string InfixFormula => Formula.Replace('[', '(').Replace(']', ')').Replace("**", "^").Replace("arctan", "atan");
}

/// <summary>
/// The NIST StRD problems fitted the way issue 20 compares PartialWave with iminuit: cost = residual sum of squares,
/// errordef 1, MIGRAD then HESSE with the numerical gradient at strategy 1 (again at strategy 2 where the minimum is
/// invalid), steps 1% of the start (0.1 where it is 0). One JSON line per problem and start.
/// </summary>
internal static class NistFits
{
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        if (args.Length < 1 || !Directory.Exists(args[0]))
        {
            error.WriteLine("usage: nist DIR [EPS ...] (DIR: the NIST StRD .dat files, e.g. ../shared/nist-strd; EPS: relative perturbations of the start, as nist_iminuit.py takes them)");
            return 2;
        }
        var perturbations = new[] { 0.0 }.Concat(args[1..].Select(a => double.Parse(a, CultureInfo.InvariantCulture))).ToArray();
        foreach (var path in Directory.GetFiles(args[0], "*.dat").Order(StringComparer.Ordinal))
        {
            var problem = NistProblem.Read(path);
            for (int start = 0; start < 2; start++)
                foreach (var eps in perturbations) output.WriteLine(JsonSerializer.Serialize(Fit(problem, start, eps)));
        }
        return 0;
    }

    public static Dictionary<string, object?> Fit(NistProblem p, int start, double perturb = 0)
    {
        var expr = InfixReader.Parse(p.InfixFormula).GetValueOrThrow();
        var evaluator = new ReferenceEvaluator(expr);
        var names = evaluator.SymbolNames;
        int[] parameterSlot = p.Parameters.Select(b => names.ToList().IndexOf(b)).ToArray();
        int[] predictorSlot = p.Predictors.Select(x => names.ToList().IndexOf(x)).ToArray();
        bool logResponse = p.Response.StartsWith("log", StringComparison.Ordinal);
        var response = p.Y.Select(y => logResponse ? Math.Log(y) : y).ToArray();
        var values = new Complex[names.Count];
        var objective = new DelegateObjective(p.Parameters, b =>
        {
            for (int k = 0; k < parameterSlot.Length; k++) if (parameterSlot[k] >= 0) values[parameterSlot[k]] = b[k];
            double rss = 0;
            for (int i = 0; i < response.Length; i++)
            {
                for (int k = 0; k < predictorSlot.Length; k++) values[predictorSlot[k]] = p.X[k][i];
                double r = response[i] - evaluator.Evaluate(values).Real;
                rss += r * r;
            }
            return rss;
        }, 1.0);
        var x0 = p.Starts[start].Select(v => v * (1 + perturb)).ToArray();
        var m = new Minuit(objective, x0, x0.Select(v => v != 0 ? 0.01 * Math.Abs(v) : 0.1).ToArray());
        var r = m.Migrad();
        r = m.Hesse();
        int strategy = 1;
        if (!r.IsValid)
        {
            strategy = 2;
            m.Strategy = 2;
            m.Migrad();
            r = m.Hesse();
        }
        double s = Math.Sqrt(r.Fval / (p.Y.Length - p.Parameters.Length));
        double Lre(double v, double c) => v == c ? 11 : Math.Min(11, -Math.Log10(Math.Abs(v - c) / Math.Abs(c)));
        var lreValues = p.Parameters.Select((b, k) => Lre(r.Value(b), p.Certified[k])).ToArray();
        var lreSd = p.Parameters.Select((b, k) => Lre(r.Error(b) * s, p.CertifiedSd[k])).ToArray();
        return new Dictionary<string, object?>
        {
            ["problem"] = p.Name,
            ["start"] = start + 1,
            ["perturb"] = perturb,
            ["valid"] = r.IsValid,
            ["accurate"] = r.HasAccurateCovar,
            ["strategy"] = strategy,
            ["fval"] = r.Fval,
            ["nfcn"] = r.Nfcn,
            ["values"] = p.Parameters.Select(b => r.Value(b)).ToArray(),
            ["errors"] = p.Parameters.Select(b => r.Error(b)).ToArray(),
            ["lre_values_min"] = lreValues.Min(),
            ["lre_sd_min"] = lreSd.Min(),
        };
    }
}
