#!/usr/bin/env bash
# The GPU backend checked against the reference values (`pwa check --backend gpu`) and measured against the CPU backend
# with `pwa bench` on the three reference models, every parameter free:
# events/s for the value, Σ log f, and Σ log f with its gradient, and the GPU/CPU ratio of each (the issue's targets
# for lc2pkpi_default_full on one H100: ≥ 1e9 events/s for the value, ≥ 100x the CPU backend of the 2-core machine;
# the CPU figures of the ratio must come from that machine, so give them with CPU_JSON when running on a GPU box).
#
# On a machine with .NET:      tests/Benchmarks/run-gpu.sh
# On a GPU machine without it: publish first (47 MB, fits the device tool's 64 MiB):
#   dotnet publish src/Cli -c Release -r linux-x64 --self-contained -p:PublishSingleFile=true \
#     -p:EnableCompressionInSingleFile=true -o out/pwa-linux-x64
#   then there: PWA=out/pwa-linux-x64/pwa MODELS=path/to/reference-models DEVICE=cuda tests/Benchmarks/run-gpu.sh
# Environment: PWA (the pwa binary; default: dotnet run), MODELS (reference-models folder), EVENTS (default 1000000),
# DEVICE (auto|cuda|cpu-accelerator; default auto), CPU_JSON (a file of `pwa bench --json` lines measured on the CPU
# machine, to take the CPU side from), OUT (folder for the results; default perf-results/gpu/<date>).
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
models_dir=${MODELS:-${PARTIALWAVE_SHARED:-$repo/../shared}/reference-models}
events=${EVENTS:-1000000}
device=${DEVICE:-auto}
out=${OUT:-$repo/perf-results/gpu/$(date -u +%Y-%m-%d)}
mkdir -p "$out"
if [[ -n "${PWA:-}" ]]; then pwa=("$PWA"); else
  dotnet build "$repo/src/Cli" -c Release -v q -nologo >/dev/null
  pwa=(dotnet "$repo/src/Cli/bin/Release/net10.0/pwa.dll")
fi

: > "$out/check.txt"
# First the values: on a real device this is the check that the GPU's arithmetic agrees with SymPy's values.
for m in jpsi_gamma_pi0pi0 jpsi_gamma_pi0pi0_f0f2_canonical lc2pkpi_default_full; do
  { "${pwa[@]}" check "$models_dir/$m.srepr" "$models_dir/$m.json" --backend gpu --device "$device" || true; } | tail -1 | sed "s/^/$m: /" >> "$out/check.txt"
done
: > "$out/gpu.jsonl"
[[ -n "${CPU_JSON:-}" ]] || : > "$out/cpu.jsonl"
for m in jpsi_gamma_pi0pi0 jpsi_gamma_pi0pi0_f0f2_canonical lc2pkpi_default_full; do
  "${pwa[@]}" bench "$models_dir/$m.srepr" --reference "$models_dir/$m.json" --events "$events" --backend gpu --device "$device" --json >> "$out/gpu.jsonl"
  [[ -n "${CPU_JSON:-}" ]] || "${pwa[@]}" bench "$models_dir/$m.srepr" --reference "$models_dir/$m.json" --events "$events" --backend cpu --json >> "$out/cpu.jsonl"
done
cpu=${CPU_JSON:-$out/cpu.jsonl}

python3 "$repo/tests/Benchmarks/gpu_report.py" "$out/gpu.jsonl" "$cpu" "$out/check.txt" > "$out/README.md"
cat "$out/README.md"
