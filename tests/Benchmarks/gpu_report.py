"""The table run-gpu.sh writes: `pwa bench --json` lines of the GPU backend against those of the CPU backend."""
import json
import sys

gpu = {r["model"]: r for r in map(json.loads, open(sys.argv[1]))}
cpu = {r["model"]: r for r in map(json.loads, open(sys.argv[2]))}
first = next(iter(gpu.values()))
device = first.get("device") or "?"
print(f"# GPU backend against the CPU backend ({first['events']:,} events, every parameter free)\n")
print(f"GPU side: {device}. CPU side: `pwa bench --backend cpu`, {next(iter(cpu.values())).get('threads', '?')} threads.\n")
if len(sys.argv) > 3:
    print("Values against the reference files (`pwa check --backend gpu`, tolerance 1e-10):\n")
    for line in open(sys.argv[3]):
        print(f"- {line.strip()}")
    print()
if not device.startswith("CUDA"):
    print("No CUDA device was used: the GPU figures are ILGPU's CPU accelerator running the GPU kernels as .NET code,")
    print("which shows the path works, not what a GPU does.\n")
print("| model | figure | gpu events/s | cpu events/s | gpu / cpu |")
print("|---|---|---:|---:|---:|")
for model, g in gpu.items():
    c = cpu.get(model, {})
    for key, label in [("events_per_second", "value"), ("sumlog_events_per_second", "Σ log f"), ("gradient_events_per_second", "Σ log f + gradient")]:
        gv, cv = g.get(key), c.get(key)
        cells = [f"{gv:,.0f}" if gv else "—", f"{cv:,.0f}" if cv else "—", f"{gv / cv:.3g}x" if gv and cv else "—"]
        print(f"| {model} | {label} | {' | '.join(cells)} |")
lc = gpu.get("lc2pkpi_default_full.srepr")
c = cpu.get("lc2pkpi_default_full.srepr", {}).get("events_per_second")
if lc and c:
    v = lc["events_per_second"]
    print(f"\nTargets (lc2pkpi_default_full, value, on one H100): at least 1e9 events/s: {v:.3g}, {'met' if v >= 1e9 else 'not met'}; "
          f"at least 100x the CPU backend: {v / c:.3g}x, {'met' if v / c >= 100 else 'not met'}.")
