using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace PartialWave.Kinematics;

/// <summary>
/// Draws s_ij with density proportional to the Dalitz plot's width at s_ij (the marginal of a flat plot) by
/// acceptance under a piecewise-constant envelope: 99 % of attempts succeed, against about 60 % under one constant.
/// </summary>
/// <remarks>
/// <para>The range of s_ij is cut into <see cref="Bins"/> equal bins; bin b's envelope is the width's largest
/// value on it, known exactly because the logarithm of the width is concave in s (so the width rises to one peak
/// and falls): the peak where it lies in the bin, else the end nearer the peak; a margin of 1e-7 covers rounding.
/// A bin is picked with probability proportional to its envelope by Walker's alias method, s uniformly inside it,
/// and s is accepted when u · envelope &lt; width(s).</para>
/// <para>An attempt takes two uniforms: u_sel chooses the bin (b = floor(K u_sel), f = K u_sel - b decides between
/// b and its alias, and f rescaled is the position inside the bin) and u_acc accepts. The vector and the scalar
/// forms do the same operations in the same order, so they agree bit for bit.</para>
/// </remarks>
internal sealed class WidthSampler
{
    public const int Bins = 128;
    private const double Margin = 1 + 1e-7;

    private readonly double _sMin, _binWidth, _a1, _b1, _a2, _b2;
    private readonly double[] _keep = new double[Bins], _alias = new double[Bins], _envelope = new double[Bins];

    public WidthSampler(DalitzPlot dalitz, int i, int j)
    {
        var m = dalitz.Masses;
        int k = 3 - i - j;
        double M = dalitz.ParentMass;
        _a1 = (m[i] + m[j]) * (m[i] + m[j]); _b1 = (m[i] - m[j]) * (m[i] - m[j]);
        _a2 = (M + m[k]) * (M + m[k]); _b2 = (M - m[k]) * (M - m[k]);
        _sMin = dalitz.Minimum(i, j);
        double sMax = dalitz.Maximum(i, j);
        _binWidth = (sMax - _sMin) / Bins;
        double peakAt = PeakOf(dalitz, i, j);
        double peak = Width(peakAt);
        double total = 0;
        for (int b = 0; b < Bins; b++)
        {
            double lo = _sMin + b * _binWidth, hi = b == Bins - 1 ? sMax : _sMin + (b + 1) * _binWidth;
            double top = peakAt < lo ? Width(lo) : peakAt > hi ? Width(hi) : peak;
            _envelope[b] = top * Margin;
            total += _envelope[b];
        }
        BuildAlias(total);
        Efficiency = dalitz.Area / (total * _binWidth);
    }

    /// <summary>Expected fraction of accepted attempts.</summary>
    public double Efficiency { get; }

    /// <summary>The width as the sampler computes it: sqrt(max(λ1 λ2, 0)) / s.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double Width(double s) => Math.Sqrt(Math.Max((s - _a1) * (s - _b1) * ((s - _a2) * (s - _b2)), 0.0)) / s;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector256<double> Width(Vector256<double> s) =>
        Vector256.Sqrt(Vector256.Max((s - Vector256.Create(_a1)) * (s - Vector256.Create(_b1)) * ((s - Vector256.Create(_a2)) * (s - Vector256.Create(_b2))), Vector256<double>.Zero)) / s;

    // Vose's form of Walker's alias table over the bins, weights proportional to the envelope.
    private void BuildAlias(double total)
    {
        var scaled = _envelope.Select(e => e * Bins / total).ToArray();
        var small = new Stack<int>();
        var large = new Stack<int>();
        for (int b = Bins - 1; b >= 0; b--) (scaled[b] < 1 ? small : large).Push(b);
        while (small.Count > 0 && large.Count > 0)
        {
            int s = small.Pop(), l = large.Pop();
            _keep[s] = scaled[s];
            _alias[s] = l;
            scaled[l] = scaled[l] + scaled[s] - 1;
            (scaled[l] < 1 ? small : large).Push(l);
        }
        foreach (var b in large.Concat(small)) { _keep[b] = 1; _alias[b] = b; }
    }

    /// <summary>One attempt: s from u_sel, accepted or not by u_acc.</summary>
    public bool Attempt(double uSel, double uAccept, out double s)
    {
        double v = uSel * Bins;
        double bin = Math.Floor(v);
        double f = v - bin;
        int b = (int)bin;
        double keep = _keep[b];
        bool stay = f < keep;
        double chosen = stay ? bin : _alias[b];
        double position = stay ? f / keep : (f - keep) / (1.0 - keep);
        s = _sMin + (chosen + position) * _binWidth;
        double envelope = _envelope[(int)chosen];
        double width = Width(s);
        if (width > envelope) throw AboveEnvelope(s, width, envelope);
        return uAccept * envelope < width;
    }

    /// <summary>Four attempts at once; the lanes of the mask are all-ones where accepted.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector256<double> Attempt(Vector256<double> uSel, Vector256<double> uAccept, out Vector256<double> accepted)
    {
        var v = uSel * Vector256.Create((double)Bins);
        var bin = Vector256.Floor(v);
        var f = v - bin;
        int b0 = (int)bin[0], b1 = (int)bin[1], b2 = (int)bin[2], b3 = (int)bin[3];
        var keep = Vector256.Create(_keep[b0], _keep[b1], _keep[b2], _keep[b3]);
        var stay = Vector256.LessThan(f, keep);
        var chosen = Vector256.ConditionalSelect(stay, bin, Vector256.Create(_alias[b0], _alias[b1], _alias[b2], _alias[b3]));
        var position = Vector256.ConditionalSelect(stay, f / keep, (f - keep) / (Vector256<double>.One - keep));
        var s = Vector256.Create(_sMin) + (chosen + position) * Vector256.Create(_binWidth);
        var envelope = Vector256.Create(_envelope[(int)chosen[0]], _envelope[(int)chosen[1]], _envelope[(int)chosen[2]], _envelope[(int)chosen[3]]);
        var width = Width(s);
        if (Vector256.GreaterThanAny(width, envelope))
            for (int lane = 0; lane < 4; lane++)
                if (width[lane] > envelope[lane]) throw AboveEnvelope(s[lane], width[lane], envelope[lane]);
        accepted = Vector256.LessThan(uAccept * envelope, width);
        return s;
    }

    private static InvalidOperationException AboveEnvelope(double s, double width, double envelope) =>
        new($"Dalitz width {width} at s = {s} above its envelope {envelope}: the envelope is wrong, the sample would be biased");

    /// <summary>Where the width peaks: a grid, then golden-section refinement (the width is log-concave).</summary>
    internal static double PeakOf(DalitzPlot dalitz, int i, int j)
    {
        double lo = dalitz.Minimum(i, j), hi = dalitz.Maximum(i, j);
        const int grid = 2048;
        double step = (hi - lo) / grid, bestS = lo, best = 0;
        for (int g = 0; g <= grid; g++)
        {
            double s = lo + g * step, w = dalitz.Width(i, j, s);
            if (w > best) { best = w; bestS = s; }
        }
        double a = Math.Max(lo, bestS - step), b = Math.Min(hi, bestS + step);
        double invPhi = (Math.Sqrt(5) - 1) / 2;
        double c = b - invPhi * (b - a), d = a + invPhi * (b - a);
        double fc = dalitz.Width(i, j, c), fd = dalitz.Width(i, j, d);
        for (int it = 0; it < 200 && b - a > 1e-15 * Math.Max(1, Math.Abs(b)); it++)
        {
            if (fc > fd) { b = d; d = c; fd = fc; c = b - invPhi * (b - a); fc = dalitz.Width(i, j, c); }
            else { a = c; c = d; fc = fd; d = a + invPhi * (b - a); fd = dalitz.Width(i, j, d); }
        }
        foreach (var (s, w) in new[] { (c, fc), (d, fd) })
            if (w > best) { best = w; bestS = s; }
        return bestS;
    }
}
