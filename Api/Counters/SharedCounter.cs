using ReferenceApp.ServiceDefaults.Redis;
using StackExchange.Redis;

namespace ReferenceApp.Api.Counters;

/// <summary>A counter in Redis (<c>INCR</c>): every worker sees and advances the same value.</summary>
public sealed class SharedCounter(IServiceProvider services)
{
    public const string Key = "ReferenceApp:counters:shared";

    public async Task<long> IncrementAsync(CancellationToken cancellationToken)
    {
        var redis = services.GetService<IConnectionMultiplexer>() ?? throw new RedisNotConfiguredException();
        return await redis.GetDatabase().StringIncrementAsync(Key).WaitAsync(cancellationToken);
    }
}
