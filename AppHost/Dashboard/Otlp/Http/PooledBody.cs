using System.Buffers;

namespace ReferenceApp.AppHost.Dashboard.Otlp.Http;

/// <summary>A request body read into pooled memory, never more than a limit: a small export rents a small buffer.</summary>
internal sealed class PooledBody : IDisposable
{
    private const int InitialSize = 16 * 1024;

    private byte[] _buffer = [];
    private int _length;

    public ReadOnlyMemory<byte> Content => _buffer.AsMemory(0, _length);

    /// <summary>Reads the whole stream; false as soon as it turns out longer than <paramref name="maxBytes"/>.</summary>
    public async Task<bool> ReadAsync(Stream stream, int maxBytes, long? sizeHint, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stream);
        Grow((int)Math.Clamp(sizeHint is > 0 ? sizeHint.Value + 1 : InitialSize, 1, maxBytes + 1L));
        while (true)
        {
            if (_length == _buffer.Length)
            {
                if (_length > maxBytes)
                {
                    return false;
                }

                Grow((int)Math.Min(_buffer.Length * 2L, maxBytes + 1L));
            }

            var read = await stream.ReadAsync(_buffer.AsMemory(_length), cancellationToken);
            if (read == 0)
            {
                return true;
            }

            _length += read;
            if (_length > maxBytes)
            {
                return false;
            }
        }
    }

    public void Dispose()
    {
        if (_buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = [];
        }
    }

    private void Grow(int size)
    {
        var bigger = ArrayPool<byte>.Shared.Rent(size);
        _buffer.AsSpan(0, _length).CopyTo(bigger);
        Dispose();
        _buffer = bigger;
    }
}
