#!/usr/bin/env bash
# Checks the paired perf gate itself on this machine (a few minutes per gate run; see perf-results/README.md).
#
#   tests/Benchmarks/check-gate.sh aa [N]     N A/A runs (default 10): HEAD against HEAD, each must pass; prints the
#                                             largest ratio seen per workload over the runs (both sides built once)
#   tests/Benchmarks/check-gate.sh parse2x    the srepr reader parses everything twice: exactly the workloads whose time
#                                             is srepr parsing must fail (ParseSrepr x3); the cold pwa info of the Lambda_c
#                                             model parses too, but its warm second parse is about a tenth of the process,
#                                             within its noise band (its ratio is printed)
#   tests/Benchmarks/check-gate.sh sumlog25   value-only sums of logs take 25 % longer: the J/psi Sigma log f must fail
#
# The slowed candidates are temporary clones of HEAD with one edit, committed there and built from clean sources; the
# reference is HEAD, built by the gate as in CI. Results go to perf-results/gate-checks/<name>-<time>/ (not committed).
# Needs ../shared beside the repository (or PARTIALWAVE_SHARED) and a committed HEAD with tests/Benchmarks/gate-protocol.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
export PARTIALWAVE_SHARED=${PARTIALWAVE_SHARED:-$(cd .. && pwd)/shared}
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
head=$(git rev-parse HEAD)
what=${1:-}
stamp=$(date -u +%Y%m%dT%H%M%SZ)
out="$root/perf-results/gate-checks/$what-$stamp"
refdir=$(mktemp -d /tmp/partialwave-gate-check-ref.XXXXXX)
work=$(mktemp -d /tmp/partialwave-gate-check.XXXXXX)
trap 'rm -rf "$refdir" "$work"' EXIT

build() {  # the benchmark program and pwa of a checkout, Release
  dotnet build "$1/tests/Benchmarks/PartialWave.Benchmarks.csproj" -c Release -v:q --nologo --disable-build-servers >/dev/null
  dotnet build "$1/src/Cli/PartialWave.Cli.csproj" -c Release -v:q --nologo --disable-build-servers >/dev/null
}

gate() {  # gate CHECKOUT RESULTS: the checkout's gate against HEAD (the reference built once, in $refdir, and reused)
  mkdir -p "$2"
  set +e
  dotnet "$1/tests/Benchmarks/bin/Release/net10.0/PartialWave.Benchmarks.dll" ci --reference "$head" --reference-dir "$refdir" --results "$2" \
    > "$2/gate.log" 2>&1
  local code=$?
  set -e
  grep -E '^perf gate: (passed|FAILED)' "$2/gate.log" || tail -5 "$2/gate.log"
  return $code
}

slowed() {  # slowed NAME FILE PYTHON-EDIT: a clone of HEAD with the edit committed, built
  local dir="$work/$1"
  git clone --quiet --shared "$root" "$dir"
  python3 - "$dir/$2" <<<"$3"
  git -C "$dir" -c user.name=gate-check -c user.email=gate-check@localhost commit --quiet -am "gate check: $1 (not for landing)"
  echo "built $1 candidate: $(git -C "$dir" log --oneline -1)"
  build "$dir"
  echo "$dir"
}

failures() {  # the names of the failing workloads in a gate.json
  python3 -c 'import json,sys; print("\n".join(sorted(r["name"] for r in json.load(open(sys.argv[1]))["rows"] if r["verdict"] in ("slower","failed"))))' "$1"
}

case "$what" in
  aa)
    n=${2:-10}
    mkdir -p "$out"
    passed=0
    # The candidate is a clone of HEAD built from clean sources, as CI's checkout is (and this checkout stays free).
    git clone --quiet --shared "$root" "$work/aa"
    build "$work/aa"
    for i in $(seq 1 "$n"); do
      echo "A/A run $i of $n ($(date -u +%H:%M:%S))"
      if gate "$work/aa" "$out/$i"; then passed=$((passed + 1)); fi
    done
    python3 - "$out" "$n" <<'EOF' | tee "$out/summary.md"
import json, sys, os
out, n = sys.argv[1], int(sys.argv[2])
runs = [json.load(open(os.path.join(out, str(i), "gate.json"))) for i in range(1, n + 1) if os.path.exists(os.path.join(out, str(i), "gate.json"))]
largest = {}
for run in runs:
    for r in run["rows"]:
        ratio = r["ratio"] if isinstance(r["ratio"], (int, float)) else float("nan")
        band = r["band"] if isinstance(r["band"], (int, float)) else float("nan")
        if ratio == ratio:
            first = r.get("first_ratio")
            seen = max(ratio, first) if isinstance(first, (int, float)) and first == first else ratio
            m = largest.setdefault(r["name"], [0, 0, 0, 0])
            m[0] = max(m[0], seen); m[1] = max(m[1], band); m[2] += r["verdict"] == "cleared"; m[3] += 1
print(f"# A/A: {sum(r['passed'] for r in runs)} of {len(runs)} runs passed ({n} asked)\n")
print("| workload | largest ratio | widest band | cleared by the second measurement | runs |")
print("|---|---:|---:|---:|---:|")
for name in sorted(largest):
    m = largest[name]
    print(f"| {name} | {m[0]:.3f} | ±{m[1]:.1%} | {m[2]} | {m[3]} |")
EOF
    [ "$passed" -eq "$n" ]
    ;;
  parse2x)
    dir=$(slowed parse2x src/Core/Parsing/SreprReader.cs '
import sys
p = sys.argv[1]; s = open(p).read()
old = "    public static ParseResult<Expr> Parse(string text, string file = \"<input>\")\n    {\n"
assert old in s, "SreprReader.Parse moved: update the gate check"
s = s.replace(old, old + "        ParseOnce(text, file);\n        return ParseOnce(text, file);\n    }\n\n    private static ParseResult<Expr> ParseOnce(string text, string file)\n    {\n", 1)
open(p, "w").write(s)
' | tail -1)
    gate "$dir" "$out" || true
    failures "$out/gate.json" | tee "$out/failures.txt"
    grep -F 'ColdProcess.PwaInfo' "$out/gate.md" || true
    expected=$'ParseBenchmarks.ParseSrepr(Model=jpsi_gamma_pi0pi0)\nParseBenchmarks.ParseSrepr(Model=jpsi_gamma_pi0pi0_f0f2_canonical)\nParseBenchmarks.ParseSrepr(Model=lc2pkpi_default_full)'
    if [ "$(failures "$out/gate.json")" == "$expected" ]; then echo "parse2x: exactly the srepr-parsing workloads failed"; else echo "parse2x: expected exactly:"; echo "$expected"; exit 1; fi
    ;;
  sumlog25)
    dir=$(slowed sumlog25 src/Runtime/ParametrizedFunction.cs '
import sys
p = sys.argv[1]; s = open(p).read()
old = """    public SampleSum SumLog(EventSample sample, ReadOnlySpan<double> weights = default, bool withGradient = false) =>
        CheckedReduce(sample, weights, withGradient, log: true);"""
assert old in s, "ParametrizedFunction.SumLog moved: update the gate check"
new = """    public SampleSum SumLog(EventSample sample, ReadOnlySpan<double> weights = default, bool withGradient = false)
    {
        long start = System.Diagnostics.Stopwatch.GetTimestamp();
        var sum = CheckedReduce(sample, weights, withGradient, log: true);
        long now = System.Diagnostics.Stopwatch.GetTimestamp();
        if (!withGradient)
            for (long until = now + (now - start) / 4; System.Diagnostics.Stopwatch.GetTimestamp() < until;) { }
        return sum;
    }"""
open(p, "w").write(s.replace(old, new, 1))
' | tail -1)
    gate "$dir" "$out" || true
    failures "$out/gate.json" | tee "$out/failures.txt"
    if failures "$out/gate.json" | grep -qxF 'ThroughputBenchmarks.SumLog(Model=jpsi_gamma_pi0pi0)'; then echo "sumlog25: the J/psi Sigma log f was caught"; else echo "sumlog25: the J/psi Sigma log f was NOT caught"; exit 1; fi
    ;;
  *)
    echo "usage: tests/Benchmarks/check-gate.sh aa [N] | parse2x | sumlog25" >&2
    exit 2
    ;;
esac
