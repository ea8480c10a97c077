namespace ReferenceApp.AppHost.Hosting;

/// <summary>One line a resource's process wrote to stdout or stderr.</summary>
/// <param name="Sequence">Increases by one with every line of the same resource, across restarts.</param>
/// <param name="Timestamp">When the AppHost read the line.</param>
/// <param name="Resource">The resource name.</param>
/// <param name="IsError">True for stderr.</param>
/// <param name="Text">The line without its line break.</param>
public sealed record ConsoleLine(long Sequence, DateTimeOffset Timestamp, string Resource, bool IsError, string Text);

/// <summary>The console output of every resource, kept in a bounded buffer per resource (oldest lines dropped first).</summary>
public interface IConsoleLogs
{
    /// <summary>The lines of <paramref name="resource"/> still in its buffer, oldest first; empty for an unknown resource.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1716", Justification = "The name is fixed by CONTRACTS.md section 5; C# is the only consumer.")]
    IReadOnlyList<ConsoleLine> Get(string resource);

    /// <summary>
    /// The lines still in the buffer first, then each new line as it is written, in <see cref="ConsoleLine.Sequence"/> order
    /// with no gap between the two, until <paramref name="cancellationToken"/> is cancelled or the AppHost stops.
    /// A reader too slow to keep up loses the oldest unread lines rather than slowing the process down.
    /// </summary>
    IAsyncEnumerable<ConsoleLine> WatchAsync(string resource, CancellationToken cancellationToken);
}
