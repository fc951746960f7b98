using System.Collections.Concurrent;
using System.Diagnostics;

namespace PartialWave.Data;

/// <summary>
/// Every file PartialWave writes goes through here, so that no command destroys an input and no reader ever sees a
/// half-written file: <see cref="Check"/> before the work (not an input, the right extension, a folder that can be
/// written), <see cref="Write"/> after it (a temporary file beside the target, moved over it when complete; removed on
/// failure, on Ctrl-C or termination through <see cref="DeleteInFlight"/>, and, for a run killed outright, by the next
/// write of the same target).
/// </summary>
public static class OutputFile
{
    private const string TempSuffix = ".tmp";
    private static readonly ConcurrentDictionary<string, byte> s_inFlight = new(StringComparer.Ordinal);

    /// <summary>
    /// Why <paramref name="output"/> cannot be written, or null when it can: it is one of <paramref name="inputs"/>
    /// (after following links), its extension is not one of <paramref name="extensions"/> (when any are given), its
    /// folder does not exist, or a file cannot be created there. Call it before long work, so that a fit or a
    /// simulation does not run to the end and then fail to save.
    /// </summary>
    public static string? Check(string output, IEnumerable<string?> inputs, params string[] extensions)
    {
        var full = Path.GetFullPath(output);
        var target = Resolve(full);
        foreach (var input in inputs)
        {
            if (input is null) continue;
            var source = Path.GetFullPath(input);
            if (string.Equals(Resolve(source), target, StringComparison.Ordinal))
                return $"the output is the input {input}: choose another name (nothing was written)";
        }
        var ext = Path.GetExtension(full);
        if (extensions.Length > 0 && !extensions.Contains(ext, StringComparer.OrdinalIgnoreCase))
            return $"the output must end in {string.Join(" or ", extensions)} (it is written in that format), not '{(ext.Length == 0 ? "(no extension)" : ext)}'";
        if (Directory.Exists(full)) return "the output is a folder: give a file name";
        var folder = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(folder)) return $"the folder {folder} does not exist";
        var probe = TempName(full);
        try
        {
            using (new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose)) { }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"cannot write in {folder}: {e.Message}";
        }
        return null;
    }

    /// <summary>
    /// Writes <paramref name="path"/> completely or not at all: <paramref name="write"/> fills a temporary file
    /// beside it (<c>.NAME.PID.GUID.tmp</c>), which then replaces the target in one rename. Temporaries of the same
    /// target left by processes that no longer run are removed first.
    /// </summary>
    /// <exception cref="IOException">The file cannot be written (the target is left as it was).</exception>
    public static void Write(string path, Action<Stream> write)
    {
        var full = Path.GetFullPath(path);
        RemoveStale(full);
        var temp = TempName(full);
        s_inFlight[temp] = 0;
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
                write(stream);
            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
        finally
        {
            s_inFlight.TryRemove(temp, out _);
        }
    }

    /// <summary>Writes text (UTF-8, no byte-order mark) as <see cref="Write"/> does.</summary>
    public static void WriteText(string path, Action<TextWriter> write) => Write(path, stream =>
    {
        using var writer = new StreamWriter(stream, new System.Text.UTF8Encoding(false), 1 << 16);
        write(writer);
    });

    /// <summary>
    /// Deletes the temporary files of writes still in progress: for a process being interrupted (Ctrl-C, SIGTERM),
    /// which leaves every target as it was before.
    /// </summary>
    public static void DeleteInFlight()
    {
        foreach (var temp in s_inFlight.Keys) TryDelete(temp);
    }

    private static string TempName(string full) =>
        Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Environment.ProcessId}.{Guid.NewGuid():N}{TempSuffix}");

    // A temporary of this target whose process is gone (killed before it could clean up).
    private static void RemoveStale(string full)
    {
        var folder = Path.GetDirectoryName(full)!;
        string prefix = $".{Path.GetFileName(full)}.";
        try
        {
            foreach (var file in Directory.EnumerateFiles(folder, prefix + "*" + TempSuffix))
            {
                var middle = Path.GetFileName(file)[prefix.Length..^TempSuffix.Length];
                int dot = middle.IndexOf('.');
                // .NAME.PID.GUID.tmp; an older .NAME.GUID.tmp (no process id) is stale too.
                bool stale = dot < 0 || !int.TryParse(middle[..dot], out var pid) || !IsRunning(pid);
                if (stale) TryDelete(file);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }

    private static bool IsRunning(int pid)
    {
        if (pid == Environment.ProcessId) return true;
        try
        {
            using var p = Process.GetProcessById(pid);
            return !p.HasExited;
        }
        catch (ArgumentException) { return false; }
        catch (InvalidOperationException) { return false; }
    }

    // The file a path names after following symbolic links (of the file and of its folders).
    private static string Resolve(string full)
    {
        try
        {
            var folder = Path.GetDirectoryName(full);
            if (folder is not null && Directory.Exists(folder))
            {
                var real = new DirectoryInfo(folder).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? folder;
                full = Path.Combine(real, Path.GetFileName(full));
            }
            return File.Exists(full) ? new FileInfo(full).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? full : full;
        }
        catch (IOException) { return full; }
    }

    private static void TryDelete(string file)
    {
        try { File.Delete(file); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
