#!/usr/bin/python3
"""iminuit's mnprofile on the J/psi reference fit, the peer of `pwa fit --profile` (issue 20's speed target).
Runs ../shared/reference-fits/jpsi_gamma_pi0pi0/peer_fit.py (iminuit MIGRAD + HESSE with its NumPy cost), then
times m.mnprofile(PARAMETER, size=POINTS, bound=2) from that minimum. Prints one JSON line.
Usage: jpsi_profile_iminuit.py REFERENCE_FIT_DIR [PARAMETER] [POINTS]"""
import io, json, runpy, sys, time
from contextlib import redirect_stdout

folder = sys.argv[1]
parameter = sys.argv[2] if len(sys.argv) > 2 else "m_{f_{0}(1500)}"
points = int(sys.argv[3]) if len(sys.argv) > 3 else 20
sys.argv = ["peer_fit.py", folder, "--no-save"]
with redirect_stdout(io.StringIO()):
    g = runpy.run_path(f"{folder}/peer_fit.py", run_name="__main__")
m, fit = g["m"], g["fit"]
label = next((p.get("label", p["name"]) for p in fit["free_parameters"] if p["name"] == parameter), parameter)
nfcn0 = m.nfcn
t0 = time.perf_counter()
x, y, ok = m.mnprofile(label, size=points, bound=2)
seconds = time.perf_counter() - t0
print(json.dumps({"parameter": parameter, "points": points, "mnprofile_s": seconds, "nfcn": m.nfcn - nfcn0,
                  "values": list(map(float, x)), "fval": list(map(float, y)), "valid": list(map(bool, ok)),
                  "fmin": float(m.fval)}))
