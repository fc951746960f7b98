namespace PartialWave.Compilation;

/// <summary>
/// Counts of compiler work done in this process, so tests can show that a precompiled model reaches its first
/// evaluation without lowering an expression or generating code.
/// </summary>
internal static class CompilerActivity
{
    private static long _lowerings, _emittedMethods;

    /// <summary>Expressions lowered to kernel IR.</summary>
    public static long Lowerings => Interlocked.Read(ref _lowerings);
    /// <summary>Methods generated at run time (DynamicMethods).</summary>
    public static long EmittedMethods => Interlocked.Read(ref _emittedMethods);

    internal static void Lowered() => Interlocked.Increment(ref _lowerings);
    internal static void Emitted() => Interlocked.Increment(ref _emittedMethods);
}
