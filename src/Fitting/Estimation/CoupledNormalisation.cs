using System.Numerics;
using PartialWave.Data;

namespace PartialWave.Estimation;

/// <summary>
/// The normalisation sum Σ_mc w I(y; C) of an intensity that is a Hermitian quadratic form in its complex
/// couplings, I = Σ_h |B_h0 + Σ_k C_k B_hk|², kept as the matrix M_jk = Σ_mc w Σ_h B_hj conj(B_hk) (index 0 for
/// the coupling-free part): a step that moves only couplings costs O(K²) instead of a pass over the sample.
/// </summary>
/// <remarks>
/// M is found without looking inside the model: the sum is evaluated at (K + 1)² coupling settings (zero, ±e_k,
/// i e_k, e_j + e_k, e_j + i e_k) and the polarisation identities give every element. The form is then checked at
/// two random settings; a model that is not such a form (a coupling inside a lineshape, say) is refused.
/// </remarks>
public sealed class CoupledNormalisation
{
    private readonly Complex[,] _m;

    private CoupledNormalisation(IReadOnlyList<string> couplings, Complex[,] m)
    {
        Couplings = couplings;
        _m = m;
    }

    /// <summary>The complex couplings, in matrix order (row k + 1).</summary>
    public IReadOnlyList<string> Couplings { get; }

    /// <summary>
    /// Builds the matrix for <paramref name="function"/>'s current values of every other parameter, or returns null
    /// (with the reason) when the sum is not a Hermitian form in the couplings.
    /// </summary>
    public static CoupledNormalisation? TryCreate(IParametrizedFunction function, EventSample sample, double[]? weights,
        IReadOnlyList<string> couplings, out string? reason)
    {
        reason = null;
        var byName = function.Parameters.ToDictionary(p => p.Name, StringComparer.Ordinal);
        foreach (var c in couplings)
            if (!byName.TryGetValue(c, out var p) || !p.IsComplex)
            {
                reason = $"'{c}' is not a complex parameter of the model";
                return null;
            }
        if (function.IsComplexValued)
        {
            reason = "the model is complex-valued";
            return null;
        }
        int k = couplings.Count;
        var saved = couplings.Select(c => byName[c].Value).ToArray();
        try
        {
            double Sum(params (int Index, Complex Value)[] set)
            {
                var values = new Complex[k];
                foreach (var (i, v) in set) values[i] = v;
                for (int i = 0; i < k; i++) function.SetParameter(couplings[i], values[i]);
                return function.Sum(sample, weights).Value;
            }
            var m = new Complex[k + 1, k + 1];
            double m00 = Sum();
            m[0, 0] = m00;
            var plus = new double[k];
            for (int a = 0; a < k; a++)
            {
                plus[a] = Sum((a, 1));
                double minus = Sum((a, -1));
                double imaginary = Sum((a, Complex.ImaginaryOne));
                double maa = 0.5 * (plus[a] + minus) - m00;
                double reA0 = 0.25 * (plus[a] - minus);
                double imA0 = -0.5 * (imaginary - m00 - maa);
                m[a + 1, a + 1] = maa;
                m[a + 1, 0] = new Complex(reA0, imA0);
                m[0, a + 1] = new Complex(reA0, -imA0);
            }
            for (int a = 0; a < k; a++)
                for (int b = a + 1; b < k; b++)
                {
                    double both = Sum((a, 1), (b, 1));
                    double rotated = Sum((a, 1), (b, Complex.ImaginaryOne));
                    // |e_a + e_b|: M00 + Maa + Mbb + 2Re Ma0 + 2Re Mb0 + 2Re Mab
                    double reAB = 0.5 * (both - m00 - m[a + 1, a + 1].Real - m[b + 1, b + 1].Real - 2 * m[a + 1, 0].Real - 2 * m[b + 1, 0].Real);
                    // e_a + i e_b: M00 + Maa + Mbb + 2Re Ma0 − 2Im Mb0 + 2Im Mab
                    double imAB = 0.5 * (rotated - m00 - m[a + 1, a + 1].Real - m[b + 1, b + 1].Real - 2 * m[a + 1, 0].Real + 2 * m[b + 1, 0].Imaginary);
                    m[a + 1, b + 1] = new Complex(reAB, imAB);
                    m[b + 1, a + 1] = new Complex(reAB, -imAB);
                }
            var result = new CoupledNormalisation(couplings, m);
            // Check the form where it was not probed.
            var rng = new Random(12345);
            for (int trial = 0; trial < 2; trial++)
            {
                var c = Enumerable.Range(0, k).Select(_ => new Complex(2 * rng.NextDouble() - 1, 2 * rng.NextDouble() - 1)).ToArray();
                double direct = Sum(c.Select((v, i) => (i, v)).ToArray());
                double form = result.Value(c);
                double scale = Math.Abs(m00) + Enumerable.Range(0, k + 1).Sum(i => m[i, i].Magnitude);
                if (!(Math.Abs(direct - form) <= 1e-9 * scale))
                {
                    reason = $"the normalisation is not a quadratic form in the couplings (direct {direct:R}, form {form:R})";
                    return null;
                }
            }
            return result;
        }
        finally
        {
            for (int i = 0; i < k; i++) function.SetParameter(couplings[i], saved[i]);
        }
    }

    /// <summary>Σ_jk c̃_j conj(c̃_k) M_jk with c̃ = (1, C_1 … C_K).</summary>
    public double Value(ReadOnlySpan<Complex> c)
    {
        int k = Couplings.Count;
        Complex sum = _m[0, 0];
        for (int j = 0; j < k; j++)
        {
            sum += c[j] * _m[j + 1, 0] + Complex.Conjugate(c[j]) * _m[0, j + 1];
            for (int l = 0; l < k; l++) sum += c[j] * Complex.Conjugate(c[l]) * _m[j + 1, l + 1];
        }
        return sum.Real;
    }

    /// <summary>∂/∂Re C_j = 2 Re z_j and ∂/∂Im C_j = −2 Im z_j with z_j = Σ_l conj(c̃_l) M_jl.</summary>
    public void Gradient(ReadOnlySpan<Complex> c, Span<double> dRe, Span<double> dIm)
    {
        int k = Couplings.Count;
        for (int j = 0; j < k; j++)
        {
            Complex z = _m[j + 1, 0];
            for (int l = 0; l < k; l++) z += Complex.Conjugate(c[l]) * _m[j + 1, l + 1];
            dRe[j] = 2 * z.Real;
            dIm[j] = -2 * z.Imaginary;
        }
    }
}
