namespace ReferenceApp.Supervisor.Balancing.Sticky;

/// <summary>How the sticky policy peeks at new connections: configuration section <c>Supervisor:Sticky</c>, part of <c>SupervisorOptions</c>.</summary>
public sealed class StickyOptions
{
    public const string SectionName = "Supervisor:Sticky";

    /// <summary>
    /// How long a new connection may take to send the part of its first request head that decides its worker. Generous
    /// on purpose: browsers open connections ahead of need and send the request seconds later, and that request must
    /// still be routed by its cookie. Waiting costs a descriptor, never the accept loop. Past it: round-robin.
    /// </summary>
    public TimeSpan PeekTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The most of a request head that is examined; a longer head without the cookie in it goes round-robin.</summary>
    public int MaxHeadBytes { get; set; } = 16 * 1024;

    /// <summary>The most connections waiting for their head at once; beyond it the oldest goes round-robin at once.</summary>
    public int MaxPendingConnections { get; set; } = 4096;
}

/// <summary>Rejects sticky settings that cannot work, with what to change; part of the Supervisor's one settings check.</summary>
internal static class StickyOptionsValidator
{
    public static void Check(StickyOptions options, List<string> failures)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.PeekTimeout <= TimeSpan.Zero || options.PeekTimeout > TimeSpan.FromMinutes(5))
        {
            failures.Add($"{SectionNameOf(nameof(options.PeekTimeout))} must be more than 0 and at most 00:05:00, but was {options.PeekTimeout}.");
        }

        if (options.MaxHeadBytes is < 1024 or > 1024 * 1024)
        {
            failures.Add($"{SectionNameOf(nameof(options.MaxHeadBytes))} must be from 1024 to 1048576 bytes, but was {options.MaxHeadBytes}.");
        }

        if (options.MaxPendingConnections is < 1 or > 1_000_000)
        {
            failures.Add($"{SectionNameOf(nameof(options.MaxPendingConnections))} must be from 1 to 1000000, but was {options.MaxPendingConnections}.");
        }
    }

    private static string SectionNameOf(string property) => $"{StickyOptions.SectionName}:{property}";
}
