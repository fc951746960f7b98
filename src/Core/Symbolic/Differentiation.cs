namespace PartialWave.Symbolic;

/// <summary>Symbolic derivatives. The variable is taken to be real (as a kinematic variable or a real
/// parameter is), so d conj(u) = conj(du), d re(u) = re(du).</summary>
public static class Differentiation
{
    /// <summary>d(root)/d(variable), matching the variable by name. Memoised per distinct node.</summary>
    public static Expr Differentiate(this Expr root, Symbol variable)
    {
        var memo = new Dictionary<Expr, Expr>(ReferenceEqualityComparer.Instance);
        var depends = new Dictionary<Expr, bool>(ReferenceEqualityComparer.Instance);
        foreach (var e in root.Distinct())
        {
            bool dep = e is Symbol s ? s.Name == variable.Name : false;
            foreach (var a in e.ArgArray) dep |= depends[a];
            depends[e] = dep;
        }
        foreach (var e in root.Distinct())
        {
            // Conditions are not differentiated: Piecewise differentiates its values branch by branch.
            if (e.IsBoolean || e.Kind == ExprKind.ExprCondPair) continue;
            memo[e] = depends[e] ? Rule(e, a => memo.TryGetValue(a, out var r) ? r : a.Differentiate(variable)) : Expr.Zero;
        }
        return memo[root];
    }

    private static Expr Rule(Expr e, Func<Expr, Expr> d)
    {
        var args = e.ArgArray;
        Expr u = args.Length > 0 ? args[0] : e;
        switch (e.Kind)
        {
            case ExprKind.Symbol: return Expr.One;
            case ExprKind.Add: return Expr.Add(args.Select(d).ToArray());
            case ExprKind.Mul:
            {
                var terms = new List<Expr>();
                for (int i = 0; i < args.Length; i++)
                {
                    var di = d(args[i]);
                    if (di.IsZero) continue;
                    var factors = new List<Expr>(args.Length) { di };
                    for (int j = 0; j < args.Length; j++) if (j != i) factors.Add(args[j]);
                    terms.Add(Expr.Mul(factors));
                }
                return Expr.Add(terms);
            }
            case ExprKind.Pow:
            {
                Expr b = args[0], x = args[1], db = d(b), dx = d(x);
                if (dx.IsZero) return Expr.Mul(x, Expr.Pow(b, Expr.Add(x, Expr.MinusOne)), db);
                var log = Expr.Call(ExprKind.Log, b);
                if (db.IsZero) return Expr.Mul(e, log, dx);
                return Expr.Mul(e, Expr.Add(Expr.Mul(dx, log), Expr.Mul(x, db, Expr.Pow(b, Expr.MinusOne))));
            }
            case ExprKind.Piecewise:
                return Expr.Piecewise(args.Select(p => (d(p.ArgArray[0]), p.ArgArray[1])).ToList());
        }
        var du = d(u);
        Expr Chain(Expr outer) => Expr.Mul(outer, du);
        Expr Re(Expr x) => Expr.Call(ExprKind.Re, x);
        Expr Im(Expr x) => Expr.Call(ExprKind.Im, x);
        Expr Inv(Expr x) => Expr.Pow(x, Expr.MinusOne);
        switch (e.Kind)
        {
            case ExprKind.Exp: return Chain(e);
            case ExprKind.Log: return Expr.Mul(du, Inv(u));
            case ExprKind.Sin: return Chain(Expr.Call(ExprKind.Cos, u));
            case ExprKind.Cos: return Chain(-Expr.Call(ExprKind.Sin, u));
            case ExprKind.Tan: return Chain(Expr.Add(Expr.One, Expr.Pow(e, 2)));
            case ExprKind.Asin: return Chain(Expr.Pow(Expr.Add(Expr.One, -Expr.Pow(u, 2)), Expr.Rational(-1, 2)));
            case ExprKind.Acos: return Chain(-Expr.Pow(Expr.Add(Expr.One, -Expr.Pow(u, 2)), Expr.Rational(-1, 2)));
            case ExprKind.Atan: return Chain(Inv(Expr.Add(Expr.One, Expr.Pow(u, 2))));
            case ExprKind.Atan2:
            {
                Expr y = args[0], x = args[1];
                return Expr.Mul(Expr.Add(Expr.Mul(x, d(y)), -Expr.Mul(y, d(x))), Inv(Expr.Add(Expr.Pow(x, 2), Expr.Pow(y, 2))));
            }
            case ExprKind.Sinh: return Chain(Expr.Call(ExprKind.Cosh, u));
            case ExprKind.Cosh: return Chain(Expr.Call(ExprKind.Sinh, u));
            case ExprKind.Tanh: return Chain(Expr.Add(Expr.One, -Expr.Pow(e, 2)));
            case ExprKind.Gamma: return Chain(Expr.Mul(e, Expr.Call(ExprKind.Polygamma, Expr.Zero, u)));
            case ExprKind.Erf: // 2 exp(-u^2) / sqrt(pi), as SymPy writes it
                return Chain(Expr.Mul(Expr.Integer(2), Expr.Pow(Expr.Pi, Expr.Rational(-1, 2)), Expr.Call(ExprKind.Exp, -Expr.Pow(u, 2))));
            case ExprKind.Polygamma:
                return Expr.Mul(Expr.Call(ExprKind.Polygamma, Expr.Add(args[0], Expr.One), args[1]), d(args[1]));
            case ExprKind.Conjugate: return Expr.Call(ExprKind.Conjugate, du);
            case ExprKind.Re: return Re(du);
            case ExprKind.Im: return Im(du);
            case ExprKind.Abs:
                // d|u| = (re u re u' + im u im u') / |u|, which is sign(u) u' for real u.
                return Expr.Mul(Expr.Add(Expr.Mul(Re(u), Re(du)), Expr.Mul(Im(u), Im(du))), Inv(e));
            case ExprKind.Arg:
                return Expr.Mul(Expr.Add(Expr.Mul(Re(u), Im(du)), -Expr.Mul(Im(u), Re(du))), Expr.Pow(Expr.Call(ExprKind.Abs, u), -2));
            case ExprKind.Sign or ExprKind.Heaviside or ExprKind.Floor or ExprKind.Ceiling or ExprKind.KroneckerDelta:
                return Expr.Zero; // piecewise constant: zero almost everywhere
            case ExprKind.Max or ExprKind.Min:
            {
                // Max(a, rest...) = Piecewise((a, a >= Max(rest)), (Max(rest), True))
                var first = args[0];
                var rest = args.Length == 2 ? args[1] : Expr.Call(e.Kind, args.Skip(1).ToArray());
                var cond = Expr.Relational(e.Kind == ExprKind.Max ? ExprKind.GreaterThan : ExprKind.LessThan, first, rest);
                return Expr.Piecewise([(d(first), cond), (d(rest), Expr.True)]);
            }
            case ExprKind.Mod:
                return Expr.Add(d(args[0]), -Expr.Mul(Expr.Call(ExprKind.Floor, Expr.Mul(args[0], Inv(args[1]))), d(args[1])));
        }
        throw new NotSupportedException($"Cannot differentiate {e.Kind}.");
    }
}
