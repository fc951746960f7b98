using System.Numerics;
using PartialWave.Backends.Reference;
using PartialWave.Compilation;
using PartialWave.Modeling;
using PartialWave.Parsing;
using Xunit.Abstractions;
using PartialWave.Engine.Tests.Core.Numerics;

namespace PartialWave.Engine.Tests.Compiler.Compilation;

public class LoweringTests(ITestOutputHelper output)
{
    [SkippableTheory]
    [MemberData(nameof(ReferenceModelTests.SmallLines), MemberType = typeof(ReferenceModelTests))]
    public void Typed_and_real_IR_agree_with_the_reference_on_small_expressions(string name)
    {
        Skip.If(name.StartsWith('('), "../shared/reference-models is absent; skipping.");
        var line = ReferenceModelTests.SmallLine(name);
        var expr = SreprReader.Parse(line.GetProperty("srepr").GetString()!).GetValueOrThrow();
        var values = ReferencePoints.ReadValues(line.GetProperty("symbols"));
        var expected = ReferencePoints.ReadComplex(line.GetProperty("value"));
        KernelIR typed;
        try { typed = Lowering.Lower(expr, KernelTestSupport.Roles(expr, values)); }
        catch (UnsupportedExpressionException ex) { output.WriteLine($"{name}: {ex.Message}"); Skip.If(true, ex.Message); return; }
        var real = ComplexExpansion.Expand(typed);
        Assert.True(real.IsRealOnly);
        foreach (var ir in new[] { typed, real })
        {
            var (inputs, ps) = KernelTestSupport.Arguments(ir, values);
            var v = KernelTestSupport.Value(ir, IrInterpreter.Run(ir, inputs, ps));
            double dev = ReferencePoints.RelativeDeviation(v, expected);
            output.WriteLine($"{name}: {(ir == typed ? "typed" : "real")} {ir.OperationCount} ops, {v} vs {expected}, {dev:E2}");
            Assert.True(dev <= 1e-12, $"{name}: {v} vs {expected} ({dev:E2})");
        }
    }

    [SkippableTheory]
    [MemberData(nameof(ReferenceModelTests.BigModels), MemberType = typeof(ReferenceModelTests))]
    public void Real_IR_agrees_with_the_reference_on_big_models(string model)
    {
        var expr = SreprReader.ParseFile(SharedData.ReferenceModel(model + ".srepr")).GetValueOrThrow();
        var reference = ReferencePoints.Load(SharedData.ReferenceModel(model + ".json"));
        var parameters = reference.ParameterDefaults.Keys.ToHashSet();
        var roles = KernelTestSupport.Roles(expr, reference.Points[0].Symbols, parameters);
        var real = ComplexExpansion.Expand(Lowering.Lower(expr, roles));
        output.WriteLine($"{model}: {real.OperationCount} real operations, {real.Inputs.Count} inputs, {real.Parameters.Count} parameter slots");
        foreach (var p in reference.Points)
        {
            var (inputs, ps) = KernelTestSupport.Arguments(real, p.Symbols);
            var v = KernelTestSupport.Value(real, IrInterpreter.Run(real, inputs, ps));
            Assert.True(ReferencePoints.RelativeDeviation(v, p.Expected) <= 1e-10, $"point {p.Index}: {v} vs {p.Expected}");
        }
    }
}
