namespace ReferenceApp.Api.Counters;

/// <summary>A counter in this worker's memory: each worker counts on its own, which is the pitfall it exists to show.</summary>
public sealed class LocalCounter
{
    private long _value;

    public long Increment() => Interlocked.Increment(ref _value);
}
