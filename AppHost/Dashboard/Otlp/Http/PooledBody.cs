using System.Buffers;

namespace ReferenceApp.AppHost.Dashboard.Otlp.Http;

/// <summary>
/// A request body read into memory, never more than a limit. Small exports (the usual batch) use pooled buffers; a body
/// past <see cref="MaxPooledSize"/> gets a buffer of its own that the GC reclaims, because the shared pool keeps what it
/// is given per thread: a few huge or hostile bodies (a gzip bomb) would otherwise stay resident in the AppHost for good.
/// </summary>
internal sealed class PooledBody : IDisposable
{
    private const int InitialSize = 16 * 1024;

    /// <summary>The largest buffer taken from (and returned to) the shared pool.</summary>
    internal const int MaxPooledSize = 1024 * 1024;

    private byte[] _buffer = [];
    private int _length;

    public ReadOnlyMemory<byte> Content => _buffer.AsMemory(0, _length);

    /// <summary>Reads the whole stream; false as soon as it turns out longer than <paramref name="maxBytes"/>.</summary>
    public async Task<bool> ReadAsync(Stream stream, int maxBytes, long? sizeHint, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxBytes);
        Grow((int)Math.Clamp(sizeHint is > 0 ? sizeHint.Value : InitialSize, 1, maxBytes));
        while (true)
        {
            // A pooled buffer may be larger than asked for; never read past the limit into it.
            var capacity = Math.Min(_buffer.Length, maxBytes);
            if (_length == capacity)
            {
                if (_length >= maxBytes)
                {
                    // Full to the limit: the body fits only if the stream ends here. One byte tells, without a bigger buffer.
                    var probe = new byte[1];
                    return await stream.ReadAsync(probe, cancellationToken) == 0;
                }

                Grow((int)Math.Min(_buffer.Length * 2L, maxBytes));
                continue;
            }

            var read = await stream.ReadAsync(_buffer.AsMemory(_length, capacity - _length), cancellationToken);
            if (read == 0)
            {
                return true;
            }

            _length += read;
        }
    }

    public void Dispose()
    {
        if (_buffer.Length is > 0 and <= MaxPooledSize)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
        }

        _buffer = [];
    }

    private void Grow(int size)
    {
        var bigger = size <= MaxPooledSize ? ArrayPool<byte>.Shared.Rent(size) : GC.AllocateUninitializedArray<byte>(size);
        _buffer.AsSpan(0, _length).CopyTo(bigger);
        var length = _length;
        Dispose();
        _buffer = bigger;
        _length = length;
    }
}
