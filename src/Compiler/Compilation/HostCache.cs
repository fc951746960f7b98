namespace PartialWave.Compilation;

/// <summary>
/// The one fact about the machine a kernel layout depends on: the size of a core's second-level cache, which bounds
/// the scratch columns of a chunk (<see cref="KernelLayout.ChunkSize"/>). Read from Linux's sysfs; 256 KB assumed
/// where it cannot be read. A fixed 192 KB before: on this project's machines (1 MB per core) three quarters of the
/// real size gives the large gradient kernels chunks twice as long, and those kernels ran faster for it.
/// </summary>
internal static class HostCache
{
    /// <summary>Bytes of second-level cache per core (64 KB to 4 MB).</summary>
    public static long SecondLevelBytes { get; } = Probe();

    private static long Probe()
    {
        const long fallback = 256 * 1024;
        try
        {
            var dir = "/sys/devices/system/cpu/cpu0/cache";
            if (!Directory.Exists(dir)) return fallback;
            foreach (var index in Directory.GetDirectories(dir, "index*"))
            {
                if (File.ReadAllText(Path.Combine(index, "level")).Trim() != "2") continue;
                var size = File.ReadAllText(Path.Combine(index, "size")).Trim(); // e.g. "1024K"
                long scale = size.EndsWith('K') ? 1024 : size.EndsWith('M') ? 1 << 20 : 1;
                if (long.TryParse(size.TrimEnd('K', 'M'), out var n) && n > 0) return Math.Clamp(n * scale, 64 * 1024, 4 << 20);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        return fallback;
    }
}
