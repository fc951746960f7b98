using System.Numerics;

namespace PartialWave.Compilation;

/// <summary>
/// Builds IR. Every instruction goes through <see cref="Emit"/>, which folds constants, applies identities that
/// are exact in IEEE arithmetic, and numbers values (an instruction equal to an earlier one is that one): common
/// subexpression elimination happens as the IR is built, by every pass that builds.
/// </summary>
internal sealed class IrBuilder
{
    private readonly List<Instruction> _code = new();
    private readonly Dictionary<Instruction, int> _numbering = new();
    private readonly List<string> _inputs;
    private readonly List<string> _parameters;
    private readonly List<KernelOutput> _outputs = new();

    public IrBuilder(IEnumerable<string> inputs, IEnumerable<string> parameters)
    {
        _inputs = inputs.ToList();
        _parameters = parameters.ToList();
    }

    public IReadOnlyList<Instruction> Code => _code;
    public IReadOnlyList<string> Inputs => _inputs;
    public IReadOnlyList<string> Parameters => _parameters;

    public Instruction this[int index] => _code[index];

    public void AddOutput(string name, int value) => _outputs.Add(new KernelOutput(name, value));

    private readonly List<int> _regions = new();

    /// <summary>
    /// Starts a region: later instructions are not numbered against earlier ones, so a region can recompute a
    /// value instead of keeping it alive (checkpointed reverse mode), and splitting cuts here.
    /// </summary>
    public void BeginRegion()
    {
        if (_regions.Count > 0 && _regions[^1] == _code.Count) return;
        _regions.Add(_code.Count);
        _numbering.Clear();
    }

    public KernelIR Build() => new(_code.ToArray(), _inputs.ToArray(), _parameters.ToArray(), _outputs.ToArray(), _regions.ToArray());

    // ---------------- sources ----------------

    public int Input(int slot) => Append(new Instruction(IrOp.Input, IrType.Real, slot));
    public int Param(int slot) => Append(new Instruction(IrOp.Param, IrType.Real, slot));
    public int Const(double x) => Append(new Instruction(IrOp.Const, IrType.Real, X: x));
    public int CConst(Complex z) => Append(new Instruction(IrOp.CConst, IrType.Complex, X: z.Real, Y: z.Imaginary));

    public IrType TypeOf(int v) => _code[v].Type;
    public bool IsConst(int v, out double x)
    {
        var i = _code[v];
        x = i.X;
        return i.Op == IrOp.Const;
    }
    private bool IsConst(int v, double x) =>
        _code[v].Op == IrOp.Const && BitConverter.DoubleToInt64Bits(_code[v].X) == BitConverter.DoubleToInt64Bits(x);

    // ---------------- emission ----------------

    public int Emit(IrOp op, int a, int b = -1, int c = -1)
    {
        var type = IrOps.ResultType(op, this, a, b, c);
        var ins = new Instruction(op, type, a, b, c);
        var folded = Fold(ins);
        return folded ?? Append(ins);
    }

    private int Append(Instruction ins)
    {
        if (_numbering.TryGetValue(ins, out var existing)) return existing;
        _code.Add(ins);
        _numbering[ins] = _code.Count - 1;
        return _code.Count - 1;
    }

    private bool AllConst(Instruction ins)
    {
        for (int k = 0; k < ins.Arity; k++)
        {
            var o = _code[ins.Operand(k)].Op;
            if (o is not (IrOp.Const or IrOp.CConst)) return false;
        }
        return true;
    }

    private int? Fold(Instruction ins)
    {
        if (ins.Op == IrOp.Unsign) return _code[ins.A].Op == IrOp.Const ? Const(_code[ins.A].X + 0.0) : null;
        if (AllConst(ins))
        {
            Span<Complex> args = stackalloc Complex[3];
            for (int k = 0; k < ins.Arity; k++) { var o = _code[ins.Operand(k)]; args[k] = new Complex(o.X, o.Y); }
            var v = IrInterpreter.Apply(ins.Op, args[..ins.Arity]);
            return ins.Type == IrType.Real ? Const(v.Real) : CConst(v);
        }
        // Identities that hold bit for bit in IEEE arithmetic (x*1 = x, x/1 = x, --x = x, x - 0 = x).
        switch (ins.Op)
        {
            case IrOp.Mul when IsConst(ins.B, 1.0): return ins.A;
            case IrOp.Mul when IsConst(ins.A, 1.0): return ins.B;
            case IrOp.Div when IsConst(ins.B, 1.0): return ins.A;
            case IrOp.Sub when IsConst(ins.B, 0.0): return ins.A;
            case IrOp.Neg when _code[ins.A].Op == IrOp.Neg: return _code[ins.A].A;
            // x + (-y) is x - y bit for bit; reverse mode produces this pattern for every subtraction it undoes.
            case IrOp.Add when _code[ins.B].Op == IrOp.Neg: return Emit(IrOp.Sub, ins.A, _code[ins.B].A);
            case IrOp.Add when _code[ins.A].Op == IrOp.Neg: return Emit(IrOp.Sub, ins.B, _code[ins.A].A);
            case IrOp.Sub when _code[ins.B].Op == IrOp.Neg: return Emit(IrOp.Add, ins.A, _code[ins.B].A);
            case IrOp.Mul when _code[ins.A].Op == IrOp.Neg && _code[ins.B].Op == IrOp.Neg: return Emit(IrOp.Mul, _code[ins.A].A, _code[ins.B].A);
            case IrOp.CRe when _code[ins.A].Op == IrOp.CMake: return _code[ins.A].A;
            case IrOp.CIm when _code[ins.A].Op == IrOp.CMake: return _code[ins.A].B;
            case IrOp.CNeg when _code[ins.A].Op == IrOp.CNeg: return _code[ins.A].A;
            case IrOp.CConj when _code[ins.A].Op == IrOp.CConj: return _code[ins.A].A;
            case IrOp.Select when _code[ins.A].Op == IrOp.Const && !double.IsNaN(_code[ins.A].X):
                return _code[ins.A].X != 0 ? ins.B : ins.C;
            case IrOp.CSelect when _code[ins.A].Op == IrOp.Const && !double.IsNaN(_code[ins.A].X):
                return _code[ins.A].X != 0 ? ins.B : ins.C;
        }
        // Commutative operations get one operand order, so that a*b and b*a number alike.
        if (IrOps.IsCommutative(ins.Op) && ins.A > ins.B) return Append(ins with { A = ins.B, B = ins.A });
        return null;
    }

    // ---------------- helpers for multi-instruction forms ----------------

    /// <summary>x^n for an integer n by repeated squaring (exact for small n, like SymPy's integer powers).</summary>
    public int PowInt(int x, long n, bool complex)
    {
        if (n == 0) return complex ? CConst(Complex.One) : Const(1.0);
        bool invert = n < 0;
        ulong m = (ulong)Math.Abs(n);
        int result = -1, square = x;
        IrOp mul = complex ? IrOp.CMul : IrOp.Mul;
        while (m > 0)
        {
            if ((m & 1) != 0) result = result < 0 ? square : Emit(mul, result, square);
            m >>= 1;
            if (m > 0) square = Emit(mul, square, square);
        }
        if (!invert) return result;
        return complex ? Emit(IrOp.CDiv, CConst(Complex.One), result) : Emit(IrOp.Div, Const(1.0), result);
    }

    public int ToComplex(int v) => TypeOf(v) == IrType.Complex ? v : Emit(IrOp.CMake, v, Const(0.0));
}

/// <summary>Rebuilding helpers shared by the passes.</summary>
internal static class IrRebuild
{
    /// <summary>Emits a copy of <paramref name="ins"/> into <paramref name="b"/>, operands renumbered through <paramref name="map"/>.</summary>
    public static int Copy(this IrBuilder b, Instruction ins, IReadOnlyList<int> map) => ins.Op switch
    {
        IrOp.Input => b.Input(ins.A),
        IrOp.Param => b.Param(ins.A),
        IrOp.Const => b.Const(ins.X),
        IrOp.CConst => b.CConst(new System.Numerics.Complex(ins.X, ins.Y)),
        _ => b.Emit(ins.Op, map[ins.A], ins.B >= 0 ? map[ins.B] : -1, ins.C >= 0 ? map[ins.C] : -1),
    };

    /// <summary>Copies every instruction of <paramref name="ir"/> (its regions are not opened); returns the index map.</summary>
    public static int[] CopyAll(this IrBuilder b, KernelIR ir)
    {
        var map = new int[ir.Instructions.Count];
        for (int i = 0; i < map.Length; i++) map[i] = b.Copy(ir.Instructions[i], map);
        return map;
    }

    /// <summary>
    /// Copies every instruction for which <paramref name="keep"/> holds through <paramref name="emit"/>, opening
    /// the same regions in <paramref name="b"/> as the source has. Returns the index map (-1 where dropped).
    /// </summary>
    public static int[] CopyRegions(this IrBuilder b, KernelIR ir, Func<int, bool> keep, Func<int, int[], int> emit)
    {
        var map = new int[ir.Instructions.Count];
        int next = 0;
        for (int i = 0; i < map.Length; i++)
        {
            if (next < ir.Regions.Count && ir.Regions[next] == i) { b.BeginRegion(); next++; }
            map[i] = keep(i) ? emit(i, map) : -1;
        }
        return map;
    }

    /// <summary>Which instructions depend (transitively) on a source for which <paramref name="leaf"/> holds.</summary>
    public static bool[] DependsOn(KernelIR ir, Func<Instruction, bool> leaf)
    {
        var on = new bool[ir.Instructions.Count];
        for (int i = 0; i < on.Length; i++)
        {
            var ins = ir.Instructions[i];
            on[i] = leaf(ins);
            for (int k = 0; k < ins.Arity; k++) on[i] |= on[ins.Operand(k)];
        }
        return on;
    }

    /// <summary>Which instructions the outputs need (operands before users, so one backward sweep).</summary>
    public static bool[] Live(KernelIR ir)
    {
        var live = new bool[ir.Instructions.Count];
        foreach (var o in ir.Outputs) live[o.Value] = true;
        for (int i = ir.Instructions.Count - 1; i >= 0; i--)
        {
            if (!live[i]) continue;
            var ins = ir.Instructions[i];
            for (int k = 0; k < ins.Arity; k++) live[ins.Operand(k)] = true;
        }
        return live;
    }
}
