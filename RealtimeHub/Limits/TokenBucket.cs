using System.Diagnostics;

namespace ReferenceApp.RealtimeHub.Limits;

/// <summary>
/// A token bucket refilled from elapsed time rather than by a timer, so a hub holding thousands of connections
/// owns no timer per connection: <paramref name="capacity"/> tokens at most, <paramref name="tokensPerSecond"/> added each second.
/// </summary>
internal sealed class TokenBucket(int capacity, int tokensPerSecond, TimeProvider time)
{
    private readonly Lock _lock = new();
    private double _tokens = capacity;
    private long _refilledAt = time.GetTimestamp();

    /// <summary>Takes one token; false when the bucket is empty.</summary>
    public bool TryTake()
    {
        lock (_lock)
        {
            var now = time.GetTimestamp();
            _tokens = Math.Min(capacity, _tokens + time.GetElapsedTime(_refilledAt, now).TotalSeconds * tokensPerSecond);
            _refilledAt = now;
            if (_tokens < 1)
            {
                return false;
            }

            _tokens--;
            return true;
        }
    }
}
