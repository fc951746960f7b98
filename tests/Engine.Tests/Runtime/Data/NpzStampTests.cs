using PartialWave.Data;

namespace PartialWave.Engine.Tests.Runtime.Data;

public class NpzStampTests
{
    [Fact]
    public void Writing_the_same_sample_twice_gives_the_same_bytes_whenever_it_happens()
    {
        var sample = new EventSample([new("a", [1.0, 2.0]), new("b", [3.0, 4.0])]);
        var dir = Path.Combine(Path.GetTempPath(), "pwa-npz-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            string first = Path.Combine(dir, "a.npz"), second = Path.Combine(dir, "b.npz");
            EventFiles.Write(sample, first);
            Thread.Sleep(2100); // the zip format stores times to two seconds
            EventFiles.Write(sample, second);
            Assert.Equal(File.ReadAllBytes(first), File.ReadAllBytes(second));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
