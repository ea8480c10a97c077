using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Hosting;
using ReferenceApp.ServiceDefaults.Redis;
using ReferenceApp.Testing;
using StackExchange.Redis;

namespace ReferenceApp.ServiceDefaults.Tests.Redis;

public sealed class RedisExtensionsTests
{
    [Fact]
    public void Client_options_fail_fast_and_keep_reconnecting()
    {
        var options = RedisExtensions.CreateOptions("127.0.0.1:6390,password=secret");

        Assert.False(options.AbortOnConnectFail);
        Assert.Equal(BacklogPolicy.FailFast, options.BacklogPolicy);
        Assert.True(options.ConnectTimeout <= 2000);
        Assert.Equal("secret", options.Password);
    }

    [Fact]
    public async Task Service_with_unreachable_redis_starts_serves_and_reports_degraded_health()
    {
        await using var app = await StartAsync($"127.0.0.1:{FreePort.Next()},password=x");

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
