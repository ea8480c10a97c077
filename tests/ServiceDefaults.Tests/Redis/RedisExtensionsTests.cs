using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using ReferenceApp.ServiceDefaults.Redis;
using ReferenceApp.Testing;
using StackExchange.Redis;

namespace ReferenceApp.ServiceDefaults.Tests.Redis;

public sealed class RedisExtensionsTests
{
    [Fact]
    public void Client_options_fail_fast_and_keep_reconnecting()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration["ConnectionStrings:redis"] = "127.0.0.1:6390,password=secret";
        builder.AddRedisIfConfigured();
        using var host = builder.Build();

        // The options Aspire's client connects with: its connection string parse plus ServiceDefaults' settings.
        var options = host.Services.GetRequiredService<IOptions<ConfigurationOptions>>().Value;

        Assert.False(options.AbortOnConnectFail);
        Assert.Equal(BacklogPolicy.FailFast, options.BacklogPolicy);
        Assert.True(options.ConnectTimeout <= 2000);
        Assert.Equal("secret", options.Password);
    }

    [Fact]
    public async Task Service_with_unreachable_redis_starts_serves_and_reports_degraded_health()
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        await using var app = await StartAsync($"127.0.0.1:{FreePort.Next()},password=x");
        // Aspire's client connects at start-up: with Redis down that must neither fail nor wait out a connect timeout (2 s).
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(2), $"start-up took {started.Elapsed} with Redis down");

        using var client = new HttpClient { BaseAddress = app.Address };
        using var alive = await client.GetAsync(new Uri("/alive", UriKind.Relative));
        using var health = await client.GetAsync(new Uri("/health", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal("Degraded", await health.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Service_with_live_redis_reports_healthy()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var app = await StartAsync(redis.ConnectionString);

        using var client = new HttpClient { BaseAddress = app.Address };
        Assert.Equal("Healthy", await client.GetStringAsync(new Uri("/health", UriKind.Relative)));
    }

    [Fact]
    public async Task Health_is_degraded_while_redis_is_stopped_and_healthy_within_5_s_of_its_return()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var app = await StartAsync(redis.ConnectionString);
        using var client = new HttpClient { BaseAddress = app.Address };
        async Task<string> HealthAsync() => await client.GetStringAsync(new Uri("/health", UriKind.Relative));
        Assert.Equal("Healthy", await HealthAsync());

        await redis.StopAsync();
        await Eventually.TrueAsync(async () => await HealthAsync() == "Degraded", TimeSpan.FromSeconds(10), "/health to report Degraded with Redis stopped");

        await redis.RestartAsync();
        await Eventually.TrueAsync(async () => await HealthAsync() == "Healthy", TimeSpan.FromSeconds(5), "/health to report Healthy within 5 s of Redis returning");
    }

    private static async Task<RunningApp> StartAsync(string redisConnectionString)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration["ConnectionStrings:redis"] = redisConnectionString;
        builder.AddServiceDefaults();
        var app = builder.Build();
        app.MapDefaultEndpoints();
        await app.StartAsync();
        var address = app.Urls.Single();
        return new RunningApp(app, new Uri(address));
    }

    private sealed record RunningApp(WebApplication App, Uri Address) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await App.DisposeAsync();
    }
}
