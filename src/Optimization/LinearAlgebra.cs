namespace PartialWave.Optimization;

/// <summary>The small dense linear algebra a minimiser needs (matrices of a few hundred rows at most).</summary>
internal static class LinearAlgebra
{
    public static double[] Multiply(double[,] m, ReadOnlySpan<double> v)
    {
        int n = v.Length;
        var r = new double[n];
        for (int i = 0; i < n; i++)
        {
            double s = 0;
            for (int j = 0; j < n; j++) s += m[i, j] * v[j];
            r[i] = s;
        }
        return r;
    }

    public static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        double s = 0;
        for (int i = 0; i < a.Length; i++) s += a[i] * b[i];
        return s;
    }

    /// <summary>vᵀ M v.</summary>
    public static double Similarity(double[,] m, ReadOnlySpan<double> v) => Dot(v, Multiply(m, v));

    /// <summary>Σ |Mᵢⱼ| over the upper triangle (Minuit's measure of a matrix's size).</summary>
    public static double SumOfElements(double[,] m)
    {
        int n = m.GetLength(0);
        double s = 0;
        for (int i = 0; i < n; i++)
            for (int j = i; j < n; j++) s += Math.Abs(m[i, j]);
        return s;
    }

    public static double[,] Clone(double[,] m) => (double[,])m.Clone();

    /// <summary>Inverse of a symmetric matrix by Gauss–Jordan elimination with partial pivoting; null when singular.</summary>
    public static double[,]? Invert(double[,] m)
    {
        int n = m.GetLength(0);
        var a = new double[n, 2 * n];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++) a[i, j] = m[i, j];
            a[i, n + i] = 1;
        }
        // Scale by the diagonal first, as Minuit does, so that parameters of very different sizes invert well.
        var s = new double[n];
        for (int i = 0; i < n; i++)
        {
            double d = Math.Abs(m[i, i]);
            s[i] = d > 0 && double.IsFinite(d) ? 1.0 / Math.Sqrt(d) : 1.0;
        }
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) a[i, j] *= s[i] * s[j];
        for (int c = 0; c < n; c++)
        {
            int p = c;
            for (int r = c + 1; r < n; r++) if (Math.Abs(a[r, c]) > Math.Abs(a[p, c])) p = r;
            if (!(Math.Abs(a[p, c]) > 1e-300) || !double.IsFinite(a[p, c])) return null;
            if (p != c)
                for (int j = 0; j < 2 * n; j++) (a[p, j], a[c, j]) = (a[c, j], a[p, j]);
            double inv = 1.0 / a[c, c];
            for (int j = 0; j < 2 * n; j++) a[c, j] *= inv;
            for (int r = 0; r < n; r++)
            {
                if (r == c || a[r, c] == 0) continue;
                double f = a[r, c];
                for (int j = 0; j < 2 * n; j++) a[r, j] -= f * a[c, j];
            }
        }
        var result = new double[n, n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) result[i, j] = a[i, n + j] * s[i] * s[j];
        // Symmetrise against rounding.
        for (int i = 0; i < n; i++)
            for (int j = i + 1; j < n; j++) result[i, j] = result[j, i] = 0.5 * (result[i, j] + result[j, i]);
        return result;
    }

    /// <summary>Eigenvalues of a symmetric matrix (cyclic Jacobi), ascending.</summary>
    public static double[] Eigenvalues(double[,] m)
    {
        int n = m.GetLength(0);
        var a = Clone(m);
        for (int sweep = 0; sweep < 100; sweep++)
        {
            double off = 0;
            for (int i = 0; i < n; i++)
                for (int j = i + 1; j < n; j++) off += a[i, j] * a[i, j];
            if (off < 1e-30 * Math.Max(1e-300, Norm2(a))) break;
            for (int p = 0; p < n; p++)
                for (int q = p + 1; q < n; q++)
                {
                    if (a[p, q] == 0) continue;
                    double theta = (a[q, q] - a[p, p]) / (2 * a[p, q]);
                    double t = Math.Sign(theta) / (Math.Abs(theta) + Math.Sqrt(theta * theta + 1));
                    if (theta == 0) t = 1;
                    double c = 1 / Math.Sqrt(t * t + 1), s = t * c;
                    for (int k = 0; k < n; k++)
                    {
                        double akp = a[k, p], akq = a[k, q];
                        a[k, p] = c * akp - s * akq;
                        a[k, q] = s * akp + c * akq;
                    }
                    for (int k = 0; k < n; k++)
                    {
                        double apk = a[p, k], aqk = a[q, k];
                        a[p, k] = c * apk - s * aqk;
                        a[q, k] = s * apk + c * aqk;
                    }
                }
        }
        var e = new double[n];
        for (int i = 0; i < n; i++) e[i] = a[i, i];
        Array.Sort(e);
        return e;
    }

    private static double Norm2(double[,] a)
    {
        double s = 0;
        foreach (var v in a) s += v * v;
        return s;
    }

    /// <summary>
    /// Minuit's MnPosDef: makes a symmetric matrix positive definite by shifting a non-positive diagonal and then,
    /// if the smallest eigenvalue of the correlation form is still tiny, scaling the diagonal up.
    /// </summary>
    /// <returns>The matrix and whether it had to be changed.</returns>
    public static (double[,] Matrix, bool MadePosDef) MakePositiveDefinite(double[,] m)
    {
        int n = m.GetLength(0);
        var err = Clone(m);
        if (n == 0) return (err, false);
        if (n == 1)
        {
            if (err[0, 0] < Precision.Eps) { err[0, 0] = 1; return (err, true); }
            return (err, false);
        }
        double epspdf = Math.Max(1e-6, Precision.Eps2);
        // An update that overflowed (far out on a cost without a minimum) leaves nothing to repair: start from the
        // diagonal that is still usable, as a fresh seed would.
        if (err.Cast<double>().Any(v => !double.IsFinite(v)))
        {
            for (int i = 0; i < n; i++)
                for (int j = 0; j < n; j++) err[i, j] = i != j ? 0 : double.IsFinite(m[i, i]) && m[i, i] > 0 ? m[i, i] : 1;
            return (err, true);
        }
        double dgmin = err[0, 0];
        for (int i = 0; i < n; i++) dgmin = Math.Min(dgmin, err[i, i]);
        double dg = dgmin <= 0 ? 0.5 + epspdf - dgmin : 0;
        var s = new double[n];
        var p = new double[n, n];
        for (int i = 0; i < n; i++)
        {
            err[i, i] += dg;
            // Minuit2 resets only a negative diagonal; a zero (the shift cancelled it) would make the scaling infinite.
            if (!(err[i, i] > 0)) err[i, i] = 1;
            s[i] = 1.0 / Math.Sqrt(err[i, i]);
        }
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) p[i, j] = err[i, j] * s[i] * s[j];
        var eval = Eigenvalues(p);
        double pmin = eval[0], pmax = Math.Max(Math.Abs(eval[^1]), 1.0);
        if (pmin > epspdf * pmax) return (err, dg > 0);
        double padd = 0.001 * pmax - pmin;
        for (int i = 0; i < n; i++) err[i, i] *= 1.0 + padd;
        return (err, true);
    }
}
