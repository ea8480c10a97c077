using ReferenceApp.Supervisor.Configuration;

namespace ReferenceApp.Supervisor.Policies;

/// <summary>
/// Decides when a slot is crash-looping: CrashLoop:MaxUnstableExits exits, each before Restart:StableAfter of uptime,
/// within CrashLoop:Window. Then the slot is marked Failed and left alone, so a broken deployment does not spin the CPU.
/// Not thread-safe: the slot calls it under its gate.
/// </summary>
internal sealed class CrashLoopPolicy(CrashLoopOptions options, TimeSpan stableAfter)
{
    private readonly Queue<DateTimeOffset> _unstableExits = new();

    /// <summary>Records an unexpected exit; true when the slot is now in a crash loop.</summary>
    public bool RecordExit(TimeSpan uptime, DateTimeOffset at)
    {
        if (uptime >= stableAfter)
        {
            _unstableExits.Clear();
            return false;
        }

        _unstableExits.Enqueue(at);
        while (_unstableExits.TryPeek(out var oldest) && at - oldest > options.Window)
        {
            _unstableExits.Dequeue();
        }

        return _unstableExits.Count >= options.MaxUnstableExits;
    }

    public int UnstableExits => _unstableExits.Count;

    public void Reset() => _unstableExits.Clear();
}
