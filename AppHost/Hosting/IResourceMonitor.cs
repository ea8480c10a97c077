namespace ReferenceApp.AppHost.Hosting;

/// <summary>The live state of every resource in the app model (registered in DI by the AppHost).</summary>
public interface IResourceMonitor
{
    /// <summary>The current snapshot of every resource, in the model's declaration order.</summary>
    IReadOnlyList<ResourceSnapshot> GetResources();

    /// <summary>
    /// The current snapshot of every resource first, then a new snapshot of a resource each time it changes (state, PIDs,
    /// exit code, restarts), until <paramref name="cancellationToken"/> is cancelled or the AppHost stops.
    /// </summary>
    IAsyncEnumerable<ResourceSnapshot> WatchAsync(CancellationToken cancellationToken);
}
