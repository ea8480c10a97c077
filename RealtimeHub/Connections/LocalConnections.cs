using System.Collections.Concurrent;

namespace ReferenceApp.RealtimeHub.Connections;

/// <summary>
/// The hub connections this worker holds. A WebSocket (or an SSE stream, or a long-poll) lives in one process,
/// so only this worker can write to these connections without going through Redis.
/// </summary>
public sealed class LocalConnections
{
    private readonly ConcurrentDictionary<string, byte> _ids = new(StringComparer.Ordinal);

    public int Count => _ids.Count;

    public void Add(string connectionId) => _ids.TryAdd(connectionId, 0);

    public void Remove(string connectionId) => _ids.TryRemove(connectionId, out _);

    /// <summary>A snapshot: connections may come and go while a caller walks it.</summary>
    public IReadOnlyCollection<string> Snapshot() => _ids.Keys.ToArray();
}
