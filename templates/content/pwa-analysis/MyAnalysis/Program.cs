// A complete amplitude analysis in one file: simulate a toy data set from the model, fit it back, and report.
//
//   dotnet run                        writes results/ (table, plots, report.md, fit.json)
//   dotnet run -- OUTPUT_FOLDER [SEED]  writes there, with another toy data set
//
// The model (Model.amp) was precompiled into the class D0ToKsPiPi when this project was built: its kernels, its
// parameters with their limits, and CreateFunction(), which evaluates the intensity on all cores with SIMD.
using System.Diagnostics;
using System.Globalization;
using System.Numerics;
using System.Text;
using MyAnalysis;
using PartialWave;
using PartialWave.Data;
using PartialWave.Estimation;
using PartialWave.Kinematics;
using PartialWave.Optimization;
using PartialWave.Randomness;
using PartialWave.Simulation;

CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
const int DataEvents = 20_000;        // toy data set
const int NormalisationEvents = 1_000_000; // flat phase space: the likelihood's normalisation integral (its Monte-Carlo
                                         // error must stay well below the data's statistical one)
ulong Seed = args.Length > 1 ? ulong.Parse(args[1], CultureInfo.InvariantCulture) : 1;

var output = args.Length > 0 ? args[0] : "results";
Directory.CreateDirectory(output);
var clock = Stopwatch.StartNew();
void Step(string what) => Console.WriteLine($"[{clock.Elapsed.TotalSeconds,5:F1} s] {what}");
// Progress on one updating line in a terminal; nothing when the output goes to a file or a pipe.
void Progress(string what)
{
    if (!Console.IsOutputRedirected) Console.Write($"\r           {what}   ");
}
void EndProgress()
{
    if (!Console.IsOutputRedirected) Console.WriteLine();
}

Step($"model {D0ToKsPiPi.Name} from {D0ToKsPiPi.SourceFile}: {D0ToKsPiPi.Components.Count} amplitudes ({string.Join(", ", D0ToKsPiPi.Components)}), " +
     $"{D0ToKsPiPi.Parameters.Count} parameters, variables {string.Join(", ", D0ToKsPiPi.Variables)}");

// The model's variables and the pair masses squared (for the plots), computed from the four-momenta of each event.
var columns = D0ToKsPiPi.Variables.Concat(Decay.PairMassesSquared.Select(p => p.Column)).ToList();
EventSample Kinematics(FourMomentumColumns momenta, int threads = -1) => KinematicVariables.Compute(columns, momenta, threads);

// 1. Normalisation sample: flat phase space.
var phsp = Kinematics(PhaseSpace.GenerateFlat(Decay.ParentMass, Decay.Masses, NormalisationEvents, new RandomStream(Seed, 1)));
Step($"phase space: {phsp.Count:N0} flat events");

// 2. Toy data: accept-reject from the model at its default (true) parameters, one global maximum, on all cores.
var truth = D0ToKsPiPi.DefaultValues();
var candidates = new RandomStream(Seed, 2);
var acceptance = new RandomStream(Seed, 3);
using var simulation = new AcceptReject(
    () => D0ToKsPiPi.CreateFunction(new LambdifyOptions { MaxThreads = 1 }),
    (first, count) => Kinematics(PhaseSpace.GenerateFlat(Decay.ParentMass, Decay.Masses, count, candidates, first, 1), 1),
    (first, destination) => acceptance.FillUniform32(first, destination))
{
    BatchSize = 1 << 14,
    Progress = p => Progress($"simulating: {p.Accepted:N0}/{DataEvents:N0} accepted of {p.Generated:N0} drawn ({p.EventsPerSecond / 1e6:F1} M/s)"),
};
var simulated = simulation.Run(DataEvents);
EndProgress();
foreach (var restart in simulated.Restarts) Console.WriteLine($"           note: {restart}");
var data = simulated.Events;
Step($"toy data: {data.Count:N0} events (efficiency {simulated.Efficiency:P1}, maximum {simulated.Maximum:G4})");

// 3. Fit: start away from the truth (couplings rotated and scaled, masses and widths moved within their limits).
var start = D0ToKsPiPi.Parameters.ToDictionary(p => p.Name, p =>
    p.IsFixed ? p.Default
    : p.IsComplex ? p.Default * Complex.FromPolarCoordinates(1.25, 0.3)
    : new Complex(p.Default.Real + 0.25 * ((p.Upper ?? 1.5 * p.Default.Real) - p.Default.Real), 0));
using var function = D0ToKsPiPi.CreateFunction();
var fit = UnbinnedFit.Create(function, D0ToKsPiPi.Parameters, data, phsp, start);
fit.Minuit.Progress = p => Progress($"{p.Stage}: iteration {p.Iteration}, -log L = {p.Fval:F3}, edm = {p.Edm:G3}, {p.Nfcn} calls");
fit.Minuit.Migrad();
EndProgress();
var result = fit.Minuit.Hesse();
Step($"fit: MIGRAD + HESSE, {result.Nfcn} likelihood calls, {(result.IsValid ? "valid minimum" : "INVALID: " + (result.Failure ?? result.Message))}");
Console.WriteLine();
Console.WriteLine(result.ToTable());

// True values of the fit parameters: a real parameter itself, a coupling's magnitude and phase.
double TrueValue(string fitName)
{
    int dot = fitName.LastIndexOf('.');
    if (dot < 0) return truth[fitName].Real;
    var c = truth[fitName[..dot]];
    return fitName.EndsWith(".mag", StringComparison.Ordinal) ? c.Magnitude : c.Phase;
}
// A phase is compared modulo 2π: the fit may land on the same coupling one turn away.
double Difference(string name, double fitted, double expected) => name.EndsWith(".phase", StringComparison.Ordinal)
    ? Math.IEEERemainder(fitted - expected, 2 * Math.PI) : fitted - expected;
var rows = result.Parameters.Where(p => !p.Fixed).Select(p =>
{
    double t = TrueValue(p.Name);
    return (p.Name, True: t, p.Value, p.Error, Pull: Difference(p.Name, p.Value, t) / p.Error);
}).ToList();
var table = new StringBuilder();
table.AppendLine("| parameter | true | fitted | error | pull |");
table.AppendLine("|---|---:|---:|---:|---:|");
foreach (var r in rows) table.AppendLine($"| {r.Name} | {r.True:G5} | {r.Value:G5} | {r.Error:G3} | {r.Pull:+0.00;-0.00} |");
Console.WriteLine(table);

// 4. Fit fractions: each coupling's amplitude alone over the phase-space sample, and the interference between them,
// with errors propagated from the covariance.
var fractions = FitFractionCalculator.Compute(function, fit.Likelihood.Map, result, phsp);
Step($"fit fractions: {fractions.Fractions.Count} components, sum {fractions.Sum.Value:P2} ({fractions.Seconds:F2} s)");
Console.WriteLine(fractions.ToTable());

// 5. Plots and report.
fit.Likelihood.Map.Apply(result.Parameters.Select(p => p.Value).ToArray());
var weights = new double[phsp.Count];
function.Evaluate(phsp, weights);
var plots = Plots.Write(output, data, phsp, weights, rows.Select(r => (r.Name, r.Pull)).ToList());
Step($"plots: {string.Join(", ", plots.Select(Path.GetFileName))}");

var report = new StringBuilder();
report.AppendLine($"# {D0ToKsPiPi.Name}: toy fit");
report.AppendLine();
report.AppendLine($"Model `{D0ToKsPiPi.SourceFile}` (amplitudes {string.Join(", ", D0ToKsPiPi.Components)}), precompiled at build time.");
report.AppendLine($"{data.Count:N0} toy events simulated at the model's defaults (seed {Seed}), fitted with {phsp.Count:N0} phase-space events for the normalisation.");
report.AppendLine();
report.AppendLine($"- minimum: {(result.IsValid ? "valid" : "**invalid**")}, -log L = {result.Fval:F4}, edm = {result.Edm:G3}, {result.Nfcn} calls");
report.AppendLine($"- covariance: {(result.HasAccurateCovar ? "accurate" : "approximate")}{(result.HasMadePosDefCovar ? ", forced positive-definite" : "")}");
report.AppendLine($"- pulls: mean {rows.Average(r => r.Pull):+0.00;-0.00}, largest |pull| {rows.Max(r => Math.Abs(r.Pull)):F2}");
report.AppendLine();
report.Append(table);
report.AppendLine();
report.AppendLine("| fit fraction | value | error |");
report.AppendLine("|---|---:|---:|");
foreach (var f in fractions.Fractions.Append(fractions.Sum).Concat(fractions.Interference))
    report.AppendLine($"| {f.Name} | {f.Value:P2} | {f.Error:P2} |");
report.AppendLine();
foreach (var plot in plots) report.AppendLine($"![{Path.GetFileNameWithoutExtension(plot)}]({Path.GetFileName(plot)})");
File.WriteAllText(Path.Combine(output, "report.md"), report.ToString());
File.WriteAllText(Path.Combine(output, "fit.json"), result.ToJson());
Step($"report: {Path.Combine(output, "report.md")}");
return result.IsValid ? 0 : 1;
