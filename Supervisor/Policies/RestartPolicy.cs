using ReferenceApp.Supervisor.Configuration;

namespace ReferenceApp.Supervisor.Policies;

/// <summary>
/// Restart delays of one slot: exponential (initial delay x multiplier^n, capped), back to the initial delay after a
/// worker ran for Restart:StableAfter. Not thread-safe: the slot calls it under its gate.
/// </summary>
internal sealed class RestartPolicy(RestartOptions options)
{
    private int _unstableInARow;

    /// <summary>Records an unexpected exit after <paramref name="uptime"/> and returns the delay before the next start.</summary>
    public TimeSpan NextDelay(TimeSpan uptime)
    {
        if (uptime >= options.StableAfter)
        {
            _unstableInARow = 0;
        }

        var delay = options.InitialDelay.TotalMilliseconds * Math.Pow(options.Multiplier, _unstableInARow);
        _unstableInARow++;
        return TimeSpan.FromMilliseconds(Math.Min(delay, options.MaxDelay.TotalMilliseconds));
    }

    public void Reset() => _unstableInARow = 0;
}
