using System.Diagnostics;

namespace PartialWave.Cli.Tests;

/// <summary>
/// pwa as a separate process, interrupted while it writes a large output: Ctrl-C (SIGINT) abandons the write whole;
/// SIGKILL leaves a temporary that the next write of the same file removes. The target never holds a partial file.
/// Each process is stopped by its id within a time bound.
/// </summary>
public class InterruptedWriteTests
{
    private static readonly string Pwa = Path.Combine(AppContext.BaseDirectory, "pwa.dll");

    private static Process StartPhsp(string output)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { Pwa, "phsp", "--decay", "3.0969 -> 0 0.1349768 0.1349768", "--events", "4000000", "--seed", "3", "--out", output })
            start.ArgumentList.Add(a);
        return Process.Start(start)!;
    }

    private static void Signal(Process p, string signal)
    {
        using var kill = Process.Start("kill", [$"-{signal}", p.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!;
        Assert.True(kill.WaitForExit(10_000));
    }

    // Waits until the process writes its temporary file; false when it finished first.
    private static bool WaitForTemporary(Process p, string folder)
    {
        var until = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < until && !p.HasExited)
        {
            if (Directory.GetFiles(folder, ".*.tmp").Length > 0) return true;
            Thread.Sleep(20);
        }
        return false;
    }

    private static void Run(string signal, Action<string, string> check)
    {
        using var dir = CliTest.NewTempDir();
        var output = dir.PathOf("events.csv");
        File.WriteAllText(output, "old\n");
        using var p = StartPhsp(output);
        try
        {
            Assert.True(WaitForTemporary(p, dir.Root), "pwa finished before it could be interrupted");
            Signal(p, signal);
            Assert.True(p.WaitForExit(30_000), "pwa did not stop");
            Assert.NotEqual(0, p.ExitCode);
            Assert.Equal("old\n", File.ReadAllText(output));
            check(dir.Root, output);
        }
        finally
        {
            if (!p.HasExited) p.Kill(entireProcessTree: true);
        }
    }

    [Fact]
    public void Ctrl_C_leaves_the_old_output_and_no_temporary()
    {
        Run("INT", (folder, _) => Assert.Empty(Directory.GetFiles(folder, ".*.tmp")));
    }

    [Fact]
    public void A_killed_run_leaves_a_temporary_that_the_next_write_removes()
    {
        Run("KILL", (folder, output) =>
        {
            Assert.Single(Directory.GetFiles(folder, ".*.tmp"));
            var r = CliTest.Run("phsp", "--decay", "3.0969 -> 0 0.1349768 0.1349768", "--events", "10", "--seed", "3", "--out", output).AssertExit(0);
            Assert.Empty(Directory.GetFiles(folder, ".*.tmp"));
            Assert.Equal(11, File.ReadAllLines(output).Length);
            Assert.Contains("10 flat phase-space events", r.Stdout);
        });
    }
}
