namespace PartialWave.Symbolic;

/// <summary>The kind of an expression node. Functions are kinds too, so one switch covers every node.</summary>
public enum ExprKind : byte
{
    // Atoms
    /// <summary>Exact integer or rational number.</summary>
    Rational,
    /// <summary>Floating-point number (double).</summary>
    Float,
    /// <summary>Floating-point complex number.</summary>
    Complex,
    /// <summary>The imaginary unit.</summary>
    ImaginaryUnit,
    /// <summary>π.</summary>
    Pi,
    /// <summary>Euler's number e.</summary>
    E,
    /// <summary>A named symbol (or a SymPy Indexed symbol, identified by its printed name).</summary>
    Symbol,

    // Arithmetic
    /// <summary>n-ary sum.</summary>
    Add,
    /// <summary>n-ary product.</summary>
    Mul,
    /// <summary>Power (base, exponent); also square roots and reciprocals.</summary>
    Pow,

    // Functions
    Abs, Exp, Log, Sin, Cos, Tan, Asin, Acos, Atan, Atan2, Sinh, Cosh, Tanh, Gamma, Polygamma,
    Conjugate, Re, Im, Arg, Sign, Heaviside, Max, Min, Mod, Floor, Ceiling, KroneckerDelta,

    // Piecewise and logic
    /// <summary>Piecewise((value, condition), ...): args are ExprCondPair nodes.</summary>
    Piecewise,
    /// <summary>(value, condition) pair inside a Piecewise.</summary>
    ExprCondPair,
    /// <summary>Boolean true.</summary>
    True,
    /// <summary>Boolean false.</summary>
    False,
    /// <summary>a &lt; b</summary>
    StrictLessThan,
    /// <summary>a &gt; b</summary>
    StrictGreaterThan,
    /// <summary>a ≤ b</summary>
    LessThan,
    /// <summary>a ≥ b</summary>
    GreaterThan,
    /// <summary>a = b</summary>
    Equality,
    /// <summary>a ≠ b</summary>
    Unequality,
    /// <summary>Logical and.</summary>
    And,
    /// <summary>Logical or.</summary>
    Or,
    /// <summary>Logical not.</summary>
    Not,

    // Functions added later go after the original kinds, so that existing kinds keep their numbers (and the
    // structural hashes, which decide the canonical order of arguments, stay what they were).
    /// <summary>The error function erf(x) (real arguments; SymPy's <c>erf</c>).</summary>
    Erf,
}
