namespace PartialWave.Data;

/// <summary>Growable double columns a reader fills row by row; the arrays are handed over, not copied, when full.</summary>
internal sealed class ColumnBuilder
{
    public ColumnBuilder(int columns, int capacity)
    {
        Arrays = new double[columns][];
        for (int i = 0; i < columns; i++) Arrays[i] = LargeArrays.Doubles(capacity);
        Capacity = capacity;
    }

    /// <summary>The columns; valid up to the rows written.</summary>
    public double[][] Arrays { get; }

    /// <summary>Rows the arrays hold.</summary>
    public int Capacity { get; private set; }

    /// <summary>Set when the capacity is exact and parallel writers share the arrays: growing would be a bug.</summary>
    public bool Fixed { get; init; }

    /// <summary>Makes room for row <paramref name="row"/>.</summary>
    public void EnsureRow(int row)
    {
        if (row < Capacity) return;
        if (Fixed) throw new InvalidOperationException($"row {row} is past the {Capacity} rows counted beforehand");
        int capacity = (int)Math.Min(Array.MaxLength, Math.Max(2L * Capacity, row + 1L));
        if (row >= capacity) throw new InvalidOperationException("more events than a .NET array can hold");
        for (int i = 0; i < Arrays.Length; i++)
        {
            var grown = LargeArrays.Doubles(capacity);
            Array.Copy(Arrays[i], grown, Capacity);
            Arrays[i] = grown;
        }
        Capacity = capacity;
    }

    /// <summary>The first <paramref name="rows"/> rows as a sample (the arrays themselves when they are exactly that long).</summary>
    public EventSample ToSample(IReadOnlyList<string> names, int rows) =>
        new(names.Select((name, i) => new KeyValuePair<string, double[]>(name,
            Arrays[i].Length == rows ? Arrays[i] : Arrays[i].AsSpan(0, rows).ToArray())));
}

/// <summary>Joining and slicing samples for chunked reading.</summary>
internal static class EventSampleBuilder
{
    /// <summary>The samples one after the other (all with the same columns).</summary>
    public static EventSample Concat(IReadOnlyList<EventSample> parts, IReadOnlyList<string>? names = null)
    {
        names ??= parts.Count > 0 ? parts[0].ColumnNames : [];
        long total = parts.Sum(p => (long)p.Count);
        if (total > Array.MaxLength) throw new InvalidOperationException($"{total} events are more than a .NET array can hold");
        var columns = new List<KeyValuePair<string, double[]>>();
        foreach (var name in names)
        {
            var values = LargeArrays.Doubles((int)total);
            int at = 0;
            foreach (var p in parts)
            {
                p[name].CopyTo(values.AsSpan(at));
                at += p.Count;
            }
            columns.Add(new(name, values));
        }
        return new EventSample(columns);
    }

    /// <summary>Rows [start, start + count) of a sample.</summary>
    public static EventSample Slice(EventSample sample, int start, int count) =>
        start == 0 && count == sample.Count ? sample
        : new EventSample(sample.ColumnNames.Select(n => new KeyValuePair<string, double[]>(n, sample[n].Slice(start, count).ToArray())));

    /// <summary>Re-cuts a sequence of samples of any sizes into samples of exactly <paramref name="chunk"/> rows (the last may have fewer).</summary>
    public static IEnumerable<EventSample> Rechunk(IEnumerable<EventSample> parts, int chunk)
    {
        var pending = new List<EventSample>();
        int pendingRows = 0;
        foreach (var part in parts)
        {
            int offset = 0;
            while (offset < part.Count)
            {
                int take = Math.Min(chunk - pendingRows, part.Count - offset);
                pending.Add(Slice(part, offset, take));
                pendingRows += take;
                offset += take;
                if (pendingRows == chunk)
                {
                    yield return pending.Count == 1 ? pending[0] : Concat(pending);
                    pending.Clear();
                    pendingRows = 0;
                }
            }
        }
        if (pendingRows > 0) yield return pending.Count == 1 ? pending[0] : Concat(pending);
    }
}
