#!/usr/bin/env bash
# Event-file reading against pandas, side by side in one session: BenchmarkDotNet's DataFileBenchmarks and
# CacheFirstReadBenchmarks (tests/Benchmarks/DataFileBenchmarks.cs), then pandas.read_csv on the same file (median
# of 5 after one warm-up read). The file, 1,000,000 events x 3 columns in round-trip (repr) form, is written
# deterministically with NumPy to $PARTIALWAVE_BENCH_DIR (default /tmp/partialwave-data-bench), never into the
# repository. Writes both sides, the ratios and each target's pass/fail to perf-results/peers/data/ (run-peers.sh runs them all).
# Needs python3-pandas from Debian (apt-get install -y python3-pandas; it brings python3-numpy).
# Extra arguments go to BenchmarkDotNet (e.g. --warmupCount 1 --iterationCount 3 for a quick look; not for figures).
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
work=${PARTIALWAVE_BENCH_DIR:-/tmp/partialwave-data-bench}
csv="$work/events-1m.csv"
events=1000000
out="${PARTIALWAVE_PERF_OUT:-$repo/perf-results/peers/data}"
mkdir -p "$out" "$work"

# Uniform m2_12, m2_23 in [0.07, 9) GeV^2 and cos_theta in [-1, 1): NumPy's PCG64, fixed seed, repr digits.
/usr/bin/python3 - "$csv" "$events" <<'PY'
import sys
import numpy as np
path, n = sys.argv[1], int(sys.argv[2])
rng = np.random.default_rng(20261123)
m12, m23, ct = rng.uniform(0.07, 9.0, n), rng.uniform(0.07, 9.0, n), rng.uniform(-1.0, 1.0, n)
with open(path, "w") as f:
    f.write("m2_12,m2_23,cos_theta\n")
    f.writelines(f"{a!r},{b!r},{c!r}\n" for a, b, c in zip(m12.tolist(), m23.tolist(), ct.tolist()))
PY
(cd "$work" && sha256sum "$(basename "$csv")") > "$out/events-1m.csv.sha256"

cd "$repo"
PARTIALWAVE_BENCH_CSV="$csv" dotnet run --project tests/Benchmarks -c Release -- \
  --filter 'PartialWave.Benchmarks.DataFileBenchmarks*' 'PartialWave.Benchmarks.CacheFirstReadBenchmarks*' \
  --artifacts "$out/bdn" "$@"

/usr/bin/python3 - "$csv" > "$out/pandas.json" <<'PY'
import json, statistics, sys, time
import numpy as np
import pandas as pd
path = sys.argv[1]
pd.read_csv(path)  # warm-up: imports, page cache, allocator (BenchmarkDotNet warms up too)
times = []
for _ in range(5):
    t = time.perf_counter()
    df = pd.read_csv(path)
    times.append(time.perf_counter() - t)
assert df.shape == (1000000, 3) and all(str(d) == "float64" for d in df.dtypes), (df.shape, df.dtypes)
print(json.dumps({"pandas": pd.__version__, "numpy": np.__version__, "rows": len(df), "columns": list(df.columns),
                  "times_s": times, "median_s": statistics.median(times)}))
PY

/usr/bin/python3 - "$out" "$csv" <<'PY'
import glob, json, os, platform, sys
out, csv = sys.argv[1], sys.argv[2]
ours = {}
for report in glob.glob(os.path.join(out, "bdn", "results", "*-report-brief.json")):
    for b in json.load(open(report))["Benchmarks"]:
        if b.get("Statistics"):
            ours[(b["Type"], b["Method"])] = b["Statistics"]["Median"] / 1e9
peer = json.load(open(os.path.join(out, "pandas.json")))

def t(x):
    if x is None: return "missing"
    return f"{x:.3f} s" if x >= 1 else f"{x*1e3:.1f} ms"

def ratio(a, b):
    return None if a is None or b is None or b == 0 else a / b

def r(x): return "—" if x is None else f"{x:.1f}x"

passed = failed = 0
def verdict(x, target):
    global passed, failed
    if x is None: failed += 1; return "MISSING"
    if x >= target: passed += 1; return "pass"
    failed += 1; return "FAIL"

read = ours.get(("DataFileBenchmarks", "Read"))
sylvan = ours.get(("DataFileBenchmarks", "ReadWithSylvan"))
hit = ours.get(("DataFileBenchmarks", "CachedReload"))
rehash = ours.get(("DataFileBenchmarks", "CachedReloadRehash"))
first = ours.get(("CacheFirstReadBenchmarks", "FirstRead"))
pandas = peer["median_s"]

cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.processor())
size = os.path.getsize(csv)
lines = [f"# Event files vs pandas — {os.path.basename(out)}", "",
         f"Machine: {cpu}, {os.cpu_count()} logical cores. File: {peer['rows']:,} events x 3 columns "
         f"({', '.join(peer['columns'])}), {size/1e6:.1f} MB, repr digits, in the page cache (sha256 in events-1m.csv.sha256). "
         f"PartialWave: BenchmarkDotNet medians (tests/Benchmarks/DataFileBenchmarks.cs); peer: pandas {peer['pandas']} "
         f"read_csv (C engine), median of 5 after a warm-up read, same session.", "",
         "## Targets", "",
         "| | PartialWave | reference | ratio | target | result |", "|---|---|---|---|---|---|"]
x = ratio(pandas, read)
lines.append(f"| read the CSV (EventFiles.Read vs pandas.read_csv) | {t(read)} | {t(pandas)} | {r(x)} | ≥ 1x | {verdict(x, 1)} |")
x = ratio(first, hit)
lines.append(f"| cached reload vs first read (EventCache hit vs miss) | {t(hit)} | {t(first)} | {r(x)} | ≥ 20x | {verdict(x, 20)} |")
lines += ["", "## Also measured", "",
          "| | time | ratio |", "|---|---|---|",
          f"| first read through the cache (hash + parse + store) | {t(first)} | {r(ratio(first, read))} of a plain read |",
          f"| plain read vs cache hit | {t(read)} / {t(hit)} | {r(ratio(read, hit))} |",
          f"| cache hit hashing the file each time (TrustFileStamps = false) | {t(rehash)} | first read / this: {r(ratio(first, rehash))} |",
          f"| Sylvan.Data.Csv reader (one core; what the byte parser replaced) | {t(sylvan)} | pandas / this: {r(ratio(pandas, sylvan))} |",
          f"| pandas.read_csv, 5 runs | {', '.join(t(v) for v in peer['times_s'])} | |",
          "", f"Targets met: {passed} of {passed + failed}.", ""]
open(os.path.join(out, "summary.md"), "w").write("\n".join(lines))
print("\n".join(lines))
PY
