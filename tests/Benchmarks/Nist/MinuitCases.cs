using System.Numerics;
using System.Text.Json;
using System.Text.Json.Nodes;
using PartialWave.Numerics;
using PartialWave.Optimization;
using PartialWave.Parsing;

namespace PartialWave.Benchmarks.Nist;

/// <summary>
/// The behavioural cases of tests/Benchmarks/peers/minuit_cases.json (test functions, limits, fixed parameters, call
/// limits, a cost without a minimum, MINOS into a limit, SIMPLEX, SCAN, contours), run with PartialWave's
/// <see cref="Minuit"/> exactly as minuit_cases_iminuit.py runs them with iminuit; one JSON line per case, compared by
/// run-minuit-cases-vs-iminuit.sh.
/// </summary>
internal static class MinuitCases
{
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        if (args.Length != 1 || !File.Exists(args[0]))
        {
            error.WriteLine("usage: minuit-cases CASES.json (tests/Benchmarks/peers/minuit_cases.json)");
            return 2;
        }
        var cases = JsonNode.Parse(File.ReadAllText(args[0]))!.AsArray();
        foreach (var c in cases) output.WriteLine(RunCase(c!.AsObject()).ToJsonString());
        return 0;
    }

    // JSON has no NaN or infinity: null stands for them.
    private static JsonNode? Number(double v) => double.IsFinite(v) ? JsonValue.Create(v) : null;

    private static JsonObject RunCase(JsonObject c)
    {
        var parameters = c["parameters"]!.AsArray().Select(p => p!.AsObject()).ToList();
        var names = parameters.Select(p => p["name"]!.GetValue<string>()).ToArray();
        var evaluator = new ReferenceEvaluator(InfixReader.Parse(c["cost"]!.GetValue<string>()).GetValueOrThrow());
        var slots = names.Select(n => evaluator.SymbolNames.ToList().IndexOf(n)).ToArray();
        var values = new Complex[evaluator.SymbolNames.Count];
        double Cost(IReadOnlyList<double> x)
        {
            for (int k = 0; k < slots.Length; k++) if (slots[k] >= 0) values[slots[k]] = x[k];
            return evaluator.Evaluate(values).Real;
        }
        double errordef = c["errordef"]?.GetValue<double>() ?? 1.0;
        var m = new Minuit(new DelegateObjective(names, x => Cost(x), errordef), parameters.Select(p => new FitParameter(
            p["name"]!.GetValue<string>(), p["start"]!.GetValue<double>(), p["step"]!.GetValue<double>(),
            p["lower"]?.GetValue<double>(), p["upper"]?.GetValue<double>(), p["fixed"]?.GetValue<bool>() ?? false)))
        {
            Strategy = c["strategy"]?.GetValue<int>() ?? 1,
            MaxCalls = c["ncall"]?.GetValue<int>() ?? 0,
        };
        var output = new JsonObject { ["case"] = c["name"]!.GetValue<string>() };
        var contours = new JsonArray();
        FitResult r = m.Result;
        foreach (var op in c["ops"]!.AsArray().Select(o => o!.GetValue<string>()))
        {
            switch (op)
            {
                case "migrad": r = m.Migrad(); break;
                case "hesse": r = m.Hesse(); break;
                case "minos": r = m.Minos(); break;
                case "simplex": r = m.Simplex(); break;
                case "scan": r = m.Scan(); break;
                default:
                    var spec = op["contour:".Length..].Split(',');
                    double fmin = m.Result.Fval;
                    var contour = m.Contour(spec[0], spec[1], int.Parse(spec[2]), double.Parse(spec[3], System.Globalization.CultureInfo.InvariantCulture));
                    int ix = Array.IndexOf(names, spec[0]), iy = Array.IndexOf(names, spec[1]);
                    bool others = names.Where((n, i) => i != ix && i != iy && !m.Parameters[i].Fixed).Any();
                    double worst = 0;
                    foreach (var p in contour.Points)
                    {
                        if (others) continue;
                        var at = m.Result.Parameters.Select(q => q.Value).ToArray();
                        at[ix] = p.X;
                        at[iy] = p.Y;
                        worst = Math.Max(worst, Math.Abs((Cost(at) - fmin) / contour.Level - 1));
                    }
                    contours.Add(new JsonObject
                    {
                        ["op"] = op, ["points"] = contour.Points.Count, ["worst_level_error"] = worst,
                        ["x_range"] = new JsonArray(contour.Points.Min(p => p.X), contour.Points.Max(p => p.X)),
                        ["y_range"] = new JsonArray(contour.Points.Min(p => p.Y), contour.Points.Max(p => p.Y)),
                        ["nfcn"] = contour.Nfcn,
                    });
                    r = m.Result;
                    break;
            }
        }
        output["contours"] = contours;
        output["valid"] = r.IsValid;
        output["fval"] = Number(r.Fval);
        output["edm"] = Number(r.Edm);
        output["nfcn"] = r.Nfcn;
        output["values"] = new JsonArray(r.Parameters.Select(p => Number(p.Value)).ToArray());
        output["errors"] = new JsonArray(r.Parameters.Select(p => Number(p.Error)).ToArray());
        output["accurate"] = r.HasAccurateCovar;
        output["posdef"] = r.HasPosDefCovar;
        output["made_posdef"] = r.HasMadePosDefCovar;
        output["hesse_failed"] = r.HesseFailed;
        output["above_max_edm"] = r.IsAboveMaxEdm;
        output["call_limit"] = r.HasReachedCallLimit;
        output["at_limit"] = r.HasParametersAtLimit;
        var minos = new JsonObject();
        foreach (var p in r.Parameters.Where(p => p.Minos is not null))
            minos[p.Name] = new JsonArray(Number(p.Minos!.Lower), Number(p.Minos.Upper), p.Minos.LowerValid, p.Minos.UpperValid, p.Minos.AtLowerLimit, p.Minos.AtUpperLimit, p.Minos.Nfcn);
        output["minos"] = minos;
        if (r.Failure is not null) output["failure"] = r.Failure;
        return output;
    }
}
