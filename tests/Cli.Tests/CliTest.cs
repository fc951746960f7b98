using System.Globalization;
using System.Numerics;

namespace PartialWave.Cli.Tests;

/// <summary>The outcome of one in-process run of <c>pwa</c>.</summary>
internal sealed record CliResult(int ExitCode, string Stdout, string Stderr)
{
    /// <summary>Fails with the whole output when the exit code is not the expected one.</summary>
    public CliResult AssertExit(int expected)
    {
        Assert.True(ExitCode == expected, $"expected exit code {expected}, got {this}");
        return this;
    }

    /// <summary>The standard error, line by line, without empty lines.</summary>
    public string[] StderrLines => Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public override string ToString() => $"exit code {ExitCode}\n--- stdout ---\n{Stdout}\n--- stderr ---\n{Stderr}";
}

/// <summary>Shared helpers: run the CLI in-process, make per-test temporary files, write numbers for JSON.</summary>
internal static class CliTest
{
    /// <summary>Runs <c>pwa</c> with these arguments, capturing standard output and error.</summary>
    public static CliResult Run(params string[] args)
    {
        using var stdout = new StringWriter(CultureInfo.InvariantCulture);
        using var stderr = new StringWriter(CultureInfo.InvariantCulture);
        int code = Pwa.Run(args, stdout, stderr);
        return new CliResult(code, stdout.ToString(), stderr.ToString());
    }

    /// <summary>A fresh, empty temporary directory, deleted on dispose.</summary>
    public static TempDir NewTempDir() => new();

    /// <summary>A double in shortest round-trip invariant form (valid JSON and CSV).</summary>
    public static string Num(double d) => d.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>A complex number as the JSON pair [re, im].</summary>
    public static string Pair(Complex z) => $"[{Num(z.Real)}, {Num(z.Imaginary)}]";

    /// <summary>|actual - expected| / |expected|.</summary>
    public static double RelativeDeviation(Complex actual, Complex expected) =>
        Complex.Abs(actual - expected) / Complex.Abs(expected);

    /// <summary>A directory under the system temp folder, unique to one test.</summary>
    internal sealed class TempDir : IDisposable
    {
        public string Root { get; } = Path.Combine(Path.GetTempPath(), "pwa-cli-tests-" + Guid.NewGuid().ToString("N"));

        public TempDir() => Directory.CreateDirectory(Root);

        /// <summary>The full path of a file in this directory (not created).</summary>
        public string PathOf(string name) => Path.Combine(Root, name);

        /// <summary>Writes a file (UTF-8, no BOM, text exactly as given) and returns its full path.</summary>
        public string Write(string name, string content)
        {
            var path = PathOf(name);
            File.WriteAllText(path, content);
            return path;
        }

        public void Dispose()
        {
            try { Directory.Delete(Root, recursive: true); }
            catch (IOException) { /* best effort */ }
            catch (UnauthorizedAccessException) { /* best effort */ }
        }
    }
}
