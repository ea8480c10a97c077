using Microsoft.Extensions.Options;
using OpenTelemetry;
using ReferenceApp.Web.Discovery;
using StackExchange.Redis;

namespace ReferenceApp.Web.Cluster;

/// <summary>Whether Redis answers, as far as this Web can tell.</summary>
public enum RedisHealth
{
    Unknown,
    Up,
    Down,
}

/// <summary>The last Redis check: its verdict and what it was based on.</summary>
public sealed record RedisState(RedisHealth Health, string Detail);

/// <summary>
/// Checks Redis: with a PING when this Web has its own connection (<c>ConnectionStrings__redis</c>), else by asking the Api's
/// <c>/health</c>, which is Degraded exactly while the Api's Redis check fails. Either way the answer is what the state
/// endpoints experience, which is what the "Redis is down" banner is about.
/// </summary>
public sealed class RedisProbe(IServiceProvider services, IHttpClientFactory httpClients, IOptions<BrowserEndpointsOptions> endpoints)
{
    public const string ApiHealthClient = "api-health";

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);

    public async Task<RedisState> CheckAsync(CancellationToken cancellationToken)
    {
        // Polled every second or two: keep these calls out of the traces a person is looking for.
        using var suppressed = SuppressInstrumentationScope.Begin();
        return services.GetService<IConnectionMultiplexer>() is { } redis
            ? await PingAsync(redis, cancellationToken)
            : await AskApiAsync(cancellationToken);
    }

    private static async Task<RedisState> PingAsync(IConnectionMultiplexer redis, CancellationToken cancellationToken)
    {
        try
        {
            var latency = await redis.GetDatabase().PingAsync().WaitAsync(Timeout, cancellationToken);
            return new RedisState(RedisHealth.Up, $"PING answered in {latency.TotalMilliseconds:F1} ms");
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            return new RedisState(RedisHealth.Down, $"PING failed: {FirstClause(exception.Message)}");
        }
    }

    // StackExchange.Redis messages carry a full connection dump after the first clause; the banner needs the first clause.
    private static string FirstClause(string message)
    {
        var end = message.IndexOfAny([';', '\n']);
        var clause = end > 0 ? message[..end] : message;
        return clause.Length > 120 ? string.Concat(clause.AsSpan(0, 120), "…") : clause;
    }

    private async Task<RedisState> AskApiAsync(CancellationToken cancellationToken)
    {
        if (endpoints.Value.ApiUrl is not { } api)
        {
            return new RedisState(RedisHealth.Unknown, "No Api address is configured.");
        }

        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(Timeout);
            var client = httpClients.CreateClient(ApiHealthClient);
            using var response = await client.GetAsync(new Uri(api, "/health"), timeout.Token);
            var status = (await response.Content.ReadAsStringAsync(timeout.Token)).Trim();
            return status switch
            {
                "Healthy" => new RedisState(RedisHealth.Up, "The Api reports Healthy"),
                "Degraded" => new RedisState(RedisHealth.Down, "The Api reports Degraded: its Redis check fails"),
                _ => new RedisState(RedisHealth.Unknown, $"The Api's /health answered {(int)response.StatusCode} '{status}'"),
            };
        }
        catch (Exception exception) when (exception is HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return new RedisState(RedisHealth.Unknown, $"The Api's /health did not answer: {exception.Message}");
        }
    }
}
