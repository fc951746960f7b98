using System.Reflection;
using System.Reflection.Emit;
using PartialWave.Backends.Gpu;
using PartialWave.Symbolic;
using M = PartialWave.Backends.Gpu.GpuMath<PartialWave.Numerics.ManagedFma>;
using Xunit.Abstractions;
using PartialWave.Numerics;
using PartialWave.Engine.Tests.Runtime.Backends;

namespace PartialWave.Engine.Tests.Gpu;

/// <summary>
/// <see cref="GpuMath{TFma}"/> (with Math's FMA, as the CPU accelerator runs it), the elementary functions GPU kernels call, against <see cref="Math"/>: seeded random values
/// over each function's domain and many magnitudes, values near the hard spots (zeros of sine and cosine, log near 1,
/// exp near overflow and underflow) and every special value. Accuracy in ulp (see <see cref="VectorMathTests.UlpDistance"/>).
/// </summary>
public class GpuMathTests(ITestOutputHelper output)
{
    // Measured maxima over these sweeps: see the test output; the bound leaves slack for the platform's Math.
    private const long MaxUlp = 3;

    private static readonly double[] Specials =
    [
        double.NaN, double.PositiveInfinity, double.NegativeInfinity, 0.0, -0.0, double.Epsilon, -double.Epsilon, 1e-310, -1e-310,
        2.2250738585072014E-308, 1e-300, -1e-300, 1e-20, -1e-20, 1e-8, -1e-8, 0.5, -0.5, 1.0, -1.0, Math.BitIncrement(1.0),
        Math.BitDecrement(1.0), -Math.BitIncrement(1.0), -Math.BitDecrement(1.0), 2.0, -2.0, Math.PI, -Math.PI, Math.PI / 2,
        -Math.PI / 2, Math.PI / 4, 10.0, -10.0, 1e5, -1e5, 0.4375, 0.6875, 1.1875, 2.4375, 0.625, 0.975, 22.0, -22.0, 709.78,
        710.4758600739439, -710.4758600739439, 710.48, 745.2, -745.2, -745.13, 1e300, -1e300,
    ];

    private static IEnumerable<double> Sweep(double lo, double hi, int n, int seed)
    {
        var rng = new Random(seed);
        for (int i = 0; i < n; i++) yield return lo + (hi - lo) * rng.NextDouble();
    }

    // Random magnitudes from 1e-300 to 1e300 with both signs.
    private static IEnumerable<double> Magnitudes(int n, int seed, double maxExponent = 300)
    {
        var rng = new Random(seed);
        for (int i = 0; i < n; i++) yield return (rng.Next(2) == 0 ? 1 : -1) * Math.Pow(10, (rng.NextDouble() * 2 - 1) * maxExponent);
    }

    private long Check(string name, Func<double, double> gpu, Func<double, double> reference, IEnumerable<double> inputs, double limit = double.PositiveInfinity)
    {
        long worst = 0;
        double at = 0;
        foreach (var x in inputs.Concat(Specials))
        {
            if (Math.Abs(x) > limit)
            {
                Assert.True(double.IsNaN(gpu(x)), $"{name}({x:R}) beyond the limit {limit} must be NaN, not {gpu(x):R}");
                continue;
            }
            long u = VectorMathTests.UlpDistance(reference(x), gpu(x));
            if (u > worst) { worst = u; at = x; }
        }
        output.WriteLine($"{name}: worst {worst} ulp at {at:R}");
        Assert.True(worst <= MaxUlp, $"{name}({at:R}) = {gpu(at):R}, Math gives {reference(at):R} ({worst} ulp)");
        return worst;
    }

    [Fact]
    public void Exp_and_log()
    {
        Check("exp", M.Exp, Math.Exp, Sweep(-745.2, 709.8, 100_000, 1).Concat(Sweep(-1, 1, 20_000, 2)).Concat(Magnitudes(5000, 3, 3)));
        Check("log", M.Log, Math.Log, Magnitudes(100_000, 4).Select(Math.Abs).Concat(Sweep(0.999, 1.001, 20_000, 5)).Concat(Sweep(0, 4, 20_000, 6)));
    }

    [Fact]
    public void Sine_cosine_and_tangent()
    {
        // Near multiples of π/2 the results are tiny: the three-word reduction must keep their relative accuracy.
        var nearZeros = Enumerable.Range(-2000, 4001).SelectMany(k => new[] { k * Math.PI / 2, Math.BitIncrement(k * Math.PI / 2), Math.BitDecrement(k * Math.PI / 2) });
        var inputs = Sweep(-20, 20, 100_000, 7).Concat(Sweep(-1e6, 1e6, 20_000, 8)).Concat(Magnitudes(5000, 9, 6)).Concat(nearZeros).ToList();
        inputs.AddRange([GpuMath.TrigonometricLimit, -GpuMath.TrigonometricLimit, Math.BitIncrement(GpuMath.TrigonometricLimit), 1e15]);
        Check("sin", M.Sin, Math.Sin, inputs, GpuMath.TrigonometricLimit);
        Check("cos", M.Cos, Math.Cos, inputs, GpuMath.TrigonometricLimit);
        Check("tan", M.Tan, Math.Tan, inputs, GpuMath.TrigonometricLimit);
    }

    [Fact]
    public void Inverse_trigonometric()
    {
        Check("asin", M.Asin, Math.Asin, Sweep(-1, 1, 100_000, 10).Concat(Magnitudes(5000, 11, 20)));
        Check("acos", M.Acos, Math.Acos, Sweep(-1, 1, 100_000, 12).Concat(Magnitudes(5000, 13, 20)));
        Check("atan", M.Atan, Math.Atan, Sweep(-50, 50, 100_000, 14).Concat(Magnitudes(20_000, 15)));
        var rng = new Random(16);
        long worst = 0;
        var values = Sweep(-10, 10, 300, 17).Concat(Specials).Concat(Magnitudes(300, 18)).ToArray();
        foreach (var y in values)
            foreach (var x in values.Take(400))
                worst = Math.Max(worst, VectorMathTests.UlpDistance(Math.Atan2(y, x), M.Atan2(y, x)));
        output.WriteLine($"atan2: worst {worst} ulp");
        Assert.True(worst <= MaxUlp);
    }

    [Fact]
    public void Hyperbolic_and_power()
    {
        Check("sinh", M.Sinh, Math.Sinh, Sweep(-712, 712, 100_000, 19).Concat(Sweep(-2, 2, 20_000, 20)));
        Check("cosh", M.Cosh, Math.Cosh, Sweep(-712, 712, 100_000, 21).Concat(Sweep(-2, 2, 20_000, 22)));
        Check("tanh", M.Tanh, Math.Tanh, Sweep(-30, 30, 100_000, 23).Concat(Sweep(-1, 1, 20_000, 24)));
        long worst = 0;
        double wx = 0, wy = 0;
        var bases = Sweep(0, 10, 300, 25).Concat(Sweep(-10, 0, 100, 26)).Concat(Specials).Concat(Magnitudes(200, 27)).ToArray();
        var exponents = Sweep(-20, 20, 200, 28).Concat(Enumerable.Range(-5, 11).Select(i => (double)i)).Concat(Specials).Concat([0.5, -0.5, 1.5]).ToArray();
        foreach (var x in bases)
            foreach (var y in exponents)
            {
                long u = VectorMathTests.UlpDistance(Math.Pow(x, y), M.Pow(x, y));
                if (u > worst) { worst = u; wx = x; wy = y; }
            }
        output.WriteLine($"pow: worst {worst} ulp at ({wx:R}, {wy:R})");
        Assert.True(worst <= MaxUlp, $"pow({wx:R}, {wy:R}) = {M.Pow(wx, wy):R}, Math gives {Math.Pow(wx, wy):R}");
    }

    [Fact]
    public void The_remainder_is_exact_for_any_quotient()
    {
        var rng = new Random(29);
        // divisors include subnormals (exponent field 0) and values just above them
        var values = Magnitudes(400, 30).Concat(Specials).Concat(Sweep(-10, 10, 200, 31))
            .Concat([5 * double.Epsilon, -3 * double.Epsilon, 1e-310, 2.5e-308, 1e-320]).ToArray();
        int compared = 0;
        foreach (var a in values)
            foreach (var b in values.Take(300).Concat(values.TakeLast(5)))
            {
                double expected = a % b, actual = M.Fmod(a, b);
                Assert.True(BitConverter.DoubleToInt64Bits(expected) == BitConverter.DoubleToInt64Bits(actual) || double.IsNaN(expected) && double.IsNaN(actual),
                    $"fmod({a:R}, {b:R}) = {actual:R}, % gives {expected:R}");
                compared++;
            }
        Assert.True(compared > 100_000);
        // and Python's modulo built on it: the sign of the divisor
        Assert.Equal(1.0, GpuOps<ManagedFma>.Mod(-5, 3));
        Assert.Equal(-1.0, GpuOps<ManagedFma>.Mod(5, -3));
        // min and max order -0 below +0, as Math does
        Assert.True(double.IsNegative(GpuOps<ManagedFma>.Min(0.0, -0.0)) && double.IsNegative(GpuOps<ManagedFma>.Min(-0.0, 0.0)));
        Assert.False(double.IsNegative(GpuOps<ManagedFma>.Max(0.0, -0.0)) || double.IsNegative(GpuOps<ManagedFma>.Max(-0.0, 0.0)));
        Assert.Equal(PartialWave.Compilation.IrInterpreter.PythonMod(1e300, 3.7), GpuOps<ManagedFma>.Mod(1e300, 3.7));
    }

    // The GPU's functions must not reach Math's transcendental functions: ILGPU.Algorithms maps those to CORDIC
    // routines on CUDA (1e-8 relative errors measured), nor the double remainder (inexact there). Only what every
    // backend has as an instruction is allowed.
    [Fact]
    public void Gpu_operations_call_no_transcendental_function_of_Math()
    {
        string[] allowed = ["Sqrt", "Floor", "Ceiling", "Abs"]; // FMA goes through ScalarMath.Fma (PTX has no mapping for Math's)
        var calls = new List<string>();
        foreach (var type in new[] { typeof(GpuOps<>), typeof(GpuMath<>) })
            foreach (var m in type.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.DeclaredOnly))
                foreach (var callee in Callees(m))
                    if (callee is null) calls.Add($"{type.Name}.{m.Name} uses the remainder instruction (inexact on CUDA: use M.Fmod)");
                    else if (callee.DeclaringType == typeof(Math) && !allowed.Contains(callee.Name)) calls.Add($"{type.Name}.{m.Name} calls Math.{callee.Name}");
        Assert.Empty(calls);
    }

    // Methods called, and null for each remainder instruction.
    private static IEnumerable<MethodBase?> Callees(MethodInfo method)
    {
        var il = method.GetMethodBody()?.GetILAsByteArray() ?? [];
        var oneByte = typeof(OpCodes).GetFields().Select(f => (OpCode)f.GetValue(null)!).Where(o => o.Size == 1).ToDictionary(o => o.Value);
        var twoByte = typeof(OpCodes).GetFields().Select(f => (OpCode)f.GetValue(null)!).Where(o => o.Size == 2).ToDictionary(o => (byte)(o.Value & 0xFF));
        for (int i = 0; i < il.Length;)
        {
            var op = il[i] == 0xFE ? twoByte[il[++i]] : oneByte[il[i]];
            i++;
            if (op == OpCodes.Call || op == OpCodes.Callvirt)
                yield return method.Module.ResolveMethod(BitConverter.ToInt32(il, i), method.DeclaringType!.GetGenericArguments(), method.GetGenericArguments())!;
            if (op == OpCodes.Rem) yield return null;
            i += op.OperandType switch
            {
                OperandType.InlineNone => 0,
                OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
                OperandType.InlineVar => 2,
                OperandType.InlineI8 or OperandType.InlineR => 8,
                OperandType.InlineSwitch => 4 + 4 * BitConverter.ToInt32(il, i),
                _ => 4,
            };
        }
    }
}
