using Microsoft.Extensions.Caching.Distributed;
using ReferenceApp.ServiceDefaults.Redis;

namespace ReferenceApp.Api.Sessions;

/// <summary>
/// The session store when no Redis is configured. A per-process memory cache would look like it works and then lose the
/// session whenever another worker answers, which is exactly the pitfall this app exists to show; so session endpoints
/// answer 503 instead, and the stateless endpoints run as usual.
/// </summary>
internal sealed class RedisNotConfiguredCache : IDistributedCache
{
    public byte[]? Get(string key) => throw new RedisNotConfiguredException();

    public Task<byte[]?> GetAsync(string key, CancellationToken token = default) => throw new RedisNotConfiguredException();

    public void Refresh(string key) => throw new RedisNotConfiguredException();

    public Task RefreshAsync(string key, CancellationToken token = default) => throw new RedisNotConfiguredException();

    public void Remove(string key) => throw new RedisNotConfiguredException();

    public Task RemoveAsync(string key, CancellationToken token = default) => throw new RedisNotConfiguredException();

    public void Set(string key, byte[] value, DistributedCacheEntryOptions options) => throw new RedisNotConfiguredException();

    public Task SetAsync(string key, byte[] value, DistributedCacheEntryOptions options, CancellationToken token = default) =>
        throw new RedisNotConfiguredException();
}
