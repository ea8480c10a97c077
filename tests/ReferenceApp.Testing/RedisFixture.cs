using Xunit;

namespace ReferenceApp.Testing;

/// <summary>One real Redis-protocol server shared by a test class or collection.</summary>
public sealed class RedisFixture : IAsyncLifetime
{
    public RedisServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await RedisServer.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();
}
