using ReferenceApp.AppHost.Dashboard.Otlp.Http;

namespace ReferenceApp.AppHost.Tests.Dashboard;

/// <summary>The OTLP/HTTP body reader: everything up to the limit is read whole, one byte more is refused.</summary>
public sealed class PooledBodyTests
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(100, 100)]
    [InlineData(4 * 1024 * 1024, 4 * 1024 * 1024)]
    [InlineData(3 * 1024 * 1024 + 7, 4 * 1024 * 1024)]
    public async Task A_body_up_to_the_limit_is_read_whole(int size, int limit)
    {
        var bytes = Pattern(size);
        using var body = new PooledBody();

        Assert.True(await body.ReadAsync(new TrickleStream(bytes), limit, sizeHint: null, CancellationToken.None));

        Assert.Equal(bytes, body.Content.ToArray());
    }

    [Theory]
    [InlineData(101, 100, null)]
    [InlineData(4 * 1024 * 1024 + 1, 4 * 1024 * 1024, null)]
    [InlineData(64 * 1024 * 1024, 4 * 1024 * 1024, null)]
    [InlineData(101, 100, 10L)]
    public async Task A_body_past_the_limit_is_refused_without_reading_it_all(int size, int limit, long? sizeHint)
    {
        var stream = new TrickleStream(Pattern(size));
        using var body = new PooledBody();

        Assert.False(await body.ReadAsync(stream, limit, sizeHint, CancellationToken.None));

        Assert.True(stream.Position <= limit + 1, $"read {stream.Position} bytes for a limit of {limit}");
    }

    [Fact]
    public async Task A_pooled_buffer_larger_than_a_small_limit_does_not_let_more_than_the_limit_in()
    {
        // The pool hands out powers of two: a 1000-byte limit gets a 1024-byte buffer, which must not hold 1001 bytes.
        using var body = new PooledBody();

        Assert.False(await body.ReadAsync(new TrickleStream(Pattern(1001)), 1000, sizeHint: 1001, CancellationToken.None));
    }

    private static byte[] Pattern(int size) => Enumerable.Range(0, size).Select(i => (byte)(i * 31)).ToArray();

    /// <summary>A stream that returns at most 64 KiB per read, as a socket does.</summary>
    private sealed class TrickleStream(byte[] bytes) : MemoryStream(bytes, writable: false)
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, 64 * 1024)], cancellationToken);
    }
}
