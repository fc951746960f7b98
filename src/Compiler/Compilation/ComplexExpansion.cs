using System.Numerics;

namespace PartialWave.Compilation;

/// <summary>
/// Rewrites typed IR into real-only IR: each complex value becomes a pair of real values. Parts known to be
/// exactly zero (the imaginary part of a real promoted to complex, the real part of I·x) are tracked, so that
/// mixed real/complex arithmetic costs no more than it must. Branch cuts follow SymPy's principal values, with
/// <see cref="IrOp.Unsign"/> guarding against a -0.0 imaginary part flipping the side of a cut.
/// </summary>
internal sealed class ComplexExpansion
{
    private const int Zero = -1;

    private readonly KernelIR _source;
    private readonly IrBuilder _b;
    private readonly int[] _real;
    private readonly (int Re, int Im)[] _parts;

    private ComplexExpansion(KernelIR source)
    {
        _source = source;
        _b = new IrBuilder(source.Inputs, source.Parameters);
        _real = new int[source.Instructions.Count];
        _parts = new (int, int)[source.Instructions.Count];
    }

    /// <summary>The real-only form of a kernel; a complex output becomes outputs NAME.re and NAME.im.</summary>
    public static KernelIR Expand(KernelIR source)
    {
        var x = new ComplexExpansion(source);
        for (int i = 0; i < source.Instructions.Count; i++) x.Rewrite(i);
        foreach (var o in source.Outputs)
        {
            if (source.Instructions[o.Value].Type == IrType.Real) x._b.AddOutput(o.Name, x._real[o.Value]);
            else
            {
                x._b.AddOutput(o.Name + ".re", x.Materialize(x._parts[o.Value].Re));
                x._b.AddOutput(o.Name + ".im", x.Materialize(x._parts[o.Value].Im));
            }
        }
        return x._b.Build();
    }

    private int Materialize(int part) => part == Zero ? _b.Const(0) : part;
    private int K(double x) => _b.Const(x);
    private int Op(IrOp op, int a, int b = -1, int c = -1) => _b.Emit(op, a, b, c);

    // Zero-aware real arithmetic on parts.
    private int Add(int a, int b) => a == Zero ? b : b == Zero ? a : Op(IrOp.Add, a, b);
    private int Sub(int a, int b) => b == Zero ? a : a == Zero ? Op(IrOp.Neg, b) : Op(IrOp.Sub, a, b);
    private int Neg(int a) => a == Zero ? Zero : Op(IrOp.Neg, a);
    private int Mul(int a, int b) => a == Zero || b == Zero ? Zero : Op(IrOp.Mul, a, b);
    private int Div(int a, int b) => a == Zero ? Zero : Op(IrOp.Div, a, Materialize(b));
    private int Part(int v) => _b.IsConst(v, out var x) && x == 0 && !double.IsNegative(x) ? Zero : v;

    private void Rewrite(int i)
    {
        var ins = _source.Instructions[i];
        if (ins.Type == IrType.Real && !IrOps.IsComplexOp(ins.Op) || ins.Op is IrOp.Input or IrOp.Param or IrOp.Const)
        {
            _real[i] = ins.Op switch
            {
                IrOp.Input => _b.Input(ins.A),
                IrOp.Param => _b.Param(ins.A),
                IrOp.Const => _b.Const(ins.X),
                _ => Op(ins.Op, R(ins.A), ins.B >= 0 ? R(ins.B) : -1, ins.C >= 0 ? R(ins.C) : -1),
            };
            return;
        }
        switch (ins.Op)
        {
            case IrOp.CRe: _real[i] = Materialize(P(ins.A).Re); return;
            case IrOp.CIm: _real[i] = Materialize(P(ins.A).Im); return;
            case IrOp.CAbs:
            {
                var (re, im) = P(ins.A);
                _real[i] = im == Zero ? (re == Zero ? K(0) : Op(IrOp.Abs, re)) : re == Zero ? Op(IrOp.Abs, im) : Op(IrOp.Hypot, re, im);
                return;
            }
            case IrOp.CArg:
            {
                var (re, im) = P(ins.A);
                var r = Materialize(re);
                var y = im == Zero ? K(0) : Op(IrOp.Unsign, im);
                var atZero = im == Zero ? Op(IrOp.Eq, r, K(0)) : Op(IrOp.And, Op(IrOp.Eq, r, K(0)), Op(IrOp.Eq, y, K(0)));
                _real[i] = Op(IrOp.Select, atZero, K(double.NaN), Op(IrOp.Atan2, y, r));
                return;
            }
        }
        _parts[i] = Complex(ins);
    }

    private int R(int v) => _real[v];
    private (int Re, int Im) P(int v) => _parts[v];

    private (int, int) Complex(Instruction ins)
    {
        switch (ins.Op)
        {
            case IrOp.CConst: return (ins.X == 0 ? Zero : K(ins.X), ins.Y == 0 ? Zero : K(ins.Y));
            case IrOp.CMake: return (Part(R(ins.A)), Part(R(ins.B)));
            case IrOp.CAdd: { var (a, b) = (P(ins.A), P(ins.B)); return (Add(a.Re, b.Re), Add(a.Im, b.Im)); }
            case IrOp.CSub: { var (a, b) = (P(ins.A), P(ins.B)); return (Sub(a.Re, b.Re), Sub(a.Im, b.Im)); }
            case IrOp.CNeg: { var a = P(ins.A); return (Neg(a.Re), Neg(a.Im)); }
            case IrOp.CConj: { var a = P(ins.A); return (a.Re, Neg(a.Im)); }
            case IrOp.CMul:
            {
                var (a, b) = (P(ins.A), P(ins.B));
                return (Sub(Mul(a.Re, b.Re), Mul(a.Im, b.Im)), Add(Mul(a.Re, b.Im), Mul(a.Im, b.Re)));
            }
            case IrOp.CDiv:
            {
                var (a, b) = (P(ins.A), P(ins.B));
                if (b.Im == Zero) return (Div(a.Re, b.Re), Div(a.Im, b.Re));
                if (b.Re == Zero) return (Div(a.Im, b.Im), Neg(Div(a.Re, b.Im)));
                var d = Op(IrOp.Add, Op(IrOp.Mul, b.Re, b.Re), Op(IrOp.Mul, b.Im, b.Im));
                return (Div(Add(Mul(a.Re, b.Re), Mul(a.Im, b.Im)), d), Div(Sub(Mul(a.Im, b.Re), Mul(a.Re, b.Im)), d));
            }
            case IrOp.CExp:
            {
                var (re, im) = P(ins.A);
                if (im == Zero) return (re == Zero ? K(1) : Op(IrOp.Exp, re), Zero);
                var e = re == Zero ? Zero : Op(IrOp.Exp, re);
                var cos = Op(IrOp.Cos, im); var sin = Op(IrOp.Sin, im);
                return e == Zero ? (cos, sin) : (Op(IrOp.Mul, e, cos), Op(IrOp.Mul, e, sin));
            }
            case IrOp.CLog:
            {
                var (re, im) = P(ins.A);
                if (im == Zero) return LogReal(Materialize(re));
                var r = Materialize(re);
                return (Op(IrOp.Log, Op(IrOp.Hypot, r, im)), Op(IrOp.Atan2, Op(IrOp.Unsign, im), r));
            }
            case IrOp.LogRC: return LogReal(R(ins.A));
            case IrOp.SqrtRC: return SqrtReal(R(ins.A));
            case IrOp.CSqrt:
            {
                var (re, im) = P(ins.A);
                if (im == Zero) return SqrtReal(Materialize(re));
                return SqrtComplex(Materialize(re), Op(IrOp.Unsign, im));
            }
            case IrOp.AsinRC or IrOp.AcosRC: return ArcReal(R(ins.A), ins.Op == IrOp.AsinRC);
            case IrOp.CSin or IrOp.CCos or IrOp.CSinh or IrOp.CCosh:
            {
                var (re, im) = P(ins.A);
                var x = Materialize(re);
                if (im == Zero)
                {
                    var f = ins.Op switch { IrOp.CSin => IrOp.Sin, IrOp.CCos => IrOp.Cos, IrOp.CSinh => IrOp.Sinh, _ => IrOp.Cosh };
                    return (Op(f, x), Zero);
                }
                int sx = Op(IrOp.Sin, x), cx = Op(IrOp.Cos, x), shy = Op(IrOp.Sinh, im), chy = Op(IrOp.Cosh, im);
                int sy = Op(IrOp.Sin, im), cy = Op(IrOp.Cos, im), shx = Op(IrOp.Sinh, x), chx = Op(IrOp.Cosh, x);
                return ins.Op switch
                {
                    IrOp.CSin => (Op(IrOp.Mul, sx, chy), Op(IrOp.Mul, cx, shy)),
                    IrOp.CCos => (Op(IrOp.Mul, cx, chy), Op(IrOp.Neg, Op(IrOp.Mul, sx, shy))),
                    IrOp.CSinh => (Op(IrOp.Mul, shx, cy), Op(IrOp.Mul, chx, sy)),
                    _ => (Op(IrOp.Mul, chx, cy), Op(IrOp.Mul, shx, sy)),
                };
            }
            case IrOp.CTanh:
            {
                // tanh(x + iy) = (sinh 2x + i sin 2y) / (cosh 2x + cos 2y); beyond |x| = 20 it is sign(x) to
                // double precision, where the formula would divide infinities.
                var (re, im) = P(ins.A);
                var x = Materialize(re);
                if (im == Zero) return (Op(IrOp.Tanh, x), Zero);
                int x2 = Op(IrOp.Add, x, x), y2 = Op(IrOp.Add, im, im);
                var d = Op(IrOp.Add, Op(IrOp.Cosh, x2), Op(IrOp.Cos, y2));
                var large = Op(IrOp.Gt, Op(IrOp.Abs, x), K(20));
                return (Op(IrOp.Select, large, Op(IrOp.Sign, x), Op(IrOp.Div, Op(IrOp.Sinh, x2), d)),
                        Op(IrOp.Select, large, K(0), Op(IrOp.Div, Op(IrOp.Sin, y2), d)));
            }
            case IrOp.CSign:
            {
                var (re, im) = P(ins.A);
                if (im == Zero) return (Op(IrOp.Sign, Materialize(re)), Zero);
                var r = Materialize(re);
                var abs = Op(IrOp.Hypot, r, im);
                var isZero = Op(IrOp.Eq, abs, K(0));
                return (Op(IrOp.Select, isZero, K(0), Op(IrOp.Div, r, abs)), Op(IrOp.Select, isZero, K(0), Op(IrOp.Div, im, abs)));
            }
            case IrOp.CFloor or IrOp.CCeiling:
            {
                var (re, im) = P(ins.A);
                var f = ins.Op == IrOp.CFloor ? IrOp.Floor : IrOp.Ceiling;
                return (re == Zero ? Zero : Op(f, re), im == Zero ? Zero : Op(f, im));
            }
            case IrOp.CSelect:
            {
                var c = R(ins.A);
                var (a, b) = (P(ins.B), P(ins.C));
                return (SelectParts(c, a.Re, b.Re), SelectParts(c, a.Im, b.Im));
            }
        }
        throw new InvalidOperationException($"complex expansion does not handle {ins.Op}");
    }

    // Select keeps NaN for an undefined condition even where both sides are zero.
    private int SelectParts(int c, int x, int y) => Op(IrOp.Select, c, Materialize(x), Materialize(y));

    private (int, int) LogReal(int x) =>
        (Op(IrOp.Log, Op(IrOp.Abs, x)), Op(IrOp.Select, Op(IrOp.Lt, x, K(0)), K(Math.PI), K(0)));

    // sqrt of a real of unknown sign: one square root of |x|, routed to the real or the imaginary part.
    private (int, int) SqrtReal(int x)
    {
        var root = Op(IrOp.Sqrt, Op(IrOp.Abs, x));
        return (Op(IrOp.IfNotNegative, x, root), Op(IrOp.IfNegative, x, root));
    }

    // Principal sqrt without cancellation: for x ≥ 0, t = sqrt((|z| + x)/2), sqrt z = t + i y/(2t);
    // for x < 0, t = sqrt((|z| - x)/2), sqrt z = |y|/(2t) + i copysign(t, y).
    private (int, int) SqrtComplex(int x, int y)
    {
        var r = Op(IrOp.Hypot, x, y);
        var t1 = Op(IrOp.Sqrt, Op(IrOp.Mul, Op(IrOp.Add, r, x), K(0.5)));
        var t2 = Op(IrOp.Sqrt, Op(IrOp.Mul, Op(IrOp.Sub, r, x), K(0.5)));
        var im1 = Op(IrOp.Select, Op(IrOp.Eq, t1, K(0)), K(0), Op(IrOp.Div, y, Op(IrOp.Add, t1, t1)));
        var re2 = Op(IrOp.Div, Op(IrOp.Abs, y), Op(IrOp.Add, t2, t2));
        var im2 = Op(IrOp.Select, Op(IrOp.Lt, y, K(0)), Op(IrOp.Neg, t2), t2);
        var right = Op(IrOp.Ge, x, K(0));
        return (Op(IrOp.Select, right, t1, re2), Op(IrOp.Select, right, im1, im2));
    }

    // asin/acos of a real: real inside [-1, 1]; outside, SymPy's principal values
    // asin(x) = ±π/2 ∓ i acosh|x| and acos(x) = (0 or π) ± i acosh|x|, with acosh t = log(t + sqrt((t-1)(t+1))).
    private (int, int) ArcReal(int x, bool asin)
    {
        var t = Op(IrOp.Abs, x);
        var inside = Op(IrOp.Le, t, K(1));
        var acosh = Op(IrOp.Log, Op(IrOp.Add, t, Op(IrOp.Sqrt, Op(IrOp.Mul, Op(IrOp.Sub, t, K(1)), Op(IrOp.Add, t, K(1))))));
        var positive = Op(IrOp.Gt, x, K(0));
        if (asin)
            return (Op(IrOp.Select, inside, Op(IrOp.Asin, x), Op(IrOp.Select, positive, K(Math.PI / 2), K(-Math.PI / 2))),
                    Op(IrOp.Select, inside, K(0), Op(IrOp.Select, positive, Op(IrOp.Neg, acosh), acosh)));
        return (Op(IrOp.Select, inside, Op(IrOp.Acos, x), Op(IrOp.Select, positive, K(0), K(Math.PI))),
                Op(IrOp.Select, inside, K(0), Op(IrOp.Select, positive, acosh, Op(IrOp.Neg, acosh))));
    }
}
