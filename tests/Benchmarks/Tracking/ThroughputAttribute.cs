using System.Reflection;

namespace PartialWave.Benchmarks.Tracking;

/// <summary>
/// What one operation of a benchmark does, in the unit a physicist counts (events, fits, models): the perf summary
/// reports count / median time as a rate beside the time. On a method, or on the class for all its methods.
/// </summary>
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Class)]
public sealed class ThroughputAttribute(double count, string unit) : Attribute
{
    /// <summary>Units per operation.</summary>
    public double Count { get; } = count;
    /// <summary>The unit, plural ("events", "fits").</summary>
    public string Unit { get; } = unit;

    /// <summary>The attribute on the method, else on the benchmark class (which may inherit the method); null when neither has one.</summary>
    public static ThroughputAttribute? Of(MethodInfo method, Type benchmarkType) =>
        method.GetCustomAttribute<ThroughputAttribute>() ?? benchmarkType.GetCustomAttribute<ThroughputAttribute>(inherit: true);
}

/// <summary>
/// Leaves a benchmark class out of runs with no <c>--filter</c> (and so out of the gate): it measures hardware CI does
/// not have, or takes minutes there. It runs when a filter names it, e.g. <c>--filter 'GpuThroughputBenchmarks.*'</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class OnDemandAttribute : Attribute;
