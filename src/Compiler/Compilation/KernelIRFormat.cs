namespace PartialWave.Compilation;

/// <summary>
/// A compact binary form of <see cref="KernelIR"/>, so a kernel compiled at build time travels into an analysis
/// assembly as data and is read back without running a pass. Exact: constants keep their bits.
/// </summary>
internal static class KernelIRFormat
{
    public static void Write(BinaryWriter w, KernelIR ir)
    {
        w.Write(ir.Instructions.Count);
        foreach (var ins in ir.Instructions)
        {
            w.Write((byte)ins.Op);
            w.Write((byte)ins.Type);
            w.Write(ins.A);
            w.Write(ins.B);
            w.Write(ins.C);
            // Constants are the only instructions with payloads; the rest skip eight or sixteen zero bytes.
            if (ins.Op is IrOp.Const or IrOp.CConst)
            {
                w.Write(ins.X);
                w.Write(ins.Y);
            }
        }
        WriteStrings(w, ir.Inputs);
        WriteStrings(w, ir.Parameters);
        w.Write(ir.Outputs.Count);
        foreach (var o in ir.Outputs)
        {
            w.Write(o.Name);
            w.Write(o.Value);
        }
        w.Write(ir.Regions.Count);
        foreach (var r in ir.Regions) w.Write(r);
    }

    public static KernelIR Read(BinaryReader r)
    {
        int n = r.ReadInt32();
        var code = new Instruction[n];
        for (int i = 0; i < n; i++)
        {
            var op = (IrOp)r.ReadByte();
            var type = (IrType)r.ReadByte();
            int a = r.ReadInt32(), b = r.ReadInt32(), c = r.ReadInt32();
            double x = 0, y = 0;
            if (op is IrOp.Const or IrOp.CConst)
            {
                x = r.ReadDouble();
                y = r.ReadDouble();
            }
            code[i] = new Instruction(op, type, a, b, c, x, y);
        }
        var inputs = ReadStrings(r);
        var parameters = ReadStrings(r);
        var outputs = new KernelOutput[r.ReadInt32()];
        for (int k = 0; k < outputs.Length; k++) outputs[k] = new KernelOutput(r.ReadString(), r.ReadInt32());
        var regions = new int[r.ReadInt32()];
        for (int k = 0; k < regions.Length; k++) regions[k] = r.ReadInt32();
        return new KernelIR(code, inputs, parameters, outputs, regions);
    }

    internal static void WriteStrings(BinaryWriter w, IReadOnlyList<string> values)
    {
        w.Write(values.Count);
        foreach (var v in values) w.Write(v);
    }

    internal static string[] ReadStrings(BinaryReader r)
    {
        var values = new string[r.ReadInt32()];
        for (int k = 0; k < values.Length; k++) values[k] = r.ReadString();
        return values;
    }
}
