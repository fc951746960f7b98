#!/usr/bin/python3
"""iminuit's MINOS on the J/psi reference fit, the peer of `pwa fit --minos all`: runs
../shared/reference-fits/jpsi_gamma_pi0pi0/peer_fit.py (iminuit MIGRAD + HESSE with its NumPy cost), then times
m.minos() for every free parameter. Prints one JSON line: per parameter (by name) lower, upper, validity, calls.
Usage: jpsi_minos_iminuit.py REFERENCE_FIT_DIR"""
import io, json, runpy, sys, time
from contextlib import redirect_stdout

folder = sys.argv[1]
sys.argv = ["peer_fit.py", folder, "--no-save"]
with redirect_stdout(io.StringIO()):
    g = runpy.run_path(f"{folder}/peer_fit.py", run_name="__main__")
m, fit = g["m"], g["fit"]
names = {p.get("label", p["name"]): p["name"] for p in fit["free_parameters"]}
nfcn0 = m.nfcn
t0 = time.perf_counter()
m.minos()
seconds = time.perf_counter() - t0
print(json.dumps({"minos_s": seconds, "nfcn": m.nfcn - nfcn0, "fmin": float(m.fval),
                  "errors": {names[k]: [float(me.lower), float(me.upper), bool(me.lower_valid), bool(me.upper_valid), int(me.nfcn)]
                             for k, me in m.merrors.items()},
                  "hesse": {names[k]: float(m.errors[k]) for k in names}}))
