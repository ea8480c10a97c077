using System.Buffers;
using System.Buffers.Binary;
using System.Text.Json;

namespace ReferenceApp.Supervisor.Contracts.Wire;

/// <summary>
/// Frames on the Supervisor channel: a 4-byte big-endian length, then that many bytes of UTF-8 JSON. Frames are capped at
/// <see cref="MaxFrameBytes"/>, so a confused or hostile peer cannot make the other side allocate without bound.
/// </summary>
public static class ChannelFraming
{
    public const int MaxFrameBytes = 32 * 1024;

    public static async ValueTask WriteAsync(Stream stream, ChannelMessage message, CancellationToken cancellationToken)
    {
        var payload = JsonSerializer.SerializeToUtf8Bytes(message, ChannelJsonContext.Default.ChannelMessage);
        if (payload.Length > MaxFrameBytes)
        {
            throw new InvalidOperationException($"A {message.Type} message of {payload.Length} bytes exceeds the channel's {MaxFrameBytes}-byte frame limit.");
        }

        var frame = new byte[4 + payload.Length];
        BinaryPrimitives.WriteInt32BigEndian(frame, payload.Length);
        payload.CopyTo(frame.AsSpan(4));
        await stream.WriteAsync(frame, cancellationToken);
        await stream.FlushAsync(cancellationToken);
    }

    /// <summary>The next message, or null when the peer closed the channel cleanly between frames.</summary>
    /// <exception cref="InvalidDataException">The peer sent something that is not a valid frame.</exception>
    public static async ValueTask<ChannelMessage?> ReadAsync(Stream stream, CancellationToken cancellationToken)
    {
        var header = new byte[4];
        if (!await FillAsync(stream, header, allowEndOfStream: true, cancellationToken))
        {
            return null;
        }

        var length = BinaryPrimitives.ReadInt32BigEndian(header);
        if (length is <= 0 or > MaxFrameBytes)
        {
            throw new InvalidDataException($"Channel frame length {length} is outside 1..{MaxFrameBytes}.");
        }

        var payload = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            await FillAsync(stream, payload.AsMemory(0, length), allowEndOfStream: false, cancellationToken);
            var message = JsonSerializer.Deserialize(payload.AsSpan(0, length), ChannelJsonContext.Default.ChannelMessage);
            return message is { Type.Length: > 0 } ? message : throw new InvalidDataException("Channel frame without a message type.");
        }
        catch (JsonException exception)
        {
            throw new InvalidDataException("Channel frame is not a valid message.", exception);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(payload);
        }
    }

    private static async ValueTask<bool> FillAsync(Stream stream, Memory<byte> buffer, bool allowEndOfStream, CancellationToken cancellationToken)
    {
        var filled = 0;
        while (filled < buffer.Length)
        {
            var read = await stream.ReadAsync(buffer[filled..], cancellationToken);
            if (read == 0)
            {
                return filled == 0 && allowEndOfStream
                    ? false
                    : throw new InvalidDataException("Channel closed in the middle of a frame.");
            }

            filled += read;
        }

        return true;
    }
}
