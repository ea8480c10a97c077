using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace ReferenceApp.ServiceDefaults.Redis;

/// <summary>Healthy when a real PING answers; Degraded rather than Unhealthy, so stateless endpoints keep their traffic when Redis is down.</summary>
internal sealed class RedisHealthCheck(IConnectionMultiplexer redis) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        using var span = RedisTelemetry.StartCommand("PING");
        try
        {
            var latency = await redis.GetDatabase().PingAsync().WaitAsync(TimeSpan.FromSeconds(2), cancellationToken);
            return HealthCheckResult.Healthy($"PING answered in {latency.TotalMilliseconds:F1} ms");
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            span.RecordFailure(exception);
            return new HealthCheckResult(context.Registration.FailureStatus, "Redis did not answer PING", exception);
        }
    }
}
