using BenchmarkDotNet.Attributes;
using PartialWave.Parsing;
using PartialWave.Symbolic;

using PartialWave.Benchmarks.Tracking;

namespace PartialWave.Benchmarks;

/// <summary>
/// Parsing a reference model's srepr text into the hash-consed DAG (file read excluded), the counterpart of
/// SymPy's <c>eval</c> of the same text that ../shared/peers/lambdify_anchor.py times as parse_s.
/// </summary>
[Throughput(1, "models")]
public class ParseBenchmarks
{
    private string _text = "";

    [Params("jpsi_gamma_pi0pi0", "jpsi_gamma_pi0pi0_f0f2_canonical", "lc2pkpi_default_full")]
    public string Model { get; set; } = "";

    [GlobalSetup]
    public void Setup() => _text = SharedModels.Read(Model);

    [Benchmark]
    public Expr ParseSrepr() => SreprReader.Parse(_text, Model).GetValueOrThrow();
}
