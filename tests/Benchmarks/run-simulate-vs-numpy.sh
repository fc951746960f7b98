#!/usr/bin/env bash
# Simulation against the NumPy peer, side by side in one session: BenchmarkDotNet's SimulationBenchmarks (accept-reject
# of the 2-D Gaussian over 1 M flat candidates, end to end) and PhaseSpaceBenchmarks (three-body phase space), then
# ../shared/peers/gauss2d_simulate_fit.py 1000000 (its "simulate" line: evaluation and acceptance with NumPy).
# Writes both sides, the ratios and each target's pass/fail to perf-results/peers/simulate/ (run-peers.sh runs them all).
# Needs python3-numpy and python3-numexpr, python3-iminuit from Debian (see ../shared/peers/README.md).
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
shared=${PARTIALWAVE_SHARED:-$repo/../shared}
out="${PARTIALWAVE_PERF_OUT:-$repo/perf-results/peers/simulate}"
mkdir -p "$out"

cd "$repo"
dotnet run --project tests/Benchmarks -c Release -- \
  --filter 'PartialWave.Benchmarks.SimulationBenchmarks*' 'PartialWave.Benchmarks.PhaseSpaceBenchmarks*' \
  --artifacts "$out/bdn" "$@"

: > "$out/numpy.jsonl"
for i in 1 2 3 4 5; do
  /usr/bin/python3 "$shared/peers/gauss2d_simulate_fit.py" 1000000 1 | grep "\"simulate\"" >> "$out/numpy.jsonl"
done

# The peer's own steps timed end to end as well (its candidates are drawn before its clock starts).
/usr/bin/python3 - > "$out/numpy_end_to_end.json" <<'PY'
import json, time
import numpy as np
def gauss_np(x, y, A1, A2, A3, A4):
    return 1 / (A2 * A4) * np.exp(-(((x - A1) ** 2) / A2 ** 2 + ((y - A3) ** 2) / A4 ** 2))
times = []
for _ in range(7):
    rng = np.random.default_rng(0)
    t0 = time.perf_counter()
    x = rng.random(1_000_000) * 20; y = rng.random(1_000_000) * 20
    vals = gauss_np(x, y, 10, 3, 10, 3)
    keep = rng.random(1_000_000) * vals.max() < vals
    xd, yd = x[keep], y[keep]
    times.append(time.perf_counter() - t0)
print(json.dumps(dict(seconds=sorted(times)[3], kept=int(keep.sum()))))
PY

/usr/bin/python3 - "$out" <<'PY'
import glob, json, os, platform, statistics, sys
out = sys.argv[1]
ours = {}
for report in glob.glob(os.path.join(out, "bdn", "results", "*-report-brief.json")):
    for b in json.load(open(report))["Benchmarks"]:
        if b.get("Statistics"):
            ours[(b["Type"], b["Method"])] = b["Statistics"]["Median"] / 1e9
peer = [json.loads(l) for l in open(os.path.join(out, "numpy.jsonl")) if l.strip()]
peer_s = statistics.median(p["seconds"] for p in peer) if peer else None
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.processor())
passed = failed = 0
def verdict(ok):
    global passed, failed
    if ok is None: failed += 1; return "MISSING"
    if ok: passed += 1; return "pass"
    failed += 1; return "FAIL"
ar = ours.get(("SimulationBenchmarks", "AcceptReject"))
e2e = json.load(open(os.path.join(out, "numpy_end_to_end.json")))["seconds"]
ratio = None if ar is None else e2e / ar
part_ratio = None if ar is None or peer_s is None else peer_s / ar
lines = [f"# Simulation vs NumPy — {os.path.basename(out)}", "",
         f"Machine: {cpu}, {os.cpu_count()} logical cores. PartialWave: BenchmarkDotNet medians; peer: "
         "gauss2d_simulate_fit.py 1000000, median of 5 runs of its simulate step, same session.", "",
         "## Accept-reject of the 2-D Gaussian over 1,000,000 flat candidates", "",
         "| | time | ratio (peer / ours) | target | result |", "|---|---|---|---|---|",
         f"| NumPy, the peer's timed part (evaluation + acceptance; candidates drawn before its clock) | {peer_s*1e3:.1f} ms | | | |" if peer_s else "| NumPy | missing | | | |",
         f"| NumPy, the same steps end to end (generation + evaluation + acceptance) | {e2e*1e3:.1f} ms | | | |",
         (f"| PartialWave (generation + evaluation + acceptance + gathering) | {ar*1e3:.2f} ms | {ratio:.1f}x end to end ({part_ratio:.1f}x vs the timed part) | ≥ 3 | {verdict(ratio >= 3)} |"
          if ratio else f"| PartialWave | missing | | ≥ 3 | {verdict(None)} |"),
         "", "## Three-body phase space (J/ψ → γπ⁰π⁰), 1,000,000 events", "",
         "| benchmark | time | events/s | target | result |", "|---|---|---|---|---|"]
for method, target in (("IntoColumns", 20e6), ("NewSample", None), ("Genbod", None)):
    t = ours.get(("PhaseSpaceBenchmarks", method))
    rate = None if t is None else 1e6 / t
    res = verdict(None if rate is None else rate >= target) if target else "info"
    lines.append(f"| {method} | {t*1e3:.2f} ms | {rate/1e6:.1f} M/s | {'≥ 20 M/s' if target else '—'} | {res} |" if t else f"| {method} | missing | | | {res} |")
lines += ["", f"Targets met: {passed} of {passed + failed}.", ""]
open(os.path.join(out, "summary.md"), "w").write("\n".join(lines))
print("\n".join(lines))
PY
