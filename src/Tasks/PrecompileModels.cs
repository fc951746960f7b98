using System.Security.Cryptography;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
using PartialWave.Backends.CSharp;
using PartialWave.Compilation;
using PartialWave.Parsing;

namespace PartialWave.Tasks;

/// <summary>
/// Precompiles model files (<c>*.amp</c>) into C#: one static class per model with its parameters and its CPU
/// kernels (<see cref="ModelClassEmitter"/>). A generated file carries a key (hash of the model's content, the
/// generator's version and the options), and is rewritten only when the key changes, so an unchanged model costs
/// one hash and leaves the compiler's inputs untouched. Model errors are logged as MSBuild errors with file, line,
/// column and code; the model's generated file is then deleted, never left stale or half-written.
/// </summary>
public sealed class PrecompileModels : Microsoft.Build.Utilities.Task
{
    /// <summary>Model files. Metadata: <c>ClassName</c> (default: the model's name), <c>Namespace</c>.</summary>
    [Required] public ITaskItem[] Models { get; set; } = [];

    /// <summary>Folder for the generated files (one <c>NAME.amp.g.cs</c> per model).</summary>
    [Required] public string OutputDirectory { get; set; } = "";

    /// <summary>Namespace of the generated classes unless an item says otherwise.</summary>
    public string RootNamespace { get; set; } = "";

    /// <summary>Most operations per generated method (default: the engine's).</summary>
    public int SplitSize { get; set; } = KernelOptions.DefaultSplitSize;

    /// <summary>Compute parameter-independent terms once per sample.</summary>
    public bool Hoisting { get; set; } = true;

    /// <summary>The generated files, one per model, in the order of <see cref="Models"/>.</summary>
    [Output] public ITaskItem[] Generated { get; set; } = [];

    /// <summary>The generated file of a model file.</summary>
    public static string OutputPath(string outputDirectory, string modelPath) =>
        Path.Combine(outputDirectory, Path.GetFileName(modelPath) + ".g.cs");

    /// <inheritdoc/>
    public override bool Execute()
    {
        Directory.CreateDirectory(OutputDirectory);
        var generated = new List<ITaskItem>();
        foreach (var item in Models)
        {
            var path = item.GetMetadata("FullPath");
            var output = OutputPath(OutputDirectory, path);
            try
            {
                if (Precompile(item, path, output)) generated.Add(new TaskItem(output));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                Log.LogError(null, "PWA0100", null, path, 0, 0, 0, 0, $"cannot read the model or write {output}: {ex.Message}");
            }
        }
        Generated = generated.ToArray();
        return !Log.HasLoggedErrors;
    }

    private bool Precompile(ITaskItem item, string path, string output)
    {
        var text = File.ReadAllText(path);
        var ns = item.GetMetadata("Namespace") is { Length: > 0 } n ? n : RootNamespace;
        var className = item.GetMetadata("ClassName");
        var key = Key(text, ns, className);
        if (File.Exists(output) && ReadKey(output) == key)
        {
            Log.LogMessage(MessageImportance.Low, $"{Path.GetFileName(path)}: precompiled model is up to date");
            return true;
        }
        var parsed = AmpReader.Parse(text, path);
        if (!parsed.Success)
        {
            foreach (var d in parsed.Diagnostics)
                Log.LogError(null, d.Code, null, d.File, d.Line, d.Column, 0, 0, d.Message);
            // A stale class would let the analysis build against a model that no longer exists.
            if (File.Exists(output)) File.Delete(output);
            return false;
        }
        var sw = System.Diagnostics.Stopwatch.StartNew();
        string source;
        EmitStatistics stats;
        try
        {
            source = ModelClassEmitter.Emit(parsed.Value!, ns, className.Length > 0 ? className : null, Path.GetFileName(path), key,
                new KernelOptions { SplitSize = SplitSize, Hoisting = Hoisting }, out stats);
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException or Compilation.UnsupportedExpressionException)
        {
            Log.LogError(null, "PWA0199", null, path, 1, 1, 0, 0, $"the model cannot be compiled: {ex.Message}");
            if (File.Exists(output)) File.Delete(output);
            return false;
        }
        // Written beside the target and moved into place, so an interrupted build leaves no half-written class.
        var temp = output + ".tmp";
        File.WriteAllText(temp, source, new UTF8Encoding(false));
        File.Move(temp, output, overwrite: true);
        Log.LogMessage(MessageImportance.High,
            $"{Path.GetFileName(path)} -> {Path.GetFileName(output)}: {stats.Kernels} kernels, {stats.Methods} methods, {stats.Operations} operations per event, {sw.Elapsed.TotalSeconds:F1} s");
        return true;
    }

    private string Key(string text, string ns, string className)
    {
        var version = typeof(PrecompileModels).Assembly.GetName().Version + "+" + ModelClassEmitter.GeneratorVersion;
        var material = $"{version}\n{ns}\n{className}\n{SplitSize}\n{Hoisting}\n{text}";
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(material))).ToLowerInvariant();
    }

    private static string? ReadKey(string output)
    {
        using var reader = new StreamReader(output);
        for (int i = 0; i < 3 && reader.ReadLine() is { } line; i++)
        {
            int at = line.IndexOf(ModelClassEmitter.KeyMarker, StringComparison.Ordinal);
            if (at >= 0) return line[(at + ModelClassEmitter.KeyMarker.Length)..].Trim();
        }
        return null;
    }
}
