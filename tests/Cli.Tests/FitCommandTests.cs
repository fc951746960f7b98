using System.Text.Json;

namespace PartialWave.Cli.Tests;

/// <summary><c>pwa fit</c>: a small self-contained fit, its errors, and the shared J/ψ reference fit against iminuit.</summary>
public class FitCommandTests
{
    private const double TrueSlope = 0.5;
    private const int DataEvents = 2000;
    private const int PhspEvents = 20000;

    /// <summary>A fit of the density 1 + c·x on [0, 1]: model, data (rejection-sampled), phase space and fit definition.</summary>
    private sealed class SlopeFit : IDisposable
    {
        public CliTest.TempDir Dir { get; } = CliTest.NewTempDir();
        public string Model { get; }
        public string Data { get; }
        public string Phsp { get; }
        public string Fit { get; }

        public SlopeFit(string model = "1 + c*x\n", double start = 0.2, string? fitJson = null)
        {
            var rng = new Random(12345);
            var data = new List<double>();
            while (data.Count < DataEvents)
            {
                double x = rng.NextDouble();
                if (rng.NextDouble() * (1 + TrueSlope) < 1 + TrueSlope * x) data.Add(x);
            }
            var phsp = Enumerable.Range(0, PhspEvents).Select(_ => rng.NextDouble());
            Model = Dir.Write("model.expr", model);
            Data = Dir.Write("data.csv", "x\n" + string.Concat(data.Select(x => CliTest.Num(x) + "\n")));
            Phsp = Dir.Write("phsp.csv", "x\n" + string.Concat(phsp.Select(x => CliTest.Num(x) + "\n")));
            Fit = Dir.Write("fit.json", fitJson ?? FitJson(start));
        }

        public static string FitJson(double start, string symbol = "c", bool curvature = false) => $$"""
            {
              "kinematic_variables": ["x"],
              "data_file": "data.csv",
              "phsp_file": "phsp.csv",
              "free_parameters": [
                {"name": "c", "label": "slope", "symbol": "{{symbol}}", "start": {{CliTest.Num(start)}}, "initial_step": 0.01, "limits": null}{{(curvature ? ",\n    {\"name\": \"d\", \"label\": \"curvature\", \"start\": 0.0, \"initial_step\": 0.01}" : "")}}
              ],
              "fixed_parameters": {},
              "minimizer": {"strategy": 1, "tol": 0.1}
            }
            """;

        /// <summary>pwa fit with explicit --data and --phsp, and these extra arguments.</summary>
        public CliResult Run(params string[] extra) =>
            CliTest.Run(["fit", Model, "--data", Data, "--phsp", Phsp, "--fit", Fit, .. extra]);

        public void Dispose() => Dir.Dispose();
    }

    private static JsonElement ReadJson(string path)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        return doc.RootElement.Clone();
    }

    private static void AssertNoCrash(CliResult r)
    {
        Assert.DoesNotContain("Unhandled exception", r.Stderr);
        Assert.DoesNotContain("Exception:", r.Stderr);
        Assert.DoesNotMatch(@"(?m)^\s+at \S+\(", r.Stderr);
    }

    [Fact]
    public void SlopeFit_ValidMinimum_TableTimingsAndJson()
    {
        using var fit = new SlopeFit();
        var output = fit.Dir.PathOf("result.json");

        var r = fit.Run("--json", output).AssertExit(0);

        Assert.Contains("Valid Minimum", r.Stdout);
        Assert.Contains("slope", r.Stdout); // the label, not the name
        Assert.Matches(@"(?m)^time: read [0-9.]+ s, compile [0-9.]+ s, MIGRAD [0-9.]+ s, HESSE [0-9.]+ s, MINOS not run; nfcn \d+", r.Stdout);
        Assert.Equal("", r.Stderr); // no live progress when standard error is not a terminal
        var json = ReadJson(output);
        foreach (var key in new[] { "values", "errors", "covariance", "fval", "edm", "nfcn", "valid", "migrad_seconds", "hesse_seconds" })
            Assert.True(json.TryGetProperty(key, out _), $"no '{key}' in {output}");
        Assert.True(json.GetProperty("valid").GetBoolean());
        double c = json.GetProperty("values").GetProperty("c").GetDouble();
        double error = json.GetProperty("errors").GetProperty("c").GetDouble();
        double variance = json.GetProperty("covariance").GetProperty("c").GetProperty("c").GetDouble();
        Assert.InRange(error, 0.05, 0.5);
        Assert.InRange(c, TrueSlope - 4 * error, TrueSlope + 4 * error);
        Assert.Equal(error * error, variance, 1e-9);
        Assert.True(json.GetProperty("nfcn").GetInt32() > 0);
        Assert.True(double.IsFinite(json.GetProperty("fval").GetDouble()));
    }

    [Fact]
    public void DataAndPhsp_DefaultToTheFitDefinitionsFiles()
    {
        using var fit = new SlopeFit();
        var explicitJson = fit.Dir.PathOf("explicit.json");
        var defaultJson = fit.Dir.PathOf("default.json");

        fit.Run("--json", explicitJson).AssertExit(0);
        CliTest.Run("fit", fit.Model, "--fit", fit.Fit, "--json", defaultJson).AssertExit(0);

        Assert.Equal(ReadJson(explicitJson).GetProperty("values").GetProperty("c").GetDouble(),
            ReadJson(defaultJson).GetProperty("values").GetProperty("c").GetDouble());
    }

    [Fact]
    public void Data_with_a_text_label_column_and_a_blank_last_line_fits()
    {
        using var fit = new SlopeFit();
        var lines = File.ReadAllLines(fit.Data);
        var labelled = fit.Dir.Write("labelled.csv",
            "label,x\n" + string.Concat(lines.Skip(1).Select((x, i) => $"event {i},{x}\n")) + "\n");
        var output = fit.Dir.PathOf("a.json");
        var reference = fit.Dir.PathOf("b.json");

        var r = CliTest.Run("fit", fit.Model, "--data", labelled, "--phsp", fit.Phsp, "--fit", fit.Fit, "--json", output).AssertExit(0);
        fit.Run("--json", reference).AssertExit(0);

        Assert.Equal(ReadJson(reference).GetProperty("values").GetProperty("c").GetDouble(),
            ReadJson(output).GetProperty("values").GetProperty("c").GetDouble());
        AssertNoCrash(r);
    }

    [Fact]
    public void A_misspelt_header_is_shown_with_a_suggestion()
    {
        using var fit = new SlopeFit();
        var bad = fit.Dir.Write("bad.csv", " x\n0.5\n");

        var r = CliTest.Run("fit", fit.Model, "--data", bad, "--phsp", fit.Phsp, "--fit", fit.Fit).AssertExit(2);

        Assert.StartsWith($"{bad}:1:1: error PWA0015: no column 'x' in the file (it has ' x') (did you mean ' x'?)", r.Stderr);
        Assert.Contains("spaces around them", r.Stderr);
        AssertNoCrash(r);
    }

    [Fact]
    public void Profile_is_printed_and_written_to_the_json()
    {
        using var fit = new SlopeFit();
        var output = fit.Dir.PathOf("result.json");

        var r = fit.Run("--profile", "slope", "--profile-points", "5", "--json", output).AssertExit(0);

        Assert.Contains("Profile of slope (5 points", r.Stdout);
        var p = ReadJson(output).GetProperty("profiles").GetProperty("c");
        var delta = p.GetProperty("delta_fval").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        Assert.Equal(5, delta.Length);
        // +-2 errors of a roughly parabolic NLL (errordef 1/2): near 2 at both ends (the NLL of a slope is skewed),
        // near 0 in the middle, falling then rising.
        Assert.InRange(delta[0], 1.5, 2.6);
        Assert.InRange(delta[4], 1.5, 2.6);
        Assert.InRange(delta[2], -1e-6, 0.05);
        Assert.True(delta[0] > delta[1] && delta[1] > delta[2] && delta[2] < delta[3] && delta[3] < delta[4]);
        CliTest.Run("fit", fit.Model, "--data", fit.Data, "--phsp", fit.Phsp, "--fit", fit.Fit, "--profile", "nope").AssertExit(2);
    }

    [Fact]
    public void Simplex_before_migrad_reaches_the_same_minimum()
    {
        using var fit = new SlopeFit(start: 1.5);
        var plain = fit.Dir.PathOf("plain.json");
        var withSimplex = fit.Dir.PathOf("simplex.json");
        fit.Run("--json", plain).AssertExit(0);

        fit.Run("--simplex", "--json", withSimplex).AssertExit(0);

        var a = ReadJson(plain);
        var b = ReadJson(withSimplex);
        Assert.Equal(a.GetProperty("values").GetProperty("c").GetDouble(), b.GetProperty("values").GetProperty("c").GetDouble(), 1e-3);
        Assert.True(b.GetProperty("simplex").GetProperty("nfcn").GetInt32() > 0);
    }

    [Fact]
    public void Contour_points_lie_where_the_likelihood_has_risen_by_the_level()
    {
        using var fit = new SlopeFit(model: "1 + c*x + d*x*x\n", fitJson: SlopeFit.FitJson(0.2, curvature: true));
        var output = fit.Dir.PathOf("result.json");

        var r = fit.Run("--contour", "slope,curvature", "--contour-points", "8", "--cl", "0.95", "--json", output).AssertExit(0);

        Assert.Contains("Contour of slope and curvature at CL 0.95", r.Stdout);
        var json = ReadJson(output);
        var c = json.GetProperty("contours")[0];
        Assert.Equal("c", c.GetProperty("x").GetString());
        Assert.True(c.GetProperty("complete").GetBoolean());
        double level = c.GetProperty("delta_fval").GetDouble();
        Assert.Equal(0.5 * 5.991464547107979, level, 1e-9); // errordef 1/2 x chi2(2).ppf(0.95)
        // The NLL computed here from the files: -sum log I(data) + N log(mean I(phsp)), I = 1 + c x + d x^2.
        var data = File.ReadAllLines(fit.Data).Skip(1).Select(double.Parse).ToArray();
        var phsp = File.ReadAllLines(fit.Phsp).Skip(1).Select(double.Parse).ToArray();
        double Nll(double cc, double dd) =>
            -data.Sum(x => Math.Log(1 + cc * x + dd * x * x)) + data.Length * Math.Log(phsp.Average(x => 1 + cc * x + dd * x * x));
        double fmin = json.GetProperty("fval").GetDouble();
        var points = c.GetProperty("points").EnumerateArray().Select(p => (X: p[0].GetDouble(), Y: p[1].GetDouble())).ToList();
        Assert.Equal(8, points.Count);
        foreach (var (x, y) in points) Assert.InRange(Nll(x, y) - fmin, level * 0.999, level * 1.001);
        CliTest.Run(["fit", fit.Model, "--data", fit.Data, "--phsp", fit.Phsp, "--fit", fit.Fit, "--contour", "slope"]).AssertExit(2);
        Assert.Contains("at least 4", fit.Run("--contour", "slope,curvature", "--contour-points", "3").AssertExit(2).Stderr);
        Assert.Contains("--cl", fit.Run("--contour", "slope,curvature", "--cl", "0").AssertExit(2).Stderr);
    }

    [Fact]
    public void Scan_before_migrad_reaches_the_same_minimum()
    {
        using var fit = new SlopeFit(start: 1.5);
        var plain = fit.Dir.PathOf("plain.json");
        var scanned = fit.Dir.PathOf("scan.json");
        fit.Run("--json", plain).AssertExit(0);

        fit.Run("--scan", "--json", scanned).AssertExit(0);

        var a = ReadJson(plain);
        var b = ReadJson(scanned);
        Assert.Equal(a.GetProperty("values").GetProperty("c").GetDouble(), b.GetProperty("values").GetProperty("c").GetDouble(), 1e-3);
        // One free parameter: a grid of MIGRAD's call limit, 200 + 100 + 5 points, then the seed's calls.
        Assert.True(b.GetProperty("scan").GetProperty("nfcn").GetInt32() >= 305);
    }

    [Fact]
    public void A_weighted_fit_reads_its_weight_column_and_prints_and_writes_the_corrected_errors()
    {
        using var fit = new SlopeFit();
        // The same events, each with a weight column: 2 for every event (the weighted likelihood's own error then
        // shrinks by sqrt 2; the corrections undo that) and 0.5 for a column named in no model.
        var lines = File.ReadAllLines(fit.Data);
        var weighted = fit.Dir.Write("weighted.csv", "x,w\n" + string.Concat(lines.Skip(1).Select(x => $"{x},2\n")));
        var plainJson = fit.Dir.PathOf("plain.json");
        var asymJson = fit.Dir.PathOf("asym.json");
        var noneJson = fit.Dir.PathOf("none.json");
        var sumw2Json = fit.Dir.PathOf("sumw2.json");
        fit.Run("--json", plainJson).AssertExit(0);

        var r = CliTest.Run("fit", fit.Model, "--data", weighted, "--phsp", fit.Phsp, "--fit", fit.Fit, "--weights", "w", "--json", asymJson).AssertExit(0);
        CliTest.Run("fit", fit.Model, "--data", weighted, "--phsp", fit.Phsp, "--fit", fit.Fit, "--weights", "w", "--weight-correction", "none", "--json", noneJson).AssertExit(0);
        CliTest.Run("fit", fit.Model, "--data", weighted, "--phsp", fit.Phsp, "--fit", fit.Fit, "--weights", "w", "--weight-correction", "sumw2", "--json", sumw2Json).AssertExit(0);

        Assert.Contains("weighted fit: column 'w'", r.Stdout);
        Assert.Contains("corrected: asymptotic", r.Stdout);
        double plain = ReadJson(plainJson).GetProperty("errors").GetProperty("c").GetDouble();
        var asym = ReadJson(asymJson);
        Assert.Equal("asymptotic", asym.GetProperty("covariance_correction").GetString());
        Assert.Equal(2.0 * (lines.Length - 1), asym.GetProperty("weights").GetProperty("sum").GetDouble(), 1e-9);
        Assert.Equal(plain / Math.Sqrt(2), asym.GetProperty("uncorrected_errors").GetProperty("c").GetDouble(), 1e-3 * plain);
        Assert.Equal(plain / Math.Sqrt(2), ReadJson(noneJson).GetProperty("errors").GetProperty("c").GetDouble(), 1e-3 * plain);
        Assert.Equal(plain, ReadJson(sumw2Json).GetProperty("errors").GetProperty("c").GetDouble(), 2e-3 * plain);
        // The asymptotic form is the spread of the scores: close to HESSE's where the model describes the data.
        Assert.Equal(plain, asym.GetProperty("errors").GetProperty("c").GetDouble(), 0.1 * plain);

        var missing = CliTest.Run("fit", fit.Model, "--data", weighted, "--phsp", fit.Phsp, "--fit", fit.Fit, "--weights", "weight").AssertExit(2);
        Assert.Contains("no column 'weight'", missing.Stderr);
        Assert.Contains("--weights names the column 'weight'", missing.Stderr);
        Assert.Contains("--weight-correction", fit.Run("--weights", "w", "--weight-correction", "robust").AssertExit(2).Stderr);
        var nan = fit.Dir.Write("nan.csv", "x,w\n0.5,1\n0.25,nan\n");
        Assert.Contains("NaN in column 'w'", CliTest.Run("fit", fit.Model, "--data", nan, "--phsp", fit.Phsp, "--fit", fit.Fit, "--weights", "w").AssertExit(2).Stderr);
    }

    [Fact]
    public void Fit_fractions_of_two_couplings_are_printed_and_written()
    {
        const string json = """
            {
              "kinematic_variables": ["x"],
              "data_file": "data.csv",
              "phsp_file": "phsp.csv",
              "free_parameters": [
                {"name": "c.re", "symbol": "c", "part": "re", "start": 0.2, "initial_step": 0.01},
                {"name": "c.im", "symbol": "c", "part": "im", "start": 0.1, "initial_step": 0.01}
              ],
              "fixed_parameters": {"c1": [1, 0]}
            }
            """;
        using var fit = new SlopeFit(model: "Abs(c1 + c*x)**2\n", fitJson: json);
        var output = fit.Dir.PathOf("result.json");
        var quiet = fit.Dir.PathOf("none.json");

        var r = fit.Run("--json", output).AssertExit(0);
        fit.Run("--json", quiet, "--no-fractions").AssertExit(0);

        Assert.Contains("Fit fractions over the normalisation sample", r.Stdout);
        var result = ReadJson(output);
        var ff = result.GetProperty("fit_fractions");
        double fc = ff.GetProperty("c").GetProperty("value").GetDouble(), f1 = ff.GetProperty("c1").GetProperty("value").GetDouble();
        double interference = result.GetProperty("interference_fractions").GetProperty("c|c1").GetProperty("value").GetDouble();
        Assert.Equal(1.0, fc + f1 + interference, 1e-12);
        // I = |1 + c x|^2 on x in [0, 1]: the constant alone is 1 / mean(I), c alone |c|^2 mean(x^2) / mean(I).
        var phsp = File.ReadAllLines(fit.Phsp).Skip(1).Select(double.Parse).ToArray();
        double re = result.GetProperty("values").GetProperty("c.re").GetDouble(), im = result.GetProperty("values").GetProperty("c.im").GetDouble();
        double mean = phsp.Average(x => (1 + re * x) * (1 + re * x) + im * im * x * x);
        Assert.Equal(1 / mean, f1, 1e-9);
        Assert.Equal((re * re + im * im) * phsp.Average(x => x * x) / mean, fc, 1e-9);
        Assert.True(ff.GetProperty("c").GetProperty("error").GetDouble() > 0);
        Assert.False(ReadJson(quiet).TryGetProperty("fit_fractions", out _));
    }

    [Fact]
    public void A_constraint_in_the_fit_definition_pulls_the_parameter()
    {
        using var free = new SlopeFit();
        var json = SlopeFit.FitJson(0.2).TrimEnd().TrimEnd('}') + ",\n  \"constraints\": [{\"name\": \"c\", \"value\": 0.1, \"error\": 0.001}]\n}\n";
        using var constrained = new SlopeFit(fitJson: json);
        var a = free.Dir.PathOf("free.json");
        var b = constrained.Dir.PathOf("constrained.json");
        free.Run("--json", a).AssertExit(0);

        constrained.Run("--json", b).AssertExit(0);

        double cFree = ReadJson(a).GetProperty("values").GetProperty("c").GetDouble();
        double cConstrained = ReadJson(b).GetProperty("values").GetProperty("c").GetDouble();
        Assert.InRange(cFree, 0.3, 0.7);
        Assert.Equal(0.1, cConstrained, 0.005);
        Assert.True(ReadJson(b).GetProperty("errors").GetProperty("c").GetDouble() < 0.0011);
        var bad = SlopeFit.FitJson(0.2).TrimEnd().TrimEnd('}') + ",\n  \"constraints\": [{\"name\": \"slope\", \"value\": 0.1, \"error\": 0}]\n}\n";
        using var wrong = new SlopeFit(fitJson: bad);
        Assert.Contains("'slope' is not a free parameter", wrong.Run().AssertExit(2).Stderr);
    }

    [Fact]
    public void Start_from_an_earlier_result()
    {
        using var fit = new SlopeFit(start: 0.05);
        var first = fit.Dir.PathOf("first.json");
        var second = fit.Dir.PathOf("second.json");
        fit.Run("--json", first).AssertExit(0);

        var r = fit.Run("--start", first, "--json", second).AssertExit(0);

        Assert.Contains("1 free parameter(s) start from this result", r.Stderr);
        var a = ReadJson(first);
        var b = ReadJson(second);
        Assert.Equal(a.GetProperty("values").GetProperty("c").GetDouble(), b.GetProperty("values").GetProperty("c").GetDouble(), 1e-3);
        Assert.True(b.GetProperty("nfcn").GetInt32() < a.GetProperty("nfcn").GetInt32());
        var bad = fit.Dir.Write("bad.json", "{\"fval\": 1}");
        Assert.Contains("not a fit result", fit.Run("--start", bad).AssertExit(2).Stderr);
    }

    [Fact]
    public void A_file_without_events_is_named()
    {
        using var fit = new SlopeFit();
        var empty = fit.Dir.Write("empty.csv", "x\n");

        var r = CliTest.Run("fit", fit.Model, "--data", fit.Data, "--phsp", empty, "--fit", fit.Fit).AssertExit(2);

        Assert.StartsWith($"{empty}: error: the phase-space file holds no events", r.Stderr);
        AssertNoCrash(r);
    }

    [Fact]
    public void NoDataFile_AnywhereIsBadInput()
    {
        using var fit = new SlopeFit(fitJson: """{"free_parameters": [{"name": "c", "start": 0.2}]}""");

        var r = CliTest.Run("fit", fit.Model, "--phsp", fit.Phsp, "--fit", fit.Fit).AssertExit(2);

        Assert.Contains("--data", r.Stderr);
        AssertNoCrash(r);
    }

    // A quadratic term: MINOS needs a second free parameter to profile over (see Minos_OneFreeParameter).
    private static SlopeFit QuadraticFit() => new(model: "1 + c*x + d*x^2\n", fitJson: SlopeFit.FitJson(0.2, curvature: true));

    [Theory]
    [InlineData("c", new[] { "c" })]
    [InlineData("slope", new[] { "c" })]
    [InlineData("d, slope", new[] { "c", "d" })]
    [InlineData("all", new[] { "c", "d" })]
    public void Minos_AddsMinosColumnsAndJson(string names, string[] expected)
    {
        using var fit = QuadraticFit();
        var output = fit.Dir.PathOf("result.json");

        var r = fit.Run("--minos", names, "--json", output).AssertExit(0);

        Assert.Contains("Minos Err-", r.Stdout);
        Assert.Contains("Minos Err+", r.Stdout);
        Assert.Matches(@"MINOS [0-9.]+ s", r.Stdout);
        var minos = ReadJson(output).GetProperty("minos");
        Assert.Equal(expected, minos.EnumerateObject().Select(p => p.Name).Order());
        foreach (var name in expected)
        {
            var m = minos.GetProperty(name);
            Assert.True(m.GetProperty("lower").GetDouble() < 0);
            Assert.True(m.GetProperty("upper").GetDouble() > 0);
            Assert.True(m.GetProperty("lower_valid").GetBoolean() && m.GetProperty("upper_valid").GetBoolean());
        }
    }

    [Fact]
    public void Minos_OneFreeParameter_NoCrash()
    {
        using var fit = new SlopeFit();

        var r = fit.Run("--minos", "c");

        AssertNoCrash(r);
        if (r.ExitCode == 1 && r.Stderr.Contains("MINOS failed"))
        {
            // Engine: MINOS fixes the only free parameter and runs MIGRAD over none (LinearAlgebra on a 0x0 matrix).
            Assert.Contains("Valid Minimum", r.Stdout);
            return;
        }
        r.AssertExit(0);
        Assert.Contains("Minos Err-", r.Stdout);
    }

    [Fact]
    public void Minos_UnknownName_IsAUsageErrorListingTheValidOnes()
    {
        using var fit = new SlopeFit();

        var r = fit.Run("--minos", "c,slop").AssertExit(2);

        Assert.Contains("'slop'", r.Stderr);
        Assert.Contains("'c' (slope)", r.Stderr);
        Assert.Equal("", r.Stdout);
        AssertNoCrash(r);
    }

    [Fact]
    public void FitDefinitionSyntaxError_NamesLineAndColumn()
    {
        using var fit = new SlopeFit(fitJson: "{\n  \"free_parameters\": [\n    {\"name\": \"c\", \"start\": 0.2,, \"initial_step\": 0.01}\n  ]\n}\n");

        var r = fit.Run().AssertExit(2);

        Assert.Matches($@"^{System.Text.RegularExpressions.Regex.Escape(fit.Fit)}:3:\d+: error PWA0012: invalid JSON", r.StderrLines[0]);
        Assert.Equal("", r.Stdout);
        AssertNoCrash(r);
    }

    [Fact]
    public void FitDefinitionShapeError_PointsAtTheParameter()
    {
        using var fit = new SlopeFit(fitJson: "{\n  \"free_parameters\": [\n    {\"name\": \"c\", \"start\": 0.2, \"part\": \"real\"}\n  ]\n}\n");

        var r = fit.Run().AssertExit(2);

        Assert.StartsWith($"{fit.Fit}:3:", r.StderrLines[0]);
        Assert.Contains("part must be", r.StderrLines[0]);
        AssertNoCrash(r);
    }

    [Fact]
    public void MissingFitDefinition_IsBadInput()
    {
        using var fit = new SlopeFit();

        var r = CliTest.Run("fit", fit.Model, "--fit", fit.Dir.PathOf("nope.json")).AssertExit(2);

        Assert.Contains("nope.json", r.Stderr);
        Assert.Contains("cannot read", r.Stderr);
        AssertNoCrash(r);
    }

    [Fact]
    public void FitNamesASymbolTheModelLacks_IsBadInputNamingIt()
    {
        using var fit = new SlopeFit(fitJson: SlopeFit.FitJson(0.2, symbol: "slope_typo"));

        var r = fit.Run().AssertExit(2);

        Assert.StartsWith($"{fit.Fit}:", r.StderrLines[0]);
        Assert.Contains("PWA0013", r.StderrLines[0]);
        Assert.Contains("'slope_typo'", r.StderrLines[0]);
        Assert.Equal("", r.Stdout);
        AssertNoCrash(r);
    }

    [Fact]
    public void ModelSymbolWithNoValue_IsBadInputNamingIt()
    {
        using var fit = new SlopeFit(model: "1 + c*x + d\n");

        var r = fit.Run().AssertExit(2);

        Assert.Contains("PWA0014", r.Stderr);
        Assert.Contains("'d'", r.Stderr);
        AssertNoCrash(r);
    }

    [Fact]
    public void ModelSyntaxError_IsBadInput()
    {
        using var fit = new SlopeFit(model: "1 + c*\n");

        var r = fit.Run().AssertExit(2);

        Assert.StartsWith($"{fit.Model}:", r.StderrLines[0]);
        AssertNoCrash(r);
    }

    [Fact]
    public void NegativeIntensityOnData_FailsWithExitOneAndCountsTheEvents()
    {
        // 1 - 2x is negative for every event above x = 0.5: the log-likelihood is not defined at the start.
        using var fit = new SlopeFit(start: -2);
        var output = fit.Dir.PathOf("result.json");

        var r = fit.Run("--json", output).AssertExit(1);

        Assert.Matches(@"\d+ of 2000 data events", r.Stderr);
        Assert.StartsWith("pwa fit: error:", r.StderrLines[0]);
        AssertNoCrash(r);
        var json = ReadJson(output);
        Assert.False(json.GetProperty("valid").GetBoolean());
        Assert.Contains("data events", json.GetProperty("failure").GetString());
    }

    [Theory]
    [InlineData("--strategy", "3")]
    [InlineData("--tolerance", "0")]
    [InlineData("--backend", "tpu")]
    public void BadOptionValues_AreUsageErrors(string option, string value)
    {
        using var fit = new SlopeFit();

        var r = fit.Run(option, value).AssertExit(2);

        Assert.Contains(option.TrimStart('-'), r.Stderr + r.Stdout);
        AssertNoCrash(r);
    }

    [Theory]
    [InlineData("--numerical-gradient")]
    [InlineData("--no-hesse")]
    [InlineData("--quiet")]
    public void Variants_StillReachTheSameMinimum(string flag)
    {
        using var fit = new SlopeFit();
        var reference = fit.Dir.PathOf("reference.json");
        var variant = fit.Dir.PathOf("variant.json");

        fit.Run("--json", reference).AssertExit(0);
        var r = fit.Run(flag, "--json", variant).AssertExit(0);

        var a = ReadJson(reference);
        var b = ReadJson(variant);
        double error = a.GetProperty("errors").GetProperty("c").GetDouble();
        Assert.InRange(b.GetProperty("values").GetProperty("c").GetDouble() - a.GetProperty("values").GetProperty("c").GetDouble(), -0.01 * error, 0.01 * error);
        if (flag == "--no-hesse") Assert.Contains("HESSE skipped", r.Stdout);
        if (flag == "--numerical-gradient") Assert.Contains("numerical gradient", r.Stdout);
    }

    [SkippableFact]
    public void ReferenceBackend_Fits()
    {
        using var fit = new SlopeFit();

        var r = fit.Run("--backend", "reference");

        AssertNoCrash(r);
        Skip.If(r.ExitCode == 2 && r.Stderr.Contains("reference evaluator treats every model as complex-valued"),
            "engine: the reference backend reports every function as complex-valued, which UnbinnedNll refuses");
        r.AssertExit(0);
        Assert.Contains("Valid Minimum", r.Stdout);
    }

    [Fact]
    public void Help_ShowsAnExampleAndTheOptions()
    {
        var r = CliTest.Run("fit", "--help").AssertExit(0);

        Assert.Contains("pwa fit", r.Stdout);
        foreach (var option in new[] { "--data", "--phsp", "--fit", "--minos", "--json", "--no-hesse", "--strategy", "--tolerance", "--numerical-gradient", "--backend", "--quiet" })
            Assert.Contains(option, r.Stdout);
        Assert.Matches(@"(?m)^\s+fit\b", CliTest.Run("--help").AssertExit(0).Stdout);
    }

    // ---- the shared J/psi -> gamma pi0 pi0 reference fit, against iminuit's result on the same files ----

    /// <summary>../shared beside the repository (present in CI), or PARTIALWAVE_SHARED.</summary>
    private static string? SharedRoot()
    {
        var env = Environment.GetEnvironmentVariable("PARTIALWAVE_SHARED");
        if (!string.IsNullOrEmpty(env) && Directory.Exists(env)) return env;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "PartialWave.sln")))
            {
                var shared = Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared"));
                return Directory.Exists(shared) ? shared : null;
            }
        return null;
    }

    internal static string JpsiFolder()
    {
        var root = SharedRoot();
        Skip.If(root is null, "../shared is absent (it sits beside the repository in CI); skipping the J/psi reference fit.");
        var folder = Path.Combine(root!, "reference-fits", "jpsi_gamma_pi0pi0");
        foreach (var file in new[] { "fit.json", "jpsi_gamma_pi0pi0.srepr", "data.csv", "phsp.csv", "peer_result.json" })
            Skip.IfNot(File.Exists(Path.Combine(folder, file)), $"{Path.Combine(folder, file)} is absent; skipping.");
        return folder;
    }

    [SkippableTheory]
    [InlineData(false)]
    [InlineData(true)]
    public void JpsiReferenceFit_AgreesWithIminuit(bool numericalGradient)
    {
        var folder = JpsiFolder();
        using var dir = CliTest.NewTempDir();
        var output = dir.PathOf("result.json");
        string[] args =
        [
            "fit", Path.Combine(folder, "jpsi_gamma_pi0pi0.srepr"),
            "--data", Path.Combine(folder, "data.csv"), "--phsp", Path.Combine(folder, "phsp.csv"),
            "--fit", Path.Combine(folder, "fit.json"), "--json", output,
        ];

        var r = CliTest.Run(numericalGradient ? [.. args, "--numerical-gradient"] : args).AssertExit(0);

        Assert.Contains("Valid Minimum", r.Stdout);
        Assert.Contains("m[f0(1500)]", r.Stdout);
        var ours = ReadJson(output);
        var peer = ReadJson(Path.Combine(folder, "peer_result.json"));
        Assert.True(ours.GetProperty("valid").GetBoolean());
        Assert.Equal(peer.GetProperty("valid").GetBoolean(), ours.GetProperty("valid").GetBoolean());
        Assert.InRange(ours.GetProperty("fval").GetDouble() - peer.GetProperty("fval").GetDouble(), -1e-3, 1e-3);
        var peerValues = peer.GetProperty("values");
        var peerErrors = peer.GetProperty("errors");
        int count = 0;
        foreach (var p in peerValues.EnumerateObject())
        {
            double value = ours.GetProperty("values").GetProperty(p.Name).GetDouble();
            double error = ours.GetProperty("errors").GetProperty(p.Name).GetDouble();
            double peerError = peerErrors.GetProperty(p.Name).GetDouble();
            double pull = (value - p.Value.GetDouble()) / peerError;
            Assert.True(Math.Abs(pull) <= 0.05, $"{p.Name}: value {value} vs iminuit {p.Value.GetDouble()}: {pull:F3} of iminuit's error");
            Assert.True(Math.Abs(error / peerError - 1) <= 0.05, $"{p.Name}: error {error} vs iminuit {peerError}");
            Assert.True(ours.GetProperty("covariance").GetProperty(p.Name).GetProperty(p.Name).GetDouble() > 0);
            count++;
        }
        Assert.Equal(12, count);
    }

    [Fact]
    public void A_kinematic_variable_the_model_lacks_is_an_error_at_its_entry_and_unknown_fields_are_warnings()
    {
        var json = SlopeFit.FitJson(0.2).Replace("\"kinematic_variables\": [\"x\"]", "\"kinematic_variables\": [\"x\", \"y\"]");
        using var fit = new SlopeFit(fitJson: json);
        var r = fit.Run().AssertExit(2);
        var (line, col) = PartialWave.Parsing.SourcePosition.Locate(json, json.IndexOf("\"y\"", StringComparison.Ordinal));
        Assert.StartsWith($"{fit.Fit}:{line}:{col}: error PWA0013: kinematic variable(s) the model", r.StderrLines[0]);

        using var typo = new SlopeFit(fitJson: SlopeFit.FitJson(0.2).Replace("\"tol\"", "\"tols\""));
        var ok = typo.Run().AssertExit(0);
        Assert.Contains("warning PWA0019: minimizer: unknown field 'tols' is ignored; did you mean 'tol'?", ok.Stderr);
    }
}
