"""Fits a CSV sample with iminuit, the way the shared peer scripts define the likelihoods, and prints one JSON
line (values, errors, fval, nfcn, valid). Used by the validation tests to compare PartialWave's fits with
iminuit's on identical events.

    python3 iminuit_fit.py gauss_exp EVENTS.csv N_SIG N_BKG     (extended NLL, SciPy pdfs, range [1, 9])
    python3 iminuit_fit.py gauss2d EVENTS.csv                   (-sum log I of the 2-D Gaussian, limits as the peer)
"""
import json, sys
import numpy as np
from iminuit import Minuit

kind, path = sys.argv[1], sys.argv[2]
cols = np.loadtxt(path, delimiter=",", skiprows=1, ndmin=2)

if kind == "gauss_exp":
    from scipy.stats import expon, norm
    x = np.ascontiguousarray(cols[:, 0])
    n_sig, n_bkg = float(sys.argv[3]), float(sys.argv[4])
    xr = (1.0, 9.0)

    def nll(par):
        ns, nb, mu, sigma, lambd = par
        s = norm(mu, sigma); b = expon(0, lambd)
        sn = np.diff(s.cdf(xr))[0]; bn = np.diff(b.cdf(xr))[0]
        return (ns + nb) - np.sum(np.log(s.pdf(x) / sn * ns + b.pdf(x) / bn * nb))

    m = Minuit(nll, (n_sig, n_bkg, 5.0, 0.5, 4.0), name=("ns", "nb", "mu", "sigma", "lambd"))
    m.limits = ((0, None), (0, None), None, (0, None), (0, None))
    m.errordef = Minuit.LIKELIHOOD
elif kind == "gauss2d":
    x, y = np.ascontiguousarray(cols[:, 0]), np.ascontiguousarray(cols[:, 1])

    def nll(A1, A2, A3, A4):
        return -np.sum(np.log(1 / (A2 * A4) * np.exp(-(((x - A1) ** 2) / A2 ** 2 + ((y - A3) ** 2) / A4 ** 2))))

    m = Minuit(nll, A1=1, A2=1, A3=1, A4=1)
    m.errordef = Minuit.LIKELIHOOD
    m.limits["A1"] = (0.1, None); m.limits["A3"] = (0.1, None)
    m.limits["A2"] = (1, None); m.limits["A4"] = (1, None)
else:
    raise SystemExit(f"unknown kind {kind}")

m.migrad()
m.hesse()
print(json.dumps(dict(values=dict(zip(m.parameters, map(float, m.values))),
                      errors=dict(zip(m.parameters, map(float, m.errors))),
                      fval=float(m.fval), nfcn=int(m.nfcn), valid=bool(m.valid))))
