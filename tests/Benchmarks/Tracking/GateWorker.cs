using System.Diagnostics;
using System.Globalization;
using System.Linq.Expressions;
using System.Reflection;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;

namespace PartialWave.Benchmarks.Tracking;

/// <summary>
/// One side of the paired gate: a process of this benchmark program that runs workloads on command, so that the
/// gate can alternate single iterations of the reference's and the candidate's code a fraction of a second apart
/// (<see cref="PairedSession"/>). It speaks the protocol of tests/Benchmarks/gate-protocol, one line per command and
/// one line per answer on standard input and output:
/// <list type="bullet">
/// <item><c>list</c>: the workload names, one per line, then <c>end</c>.</item>
/// <item><c>setup NAME</c>: creates the benchmark object with its parameters and runs its [GlobalSetup];
/// <c>ok N</c> where N is 1 when the benchmark has an [IterationSetup] (one invocation per iteration), else 0.</item>
/// <item><c>run N</c>: one iteration of N invocations ([IterationSetup] first, untimed); <c>time NANOSECONDS</c>.</item>
/// <item><c>cleanup</c>: [GlobalCleanup]; <c>ok</c>. <c>quit</c>: exits.</item>
/// </list>
/// A command that throws answers <c>error MESSAGE</c> (one line) and the worker goes on. Workloads are the
/// BenchmarkDotNet cases of the suite (parameters included, named as in every summary), on-demand classes and the
/// calibration left out.
/// </summary>
public sealed class GateWorker : IGateWorker
{
    private readonly Dictionary<string, BenchmarkCase> _cases;
    private readonly Action<object>? _prepare;
    private BenchmarkCase? _case;
    private object? _instance;
    private Func<object?>? _workload;
    private Action? _iterationSetup;

    /// <summary>The suite of <paramref name="assembly"/>: its benchmark classes less the on-demand ones and the calibration.</summary>
    public GateWorker(Assembly assembly)
        : this(PerfRunner.BenchmarkTypes(assembly).Where(t => t != typeof(CalibrationBenchmarks)))
    {
    }

    /// <summary>The benchmarks of <paramref name="types"/>; <paramref name="prepare"/> sees each new benchmark object before its setup.</summary>
    public GateWorker(IEnumerable<Type> types, Action<object>? prepare = null)
    {
        var config = ManualConfig.CreateEmpty();
        _cases = types.SelectMany(t => BenchmarkConverter.TypeToBenchmarks(t, config).BenchmarksCases)
            .ToDictionary(PerfRunner.NameOf, StringComparer.Ordinal);
        _prepare = prepare;
    }

    public HashSet<string> List() => new(_cases.Keys, StringComparer.Ordinal);

    /// <summary>[GlobalCleanup] where something is set up; a failing cleanup is not the measurement's business.</summary>
    public void TryCleanup()
    {
        try { Cleanup(); } catch (TargetInvocationException) { }
    }

    /// <summary>Answers commands from <paramref name="input"/> until <c>quit</c> or the end of input.</summary>
    public void Serve(TextReader input, TextWriter output)
    {
        output.WriteLine("ready " + PairedSession.Protocol);
        output.Flush();
        while (input.ReadLine() is { } line)
        {
            var (command, argument) = line.IndexOf(' ') is var k and >= 0 ? (line[..k], line[(k + 1)..]) : (line, "");
            if (command == "quit") break;
            try
            {
                switch (command)
                {
                    case "list":
                        foreach (var name in _cases.Keys.Order(StringComparer.Ordinal)) output.WriteLine(name);
                        output.WriteLine("end");
                        break;
                    case "setup":
                        output.WriteLine("ok " + (Setup(argument) ? "1" : "0"));
                        break;
                    case "run":
                        output.WriteLine("time " + Run(long.Parse(argument, CultureInfo.InvariantCulture)).ToString("R", CultureInfo.InvariantCulture));
                        break;
                    case "cleanup":
                        Cleanup();
                        output.WriteLine("ok");
                        break;
                    default:
                        output.WriteLine($"error unknown command '{command}'");
                        break;
                }
            }
            catch (Exception e)
            {
                var inner = e is TargetInvocationException { InnerException: { } i } ? i : e;
                output.WriteLine("error " + $"{inner.GetType().Name}: {inner.Message}".ReplaceLineEndings(" "));
            }
            output.Flush();
        }
    }

    /// <summary>The benchmark object of <paramref name="name"/>, parameters set and [GlobalSetup] run; true when it has an [IterationSetup].</summary>
    public bool Setup(string name)
    {
        if (_case is not null) Cleanup();
        if (!_cases.TryGetValue(name, out var c)) throw new ArgumentException($"no workload '{name}'");
        var type = c.Descriptor.Type;
        var instance = Activator.CreateInstance(type)!;
        foreach (var p in c.Parameters.Items)
        {
            const BindingFlags flags = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static;
            if (type.GetProperty(p.Name, flags) is { } property) property.SetValue(property.GetMethod!.IsStatic ? null : instance, p.Value);
            else if (type.GetField(p.Name, flags) is { } field) field.SetValue(field.IsStatic ? null : instance, p.Value);
            else throw new InvalidOperationException($"{type.Name} has no parameter member '{p.Name}'");
        }
        _prepare?.Invoke(instance);
        c.Descriptor.GlobalSetupMethod?.Invoke(instance, null);
        _case = c;
        _instance = instance;
        // A compiled call (not MethodInfo.Invoke): the smallest workloads take tens of microseconds.
        var call = Expression.Call(Expression.Constant(instance), c.Descriptor.WorkloadMethod);
        Expression body = call.Type == typeof(void) ? Expression.Block(call, Expression.Constant(null)) : Expression.Convert(call, typeof(object));
        _workload = Expression.Lambda<Func<object?>>(body).Compile();
        _iterationSetup = c.Descriptor.IterationSetupMethod is { } s ? () => s.Invoke(instance, null) : null;
        return _iterationSetup is not null;
    }

    /// <summary>One iteration: [IterationSetup] (untimed), then <paramref name="invocations"/> calls; nanoseconds per call.</summary>
    public double Run(long invocations)
    {
        var workload = _workload ?? throw new InvalidOperationException("no workload set up");
        if (invocations < 1) throw new ArgumentOutOfRangeException(nameof(invocations), "at least one invocation");
        _iterationSetup?.Invoke();
        // As BenchmarkDotNet does before each iteration: a full collection now, not a pause inside this side's
        // iteration that the other side's paired iteration does not have.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        object? sink = null;
        long start = Stopwatch.GetTimestamp();
        for (long i = 0; i < invocations; i++) sink = workload();
        long stop = Stopwatch.GetTimestamp();
        GC.KeepAlive(sink);
        _case?.Descriptor.IterationCleanupMethod?.Invoke(_instance, null);
        return (stop - start) * (1e9 / Stopwatch.Frequency) / invocations;
    }

    /// <summary>[GlobalCleanup] of the current workload, and it is forgotten.</summary>
    public void Cleanup()
    {
        try { _case?.Descriptor.GlobalCleanupMethod?.Invoke(_instance, null); }
        finally
        {
            (_case, _instance, _workload, _iterationSetup) = (null, null, null, null);
        }
    }
}
