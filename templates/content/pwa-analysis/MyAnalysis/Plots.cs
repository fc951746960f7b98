using PartialWave.Data;
using ScottPlot;

namespace MyAnalysis;

/// <summary>The analysis plots: the Dalitz plot of the data, projections of data against the fitted model, and the pulls.</summary>
public static class Plots
{
    private const int Bins = 60;

    /// <summary>Writes the PNGs into <paramref name="folder"/> and returns their paths.</summary>
    /// <param name="folder">Output folder.</param>
    /// <param name="data">Data events (with the pair masses squared).</param>
    /// <param name="phsp">Phase-space events.</param>
    /// <param name="intensity">The fitted intensity at each phase-space event: the model's distribution as weights.</param>
    /// <param name="pulls">(fit parameter, (fitted − true) / error).</param>
    public static IReadOnlyList<string> Write(string folder, EventSample data, EventSample phsp, double[] intensity, IReadOnlyList<(string Name, double Pull)> pulls)
    {
        var written = new List<string>();
        var (x, y) = (Decay.PairMassesSquared[0], Decay.PairMassesSquared[1]);
        var dalitz = new Plot();
        var points = dalitz.Add.ScatterPoints(data[x.Column].ToArray(), data[y.Column].ToArray());
        points.MarkerSize = 1.5f;
        dalitz.Title($"Dalitz plot: {data.Count:N0} toy events");
        dalitz.XLabel(x.Label);
        dalitz.YLabel(y.Label);
        written.Add(Save(dalitz, folder, "dalitz.png"));

        double scale = data.Count / intensity.Sum();
        foreach (var (column, label) in Decay.PairMassesSquared)
        {
            double lo = Math.Min(data[column].ToArray().Min(), phsp[column].ToArray().Min()), hi = Math.Max(data[column].ToArray().Max(), phsp[column].ToArray().Max());
            var centres = Enumerable.Range(0, Bins).Select(b => lo + (b + 0.5) * (hi - lo) / Bins).ToArray();
            var counts = Histogram(data[column], null, lo, hi);
            var model = Histogram(phsp[column], intensity, lo, hi).Select(v => v * scale).ToArray();
            var plot = new Plot();
            var fitted = plot.Add.Scatter(centres, model);
            fitted.ConnectStyle = ConnectStyle.StepVertical;
            fitted.MarkerSize = 0;
            fitted.LineWidth = 2;
            fitted.LegendText = "fitted model";
            var errors = plot.Add.ErrorBar(centres, counts, counts.Select(Math.Sqrt).ToArray());
            errors.Color = Colors.Black;
            var dots = plot.Add.ScatterPoints(centres, counts);
            dots.Color = Colors.Black;
            dots.LegendText = "toy data";
            plot.ShowLegend();
            plot.Title($"Projection on {label[..label.IndexOf(" [", StringComparison.Ordinal)]}");
            plot.XLabel(label);
            plot.YLabel($"events / {(hi - lo) / Bins:G2} GeV²");
            written.Add(Save(plot, folder, $"projection_{column}.png"));
        }

        var pullPlot = new Plot();
        var bars = pullPlot.Add.Bars(pulls.Select(p => p.Pull).ToArray());
        // The band a pull falls into two times in three.
        pullPlot.Add.VerticalSpan(-1, 1).FillStyle.Color = Colors.Green.WithAlpha(0.15);
        pullPlot.Axes.Bottom.SetTicks(Enumerable.Range(0, pulls.Count).Select(i => (double)i).ToArray(), pulls.Select(p => p.Name).ToArray());
        pullPlot.Axes.Bottom.TickLabelStyle.Rotation = 90;
        pullPlot.Axes.Bottom.TickLabelStyle.Alignment = Alignment.MiddleLeft;
        pullPlot.Axes.Bottom.MinimumSize = 110;
        pullPlot.Title("Pulls: (fitted − true) / error");
        pullPlot.YLabel("pull");
        written.Add(Save(pullPlot, folder, "pulls.png"));
        return written;
    }

    private static double[] Histogram(ReadOnlySpan<double> values, double[]? weights, double lo, double hi)
    {
        var h = new double[Bins];
        for (int i = 0; i < values.Length; i++)
        {
            int b = (int)((values[i] - lo) / (hi - lo) * Bins);
            if (b >= 0 && b <= Bins) h[Math.Min(b, Bins - 1)] += weights?[i] ?? 1;
        }
        return h;
    }

    private static string Save(Plot plot, string folder, string name)
    {
        var path = Path.Combine(folder, name);
        plot.SavePng(path, 900, 650);
        return path;
    }
}
