namespace PartialWave.Randomness;

/// <summary>
/// Sequential random numbers for one event of a <see cref="RandomStream"/>: the words of its blocks 0, 1, 2, ...
/// in order. A mutable struct: pass it by <c>ref</c>.
/// </summary>
/// <remarks>
/// A double takes two words of one block (words 0–1 or 2–3; an odd word left over is skipped), so the value a
/// draw returns depends only on the event and the draws made before it for that event.
/// </remarks>
public struct EventRandom
{
    private readonly uint _k0, _k1, _c1, _c2, _c3;
    private uint _nextBlock;
    private PhiloxBlock _block;
    private int _used;
    private double _spareNormal;
    private bool _hasSpareNormal;

    internal EventRandom(uint k0, uint k1, uint c1, uint c2, uint c3, uint firstBlock)
    {
        _k0 = k0; _k1 = k1; _c1 = c1; _c2 = c2; _c3 = c3;
        _nextBlock = firstBlock;
        _block = default;
        _used = 4;
        _spareNormal = 0;
        _hasSpareNormal = false;
    }

    /// <summary>Index of the block the next word comes from once the current one is used up.</summary>
    public readonly uint NextBlock => _nextBlock;

    private void Refill()
    {
        _block = Philox4x32.Compute(new PhiloxBlock(_nextBlock, _c1, _c2, _c3), _k0, _k1);
        _nextBlock++;
        _used = 0;
    }

    /// <summary>The next 32-bit word.</summary>
    public uint NextUInt32()
    {
        if (_used == 4) Refill();
        return _block[_used++];
    }

    private (uint Low, uint High) NextPair()
    {
        if ((_used & 1) != 0) _used++;
        if (_used == 4) Refill();
        var pair = _used == 0 ? (_block.X0, _block.X1) : (_block.X2, _block.X3);
        _used += 2;
        return pair;
    }

    /// <summary>A uniform double in [0, 1) (<see cref="RandomBits.Uniform"/> of the next word pair).</summary>
    public double NextDouble()
    {
        var (low, high) = NextPair();
        return RandomBits.Uniform(low, high);
    }

    /// <summary>A uniform double in (0, 1] (<see cref="RandomBits.UniformOpenClosed"/> of the next word pair).</summary>
    public double NextDoubleOpenClosed()
    {
        var (low, high) = NextPair();
        return RandomBits.UniformOpenClosed(low, high);
    }

    /// <summary>A standard normal value: Box–Muller from two word pairs, the second value of the pair kept for the next call.</summary>
    public double NextNormal()
    {
        if (_hasSpareNormal)
        {
            _hasSpareNormal = false;
            return _spareNormal;
        }
        double u1 = NextDoubleOpenClosed();
        double u2 = NextDouble();
        double r = Math.Sqrt(-2.0 * Math.Log(u1));
        var (sin, cos) = Math.SinCos(2.0 * Math.PI * u2);
        _spareNormal = r * sin;
        _hasSpareNormal = true;
        return r * cos;
    }

    /// <summary>A standard exponential value, -ln u with u uniform in (0, 1].</summary>
    public double NextExponential() => -Math.Log(NextDoubleOpenClosed());
}
