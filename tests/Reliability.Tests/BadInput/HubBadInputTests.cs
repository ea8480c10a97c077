using ReferenceApp.Testing;
using ReferenceApp.Testing.Http;
using Xunit.Abstractions;

namespace ReferenceApp.Reliability.Tests.BadInput;

/// <summary>The bad-input corpus against the SignalR hub, run as it is in production: Sticky workers with the Redis backplane.</summary>
public sealed class HubBadInputTests(ITestOutputHelper output)
{
    private const string Hub = "/hubs/chat";

    [Fact]
    public async Task Malformed_requests_to_the_hub_get_a_4xx_and_leave_every_process_running_with_bounded_memory()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var supervisor = await SupervisorProcess.StartAsync(Apps.RealtimeHub, workers: 2, arguments: ["--balancing", "Sticky"],
            environment: new Dictionary<string, string?> { ["ConnectionStrings__redis"] = redis.ConnectionString });

        BadRequest Request(string name, string method, string path, params (string, string)[] headers) =>
            new(name, RawHttpConnection.Request(method, path, headers.Select(h => new KeyValuePair<string, string>(h.Item1, h.Item2))));
        var websocket = new[] { ("Connection", "Upgrade"), ("Upgrade", "websocket"), ("Sec-WebSocket-Version", "13") };
        var corpus = HttpCorpus.Protocol($"{Hub}/negotiate?negotiateVersion=1").Concat(
        [
            Request("negotiate with GET", "GET", $"{Hub}/negotiate?negotiateVersion=1"),
            Request("connect without a connection id", "GET", Hub),
            Request("long-poll an unknown connection id", "GET", $"{Hub}?id=does-not-exist"),
            Request("send to an unknown connection id", "POST", $"{Hub}?id=does-not-exist"),
            Request("WebSocket upgrade without a key", "GET", $"{Hub}?id=does-not-exist", websocket),
            Request("WebSocket upgrade with an unknown version", "GET", $"{Hub}?id=does-not-exist",
                ("Connection", "Upgrade"), ("Upgrade", "websocket"), ("Sec-WebSocket-Version", "99"), ("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==")),
            Request("WebSocket upgrade for an unknown connection id", "GET", $"{Hub}?id=does-not-exist",
                [.. websocket, ("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==")]),
        ]).ToArray();

        await CorpusRunner.AssertSurvivesAsync(output, supervisor, supervisor.Port, corpus, "hub", healthPath: "/alive");
    }
}
