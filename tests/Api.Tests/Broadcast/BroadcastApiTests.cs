using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Threading.Channels;
using ReferenceApp.RealtimeHub.Contracts;
using ReferenceApp.Testing;
using StackExchange.Redis;

namespace ReferenceApp.Api.Tests.Broadcast;

/// <summary>The Api's side of broadcasting: what it puts on the Redis channel the hub workers listen to.</summary>
[Collection(ApiWithoutRedisGroup.Name)]
public sealed class BroadcastApiTests(ApiWithoutRedis withoutRedis)
{
    [Fact]
    public async Task Broadcast_publishes_an_envelope_naming_the_api_pid_on_the_realtime_channel()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var api = await ServiceProcess.StartAsync("Api", new Dictionary<string, string?> { ["ConnectionStrings__redis"] = redis.ConnectionString });
        await using var listener = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        var received = Channel.CreateUnbounded<BroadcastEnvelope>();
        await listener.GetSubscriber().SubscribeAsync(RedisChannel.Literal(RealtimeChannels.Broadcast), (_, message) =>
            received.Writer.TryWrite(JsonSerializer.Deserialize(message.ToString(), RealtimeJson.Default.BroadcastEnvelope)!));

        using var response = await api.Client.PostAsJsonAsync("/api/broadcast", new { text = "hello hubs" });

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var receipt = await response.ReadJsonAsync();
        Assert.Equal(1, receipt.GetProperty("hubWorkers").GetInt64());
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var envelope = await received.Reader.ReadAsync(timeout.Token);
        Assert.Equal(receipt.GetProperty("id").GetString(), envelope.Id);
        Assert.Equal("hello hubs", envelope.Text);
        Assert.Equal(api.Pid, envelope.PublisherPid);
        Assert.NotNull(envelope.TraceParent);
    }

    [Theory]
    [InlineData("""{"text": ""}""")]
    [InlineData("""{"text": "   "}""")]
    [InlineData("""{}""")]
    public async Task Broadcast_without_text_is_a_400_problem_naming_text(string body)
    {
        using var response = await withoutRedis.Api.Client.PostAsync(new Uri("/api/broadcast", UriKind.Relative), new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.ReadJsonAsync()).GetProperty("errors").TryGetProperty("text", out _));
    }

    [Fact]
    public async Task Broadcast_without_redis_is_a_503_problem()
    {
        using var response = await withoutRedis.Api.Client.PostAsJsonAsync("/api/broadcast", new { text = "nobody listens" });

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
    }
}
