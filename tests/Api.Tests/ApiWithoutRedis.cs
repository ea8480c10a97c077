using ReferenceApp.Testing;

namespace ReferenceApp.Api.Tests;

/// <summary>
/// One Api process with no Redis configured and the Web front end's origin in service discovery, shared by the tests
/// that need nothing more: validation, CORS, and the 503 a state endpoint answers when there is no Redis at all.
/// </summary>
public sealed class ApiWithoutRedis : IAsyncLifetime
{
    public const string WebOrigin = "http://localhost:5123";

    public ServiceProcess Api { get; private set; } = null!;

    public async Task InitializeAsync() =>
        Api = await ServiceProcess.StartAsync("Api", new Dictionary<string, string?> { ["services__web__http__0"] = WebOrigin + "/" });

    public async Task DisposeAsync() => await Api.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class ApiWithoutRedisGroup : ICollectionFixture<ApiWithoutRedis>
{
    public const string Name = "api without redis";
}
