#!/usr/bin/env bash
# Lambdify against SymPy + NumPy, side by side in one session: BenchmarkDotNet's CompileBenchmarks,
# ThroughputBenchmarks and HoistingBenchmarks (tests/Benchmarks/LambdifyBenchmarks.cs), then the peer
# (../shared/peers/lambdify_anchor.py: sympy.lambdify plain and cse=True, NumPy on 1,000,000 events) for the three
# reference models. Writes both sides, the ratios and each target's pass/fail to perf-results/peers/lambdify/ (run-peers.sh runs them all).
# Needs python3-sympy and python3-numpy from Debian (see ../shared/peers/README.md).
# Extra arguments go to BenchmarkDotNet (e.g. --warmupCount 1 --iterationCount 1 for a quick look; not for figures).
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
shared=${PARTIALWAVE_SHARED:-$repo/../shared}
models="jpsi_gamma_pi0pi0 jpsi_gamma_pi0pi0_f0f2_canonical lc2pkpi_default_full"
events=1000000
out="${PARTIALWAVE_PERF_OUT:-$repo/perf-results/peers/lambdify}"
mkdir -p "$out"

cd "$repo"
dotnet run --project tests/Benchmarks -c Release -- \
  --filter 'PartialWave.Benchmarks.CompileBenchmarks*' 'PartialWave.Benchmarks.ThroughputBenchmarks*' 'PartialWave.Benchmarks.HoistingBenchmarks*' \
  --artifacts "$out/bdn" "$@"

: > "$out/numpy.jsonl"
for m in $models; do
  /usr/bin/python3 "$shared/peers/lambdify_anchor.py" "$shared/reference-models/$m.srepr" "$shared/reference-models/$m.json" "$events" >> "$out/numpy.jsonl"
done

/usr/bin/python3 - "$out" "$events" <<'PY'
import glob, json, os, platform, subprocess, sys
out, events = sys.argv[1], int(sys.argv[2])
models = "jpsi_gamma_pi0pi0 jpsi_gamma_pi0pi0_f0f2_canonical lc2pkpi_default_full".split()
LC = "lc2pkpi_default_full"

def full_name(shown):
    # BenchmarkDotNet shortens long parameter values as 'head(...)tail [length]'.
    if "(...)" not in shown:
        return shown
    head, tail = shown.split("(...)")
    tail = tail.split(" [")[0]
    return next(m for m in models if m.startswith(head) and m.endswith(tail))

def parameters(text):
    # 'Model=jpsi_(...)nical [32]&Copies=4' -> {'Model': 'jpsi_gamma_pi0pi0_f0f2_canonical', 'Copies': '4'}
    result = {}
    for part in filter(None, text.split("&")):
        key, value = part.split("=", 1)
        result[key] = full_name(value) if key == "Model" else value
    return result

# (type, method, model, copies) -> median seconds
ours = {}
for report in glob.glob(os.path.join(out, "bdn", "results", "*-report-brief.json")):
    for b in json.load(open(report))["Benchmarks"]:
        if not b.get("Statistics"):
            continue  # the benchmark failed; its figure shows as missing
        p = parameters(b.get("Parameters") or "")
        ours[(b["Type"], b["Method"], p.get("Model"), p.get("Copies"))] = b["Statistics"]["Median"] / 1e9

peer = {}
for line in open(os.path.join(out, "numpy.jsonl")):
    p = json.loads(line)
    peer[p["model"].removesuffix(".srepr")] = p

def t(x):
    if x is None: return "missing"
    if x >= 1: return f"{x:.2f} s"
    if x >= 1e-3: return f"{x*1e3:.2f} ms"
    return f"{x*1e6:.1f} µs"

def rate(x):
    return "missing" if x is None else f"{x/1e6:.2f} M/s"

passed = failed = 0
def verdict(ratio, target, at_least, applies=True):
    global passed, failed
    if not applies: return "—", "info"
    if ratio is None: failed += 1; return ("≥ " if at_least else "≤ ") + f"{target:g}", "MISSING"
    ok = ratio >= target if at_least else ratio <= target
    if ok: passed += 1
    else: failed += 1
    return ("≥ " if at_least else "≤ ") + f"{target:g}", "pass" if ok else "FAIL"

def ratio(a, b):
    return None if a is None or b is None or b == 0 else a / b

def r(x): return "—" if x is None else f"{x:.2f}x"

lines = []
cpu = ""
try:
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "")
except OSError:
    pass
lines += [f"# Lambdify vs SymPy/NumPy — {os.path.basename(out)}", "",
          f"Machine: {cpu or platform.processor()}, {os.cpu_count()} logical cores. PartialWave: BenchmarkDotNet medians "
          f"(tests/Benchmarks/LambdifyBenchmarks.cs); peer: ../shared/peers/lambdify_anchor.py, one run, {events:,} events, same session.", ""]

lines += ["## Compile (all parameters free, parse excluded, first 256-event evaluation included)", "",
          "| model | PartialWave compile | SymPy lambdify(cse=True) | ratio | target | result |", "|---|---|---|---|---|---|"]
for m in models:
    o = ours.get(("CompileBenchmarks", "Compile", m, "1"))
    p = peer.get(m, {}).get("lambdify_s_cse")
    x = ratio(p, o)
    target, res = verdict(x, 10, True, m == LC)
    lines.append(f"| {m} | {t(o)} | {t(p)} | {r(x)} | {target} | {res} |")

lines += ["", f"## Throughput ({events:,} events, Evaluate, every parameter moved between calls)", "",
          "| model | PartialWave events/s | NumPy events/s (lambdify cse=True) | ratio | target | result |", "|---|---|---|---|---|---|"]
for m in models:
    o = ours.get(("ThroughputBenchmarks", "Value", m, None))
    ev = None if o is None else events / o
    p = peer.get(m, {}).get("events_per_s_cse")
    x = ratio(ev, p)
    target, res = verdict(x, 20, True)
    lines.append(f"| {m} | {rate(ev)} | {rate(p)} | {r(x)} | {target} | {res} |")

lines += ["", f"## Gradient (Σ log f over {events:,} events; NumPy lambdify has no gradient, so the ratio is ours alone)", "",
          "| model | SumLog with gradient | SumLog value only | ratio | target | result |", "|---|---|---|---|---|---|"]
for m in models:
    g = ours.get(("ThroughputBenchmarks", "SumLogWithGradient", m, None))
    v = ours.get(("ThroughputBenchmarks", "SumLog", m, None))
    x = ratio(g, v)
    target, res = verdict(x, 4, False)
    lines.append(f"| {m} | {t(g)} | {t(v)} | {r(x)} | {target} | {res} |")

lines += ["", f"## Hoisting (jpsi_gamma_pi0pi0, couplings free, masses and widths fixed, {events:,} events)", "",
          "| model | hoisting off | hoisting on | off/on | target | result |", "|---|---|---|---|---|---|"]
off = ours.get(("HoistingBenchmarks", "HoistingOff", None, None))
on = ours.get(("HoistingBenchmarks", "HoistingOn", None, None))
x = ratio(off, on)
target, res = verdict(x, 5, True)
lines.append(f"| jpsi_gamma_pi0pi0 | {t(off)} | {t(on)} | {r(x)} | {target} | {res} |")

lines += ["", "## Compile scaling (four renamed copies of the model, summed, vs one copy)", "",
          "| model | four copies | one copy | ratio | target | result |", "|---|---|---|---|---|---|"]
for m in models:
    four = ours.get(("CompileBenchmarks", "Compile", m, "4"))
    one = ours.get(("CompileBenchmarks", "Compile", m, "1"))
    x = ratio(four, one)
    target, res = verdict(x, 4.5, False, m == LC)
    lines.append(f"| {m} | {t(four)} | {t(one)} | {r(x)} | {target} | {res} |")

lines += ["", f"Targets met: {passed} of {passed + failed}.", ""]
open(os.path.join(out, "summary.md"), "w").write("\n".join(lines))
print("\n".join(lines))
PY
