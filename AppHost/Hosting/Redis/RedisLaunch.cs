namespace ReferenceApp.AppHost.Hosting.Redis;

/// <summary>How to start an embedded Redis server, and the private directory holding its secret configuration, if any.</summary>
internal sealed record RedisLaunch(Processes.ProcessSpec Spec, string? SecretDirectory) : IAsyncDisposable
{
    /// <summary>Deletes the secret configuration: the server has read it once it answers PING.</summary>
    public ValueTask DisposeAsync()
    {
        if (SecretDirectory is not null && Directory.Exists(SecretDirectory))
        {
            Directory.Delete(SecretDirectory, recursive: true);
        }

        return ValueTask.CompletedTask;
    }
}
