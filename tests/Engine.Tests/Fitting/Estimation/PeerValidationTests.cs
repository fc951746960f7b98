using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using PartialWave.Data;
using PartialWave.Estimation;
using PartialWave.Optimization;

namespace PartialWave.Engine.Tests.Fitting.Estimation;

/// <summary>
/// The fits of ../shared/peers (gauss_exp_fit.py, gauss2d_simulate_fit.py) on identical events: the events are
/// generated here, written to CSV, fitted by PartialWave and by iminuit (Peers/iminuit_fit.py, run with the
/// system Python), and the results compared: values to 1e-4 relative, errors to 1e-2 relative. Skipped where
/// Python with iminuit is not installed.
/// </summary>
public class PeerValidationTests
{
    private static JsonElement RunPeer(params string[] args)
    {
        const string python = "/usr/bin/python3";
        Skip.IfNot(File.Exists(python), "no /usr/bin/python3: the iminuit comparison is skipped");
        var script = Path.Combine(AppContext.BaseDirectory, "Peers", "iminuit_fit.py");
        var psi = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(script);
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        string output = p.StandardOutput.ReadToEnd();
        string error = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Skip.If(p.ExitCode != 0 && error.Contains("ModuleNotFoundError"), "python3-iminuit/scipy not installed: the iminuit comparison is skipped");
        Assert.True(p.ExitCode == 0, error);
        return JsonDocument.Parse(output.Trim().Split('\n').Last()).RootElement.Clone();
    }

    private static string WriteCsv(string header, params double[][] columns)
    {
        var path = Path.Combine(Path.GetTempPath(), $"pwa-peer-{Guid.NewGuid():N}.csv");
        using var w = new StreamWriter(path);
        w.WriteLine(header);
        for (int i = 0; i < columns[0].Length; i++)
            w.WriteLine(string.Join(",", columns.Select(c => c[i].ToString("R", CultureInfo.InvariantCulture))));
        return path;
    }

    /// <summary>
    /// Values to 1e-4 relative (or, with <paramref name="sigmas"/>, within that many of iminuit's errors), errors to
    /// 1e-2 relative.
    /// </summary>
    private static void AssertClose(FitResult ours, JsonElement peer, string[] names, double? sigmas = null)
    {
        foreach (var n in names)
        {
            double v = peer.GetProperty("values").GetProperty(n).GetDouble();
            double e = peer.GetProperty("errors").GetProperty(n).GetDouble();
            double tolerance = sigmas is { } k ? k * e : 1e-4 * Math.Abs(v);
            Assert.True(Math.Abs(ours.Value(n) - v) <= tolerance, $"{n}: {ours.Value(n):R} vs iminuit {v:R} ± {e:R}");
            Assert.True(Math.Abs(ours.Error(n) - e) <= 1e-2 * e, $"{n}: error {ours.Error(n):R} vs iminuit {e:R}");
        }
    }

    /// <summary>The peer's peak-over-background sample: N(5, 0.5) signal and Exp(4) background, kept in (1, 9).</summary>
    internal static double[] GaussExpSample(int nSig, int seed)
    {
        var rng = new Random(seed);
        var x = new List<double>();
        for (int i = 0; i < nSig; i++)
        {
            double u1 = 1 - rng.NextDouble(), u2 = rng.NextDouble();
            x.Add(5 + 0.5 * Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));
        }
        for (int i = 0; i < 10 * nSig; i++) x.Add(-4 * Math.Log(1 - rng.NextDouble()));
        return x.Where(v => v > 1 && v < 9).ToArray();
    }

    /// <summary>Density of counts of the peer's extended fit, with the truncation normalisations written out.</summary>
    internal const string GaussExpModel =
        "ns*exp(-(x - mu)**2/(2*sigma**2))/(sqrt(2*pi)*sigma*(erf((9 - mu)/(sqrt(2)*sigma)) - erf((1 - mu)/(sqrt(2)*sigma)))/2)"
        + " + nb*exp(-x/lambd)/(lambd*(exp(-1/lambd) - exp(-9/lambd)))";

    internal static (Minuit Minuit, ExtendedUnbinnedNll Nll) GaussExpFit(double[] x, int nSig)
    {
        var f = Lambdify.Compile(EstimatorTests.Parse(GaussExpModel), ["x"],
            new[] { "ns", "nb", "mu", "sigma", "lambd" }.Select(n => ParameterSpec.Real(n, 1)).ToList());
        var nll = new ExtendedUnbinnedNll(f, new EventSample([new("x", x)]), EstimatorTests.Parse("ns + nb"));
        var minuit = new Minuit(nll, new FitParameter[] {
            new FitParameter("ns", nSig, 0.01 * nSig, Lower: 0), new FitParameter("nb", 10 * nSig, 0.1 * nSig, Lower: 0),
            new FitParameter("mu", 5, 0.05), new FitParameter("sigma", 0.5, 0.005, Lower: 0), new FitParameter("lambd", 4, 0.04, Lower: 0) });
        return (minuit, nll);
    }

    [SkippableTheory]
    [InlineData(false)]
    [InlineData(true)]
    public void Peak_over_background_extended_fit_matches_iminuit(bool analyticGradient)
    {
        const int nSig = 1500;
        var x = GaussExpSample(nSig, 11);
        var csv = WriteCsv("x", x);
        try
        {
            var peer = RunPeer("gauss_exp", csv, nSig.ToString(CultureInfo.InvariantCulture), (10 * nSig).ToString(CultureInfo.InvariantCulture));
            var (m, nll) = GaussExpFit(x, nSig);
            nll.UseAnalyticGradient = analyticGradient;
            m.Migrad();
            var r = m.Hesse();
            Assert.True(r.IsValid, r.ToTable());
            Assert.Equal(peer.GetProperty("fval").GetDouble(), r.Fval, 1e-4 * Math.Abs(r.Fval));
            // With numerical derivatives MIGRAD retraces iminuit's steps: values agree to 1e-4. The analytic gradient
            // takes another path to a point within the EDM goal (0.0001, about 0.014 σ from the true minimum, as is
            // iminuit's): values then agree to that precision.
            AssertClose(r, peer, ["ns", "nb", "mu", "sigma", "lambd"], analyticGradient ? 0.03 : null);
            // Numerically, MIGRAD + HESSE make as many calls as iminuit's (155 on this sample when written).
            if (!analyticGradient) Assert.InRange(r.Nfcn, 0.95 * peer.GetProperty("nfcn").GetInt32(), 1.05 * peer.GetProperty("nfcn").GetInt32());
        }
        finally
        {
            File.Delete(csv);
        }
    }

    [SkippableFact]
    public void Accept_reject_gauss2d_fit_matches_iminuit()
    {
        // The peer's simulation: flat events in [0, 20)², kept with probability I/max I.
        var rng = new Random(3);
        double I(double a, double b) => 1.0 / 9 * Math.Exp(-((a - 10) * (a - 10) / 9 + (b - 10) * (b - 10) / 9));
        double max = I(10, 10);
        var xs = new List<double>();
        var ys = new List<double>();
        for (int i = 0; i < 200_000; i++)
        {
            double a = 20 * rng.NextDouble(), b = 20 * rng.NextDouble();
            if (rng.NextDouble() * max < I(a, b)) { xs.Add(a); ys.Add(b); }
        }
        var csv = WriteCsv("x,y", xs.ToArray(), ys.ToArray());
        try
        {
            var peer = RunPeer("gauss2d", csv);
            var f = Lambdify.Compile(EstimatorTests.Parse("1/(A2*A4)*exp(-((x - A1)**2/A2**2 + (y - A3)**2/A4**2))"), ["x", "y"],
                new[] { "A1", "A2", "A3", "A4" }.Select(n => ParameterSpec.Real(n, 1)).ToList());
            var sample = new EventSample([new("x", xs.ToArray()), new("y", ys.ToArray())]);
            // -Σ log I with no normalisation term, as the peer: an "unbinned NLL" over a constant normalisation sample.
            var nll = new UnbinnedNllWithoutNormalisation(f, sample);
            var m = new Minuit(nll, new FitParameter[] {
                new FitParameter("A1", 1, 0.01, Lower: 0.1), new FitParameter("A2", 1, 0.01, Lower: 1),
                new FitParameter("A3", 1, 0.01, Lower: 0.1), new FitParameter("A4", 1, 0.01, Lower: 1) });
            m.Migrad();
            var r = m.Hesse();
            Assert.True(r.IsValid, r.ToTable());
            AssertClose(r, peer, ["A1", "A2", "A3", "A4"]);
            // Both start on the lower limits of A2 and A4 (the negative-curvature search moves them off): iminuit
            // takes 239 calls for MIGRAD + HESSE on this sample, and so does this minimiser.
            Assert.InRange(r.Nfcn, 0.95 * peer.GetProperty("nfcn").GetInt32(), 1.05 * peer.GetProperty("nfcn").GetInt32());
        }
        finally
        {
            File.Delete(csv);
        }
    }

    /// <summary>−Σ log I over data: what the peer minimises (its amplitude carries its own 1/(A2·A4) scale).</summary>
    private sealed class UnbinnedNllWithoutNormalisation(IParametrizedFunction f, EventSample data) : IObjective
    {
        public IReadOnlyList<string> ParameterNames => f.GradientParameters;
        public double ErrorDef => 0.5;
        public bool HasGradient => false;

        public double Value(ReadOnlySpan<double> x)
        {
            for (int k = 0; k < x.Length; k++) f.SetParameter(ParameterNames[k], x[k]);
            return -f.SumLog(data).Value;
        }

        public double ValueAndGradient(ReadOnlySpan<double> x, Span<double> gradient) => throw new NotSupportedException();
    }
}
