#!/usr/bin/env bash
# Fits against iminuit, side by side in one session: BenchmarkDotNet's GaussExpFitBenchmarks and JpsiFitBenchmarks
# (tests/Benchmarks/FitBenchmarks.cs), then the peers: ../shared/peers/gauss_exp_fit.py 200000 (iminuit + SciPy and
# + Numba-parallel likelihoods) and ../shared/reference-fits/jpsi_gamma_pi0pi0/peer_fit.py (iminuit + NumPy).
# Writes both sides, the ratios and each target's pass/fail to perf-results/peers/fit/ (run-peers.sh runs them all).
# Needs python3-iminuit, python3-numba, python3-scipy, python3-sympy from Debian (see ../shared/peers/README.md).
# Extra arguments go to BenchmarkDotNet (e.g. --iterationCount 3 for a quick look; not for figures).
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
shared=${PARTIALWAVE_SHARED:-$repo/../shared}
out="${PARTIALWAVE_PERF_OUT:-$repo/perf-results/peers/fit}"
mkdir -p "$out"

cd "$repo"
dotnet run --project tests/Benchmarks -c Release -- \
  --filter 'PartialWave.Benchmarks.GaussExpFitBenchmarks*' 'PartialWave.Benchmarks.JpsiFitBenchmarks*' \
  --artifacts "$out/bdn" "$@"

/usr/bin/python3 "$shared/peers/gauss_exp_fit.py" 200000 3 > "$out/gauss_exp_peer.jsonl"
/usr/bin/python3 "$shared/reference-fits/jpsi_gamma_pi0pi0/peer_fit.py" --no-save > "$out/jpsi_peer.json" 2> "$out/jpsi_peer.log"

/usr/bin/python3 - "$out" <<'PY'
import glob, json, os, platform, sys
out = sys.argv[1]
ours = {}
for report in glob.glob(os.path.join(out, "bdn", "results", "*-report-brief.json")):
    for b in json.load(open(report))["Benchmarks"]:
        if b.get("Statistics"):
            ours[(b["Type"], b["Method"])] = b["Statistics"]["Median"] / 1e9
gauss = {}
for line in open(os.path.join(out, "gauss_exp_peer.jsonl")):
    p = json.loads(line)
    gauss[p["variant"]] = p
jpsi = json.loads(open(os.path.join(out, "jpsi_peer.json")).read().strip().splitlines()[-1])

def t(x):
    if x is None: return "missing"
    return f"{x:.3f} s" if x >= 0.1 else f"{x*1e3:.1f} ms"

passed = failed = 0
def verdict(ratio, target):
    global passed, failed
    if ratio is None: failed += 1; return "MISSING"
    if ratio >= target: passed += 1; return "pass"
    failed += 1; return "FAIL"

def ratio(peer, mine):
    return None if peer is None or mine is None or mine == 0 else peer / mine

cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.processor())
lines = [f"# Fits vs iminuit — {os.path.basename(out)}", "",
         f"Machine: {cpu}, {os.cpu_count()} logical cores. PartialWave: BenchmarkDotNet medians of one whole MIGRAD "
         "(tests/Benchmarks/FitBenchmarks.cs); peers: median of 3 (gauss_exp_fit.py) and one run (peer_fit.py), same session.", ""]

numba, scipy = gauss.get("numba_parallel", {}), gauss.get("scipy", {})
lines += [f"## Peak over background, extended unbinned NLL ({numba.get('n_events', '?'):,} peer events; ours ≈ 1.55 M from the same distributions)", "",
          "| | MIGRAD | calls | ratio (peer / ours) | target | result |", "|---|---|---|---|---|---|"]
a = ours.get(("GaussExpFitBenchmarks", "MigradAnalytic"))
n = ours.get(("GaussExpFitBenchmarks", "MigradNumerical"))
lines.append(f"| iminuit + Numba parallel | {t(numba.get('migrad_s'))} | {numba.get('nfcn', '?')} | | | |")
lines.append(f"| iminuit + SciPy | {t(scipy.get('migrad_s'))} | {scipy.get('nfcn', '?')} | | | |")
x = ratio(numba.get("migrad_s"), a)
lines.append(f"| PartialWave, analytic gradient | {t(a)} | | {x:.2f}x vs Numba | ≥ 3 | {verdict(x, 3)} |" if x else f"| PartialWave, analytic gradient | {t(a)} | | missing | ≥ 3 | {verdict(x, 3)} |")
y = ratio(numba.get("migrad_s"), n)
lines.append(f"| PartialWave, numerical gradient | {t(n)} | | {y:.2f}x vs Numba | — | info |" if y else f"| PartialWave, numerical gradient | {t(n)} | | missing | — | info |")

lines += ["", "## J/ψ → γπ⁰π⁰ amplitude fit (10 k data, 100 k phase space, 12 parameters)", "",
          "| | MIGRAD | calls | ratio (peer / ours) | target | result |", "|---|---|---|---|---|---|"]
pa = ours.get(("JpsiFitBenchmarks", "MigradAnalytic"))
pn = ours.get(("JpsiFitBenchmarks", "MigradNumerical"))
ph = ours.get(("JpsiFitBenchmarks", "MigradAndHesse"))
lines.append(f"| iminuit + NumPy (peer_fit.py) | {t(jpsi['migrad_s'])} | {jpsi['nfcn_migrad']} | | | |")
x = ratio(jpsi["migrad_s"], pa)
lines.append(f"| PartialWave, analytic gradient | {t(pa)} | | {x:.1f}x | ≥ 20 | {verdict(x, 20)} |" if x else f"| PartialWave, analytic gradient | missing | | | ≥ 20 | {verdict(x, 20)} |")
y = ratio(jpsi["migrad_s"], pn)
lines.append(f"| PartialWave, numerical gradient | {t(pn)} | 635 | {y:.1f}x | — | info |" if y else "| PartialWave, numerical gradient | missing | | | — | info |")
z = ratio(jpsi["migrad_s"] + jpsi["hesse_s"], ph)
lines.append(f"| MIGRAD + HESSE: peer {t(jpsi['migrad_s'] + jpsi['hesse_s'])} | {t(ph)} | | {z:.1f}x | — | info |" if z else "| MIGRAD + HESSE | missing | | | — | info |")
cc = ours.get(("JpsiFitBenchmarks", "CouplingsOnlyCached"))
cf = ours.get(("JpsiFitBenchmarks", "CouplingsOnlyFullSum"))
w = ratio(cf, cc)
lines += ["", "## J/ψ couplings only (f0(1500) mass and width fixed; 10 parameters)", "",
          "| normalisation | MIGRAD | full / cached |", "|---|---|---|",
          f"| summed over 100 k phase-space events per call | {t(cf)} | |",
          f"| cached 6x6 coupling matrix | {t(cc)} | {w:.2f}x |" if w else f"| cached 6x6 coupling matrix | {t(cc)} | missing |"]
lines += ["", f"Targets met: {passed} of {passed + failed}.", ""]
open(os.path.join(out, "summary.md"), "w").write("\n".join(lines))
print("\n".join(lines))
PY
