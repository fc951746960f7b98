namespace PartialWave.Data;

/// <summary>Events as named double columns (structure of arrays), all of one length.</summary>
public sealed class EventSample
{
    private readonly Dictionary<string, double[]> _columns;
    private readonly List<string> _names;

    /// <summary>Builds a sample from columns; all must have the same length.</summary>
    public EventSample(IEnumerable<KeyValuePair<string, double[]>> columns)
    {
        _columns = new Dictionary<string, double[]>(StringComparer.Ordinal);
        _names = new List<string>();
        int? length = null;
        foreach (var (name, values) in columns)
        {
            if (length is not null && values.Length != length)
                throw new ArgumentException($"column '{name}' has {values.Length} values, the others {length}");
            if (!_columns.TryAdd(name, values)) throw new ArgumentException($"column '{name}' appears twice");
            _names.Add(name);
            length = values.Length;
        }
        Count = length ?? 0;
    }

    /// <summary>Number of events.</summary>
    public int Count { get; }

    /// <summary>Column names in file order.</summary>
    public IReadOnlyList<string> ColumnNames => _names;

    /// <summary>True when the sample has the column.</summary>
    public bool Contains(string name) => _columns.ContainsKey(name);

    /// <summary>The array behind a column (the readers and writers use it without copying; callers must not write to it).</summary>
    internal double[] Column(string name) => _columns.TryGetValue(name, out var c) ? c
        : throw new KeyNotFoundException($"the sample has no column '{name}' (it has {string.Join(", ", _names)})");

    /// <summary>The values of a column.</summary>
    public ReadOnlySpan<double> this[string name] => _columns.TryGetValue(name, out var c) ? c
        : throw new KeyNotFoundException($"the sample has no column '{name}' (it has {string.Join(", ", _names)})");

    /// <summary>Events <paramref name="start"/> to <paramref name="start"/> + <paramref name="count"/> - 1 as a new sample (copied).</summary>
    public EventSample Slice(int start, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (start + count > Count) throw new ArgumentOutOfRangeException(nameof(count), $"events {start}..{start + count - 1} of a sample of {Count}");
        return new EventSample(_names.Select(n => new KeyValuePair<string, double[]>(n, _columns[n].AsSpan(start, count).ToArray())));
    }
}
