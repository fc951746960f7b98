using System.Runtime.InteropServices;

namespace PartialWave.Data;

/// <summary>
/// What says a file may have changed without reading it: length, modification time, and on Linux the inode and the
/// inode change time (ctime). Tools that copy or restore files (cp -p, rsync -t, tar) can set the modification time
/// back, but not the change time, and a file replaced by another has another inode; so a file edited in place to the
/// same length and given its old modification time is still seen as changed.
/// </summary>
internal readonly record struct FileStamp(long Length, long Modified, long Changed, ulong Inode)
{
    /// <summary>The stamp of an existing file (change time and inode 0 where they cannot be read).</summary>
    public static FileStamp Of(FileInfo info)
    {
        info.Refresh();
        var (changed, inode) = OperatingSystem.IsLinux() ? LinuxIdentity(info.FullName) : (0, 0UL);
        return new FileStamp(info.Length, info.LastWriteTimeUtc.Ticks, changed, inode);
    }

    /// <summary>The later of the modification and change times: what a stamp must be older than to be trusted.</summary>
    public long Latest => Math.Max(Modified, Changed);

    private const int AtCurrentDirectory = -100;
    private const uint WantInodeAndChangeTime = 0x100 | 0x80; // STATX_INO | STATX_CTIME

    [DllImport("libc", EntryPoint = "statx", SetLastError = true)]
    private static extern unsafe int Statx(int directory, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, uint mask, byte* buffer);

    // struct statx has one layout on every architecture: stx_ino at byte 32, stx_ctime (seconds, nanoseconds) at 96.
    private static unsafe (long Changed, ulong Inode) LinuxIdentity(string path)
    {
        try
        {
            byte* buffer = stackalloc byte[256];
            if (Statx(AtCurrentDirectory, path, 0, WantInodeAndChangeTime, buffer) != 0) return (0, 0);
            uint mask = *(uint*)buffer;
            ulong inode = (mask & 0x100) != 0 ? *(ulong*)(buffer + 32) : 0;
            long changed = (mask & 0x80) != 0 ? DateTime.UnixEpoch.Ticks + *(long*)(buffer + 96) * TimeSpan.TicksPerSecond + *(uint*)(buffer + 104) / 100 : 0;
            return (changed, inode);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return (0, 0); // a C library without statx (glibc before 2.28, musl before 1.2.5)
        }
    }
}
