namespace PartialWave.Compilation;

/// <summary>Value type of an IR instruction. Conditions are reals (1 true, 0 false, NaN undefined).</summary>
internal enum IrType : byte
{
    /// <summary>A double.</summary>
    Real,
    /// <summary>A complex double (before complex expansion only).</summary>
    Complex,
}

/// <summary>
/// Operations of the kernel IR. Real operations take and give doubles; <c>C*</c> operations take or give complex
/// values and exist only until <see cref="ComplexExpansion"/> rewrites them into real ones. Operations whose
/// names end in <c>RC</c> take a real argument of unknown sign and give SymPy's principal complex result.
/// </summary>
internal enum IrOp : byte
{
    // sources
    /// <summary>Event column A.</summary>
    Input,
    /// <summary>Real parameter slot A.</summary>
    Param,
    /// <summary>Real constant X.</summary>
    Const,
    /// <summary>Complex constant X + iY.</summary>
    CConst,

    // real arithmetic
    Add, Sub, Mul, Div, Neg,
    /// <summary>a·b + c, a·b − c and c − a·b, each rounded once (formed by <see cref="MultiplyAddFusion"/>).</summary>
    MulAdd, MulSub, NegMulAdd,
    /// <summary>x + 0.0: turns -0.0 into +0.0 before a branch cut; never folded away.</summary>
    Unsign,
    Sqrt, Exp, Log, Sin, Cos, Tan, Asin, Acos, Atan, Atan2, Sinh, Cosh, Tanh, Pow, Gamma,
    /// <summary>The error function of a real argument.</summary>
    Erf,
    Abs, Sign, Floor, Ceiling, Min, Max, Mod, Hypot, Heaviside,

    // conditions (1, 0 or NaN)
    Lt, Le, Gt, Ge, Eq, Ne, And, Or, Not,
    /// <summary>A if condition C... : Select(cond, a, b) = NaN if cond is NaN, a if cond ≠ 0, else b.</summary>
    Select,
    /// <summary>1 where the argument is NaN, else 0 (used to build undefined results).</summary>
    IsNaN,
    /// <summary>IfNegative(x, v) = v where x &lt; 0, else 0.</summary>
    IfNegative,
    /// <summary>IfNotNegative(x, v) = v where x is not &lt; 0 (NaN included), else 0.</summary>
    IfNotNegative,

    // complex (typed IR only)
    /// <summary>Complex from real and imaginary parts.</summary>
    CMake,
    /// <summary>Real part.</summary>
    CRe,
    /// <summary>Imaginary part.</summary>
    CIm,
    CAdd, CSub, CMul, CDiv, CNeg, CConj, CAbs, CArg, CExp, CLog, CSqrt, CSin, CCos, CSinh, CCosh, CTanh, CSign,
    CFloor, CCeiling,
    /// <summary>Complex select: Select(cond, a, b) with complex a, b.</summary>
    CSelect,
    /// <summary>Principal sqrt of a real of unknown sign.</summary>
    SqrtRC,
    /// <summary>Principal log of a real of unknown sign.</summary>
    LogRC,
    /// <summary>Principal asin of a real that may lie outside [-1, 1].</summary>
    AsinRC,
    /// <summary>Principal acos of a real that may lie outside [-1, 1].</summary>
    AcosRC,
}

/// <summary>One SSA instruction: operation, result type, up to three operands, and constants.</summary>
/// <param name="Op">Operation.</param>
/// <param name="Type">Result type.</param>
/// <param name="A">First operand (instruction index), or the slot of Input/Param.</param>
/// <param name="B">Second operand or -1.</param>
/// <param name="C">Third operand or -1.</param>
/// <param name="X">Constant (real part).</param>
/// <param name="Y">Constant (imaginary part).</param>
internal readonly record struct Instruction(IrOp Op, IrType Type, int A = -1, int B = -1, int C = -1, double X = 0, double Y = 0)
{
    /// <summary>Number of instruction operands.</summary>
    public int Arity => Op is IrOp.Input or IrOp.Param or IrOp.Const or IrOp.CConst ? 0 : C >= 0 ? 3 : B >= 0 ? 2 : 1;

    /// <summary>The i-th operand.</summary>
    public int Operand(int i) => i switch { 0 => A, 1 => B, _ => C };

    /// <summary>True for instructions with no instruction operands.</summary>
    public bool IsSource => Arity == 0;

    // Bit-exact equality so that value numbering never merges 0.0 with -0.0 or two NaN payloads.
    /// <inheritdoc/>
    public bool Equals(Instruction other) =>
        Op == other.Op && Type == other.Type && A == other.A && B == other.B && C == other.C
        && BitConverter.DoubleToInt64Bits(X) == BitConverter.DoubleToInt64Bits(other.X)
        && BitConverter.DoubleToInt64Bits(Y) == BitConverter.DoubleToInt64Bits(other.Y);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Op, Type, A, B, C, BitConverter.DoubleToInt64Bits(X), BitConverter.DoubleToInt64Bits(Y));
}
