namespace PartialWave.Compilation;

/// <summary>Facts about IR operations: result types, commutativity.</summary>
internal static class IrOps
{
    /// <summary>True when the first two operands may be swapped.</summary>
    public static bool IsCommutative(IrOp op) => op is IrOp.Add or IrOp.Mul or IrOp.MulAdd or IrOp.MulSub or IrOp.NegMulAdd or IrOp.Min or IrOp.Max or IrOp.Hypot
        or IrOp.Eq or IrOp.Ne or IrOp.And or IrOp.Or or IrOp.CAdd or IrOp.CMul;

    /// <summary>True for operations that take or give complex values.</summary>
    public static bool IsComplexOp(IrOp op) => op >= IrOp.CMake || op == IrOp.CConst;

    public static IrType ResultType(IrOp op, IrBuilder b, int x, int y, int z)
    {
        switch (op)
        {
            case IrOp.CRe or IrOp.CIm or IrOp.CAbs or IrOp.CArg: Require(b, op, x, IrType.Complex); return IrType.Real;
            case IrOp.CMake: Require(b, op, x, IrType.Real); Require(b, op, y, IrType.Real); return IrType.Complex;
            case IrOp.SqrtRC or IrOp.LogRC or IrOp.AsinRC or IrOp.AcosRC: Require(b, op, x, IrType.Real); return IrType.Complex;
            case IrOp.CSelect:
                Require(b, op, x, IrType.Real); Require(b, op, y, IrType.Complex); Require(b, op, z, IrType.Complex);
                return IrType.Complex;
            case IrOp.Select:
                Require(b, op, x, IrType.Real); Require(b, op, y, IrType.Real); Require(b, op, z, IrType.Real);
                return IrType.Real;
        }
        var t = IsComplexOp(op) ? IrType.Complex : IrType.Real;
        foreach (var v in new[] { x, y, z })
            if (v >= 0) Require(b, op, v, t);
        return t;
    }

    private static void Require(IrBuilder b, IrOp op, int v, IrType t)
    {
        if (v < 0 || v >= b.Code.Count) throw new InvalidOperationException($"{op}: operand {v} does not exist");
        if (b.TypeOf(v) != t) throw new InvalidOperationException($"{op}: operand {v} is {b.TypeOf(v)}, expected {t}");
    }
}
