using System.Runtime.InteropServices;

namespace PartialWave.Data;

/// <summary>
/// Column arrays for whole samples. Fresh memory is most of the cost of loading a cached sample: on the virtual
/// machines here the kernel's 4 KB page faults on first touch cost more than the copy itself. On Linux the arrays' interior is marked for transparent huge
/// pages (madvise MADV_HUGEPAGE, only a hint; the default THP mode "madvise" honours it), so that 2 MB pages
/// fault 512 times less often. Elsewhere, or if the call fails, nothing changes.
/// </summary>
internal static unsafe partial class LargeArrays
{
    private const int HugePage = 2 << 20;
    private const int MadvHugepage = 14;
    private static bool _available = OperatingSystem.IsLinux();

    /// <summary>Set false to measure without the hint.</summary>
    internal static bool UseHugePages { get; set; } = true;

    /// <summary>An uninitialised array of <paramref name="length"/> doubles.</summary>
    public static double[] Doubles(int length)
    {
        var array = GC.AllocateUninitializedArray<double>(length);
        if (UseHugePages && _available && (long)length * sizeof(double) >= 2L * HugePage) Advise(array);
        return array;
    }

    private static void Advise(double[] array)
    {
        fixed (double* p = array)
        {
            long start = ((long)p + HugePage - 1) & ~(long)(HugePage - 1);
            long end = (long)(p + array.Length) & ~(long)(HugePage - 1);
            if (end <= start) return;
            try
            {
                _ = Madvise((nint)start, (nuint)(end - start), MadvHugepage);
            }
            catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
            {
                _available = false;
            }
        }
    }

    [LibraryImport("libc", EntryPoint = "madvise")]
    private static partial int Madvise(nint address, nuint length, int advice);
}
