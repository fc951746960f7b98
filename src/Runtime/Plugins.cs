namespace PartialWave;

/// <summary>
/// Finds the implementation of a runtime contract in an optional package (the GPU backend, Parquet files) by its type
/// name, so that the runtime does not reference the package: the application that ships it gets it, one that does not
/// gets null and an error naming the package.
/// </summary>
internal static class Plugins
{
    /// <summary>An instance of <paramref name="assemblyQualifiedName"/> as <typeparamref name="T"/>, or null where that assembly is not shipped.</summary>
    /// <exception cref="InvalidCastException">The type exists but does not implement <typeparamref name="T"/> (packages of different versions).</exception>
    public static T? Find<T>(string assemblyQualifiedName) where T : class =>
        Type.GetType(assemblyQualifiedName, throwOnError: false) is { } type ? (T)Activator.CreateInstance(type, nonPublic: true)! : null;
}
