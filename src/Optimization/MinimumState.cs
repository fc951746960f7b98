namespace PartialWave.Optimization;

/// <summary>Status of the inverse-Hessian estimate of a minimisation state.</summary>
internal enum ErrorStatus
{
    /// <summary>No estimate yet.</summary>
    None,
    /// <summary>An estimate (from updates or from HESSE).</summary>
    Available,
    /// <summary>HESSE's matrix was not positive definite and was forced to be.</summary>
    MadePosDef,
    /// <summary>HESSE failed (a zero second derivative, or the call limit); V is Minuit's diagonal stand-in.</summary>
    HesseFailed,
    /// <summary>HESSE's matrix could not be inverted; a diagonal estimate is used.</summary>
    InvertFailed,
}

/// <summary>First derivatives in internal coordinates, with Minuit's second-derivative and step estimates.</summary>
internal sealed class Gradient
{
    public Gradient(double[] grad, double[] g2, double[] step, bool analytic)
    {
        Grad = grad; G2 = g2; Step = step; IsAnalytic = analytic;
    }

    public double[] Grad { get; }
    public double[] G2 { get; }
    public double[] Step { get; }
    public bool IsAnalytic { get; }
    public bool HasG2 => !IsAnalytic || G2.Any(v => v != 0);

    public Gradient Copy() => new((double[])Grad.Clone(), (double[])G2.Clone(), (double[])Step.Clone(), IsAnalytic);
}

/// <summary>A point of the minimisation: internal parameters, value, gradient, inverse Hessian V and EDM.</summary>
internal sealed class MinimumState
{
    public MinimumState(double[] x, double f, Gradient gradient, double[,] v, double dcovar, ErrorStatus status, double edm, int nfcn)
    {
        X = x; F = f; Gradient = gradient; V = v; Dcovar = dcovar; Status = status; Edm = edm; Nfcn = nfcn;
    }

    public double[] X { get; }
    public double F { get; }
    public Gradient Gradient { get; }
    /// <summary>The inverse of the Hessian (second derivative matrix) in internal coordinates.</summary>
    public double[,] V { get; }
    /// <summary>Minuit's estimate of the relative change of V in the last updates (0 after a good HESSE, 1 after one
    /// whose matrix had to be forced positive definite).</summary>
    public double Dcovar { get; }
    public ErrorStatus Status { get; }
    public double Edm { get; }
    public int Nfcn { get; }

    public bool HasCovariance => Status is ErrorStatus.Available or ErrorStatus.MadePosDef;
    /// <summary>As Minuit2's MinimumError: a matrix forced positive definite is usable but never accurate.</summary>
    public bool IsAccurate => Status == ErrorStatus.Available && Dcovar < 0.1;
}
