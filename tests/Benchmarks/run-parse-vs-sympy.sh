#!/usr/bin/env bash
# Parse speed against SymPy, side by side in one session: BenchmarkDotNet's ParseBenchmarks, then the peer
# (../shared/peers/lambdify_anchor.py, whose parse_s is SymPy's eval of the same srepr). Writes both sides and
# the ratios to perf-results/. Needs python3-sympy and python3-numpy from Debian (see ../shared/peers/README.md).
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
shared=${PARTIALWAVE_SHARED:-$repo/../shared}
models="jpsi_gamma_pi0pi0 jpsi_gamma_pi0pi0_f0f2_canonical lc2pkpi_default_full"
out="${PARTIALWAVE_PERF_OUT:-$repo/perf-results/peers/parse}"
mkdir -p "$out"

cd "$repo"
dotnet run --project tests/Benchmarks -c Release -- --filter '*ParseBenchmarks*' --artifacts "$out/bdn"

: > "$out/sympy.jsonl"
for m in $models; do
  /usr/bin/python3 "$shared/peers/lambdify_anchor.py" "$shared/reference-models/$m.srepr" "$shared/reference-models/$m.json" 1000 >> "$out/sympy.jsonl"
done

/usr/bin/python3 - "$out" <<'PY'
import json, sys, glob, os
out = sys.argv[1]
report = glob.glob(os.path.join(out, "bdn", "results", "*ParseBenchmarks-report-brief.json"))[0]
ours = {}
models = "jpsi_gamma_pi0pi0 jpsi_gamma_pi0pi0_f0f2_canonical lc2pkpi_default_full".split()
def full_name(shown):
    # BenchmarkDotNet shortens long parameter values as 'head(...)tail [length]'.
    if "(...)" not in shown:
        return shown
    head, tail = shown.split("(...)")
    tail = tail.split(" [")[0]
    return next(m for m in models if m.startswith(head) and m.endswith(tail))
for b in json.load(open(report))["Benchmarks"]:
    model = full_name(b["Parameters"].split("=", 1)[1])
    ours[model] = b["Statistics"]["Median"] / 1e9
rows = ["| model | PartialWave parse (median) | SymPy eval of srepr | ratio |", "|---|---|---|---|"]
for line in open(os.path.join(out, "sympy.jsonl")):
    p = json.loads(line)
    m = p["model"].removesuffix(".srepr")
    rows.append(f"| {m} | {ours[m]*1e3:.2f} ms | {p['parse_s']*1e3:.0f} ms | {p['parse_s']/ours[m]:.0f}x |")
open(os.path.join(out, "summary.md"), "w").write("\n".join(rows) + "\n")
print("\n".join(rows))
PY
