namespace PartialWave.Symbolic;

/// <summary>
/// The hash-consing table: one live object per structure. Entries are weak, so expressions nobody holds
/// any more (fuzzing, discarded models) are collected; dead entries are swept when the table doubles.
/// </summary>
internal static class InternTable
{
    private static readonly object Gate = new();
    private static readonly Dictionary<int, List<WeakReference<Expr>>> Buckets = new();
    private static int _count;
    private static int _sweepAt = 1 << 16;

    public static T Intern<T>(T candidate) where T : Expr
    {
        int h = candidate.GetHashCode();
        lock (Gate)
        {
            if (Buckets.TryGetValue(h, out var list))
            {
                for (int i = 0; i < list.Count; i++)
                {
                    if (list[i].TryGetTarget(out var existing))
                    {
                        if (existing.ShallowEquals(candidate)) return (T)existing;
                    }
                }
            }
            else
            {
                list = new List<WeakReference<Expr>>(1);
                Buckets[h] = list;
            }
            list.Add(new WeakReference<Expr>(candidate));
            if (++_count >= _sweepAt) Sweep();
            return candidate;
        }
    }

    private static void Sweep()
    {
        var empty = new List<int>();
        int alive = 0;
        foreach (var (key, list) in Buckets)
        {
            list.RemoveAll(w => !w.TryGetTarget(out _));
            if (list.Count == 0) empty.Add(key);
            alive += list.Count;
        }
        foreach (var k in empty) Buckets.Remove(k);
        _count = alive;
        _sweepAt = Math.Max(1 << 16, alive * 2);
    }
}
