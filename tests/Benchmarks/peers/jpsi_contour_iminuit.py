#!/usr/bin/python3
"""iminuit's mncontour on the J/psi reference fit, the peer of `pwa fit --contour A,B` (issue 20's speed target).
Runs ../shared/reference-fits/jpsi_gamma_pi0pi0/peer_fit.py (iminuit MIGRAD + HESSE with its NumPy cost), then
times m.mncontour(A, B, cl=CL, size=POINTS) from that minimum. Prints one JSON line.
Usage: jpsi_contour_iminuit.py REFERENCE_FIT_DIR [A] [B] [POINTS] [CL]"""
import io, json, runpy, sys, time
from contextlib import redirect_stdout

folder = sys.argv[1]
a = sys.argv[2] if len(sys.argv) > 2 else "Re C[f0(1500)]"
b = sys.argv[3] if len(sys.argv) > 3 else "Im C[f0(1500)]"
points = int(sys.argv[4]) if len(sys.argv) > 4 else 20
cl = float(sys.argv[5]) if len(sys.argv) > 5 else 0.68
sys.argv = ["peer_fit.py", folder, "--no-save"]
with redirect_stdout(io.StringIO()):
    g = runpy.run_path(f"{folder}/peer_fit.py", run_name="__main__")
m, fit = g["m"], g["fit"]
labels = {p["name"]: p.get("label", p["name"]) for p in fit["free_parameters"]}
a, b = labels.get(a, a), labels.get(b, b)
nfcn0 = m.nfcn
t0 = time.perf_counter()
pts = m.mncontour(a, b, cl=cl, size=points)
seconds = time.perf_counter() - t0
print(json.dumps({"x": a, "y": b, "points": points, "cl": cl, "mncontour_s": seconds, "nfcn": m.nfcn - nfcn0,
                  "contour": [[float(p[0]), float(p[1])] for p in pts], "best": [float(m.values[a]), float(m.values[b])],
                  "fmin": float(m.fval)}))
