using System.Numerics;
using PartialWave.Symbolic;
using PartialWave.Numerics;

namespace PartialWave.Compilation;

/// <summary>
/// Scalar semantics of every IR operation, and an interpreter that runs a whole kernel at one point. Constant
/// folding uses the same code, and tests use the interpreter to check each pass on its own.
/// </summary>
internal static class IrInterpreter
{
    private static double Truth(bool b) => b ? 1.0 : 0.0;

    private static double Compare(double a, double b, Func<double, double, bool> holds) =>
        double.IsNaN(a) || double.IsNaN(b) ? double.NaN : Truth(holds(a, b));

    /// <summary>Python's modulo: the result takes the sign of the divisor.</summary>
    public static double PythonMod(double a, double b)
    {
        if (b == 0 || double.IsNaN(a) || double.IsNaN(b)) return double.NaN;
        double m = a % b;
        if (m != 0 && (b < 0) != (m < 0)) m += b;
        return m;
    }

    /// <summary>Real Heaviside with H(0) = 1/2.</summary>
    public static double Heaviside(double x) => double.IsNaN(x) ? double.NaN : x > 0 ? 1 : x < 0 ? 0 : 0.5;

    /// <summary>Select(cond, a, b): NaN when the condition is undefined.</summary>
    public static double Select(double c, double a, double b) => double.IsNaN(c) ? double.NaN : c != 0 ? a : b;

    /// <summary>Applies one operation to operand values (reals carried in the real part).</summary>
    public static Complex Apply(IrOp op, ReadOnlySpan<Complex> v)
    {
        double a = v.Length > 0 ? v[0].Real : 0, b = v.Length > 1 ? v[1].Real : 0, c = v.Length > 2 ? v[2].Real : 0;
        return op switch
        {
            IrOp.Add => a + b,
            IrOp.Sub => a - b,
            IrOp.Mul => a * b,
            IrOp.Div => a / b,
            IrOp.Neg => -a,
            IrOp.MulAdd => Math.FusedMultiplyAdd(a, b, c),
            IrOp.MulSub => Math.FusedMultiplyAdd(a, b, -c),
            IrOp.NegMulAdd => Math.FusedMultiplyAdd(-a, b, c),
            IrOp.Unsign => a + 0.0,
            IrOp.Sqrt => Math.Sqrt(a),
            IrOp.Exp => Math.Exp(a),
            IrOp.Log => Math.Log(a),
            IrOp.Sin => Math.Sin(a),
            IrOp.Cos => Math.Cos(a),
            IrOp.Tan => Math.Tan(a),
            IrOp.Asin => Math.Asin(a),
            IrOp.Acos => Math.Acos(a),
            IrOp.Atan => Math.Atan(a),
            IrOp.Atan2 => Math.Atan2(a, b),
            IrOp.Sinh => Math.Sinh(a),
            IrOp.Cosh => Math.Cosh(a),
            IrOp.Tanh => Math.Tanh(a),
            IrOp.Pow => Math.Pow(a, b),
            IrOp.Gamma => ScalarMath.Gamma(a).Real,
            IrOp.Erf => ScalarMath.Erf(a),
            IrOp.Abs => Math.Abs(a),
            IrOp.Sign => double.IsNaN(a) ? double.NaN : Math.Sign(a),
            IrOp.Floor => Math.Floor(a),
            IrOp.Ceiling => Math.Ceiling(a),
            IrOp.Min => double.IsNaN(a) || double.IsNaN(b) ? double.NaN : Math.Min(a, b),
            IrOp.Max => double.IsNaN(a) || double.IsNaN(b) ? double.NaN : Math.Max(a, b),
            IrOp.Mod => PythonMod(a, b),
            IrOp.Hypot => double.Hypot(a, b),
            IrOp.Heaviside => Heaviside(a),
            IrOp.Lt => Compare(a, b, (x, y) => x < y),
            IrOp.Le => Compare(a, b, (x, y) => x <= y),
            IrOp.Gt => Compare(a, b, (x, y) => x > y),
            IrOp.Ge => Compare(a, b, (x, y) => x >= y),
            IrOp.Eq => Truth(a == b),
            IrOp.Ne => Truth(a != b),
            IrOp.And => a == 0 || b == 0 ? 0 : double.IsNaN(a) || double.IsNaN(b) ? double.NaN : 1,
            IrOp.Or => (a != 0 && !double.IsNaN(a)) || (b != 0 && !double.IsNaN(b)) ? 1 : double.IsNaN(a) || double.IsNaN(b) ? double.NaN : 0,
            IrOp.Not => double.IsNaN(a) ? double.NaN : Truth(a == 0),
            IrOp.Select => Select(a, b, c),
            IrOp.IsNaN => Truth(double.IsNaN(a)),
            IrOp.IfNegative => a < 0 ? b : 0,
            IrOp.IfNotNegative => a < 0 ? 0 : b,
            IrOp.CMake => new Complex(a, b),
            IrOp.CRe => v[0].Real,
            IrOp.CIm => v[0].Imaginary,
            IrOp.CAdd => v[0] + v[1],
            IrOp.CSub => v[0] - v[1],
            IrOp.CMul => v[0] * v[1],
            IrOp.CDiv => v[0] / v[1],
            IrOp.CNeg => -v[0],
            IrOp.CConj => Complex.Conjugate(v[0]),
            IrOp.CAbs => Complex.Abs(v[0]),
            IrOp.CArg => ScalarMath.Arg(v[0]),
            IrOp.CExp => ScalarMath.Exp(v[0]),
            IrOp.CLog => ScalarMath.Log(v[0]),
            IrOp.CSqrt => ScalarMath.Sqrt(v[0]),
            IrOp.CSin => ScalarMath.Sin(v[0]),
            IrOp.CCos => ScalarMath.Cos(v[0]),
            IrOp.CSinh => ScalarMath.Sinh(v[0]),
            IrOp.CCosh => ScalarMath.Cosh(v[0]),
            IrOp.CTanh => ScalarMath.Tanh(v[0]),
            IrOp.CSign => ScalarMath.Sign(v[0]),
            IrOp.CFloor => ScalarMath.Floor(v[0]),
            IrOp.CCeiling => ScalarMath.Ceiling(v[0]),
            IrOp.CSelect => double.IsNaN(a) ? ScalarMath.NaN : a != 0 ? v[1] : v[2],
            IrOp.SqrtRC => ScalarMath.Sqrt(a),
            IrOp.LogRC => ScalarMath.Log(a),
            IrOp.AsinRC => ScalarMath.Asin(a),
            IrOp.AcosRC => ScalarMath.Acos(a),
            _ => throw new ArgumentOutOfRangeException(nameof(op), op, "not an operation"),
        };
    }

    /// <summary>Runs a kernel at one point; returns the value of every output.</summary>
    public static Complex[] Run(KernelIR ir, ReadOnlySpan<double> inputs, ReadOnlySpan<double> parameters)
    {
        var values = new Complex[ir.Instructions.Count];
        Span<Complex> args = stackalloc Complex[3];
        for (int i = 0; i < values.Length; i++)
        {
            var ins = ir.Instructions[i];
            values[i] = ins.Op switch
            {
                IrOp.Input => inputs[ins.A],
                IrOp.Param => parameters[ins.A],
                IrOp.Const => ins.X,
                IrOp.CConst => new Complex(ins.X, ins.Y),
                _ => ApplyAt(ins, values, args),
            };
        }
        return ir.Outputs.Select(o => values[o.Value]).ToArray();
    }

    private static Complex ApplyAt(Instruction ins, Complex[] values, Span<Complex> args)
    {
        int n = ins.Arity;
        for (int k = 0; k < n; k++) args[k] = values[ins.Operand(k)];
        return Apply(ins.Op, args[..n]);
    }
}
