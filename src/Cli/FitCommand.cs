using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using PartialWave.Compilation;
using PartialWave.Data;
using PartialWave.Estimation;
using PartialWave.Modeling;
using PartialWave.Optimization;
using PartialWave.Parsing;
using PartialWave.Symbolic;

namespace PartialWave.Cli;

/// <summary>
/// <c>pwa fit MODEL --fit FIT.json [--data DATA.csv] [--phsp PHSP.csv] [--minos NAMES] [--json OUT.json]</c>: an
/// unbinned maximum-likelihood fit (MIGRAD, HESSE, optionally MINOS) set up from a fit definition in the format
/// of the shared reference fits.
/// </summary>
internal static partial class FitCommand
{
    private const string Name = "pwa fit";

    /// <summary>Everything a run needs, as given on the command line.</summary>
    private sealed record Request(
        string ModelPath, string FitPath, string? DataPath, string? PhspPath, string? Minos, string? JsonPath,
        bool NoHesse, int? Strategy, double? Tolerance, bool NumericalGradient, BackendChoice.Selection Choice, bool Quiet,
        string? Profile = null, int ProfilePoints = 20, double ProfileBound = 2, string? StartPath = null, bool Simplex = false,
        bool Scan = false, string[]? Contours = null, double Cl = 0.68, int ContourPoints = 20, string? Weights = null, string WeightCorrection = "asymptotic",
        bool NoFractions = false, int FractionSamples = 0)
    {
        public Backend Backend => Choice.Backend;
        public GpuDevice Device => Choice.Device;
    }

    public static Command Create(CommandIo io)
    {
        var model = new Argument<FileInfo>("MODEL") { Description = "Intensity model file (.srepr, .expr or .amp): real and positive on the data." };
        var fit = new Option<FileInfo>("--fit") { Description = "Fit definition (JSON): free_parameters (name, symbol, part re/im, start, initial_step, limits), fixed_parameters, kinematic_variables, minimizer.", Required = true };
        var data = new Option<FileInfo?>("--data") { Description = "Data events (CSV with a header of symbol names). Default: the fit definition's data_file, relative to it." };
        var phsp = new Option<FileInfo?>("--phsp") { Description = "Phase-space (normalisation) events, CSV. Default: the fit definition's phsp_file, relative to it." };
        var minos = new Option<string?>("--minos") { Description = "Run MINOS for these fit parameters: comma-separated names (or labels), or 'all'." };
        var json = new Option<FileInfo?>("--json") { Description = "Write the result here as JSON: values, errors, covariance (keyed by parameter name), fval, edm, nfcn, valid, flags, timings." };
        var noHesse = new Option<bool>("--no-hesse") { Description = "Skip HESSE after MIGRAD (errors and covariance then come from MIGRAD's estimate)." };
        var strategy = new Option<int?>("--strategy") { Description = "Minuit strategy 0, 1 or 2 (overrides the fit definition; default 1)." };
        var tolerance = new Option<double?>("--tolerance") { Description = "Minuit tolerance: MIGRAD stops at EDM < 0.002 * tolerance * errordef (overrides the fit definition; default 0.1)." };
        var numerical = new Option<bool>("--numerical-gradient") { Description = "Let MIGRAD differentiate numerically, as iminuit does, instead of using the analytic gradient." };
        var backend = new BackendChoice("cpu (compiled SIMD kernels, default), gpu (ILGPU kernels, see --device; data stay on the device between steps) or reference (the exact scalar evaluator, slow).");
        var quiet = new Option<bool>("--quiet") { Description = "No live progress line on a terminal." };
        var profile = new Option<string?>("--profile") { Description = "Likelihood profiles of these fit parameters (comma-separated names or labels, or 'all'): each fixed at points over +-bound errors, the others minimised by MIGRAD (iminuit's mnprofile); printed and written to the JSON under 'profiles'." };
        var simplex = new Option<bool>("--simplex") { Description = "Run SIMPLEX before MIGRAD (iminuit's simplex().migrad()): no derivatives, for starts far from the minimum." };
        var scan = new Option<bool>("--scan") { Description = "Run SCAN first (iminuit's scan): the cost on a grid over each free parameter's limits (or start +- step), about MIGRAD's call limit of points; MIGRAD then starts from the lowest." };
        var contour = new Option<string[]>("--contour") { Description = "A 2-D confidence contour of two fit parameters, 'A,B' (names or labels; repeat the option for more): points where the cost minimised over the others rises by errordef x the chi2 quantile of 2 degrees of freedom for --cl (iminuit's mncontour); printed and written to the JSON under 'contours'.", AllowMultipleArgumentsPerToken = false };
        var cl = new Option<double>("--cl") { Description = "Confidence level of the contours: a probability below 1 (0.68, 0.95) or, from 1 on, a number of standard deviations.", DefaultValueFactory = _ => 0.68 };
        var contourPoints = new Option<int>("--contour-points") { Description = "Points per contour (at least 4).", DefaultValueFactory = _ => 20 };
        var weights = new Option<string?>("--weights") { Description = "A weighted fit: this data column holds each event's weight (sWeights, efficiency weights; it need not be a model variable). The covariance is then corrected, see --weight-correction." };
        var weightCorrection = new Option<string>("--weight-correction") { Description = "How a weighted fit's covariance is corrected: asymptotic (default; H^-1 D H^-1 with D the weighted sum of squared per-event scores, Langenbruch EPJC 82 (2022) 393), sumw2 (H^-1 H_w2 H^-1, RooFit's SumW2Error) or none.", DefaultValueFactory = _ => "asymptotic" };
        var noFractions = new Option<bool>("--no-fractions") { Description = "Do not compute fit fractions (by default they are, for a fit with complex couplings: one component per coupling, or the fit definition's \"components\")." };
        var fractionSamples = new Option<int>("--fraction-samples") { Description = "Also give each fraction's spread over this many parameter sets drawn from the fit's covariance (beside the linear propagation).", DefaultValueFactory = _ => 0 };
        var start = new Option<FileInfo?>("--start") { Description = "Start from a result this command wrote with --json: the free parameters it has take its values, and its errors as first steps." };
        var profilePoints = new Option<int>("--profile-points") { Description = "Points per profile (at least 2).", DefaultValueFactory = _ => 20 };
        var profileBound = new Option<double>("--profile-bound") { Description = "Half-width of a profile in HESSE errors around the best fit (clipped at the parameter's limits).", DefaultValueFactory = _ => 2 };
        var cmd = new Command("fit",
            "Fit a model to data by unbinned maximum likelihood, normalised on a phase-space sample: " +
            "NLL = -sum_data log I(x) + N_data log(mean_phsp I). Runs MIGRAD, then HESSE (and MINOS when asked), and prints " +
            "the Minuit table. Exit code 0 for a valid minimum, 1 for an invalid one or a likelihood that is not finite, 2 for bad input.\n\n" +
            "Example:\n  pwa fit model.srepr --data data.csv --phsp phsp.csv --fit fit.json --json result.json\n" +
            "  pwa fit model.srepr --fit fit.json --minos all\n" +
            "  pwa fit model.srepr --fit fit.json --profile \"m_{f_{0}(1500)}\" --profile-points 20 --json result.json\n" +
            "  pwa fit model.srepr --fit fit.json --contour \"Re C[f0(1500)],Im C[f0(1500)]\" --cl 0.68 --contour-points 20")
        { model, fit, data, phsp, minos, json, noHesse, strategy, tolerance, numerical, quiet, profile, profilePoints, profileBound, start, simplex, scan, contour, cl, contourPoints, weights, weightCorrection, noFractions, fractionSamples };
        foreach (var option in backend.All) cmd.Options.Add(option);
        cmd.SetAction(r => Run(io, new Request(
            r.GetValue(model)!.FullName, r.GetValue(fit)!.FullName, r.GetValue(data)?.FullName, r.GetValue(phsp)?.FullName,
            r.GetValue(minos), r.GetValue(json)?.FullName, r.GetValue(noHesse), r.GetValue(strategy), r.GetValue(tolerance),
            r.GetValue(numerical), backend.Get(r), r.GetValue(quiet), r.GetValue(profile), r.GetValue(profilePoints), r.GetValue(profileBound), r.GetValue(start)?.FullName, r.GetValue(simplex),
            r.GetValue(scan), r.GetValue(contour), r.GetValue(cl), r.GetValue(contourPoints), r.GetValue(weights), r.GetValue(weightCorrection)!,
            r.GetValue(noFractions), r.GetValue(fractionSamples))));
        return cmd;
    }

    private static int Run(CommandIo io, Request q)
    {
        if (q.Strategy is { } s && s is < 0 or > 2) return io.Fail(Name, $"--strategy must be 0, 1 or 2, got {s}");
        if (q.Tolerance is { } t && !(t > 0 && double.IsFinite(t))) return io.Fail(Name, $"--tolerance must be a positive number, got {CommandIo.Format(t)}");

        var read = Stopwatch.StartNew();
        if (!TryLoadDefinition(io, q.FitPath, out var definition, out var exit)) return exit;
        if (q.StartPath is not null && !TryStartFrom(io, q.StartPath, ref definition, out exit)) return exit;
        if (!TryResolveNames(io, "--minos", q.Minos, definition, out var minosNames, out exit)) return exit;
        if (!TryResolveNames(io, "--profile", q.Profile, definition, out var profileNames, out exit)) return exit;
        if (q.ProfilePoints < 2) return io.Fail(Name, $"--profile-points must be at least 2, got {q.ProfilePoints}");
        if (!(q.ProfileBound > 0 && double.IsFinite(q.ProfileBound))) return io.Fail(Name, $"--profile-bound must be a positive number of errors, got {CommandIo.Format(q.ProfileBound)}");
        var contourPairs = new List<(string X, string Y)>();
        foreach (var pair in q.Contours ?? [])
        {
            if (!TryResolveNames(io, "--contour", pair, definition, out var both, out exit)) return exit;
            if (both.Count != 2) return io.Fail(Name, $"--contour takes two different fit parameters separated by a comma, got '{pair}' ({both.Count} parameter(s))");
            contourPairs.Add((both[0], both[1]));
        }
        if (!WeightedCovariance.TryParse(q.WeightCorrection, out var correction))
            return io.Fail(Name, $"--weight-correction must be asymptotic, sumw2 or none, got '{q.WeightCorrection}'");
        if (q.Weights is { } wc && wc.Trim().Length == 0) return io.Fail(Name, "--weights needs the name of a data column");
        if (q.FractionSamples < 0) return io.Fail(Name, $"--fraction-samples must be 0 or more, got {q.FractionSamples}");
        if (q.ContourPoints < 4) return io.Fail(Name, $"--contour-points must be at least 4, got {q.ContourPoints}");
        if (!(q.Cl > 0 && double.IsFinite(q.Cl))) return io.Fail(Name, $"--cl must be a probability below 1 or a number of standard deviations (1 or more), got {CommandIo.Format(q.Cl)}");

        var fitDir = Path.GetDirectoryName(q.FitPath) ?? ".";
        string? dataPath = q.DataPath ?? (definition.DataFile is { } df ? Path.GetFullPath(Path.Combine(fitDir, df)) : null);
        string? phspPath = q.PhspPath ?? (definition.PhspFile is { } pf ? Path.GetFullPath(Path.Combine(fitDir, pf)) : null);
        if (dataPath is null) return io.Fail(Name, $"no data: give --data DATA.csv (or name a data_file in {q.FitPath})");
        if (phspPath is null) return io.Fail(Name, $"no phase-space sample: give --phsp PHSP.csv (or name a phsp_file in {q.FitPath})");
        // The result file is checked once every input is known, before any data is read: a fit must neither overwrite
        // an input nor run to its end and then fail to save.
        if (!io.CheckOutput(q.JsonPath, [q.ModelPath, q.FitPath, dataPath, phspPath], [".json"], out var refused)) return refused;

        var parsed = ModelFile.Load(q.ModelPath);
        if (!parsed.Success) return io.Fail(parsed.Diagnostics);
        var expr = parsed.Value!;
        if (!CheckSymbols(io, q, expr, definition, out var inputs, out exit)) return exit;
        // Only the model's kinematic variables are read: other columns (an event label, a weight the model does not
        // use) are neither parsed nor rejected.
        var columns = new EventReadOptions { Columns = inputs };
        var dataRead = EventFiles.Read(dataPath, q.Weights is null ? columns : new EventReadOptions { Columns = [.. inputs.Append(q.Weights).Distinct()] });
        if (!dataRead.Success) return io.Fail(CommandIo.ExplainMissingColumns(dataRead.Diagnostics, $"the model's symbols that are not parameters in {Path.GetFileName(q.FitPath)} are read as data columns" +
            (q.Weights is null ? "" : $", and --weights names the column '{q.Weights}' of the event weights")));
        io.Warn(dataRead.Warnings);
        var phspRead = EventFiles.Read(phspPath, columns);
        if (!phspRead.Success) return io.Fail(CommandIo.ExplainMissingColumns(phspRead.Diagnostics, $"the model's symbols that are not parameters in {Path.GetFileName(q.FitPath)} are read as data columns"));
        io.Warn(phspRead.Warnings);
        var data = dataRead.Value!;
        var phsp = phspRead.Value!;
        foreach (var (sample, path, what) in new[] { (data, dataPath, "data"), (phsp, phspPath, "phase-space") })
        {
            if (sample.Count == 0) return io.Fail(path, $"the {what} file holds no events (its columns {string.Join(", ", inputs)} were found, but no rows): a fit needs at least one");
        }
        double[]? dataWeights = null;
        if (q.Weights is { } weightColumn)
        {
            dataWeights = data[weightColumn].ToArray();
            int bad = Array.FindIndex(dataWeights, w => !double.IsFinite(w));
            if (bad >= 0) return io.Fail(dataPath, $"--weights {weightColumn}: event {bad} has the weight {CommandIo.Format(dataWeights[bad])}: weights must be finite numbers");
            if (!(dataWeights.Sum() > 0)) return io.Fail(dataPath, $"--weights {weightColumn}: the weights sum to {CommandIo.Format(dataWeights.Sum())}: a weighted fit needs a positive sum");
        }
        double readSeconds = read.Elapsed.TotalSeconds;
        if (!BackendChoice.TryOpen(io, Name, q.Backend, q.Device, out exit)) return exit;

        UnbinnedFit fit;
        try
        {
            fit = UnbinnedFit.Create(expr, definition, data, phsp, q.Choice.Options, dataWeights);
        }
        catch (UnsupportedExpressionException ex) { return io.Fail(q.ModelPath, $"the {q.Backend.ToString().ToLowerInvariant()} backend cannot compile the model: {ex.Message}"); }
        catch (ArgumentException ex) when (ex.Message.Contains("real-valued", StringComparison.Ordinal))
        {
            return io.Fail(q.ModelPath, q.Backend == Backend.Reference
                ? $"{ex.Message}: the reference evaluator treats every model as complex-valued, so it cannot fit yet; use --backend cpu"
                : $"{ex.Message}: the model is complex-valued");
        }
        catch (FitParameterException ex) { return io.Fail([definition.DiagnosticAt(ex.Parameter, ex.Message)]); }
        catch (ArgumentException ex) { return io.Fail(q.FitPath, ex.Message); }
        using var disposesFit = fit;
        var minuit = fit.Minuit;
        if (q.Strategy is { } strategy) minuit.Strategy = strategy;
        if (q.Tolerance is { } tolerance) minuit.Tolerance = tolerance;
        fit.Likelihood.UseAnalyticGradient = !q.NumericalGradient;

        using var live = new LiveLine(io.Err, enabled: !q.Quiet && ReferenceEquals(io.Err, Console.Error) && !Console.IsErrorRedirected);
        int minosDone = 0;
        minuit.Progress = p =>
        {
            if (p.Stage == "MINOS") minosDone++;
            live.Show(p.Stage == "MINOS"
                ? $"MINOS {minosDone}/{minosNames.Count}  nfcn {p.Nfcn}"
                : $"{p.Stage} iter {p.Iteration}  fval {p.Fval:F3}  edm {p.Edm:0.0e+00}  nfcn {p.Nfcn}");
        };

        FitResult? scanResult = null, simplexResult = null;
        if (q.Scan)
        {
            live.Show("SCAN starting", force: true);
            scanResult = minuit.Scan();
            if (scanResult.Failure is not null) simplexResult = scanResult;
        }
        if (q.Simplex && simplexResult is null)
        {
            live.Show("SIMPLEX starting", force: true);
            simplexResult = minuit.Simplex();
        }
        live.Show("MIGRAD starting", force: true);
        var result = simplexResult?.Failure is null ? minuit.Migrad() : simplexResult;
        if (result.Failure is null && !q.NoHesse)
        {
            live.Show($"HESSE  fval {result.Fval:F3}  nfcn {result.Nfcn}", force: true);
            result = minuit.Hesse();
        }
        bool minosSkipped = false;
        string? minosError = null;
        if (result.Failure is null && minosNames.Count > 0)
        {
            if (result.IsValid)
            {
                live.Show($"MINOS 0/{minosNames.Count}  nfcn {result.Nfcn}", force: true);
                try { result = minuit.Minos([.. minosNames]); }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    // Not the user's input: report it without a stack trace, keep MIGRAD's and HESSE's result.
                    minosError = $"internal error in the engine ({ex.GetType().Name}, {ex.Message.TrimEnd('.')}); MIGRAD and HESSE results are above";
                    result = minuit.Result;
                }
            }
            else minosSkipped = true;
        }
        var profiles = new List<ProfileResult>();
        bool profilesSkipped = false;
        if (result.Failure is null && profileNames.Count > 0)
        {
            if (result.IsValid)
            {
                foreach (var name in profileNames)
                {
                    live.Show($"PROFILE {profiles.Count + 1}/{profileNames.Count}  nfcn {minuit.Result.Nfcn}", force: true);
                    profiles.Add(minuit.Profile(name, q.ProfilePoints, q.ProfileBound));
                }
                result = minuit.Result;
            }
            else profilesSkipped = true;
        }
        var contours = new List<ContourResult>();
        bool contoursSkipped = false;
        if (result.Failure is null && contourPairs.Count > 0)
        {
            if (result.IsValid)
            {
                foreach (var (x, y) in contourPairs)
                {
                    live.Show($"CONTOUR {contours.Count + 1}/{contourPairs.Count}  nfcn {minuit.Result.Nfcn}", force: true);
                    contours.Add(minuit.Contour(x, y, q.ContourPoints, q.Cl));
                }
                result = minuit.Result;
            }
            else contoursSkipped = true;
        }
        live.Clear();
        // A weighted fit's errors: the weighted likelihood's HESSE covariance, corrected as asked.
        var uncorrected = result;
        string? correctionError = null;
        if (dataWeights is not null && result.Failure is null && result.HasCovariance)
        {
            try { result = fit.CorrectCovariance(result, correction); }
            catch (Exception ex) when (ex is InvalidOperationException or NotSupportedException) { correctionError = ex.Message; }
        }

        // Fit fractions of a fit with complex couplings (or named components), from its (corrected) covariance.
        FitFractions? fractions = null;
        string? fractionsError = null;
        if (!q.NoFractions && result.Failure is null && result.HasCovariance &&
            (definition.Components.Count > 0 || FitFractionCalculator.DefaultComponents(definition, expr).Count > 0))
        {
            live.Show("FIT FRACTIONS", force: true);
            try { fractions = FitFractionCalculator.Compute(expr, definition, result, phsp, samples: q.FractionSamples, options: q.Choice.Options); }
            catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or UnsupportedExpressionException) { fractionsError = ex.Message; }
            live.Clear();
        }

        var labels = definition.Free.Where(p => p.Label != p.Name).ToDictionary(p => p.Name, p => p.Label, StringComparer.Ordinal);
        if (double.IsFinite(result.Fval)) // a minimum, or the last good point before a failure (shown as FAILED)
        {
            io.Out.Write(result.ToTable(labels));
            io.Out.WriteLine(Timings(readSeconds, fit.CompileSeconds, result, q.NoHesse, minosNames.Count > 0 && !minosSkipped && minosError is null, fit.Likelihood.HasGradient));
            if (dataWeights is not null)
                io.Out.WriteLine(WeightsLine(q.Weights!, dataWeights, correctionError is null ? WeightedCovariance.Describe(correction) : null, minosNames.Count + profiles.Count + contours.Count > 0));
            if (fractions is not null) io.Out.Write(fractions.ToTable());
            foreach (var pr in profiles) io.Out.Write(ProfileTable(pr, labels));
            foreach (var c in contours) io.Out.Write(ContourTable(c, labels, result.ErrorDef));
        }

        if (q.JsonPath is not null)
        {
            var json = result.ToJsonObject();
            json["read_seconds"] = readSeconds;
            json["compile_seconds"] = fit.CompileSeconds;
            json["strategy"] = minuit.Strategy;
            json["tolerance"] = minuit.Tolerance;
            json["gradient"] = fit.Likelihood.HasGradient ? "analytic" : "numerical";
            json["backend"] = q.Backend.ToString().ToLowerInvariant();
            if (scanResult is not null) json["scan"] = new JsonObject { ["nfcn"] = scanResult.Nfcn, ["fval"] = scanResult.Fval, ["edm"] = scanResult.Edm };
            if (simplexResult is not null && simplexResult != scanResult) json["simplex"] = new JsonObject { ["nfcn"] = simplexResult.Nfcn, ["fval"] = simplexResult.Fval, ["edm"] = simplexResult.Edm };
            json["labels"] = new JsonObject(definition.Free.Select(p => KeyValuePair.Create(p.Name, (JsonNode?)p.Label)));
            if (profiles.Count > 0) json["profiles"] = ProfilesJson(profiles);
            if (contours.Count > 0) json["contours"] = ContoursJson(contours);
            fractions?.WriteTo(json);
            if (fractionsError is not null) json["fraction_error"] = fractionsError;
            if (dataWeights is not null)
            {
                json["weights"] = new JsonObject
                {
                    ["column"] = q.Weights,
                    ["events"] = dataWeights.Length,
                    ["sum"] = dataWeights.Sum(),
                    ["sum_squares"] = dataWeights.Sum(w => w * w),
                    ["correction"] = correctionError is null ? result.CovarianceCorrection : null,
                    ["correction_error"] = correctionError,
                };
                var raw = new JsonObject();
                foreach (var p in uncorrected.Parameters) raw[p.Name] = double.IsFinite(p.Error) ? p.Error : null;
                json["uncorrected_errors"] = raw;
            }
            var text = json.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n";
            if (!io.TryWrite(q.JsonPath, w => w.Write(text), out var failed)) return failed;
        }

        if (result.Failure is not null)
        {
            io.Err.WriteLine($"{Name}: error: the fit stopped, the likelihood is not finite: {result.Failure}");
            return (int)ExitCode.FitFailed;
        }
        if (minosSkipped) io.Err.WriteLine($"{Name}: note: MINOS was not run: the minimum is not valid");
        if (profilesSkipped) io.Err.WriteLine($"{Name}: note: the profiles were not run: the minimum is not valid");
        if (fractionsError is not null) io.Err.WriteLine($"{Name}: warning: no fit fractions: {fractionsError}");
        if (contoursSkipped) io.Err.WriteLine($"{Name}: note: the contours were not run: the minimum is not valid");
        foreach (var c in contours.Where(c => !c.IsComplete))
            io.Err.WriteLine($"{Name}: warning: the contour of '{c.X}' and '{c.Y}' is incomplete ({c.Points.Count} of {q.ContourPoints} points): {c.Message}");
        foreach (var pr in profiles.Where(pr => pr.Points.Any(pt => !pt.Valid)))
            io.Err.WriteLine($"{Name}: warning: the profile of '{pr.Parameter}' has {pr.Points.Count(pt => !pt.Valid)} point(s) whose minimisation was not valid (marked '!')");
        if (correctionError is not null)
        {
            io.Err.WriteLine($"{Name}: error: the weighted fit's covariance could not be corrected ({correctionError}); the errors shown are the weighted likelihood's own and are not right for weighted events");
            return (int)ExitCode.FitFailed;
        }
        if (minosError is not null)
        {
            io.Err.WriteLine($"{Name}: error: MINOS failed: {minosError}");
            return (int)ExitCode.FitFailed;
        }
        if (!result.IsValid)
        {
            io.Err.WriteLine($"{Name}: error: the minimum is not valid ({Reasons(result)})");
            return (int)ExitCode.FitFailed;
        }
        return (int)ExitCode.Success;
    }

    // The free parameters of the definition start where an earlier result left them (by name); the others keep their start.
    private static bool TryStartFrom(CommandIo io, string path, ref FitDefinition definition, out int exit)
    {
        exit = 0;
        FitResult previous;
        try { previous = FitResult.FromJson(File.ReadAllText(path)); }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { exit = io.Fail(path, $"cannot read the file: {ex.Message}"); return false; }
        catch (FormatException ex) { exit = io.Fail(path, ex.Message); return false; }
        var byName = previous.Parameters.ToDictionary(p => p.Name, StringComparer.Ordinal);
        var used = definition.Free.Where(p => byName.ContainsKey(p.Name)).ToList();
        if (used.Count == 0)
        {
            exit = io.Fail(path, $"--start: the result has none of the fit's free parameters (it has {string.Join(", ", byName.Keys.Take(10))})");
            return false;
        }
        var free = definition.Free.Select(p => byName.TryGetValue(p.Name, out var r) && double.IsFinite(r.Value)
            ? p with
            {
                Start = Math.Clamp(r.Value, p.Lower ?? double.NegativeInfinity, p.Upper ?? double.PositiveInfinity),
                Step = r.Error > 0 && double.IsFinite(r.Error) ? r.Error : p.Step,
            }
            : p).ToList();
        definition = definition with { Free = free };
        var missing = definition.Free.Count - used.Count;
        io.Err.WriteLine($"{path}: note: {used.Count} free parameter(s) start from this result{(missing > 0 ? $", {missing} from the fit definition" : "")}");
        return true;
    }

    // A profile as a small table: the value, the cost above the minimum, and a bar for the eye.
    private static string ProfileTable(ProfileResult pr, IReadOnlyDictionary<string, string> labels)
    {
        var sb = new System.Text.StringBuilder();
        string label = labels.GetValueOrDefault(pr.Parameter) ?? pr.Parameter;
        sb.AppendLine($"Profile of {label} ({pr.Points.Count} points, {pr.Nfcn} calls, {pr.Seconds:F3} s): value, FCN - FCN_min");
        double max = pr.Points.Max(pt => pt.Fval - pr.Fmin);
        foreach (var pt in pr.Points)
        {
            double d = pt.Fval - pr.Fmin;
            int bar = max > 0 ? (int)Math.Round(30 * Math.Clamp(d / max, 0, 1)) : 0;
            sb.AppendLine($"  {pt.Value.ToString("G8", System.Globalization.CultureInfo.InvariantCulture),14} {d.ToString("F4", System.Globalization.CultureInfo.InvariantCulture),10}{(pt.Valid ? " " : "!")} {new string('#', bar)}");
        }
        return sb.ToString();
    }

    // What a weighted fit's errors are.
    private static string WeightsLine(string column, double[] w, string? correction, bool likelihoodIntervals)
    {
        double sum = w.Sum(), sum2 = w.Sum(v => v * v);
        return $"weighted fit: column '{column}', {w.Length} events, sum w = {sum:G6}, sum w^2 = {sum2:G6} ({w.Count(v => v < 0)} negative); " +
               (correction is null ? "covariance NOT corrected" : $"errors and covariance corrected: {correction}") +
               (likelihoodIntervals ? "; MINOS errors, profiles and contours are of the weighted likelihood, not corrected" : "");
    }

    // A contour as a table of its points, in order around the best fit.
    private static string ContourTable(ContourResult c, IReadOnlyDictionary<string, string> labels, double errordef)
    {
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        string lx = labels.GetValueOrDefault(c.X) ?? c.X, ly = labels.GetValueOrDefault(c.Y) ?? c.Y;
        var sb = new System.Text.StringBuilder();
        string level = c.Cl < 1 ? $"CL {c.Cl.ToString("G4", inv)}" : $"{c.Cl.ToString("G4", inv)} sigma";
        sb.AppendLine($"Contour of {lx} and {ly} at {level} (FCN - FCN_min = {c.Level.ToString("G6", inv)} = {(c.Level / errordef).ToString("G6", inv)} x errordef; " +
                      $"{c.Points.Count} points, {c.Nfcn} calls, {c.Seconds:F3} s){(c.IsComplete ? "" : $": INCOMPLETE, {c.Message}")}");
        sb.AppendLine($"  {"best fit",14} {c.BestX.ToString("G8", inv),14} {c.BestY.ToString("G8", inv),14}");
        for (int i = 0; i < c.Points.Count; i++)
            sb.AppendLine($"  {i + 1,14} {c.Points[i].X.ToString("G8", inv),14} {c.Points[i].Y.ToString("G8", inv),14}");
        return sb.ToString();
    }

    private static JsonArray ContoursJson(IEnumerable<ContourResult> contours) =>
        new(contours.Select(c => (JsonNode?)new JsonObject
        {
            ["x"] = c.X,
            ["y"] = c.Y,
            ["cl"] = c.Cl,
            ["delta_fval"] = c.Level,
            ["best"] = new JsonArray(c.BestX, c.BestY),
            ["points"] = new JsonArray(c.Points.Select(p => (JsonNode?)new JsonArray(p.X, p.Y)).ToArray()),
            ["complete"] = c.IsComplete,
            ["message"] = c.Message,
            ["nfcn"] = c.Nfcn,
            ["seconds"] = c.Seconds,
        }).ToArray());

    private static JsonObject ProfilesJson(IEnumerable<ProfileResult> profiles)
    {
        var o = new JsonObject();
        foreach (var pr in profiles)
            o[pr.Parameter] = new JsonObject
            {
                ["values"] = new JsonArray(pr.Points.Select(pt => (JsonNode?)pt.Value).ToArray()),
                ["fval"] = new JsonArray(pr.Points.Select(pt => (JsonNode?)(double.IsFinite(pt.Fval) ? pt.Fval : null)).ToArray()),
                ["delta_fval"] = new JsonArray(pr.Points.Select(pt => (JsonNode?)(double.IsFinite(pt.Fval) ? pt.Fval - pr.Fmin : null)).ToArray()),
                ["valid"] = new JsonArray(pr.Points.Select(pt => (JsonNode?)pt.Valid).ToArray()),
                ["fmin"] = pr.Fmin,
                ["nfcn"] = pr.Nfcn,
                ["seconds"] = pr.Seconds,
            };
        return o;
    }

    /// <summary>One line: where the time went, and how many calls.</summary>
    private static string Timings(double read, double compile, FitResult r, bool noHesse, bool minos, bool analytic) =>
        $"time: read {read:F3} s, compile {compile:F3} s, MIGRAD {r.MigradSeconds:F3} s, " +
        $"HESSE {(noHesse ? "skipped" : $"{r.HesseSeconds:F3} s")}, MINOS {(minos ? $"{r.MinosSeconds:F3} s" : "not run")}; " +
        $"nfcn {r.Nfcn}" + (analytic ? $" (ngrad {r.Ngrad}, analytic gradient)" : " (numerical gradient)");

    private static string Reasons(FitResult r)
    {
        var why = new List<string>();
        if (r.HasReachedCallLimit) why.Add("call limit reached");
        if (r.IsAboveMaxEdm) why.Add($"EDM {r.Edm:G3} above 10 x goal {r.EdmGoal:G3}");
        if (r.HesseFailed) why.Add("HESSE failed");
        if (!r.HasCovariance) why.Add("no covariance");
        if (r.Message is not null) why.Add(r.Message);
        return why.Count > 0 ? string.Join("; ", why) : "MIGRAD did not converge";
    }

    /// <summary>Reads the fit definition; its errors become <c>file:line:col: error CODE: message</c>.</summary>
    private static bool TryLoadDefinition(CommandIo io, string path, out FitDefinition definition, out int exit)
    {
        var read = FitDefinition.ReadFile(path);
        definition = read.Value!;
        exit = read.Success ? 0 : io.Fail(read.Diagnostics);
        if (read.Success) io.Warn(read.Value!.Warnings);
        return read.Success;
    }

    /// <summary>The MINOS targets: 'all', or names (or labels) separated by commas; names may themselves contain commas.</summary>
    private static bool TryResolveNames(CommandIo io, string option, string? list, FitDefinition definition, out List<string> names, out int exit)
    {
        names = [];
        exit = 0;
        if (list is null) return true;
        var byName = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var p in definition.Free) byName[p.Name] = p.Name;
        foreach (var p in definition.Free) byName.TryAdd(p.Label, p.Name);
        if (list.Trim() == "all")
        {
            names.AddRange(definition.Free.Select(p => p.Name));
            return true;
        }
        if (byName.TryGetValue(list.Trim(), out var whole))
        {
            names.Add(whole);
            return true;
        }
        var pieces = list.Split(',');
        for (int i = 0; i < pieces.Length;)
        {
            if (pieces[i].Trim().Length == 0) { i++; continue; }
            int taken = 0;
            for (int j = pieces.Length; j > i && taken == 0; j--)
                if (byName.TryGetValue(string.Join(',', pieces[i..j]).Trim(), out var name))
                {
                    if (!names.Contains(name)) names.Add(name);
                    taken = j - i;
                }
            if (taken == 0)
            {
                var valid = definition.Free.Select(p => p.Label == p.Name ? $"'{p.Name}'" : $"'{p.Name}' ({p.Label})");
                exit = io.Fail(Name, $"{option}: no fit parameter '{pieces[i].Trim()}'; valid names: {string.Join(", ", valid)}, or 'all'");
                return false;
            }
            i += taken;
        }
        if (names.Count == 0)
        {
            exit = io.Fail(Name, $"{option}: no parameter named; give names separated by commas, or 'all'");
            return false;
        }
        return true;
    }

    /// <summary>
    /// Checks that every model symbol gets a value (data column, free or fixed) and that the fit names only model
    /// symbols, before compiling: the errors point into the fit definition. <paramref name="inputs"/>: the kinematic
    /// variables (data columns), those the fit definition lists or else every symbol of the model that is not a fit parameter.
    /// </summary>
    private static bool CheckSymbols(CommandIo io, Request q, Expr model, FitDefinition definition, out List<string> inputs, out int exit)
    {
        exit = 0;
        inputs = [];
        var symbols = model.FreeSymbolNames().ToHashSet(StringComparer.Ordinal);
        var parameterSymbols = definition.Free.Select(p => p.Symbol).Concat(definition.Fixed.Keys).ToHashSet(StringComparer.Ordinal);

        var notInModel = definition.Free.Select(p => p.Symbol).Concat(definition.Fixed.Keys).Distinct().Where(s => !symbols.Contains(s)).ToList();
        if (notInModel.Count > 0)
        {
            exit = io.Fail([definition.DiagnosticAt(notInModel[0],
                $"the fit names symbol(s) the model {Path.GetFileName(q.ModelPath)} does not have: {string.Join(", ", notInModel.Select(n => $"'{n}'"))}",
                DiagnosticCodes.UnknownSymbol)]);
            return false;
        }

        var strangers = definition.KinematicVariables.Where(v => !symbols.Contains(v)).ToList();
        if (strangers.Count > 0)
        {
            exit = io.Fail([definition.DiagnosticAt(strangers[0],
                $"kinematic variable(s) the model {Path.GetFileName(q.ModelPath)} does not have: {string.Join(", ", strangers.Select(n => $"'{n}'"))}",
                DiagnosticCodes.UnknownSymbol)]);
            return false;
        }
        inputs = definition.KinematicVariables.Count > 0
            ? definition.KinematicVariables.Where(symbols.Contains).ToList()
            : symbols.Where(c => !parameterSymbols.Contains(c)).Order(StringComparer.Ordinal).ToList();
        var both = inputs.Where(parameterSymbols.Contains).ToList();
        if (both.Count > 0)
        {
            exit = io.Fail([definition.DiagnosticAt(both[0],
                $"symbol(s) both kinematic variables and fit parameters: {string.Join(", ", both.Select(n => $"'{n}'"))}")]);
            return false;
        }
        var set = inputs.ToHashSet(StringComparer.Ordinal);
        var noValue = symbols.Where(s => !set.Contains(s) && !parameterSymbols.Contains(s)).Order(StringComparer.Ordinal).ToList();
        if (noValue.Count > 0)
        {
            exit = io.Fail(q.FitPath, 1, 1, DiagnosticCodes.MissingSymbol,
                $"no value for the model's symbol(s) {string.Join(", ", noValue.Select(n => $"'{n}'"))}: make them free_parameters, fixed_parameters, or kinematic_variables");
            return false;
        }
        return true;
    }
}
