#!/usr/bin/env bash
# Every peer comparison in one command: the Python peers of ../shared/peers and
# ../shared/reference-fits/jpsi_gamma_pi0pi0/peer_fit.py (Debian's python3-sympy, numpy, numba, iminuit, pandas) beside
# the matching PartialWave benchmarks (full profile), area by area in one session, through the run-*-vs-*.sh scripts.
# Each area's figures go to perf-results/peers/<area>/ (BenchmarkDotNet's JSON and Markdown, the peer's output,
# summary.md with the ratios); perf-results/peers.md gathers every ratio with both sides' numbers, machine and date.
# Takes about half an hour on the 2-core machine. Extra arguments go to BenchmarkDotNet (e.g. --iterationCount 3 for
# a quick look; not for figures). PARTIALWAVE_PEER_AREAS="parse fit" runs a subset.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
here="$repo/tests/Benchmarks"
areas=${PARTIALWAVE_PEER_AREAS:-"parse lambdify fit simulate data"}
declare -A script=([parse]=run-parse-vs-sympy.sh [lambdify]=run-lambdify-vs-numpy.sh [fit]=run-fit-vs-iminuit.sh
                   [simulate]=run-simulate-vs-numpy.sh [data]=run-data-vs-pandas.sh)
declare -A title=([parse]="Parsing srepr vs SymPy" [lambdify]="Lambdify vs SymPy + NumPy" [fit]="Fits vs iminuit"
                  [simulate]="Simulation vs NumPy" [data]="Event files vs pandas")

for a in $areas; do
  [ -n "${script[$a]:-}" ] || { echo "unknown area '$a' (parse lambdify fit simulate data)" >&2; exit 2; }
done

dotnet build "$here" -c Release >/dev/null
started=$(date -u +"%Y-%m-%d %H:%M UTC")
for a in $areas; do
  echo "=== $a: ${script[$a]}"
  rm -rf "$repo/perf-results/peers/$a"
  PARTIALWAVE_PERF_OUT="$repo/perf-results/peers/$a" bash "$here/${script[$a]}" "$@"
done

cpu=$(grep -m1 "model name" /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//' || true)
commit=$(git -C "$repo" rev-parse --short=10 HEAD)
[ -z "$(git -C "$repo" status --porcelain --untracked-files=no)" ] || commit="$commit+dirty"
pyver=$(/usr/bin/python3 -c 'import sys, importlib
mods = ["numpy", "sympy", "iminuit", "numba", "pandas"]
out = []
for m in mods:
    try: out.append(f"{m} {importlib.import_module(m).__version__}")
    except Exception: out.append(f"{m} missing")
print(f"Python {sys.version.split()[0]}, " + ", ".join(out))')
{
  echo "# PartialWave against its Python peers"
  echo
  echo "Measured side by side in one session by \`tests/Benchmarks/run-peers.sh\`, started $started, commit $commit."
  echo "Machine: ${cpu:-unknown CPU}, $(nproc) logical cores, $(. /etc/os-release && echo "$PRETTY_NAME"), $(dotnet --version | sed 's/^/.NET SDK /')."
  echo "Peers: $pyver. PartialWave: BenchmarkDotNet medians, full profile; peers: their own timings (one run each unless"
  echo "the table says otherwise). A ratio above 1 means PartialWave is faster unless the column says otherwise."
  for a in parse lambdify fit simulate data; do
    f="$repo/perf-results/peers/$a/summary.md"
    [ -f "$f" ] || continue
    echo
    echo "## ${title[$a]}"
    echo
    echo "Details: \`peers/$a/\`."
    echo
    # The area's own summary without its title; its headings one level down.
    sed '1{/^# /d}' "$f" | sed 's/^## /### /'
  done
} > "$repo/perf-results/peers.md"
echo "wrote perf-results/peers.md"
