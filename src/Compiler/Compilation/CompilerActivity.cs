namespace PartialWave.Compilation;

/// <summary>
/// Counts of compiler work done on the current thread, so tests can show that a precompiled model reaches its first
/// evaluation without lowering an expression or generating code. Per thread, because tests run in parallel and
/// compile on their own threads; compiling always happens on the thread that asks for the function or kernel.
/// </summary>
internal static class CompilerActivity
{
    [ThreadStatic] private static long _lowerings, _emittedMethods;

    /// <summary>Expressions lowered to kernel IR on this thread.</summary>
    public static long Lowerings => _lowerings;
    /// <summary>Methods generated at run time (DynamicMethods, or GPU kernel classes compiled with Roslyn) on this thread.</summary>
    public static long EmittedMethods => _emittedMethods;

    internal static void Lowered() => _lowerings++;
    internal static void Emitted() => _emittedMethods++;
}
