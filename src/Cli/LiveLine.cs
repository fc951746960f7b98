using System.Diagnostics;

namespace PartialWave.Cli;

/// <summary>A progress line redrawn in place on a terminal (at most ten times a second); silent when disabled.</summary>
internal sealed class LiveLine(TextWriter err, bool enabled) : IDisposable
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private double _last = double.NegativeInfinity;
    private int _width;

    public void Show(string text, bool force = false)
    {
        if (!enabled) return;
        double now = _clock.Elapsed.TotalSeconds;
        if (!force && now - _last < 0.1) return;
        _last = now;
        err.Write("\r" + text.PadRight(_width));
        _width = text.Length;
        err.Flush();
    }

    public void Clear()
    {
        if (!enabled || _width == 0) return;
        err.Write("\r" + new string(' ', _width) + "\r");
        err.Flush();
        _width = 0;
    }

    public void Dispose() => Clear();
}
