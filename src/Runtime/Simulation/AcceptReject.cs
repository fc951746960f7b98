using System.Diagnostics;
using PartialWave.Data;

namespace PartialWave.Simulation;

/// <summary>
/// Fills <paramref name="destination"/> with uniform numbers in [0, 1) for the events
/// <paramref name="firstEvent"/>, <paramref name="firstEvent"/> + 1, …: a pure function of the event index (a
/// counter-based generator), so a run is the same for any batch size or thread count.
/// </summary>
public delegate void UniformFill(long firstEvent, Span<double> destination);

/// <summary>
/// Candidate events <paramref name="firstEvent"/> … <paramref name="firstEvent"/> + <paramref name="count"/> − 1 (same
/// index, same event). A batch is read completely before the next is asked for, so a generator may reuse its arrays.
/// </summary>
public delegate EventSample CandidateBatch(long firstEvent, int count);

/// <summary>Where a simulation stands.</summary>
/// <param name="Generated">Candidates drawn so far.</param>
/// <param name="Accepted">Events kept so far.</param>
/// <param name="EventsPerSecond">Candidates per second.</param>
/// <param name="Maximum">The maximum the acceptance uses.</param>
public sealed record SimulationProgress(long Generated, long Accepted, double EventsPerSecond, double Maximum);

/// <summary>An accept-reject run.</summary>
/// <param name="Events">The kept events (candidate columns), in candidate order.</param>
/// <param name="Generated">Candidates drawn (up to the last kept event).</param>
/// <param name="Maximum">The maximum used by the final pass.</param>
/// <param name="Restarts">Passes restarted because a candidate exceeded the assumed maximum (each with the larger one).</param>
/// <param name="Seconds">Wall time.</param>
public sealed record SimulationResult(EventSample Events, long Generated, double Maximum, IReadOnlyList<string> Restarts, double Seconds)
{
    /// <summary>Kept fraction.</summary>
    public double Efficiency => Generated == 0 ? 0 : (double)Events.Count / Generated;
}

/// <summary>
/// Accept-reject simulation of an intensity over candidate events (a phase-space sample, flat events, or weighted
/// ones): a candidate is kept when u · max &lt; I · w (w the candidate's weight column, if any). One global maximum
/// serves every batch — a per-batch maximum would bias the sample — estimated from a first batch and padded; a
/// candidate above it is never clipped: the run restarts from the first event with the larger maximum and says so.
/// Candidates and random numbers are keyed by event index, so the result depends on the seed alone. Each batch is
/// evaluated once: compile the intensity with <see cref="LambdifyOptions.Hoisting"/> off (hoisting pays off only on
/// samples evaluated many times).
/// </summary>
public sealed class AcceptReject : IDisposable
{
    private readonly bool _ownsWorkers;
    private readonly IParametrizedFunction _intensity;
    private readonly IParametrizedFunction[] _workers;
    private readonly CandidateBatch _candidates;
    private readonly UniformFill _uniforms;

    /// <summary>Sets up a simulation.</summary>
    /// <param name="intensity">Real-valued, non-negative model.</param>
    /// <param name="candidates">Candidate generator keyed by event index.</param>
    /// <param name="uniforms">Acceptance numbers keyed by event index (a stream separate from the candidates').</param>
    public AcceptReject(IParametrizedFunction intensity, CandidateBatch candidates, UniformFill uniforms)
    {
        if (intensity.IsComplexValued) throw new ArgumentException("accept-reject needs a real-valued intensity");
        _intensity = intensity;
        _workers = [intensity];
        _candidates = candidates;
        _uniforms = uniforms;
    }

    /// <summary>
    /// Sets up a simulation on several cores: each worker has its own copy of the intensity (made by
    /// <paramref name="intensityFactory"/>, best compiled single-threaded) and takes whole batches, generating,
    /// evaluating and accepting each while it is in cache. The sample is the same as with one worker and the same
    /// batch size: batches are merged in order.
    /// </summary>
    /// <param name="intensityFactory">Makes one intensity per worker.</param>
    /// <param name="candidates">Candidate generator keyed by event index; called from several threads at once.</param>
    /// <param name="uniforms">Acceptance numbers keyed by event index; called from several threads at once.</param>
    /// <param name="workers">Workers (all cores when 0).</param>
    public AcceptReject(Func<IParametrizedFunction> intensityFactory, CandidateBatch candidates, UniformFill uniforms, int workers = 0)
        : this(intensityFactory(), candidates, uniforms)
    {
        int count = workers > 0 ? workers : Environment.ProcessorCount;
        _workers = [_intensity, .. Enumerable.Range(1, Math.Max(0, count - 1)).Select(_ => intensityFactory())];
        _ownsWorkers = true;
    }

    /// <summary>Releases the intensities the factory made (an intensity passed in stays the caller's).</summary>
    public void Dispose()
    {
        if (!_ownsWorkers) return;
        foreach (var w in _workers) w.Dispose();
    }

    /// <summary>Candidates per batch (memory, not results, depends on it).</summary>
    public int BatchSize { get; init; } = 1 << 18;
    /// <summary>Candidates whose largest intensity, padded, sets the maximum (when none is given).</summary>
    public int EstimateCandidates { get; init; } = 1 << 17;
    /// <summary>Factor applied to the largest intensity seen when setting the maximum.</summary>
    public double Padding { get; init; } = 1.05;
    /// <summary>A known maximum (skips the estimate; still checked).</summary>
    public double? Maximum { get; init; }
    /// <summary>Column of candidate weights (importance sampling, weighted phase space); null for unweighted candidates.</summary>
    public string? WeightColumn { get; init; }
    /// <summary>Called after each batch.</summary>
    public Action<SimulationProgress>? Progress { get; init; }

    /// <summary>Draws until <paramref name="target"/> events are kept (or <paramref name="maxCandidates"/> are drawn).</summary>
    /// <exception cref="InvalidOperationException">The intensity is negative or not finite somewhere (the message says where).</exception>
    public SimulationResult Run(long target, long maxCandidates = long.MaxValue)
    {
        if (target < 0) throw new ArgumentOutOfRangeException(nameof(target));
        var sw = Stopwatch.StartNew();
        var restarts = new List<string>();
        double max = Maximum ?? EstimateMaximum();
        while (true)
        {
            var pass = Pass(max, target, maxCandidates, sw);
            if (pass.Exceeded is not { } seen)
                return new SimulationResult(pass.Events, pass.Generated, max, restarts, sw.Elapsed.TotalSeconds);
            double larger = seen.Value * Padding;
            restarts.Add($"candidate {seen.Index} has I·w = {seen.Value:G6} above the assumed maximum {max:G6}; restarted with {larger:G6}");
            max = larger;
        }
    }

    /// <summary>
    /// A weighted sample instead of an unweighted one: the first <paramref name="count"/> candidates with a column
    /// <paramref name="weightName"/> holding I · w (no acceptance, no maximum needed).
    /// </summary>
    public EventSample Weighted(int count, string weightName = "weight")
    {
        var batch = _candidates(0, count);
        if (batch.Contains(weightName) && weightName != WeightColumn)
            throw new ArgumentException($"the candidates already have a column '{weightName}'");
        var values = Values(batch, 0);
        return new EventSample(batch.ColumnNames.Where(c => c != weightName)
            .Select(c => new KeyValuePair<string, double[]>(c, batch[c].ToArray()))
            .Append(new KeyValuePair<string, double[]>(weightName, values)).ToList());
    }

    private double EstimateMaximum()
    {
        var batch = _candidates(0, EstimateCandidates);
        var values = Values(batch, 0);
        double max = 0;
        foreach (var v in values) max = Math.Max(max, v);
        if (!(max > 0)) throw new InvalidOperationException($"the intensity is zero on all {batch.Count} candidates used to estimate the maximum: nothing can be accepted");
        return max * Padding;
    }

    private double[] Values(EventSample batch, long first, double[]? buffer = null, IParametrizedFunction? intensity = null, bool check = true)
    {
        var values = buffer is not null && buffer.Length >= batch.Count ? buffer : new double[batch.Count];
        (intensity ?? _intensity).Evaluate(batch, values);
        int n = batch.Count;
        if (WeightColumn is not null)
        {
            var weights = batch[WeightColumn];
            for (int i = 0; i < n; i++) values[i] *= weights[i];
        }
        if (!check) return values;
        // One branch-free pass finds whether anything is negative, NaN or infinite; only then is the place looked up.
        bool bad = false;
        for (int i = 0; i < n; i++) bad |= !(values[i] >= 0 && values[i] <= double.MaxValue);
        if (bad) Check(values, n, first);
        return values;
    }

    private void Check(double[] values, int n, long first)
    {
        int at = Array.FindIndex(values, 0, n, v => !(v >= 0 && v <= double.MaxValue));
        if (at >= 0)
            throw new InvalidOperationException($"the intensity{(WeightColumn is null ? "" : " times the weight")} is {values[at]} at candidate {first + at}: it must be finite and not negative");
    }

    /// <summary>One batch worked by one worker: its kept rows (compacted), their indices, its first excess.</summary>
    private sealed record BatchOutcome(EventSample Kept, int[] Rows, int Count, int ExceedAt, double ExceedValue);

    private BatchOutcome Work(IParametrizedFunction intensity, long first, int n, double max)
    {
        var batch = _candidates(first, n);
        var pool = System.Buffers.ArrayPool<double>.Shared;
        var buffer = pool.Rent(n);
        var u = pool.Rent(n);
        var rows = new int[n];
        try
        {
            var values = Values(batch, first, buffer, intensity, check: false);
            // A lone worker fills the acceptance numbers on all cores; several workers each fill their own batch.
            if (_workers.Length == 1) FillUniforms(first, u, n);
            else _uniforms(first, u.AsSpan(0, n));
            int k = 0, exceedAt = -1;
            bool bad = false;
            for (int i = 0; i < n; i++)
            {
                double v = values[i];
                bad |= !(v >= 0 && v <= double.MaxValue);
                if (v > max && exceedAt < 0) exceedAt = i;
                rows[k] = i;
                k += u[i] * max < v ? 1 : 0;
            }
            if (bad) Check(values, n, first);
            return new BatchOutcome(Rows(batch, rows, k), rows, k, exceedAt, exceedAt >= 0 ? values[exceedAt] : 0);
        }
        finally
        {
            pool.Return(buffer);
            pool.Return(u);
        }
    }

    // Waves of batches, one or more per worker, merged in batch order: the sample is the same for any number of
    // workers.
    private (EventSample Events, long Generated, (long Index, double Value)? Exceeded) Pass(double max, long target, long maxCandidates, Stopwatch sw)
    {
        var kept = new List<EventSample>();
        long accepted = 0, generated = 0;
        int workers = _workers.Length;
        // Waves start with one batch per worker and double up to sixteen (fewer thread hand-offs on long runs, little
        // work past the target on short ones); batches past the target are dropped.
        int maxPerWorker = workers == 1 ? 1 : 16;
        var outcomes = new BatchOutcome?[maxPerWorker * workers];
        var sizes = new int[maxPerWorker * workers];
        var errors = new InvalidOperationException?[maxPerWorker * workers];
        int perWave = workers;
        while (accepted < target && generated < maxCandidates)
        {
            long start = generated;
            int batches = 0;
            for (; batches < perWave && start < maxCandidates; batches++)
            {
                sizes[batches] = (int)Math.Min(BatchSize, maxCandidates - start);
                start += sizes[batches];
            }
            long waveFirst = generated;
            int inWave = batches;
            // Worker w takes batches w, w + workers, ... of the wave with its own copy of the intensity.
            // A bad intensity stops its worker; the error of the earliest batch is the one reported (every batch
            // before it has finished), so the message is the same for any number of workers.
            Array.Clear(errors);
            void Worker(int w)
            {
                for (int b = w; b < inWave; b += workers)
                {
                    long first = waveFirst;
                    for (int j = 0; j < b; j++) first += sizes[j];
                    try { outcomes[b] = Work(_workers[w], first, sizes[b], max); }
                    catch (InvalidOperationException e) { errors[b] = e; return; }
                }
            }
            if (workers == 1) Worker(0);
            else Parallel.For(0, Math.Min(workers, inWave), new ParallelOptions { MaxDegreeOfParallelism = workers }, Worker);
            for (int b = 0; b < inWave; b++)
                if (errors[b] is { } error) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(error).Throw();
            for (int b = 0; b < batches; b++)
            {
                var o = outcomes[b]!;
                if (o.ExceedAt >= 0)
                {
                    int keptBefore = 0;
                    while (keptBefore < o.Count && o.Rows[keptBefore] < o.ExceedAt) keptBefore++;
                    if (accepted + keptBefore < target) return (o.Kept, generated + o.ExceedAt, (generated + o.ExceedAt, o.ExceedValue));
                }
                if (accepted + o.Count >= target)
                {
                    int take = (int)(target - accepted);
                    kept.Add(Take(o.Kept, take));
                    generated += o.Rows[take - 1] + 1;
                    accepted = target;
                    break;
                }
                kept.Add(o.Kept);
                accepted += o.Count;
                generated += sizes[b];
            }
            Progress?.Invoke(new SimulationProgress(generated, accepted, generated / Math.Max(sw.Elapsed.TotalSeconds, 1e-9), max));
            perWave = Math.Min(2 * perWave, maxPerWorker * workers);
        }
        return (Gather(kept), generated, null);
    }

    private static EventSample Take(EventSample sample, int count) =>
        new(sample.ColumnNames.Select(c => new KeyValuePair<string, double[]>(c, sample[c][..count].ToArray())).ToList());

    // The acceptance numbers of a batch, filled in parallel slices (each a pure function of its event indices).
    private void FillUniforms(long first, double[] u, int n)
    {
        const int slice = 1 << 16;
        int slices = (n + slice - 1) / slice;
        if (slices <= 1)
        {
            _uniforms(first, u.AsSpan(0, n));
            return;
        }
        Parallel.For(0, slices, k =>
        {
            int start = k * slice;
            _uniforms(first + start, u.AsSpan(start, Math.Min(slice, n - start)));
        });
    }

    // The kept rows copied out at once: candidate generators may reuse their arrays for the next batch.
    private static EventSample Rows(EventSample batch, int[] rows, int count) =>
        new(batch.ColumnNames.Select(c =>
        {
            var source = batch[c];
            var column = new double[count];
            for (int r = 0; r < column.Length; r++) column[r] = source[rows[r]];
            return new KeyValuePair<string, double[]>(c, column);
        }).ToList());

    // The kept events of every batch, one after the other.
    private static EventSample Gather(List<EventSample> kept)
    {
        if (kept.Count == 0) return new EventSample([]);
        var names = kept[0].ColumnNames;
        int total = kept.Sum(k => k.Count);
        return new EventSample(names.Select(name =>
        {
            var column = new double[total];
            int at = 0;
            foreach (var batch in kept)
            {
                batch[name].CopyTo(column.AsSpan(at));
                at += batch.Count;
            }
            return new KeyValuePair<string, double[]>(name, column);
        }).ToList());
    }
}
