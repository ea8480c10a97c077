using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using ReferenceApp.Testing;

namespace ReferenceApp.RealtimeHub.Tests.Limits;

/// <summary>One hub process with small limits (no Redis needed: limits are per connection, in the worker that holds it).</summary>
public sealed class HubLimitsTests : IAsyncLifetime
{
    private const int MessagesPerSecond = 5;
    private const int Burst = 5;
    private const int MaximumReceiveMessageBytes = 2048;

    private ServiceProcess _hub = null!;

    public async Task InitializeAsync() => _hub = await ServiceProcess.StartAsync("RealtimeHub", new Dictionary<string, string?>
    {
        ["RealtimeHub__MessagesPerSecond"] = MessagesPerSecond.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["RealtimeHub__MessageBurst"] = Burst.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["RealtimeHub__MaximumReceiveMessageBytes"] = MaximumReceiveMessageBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
    });

    public async Task DisposeAsync() => await _hub.DisposeAsync();

    [Fact]
    public async Task Messages_beyond_the_per_connection_rate_are_refused_with_a_hub_error_and_the_connection_stays_usable()
    {
        await using var client = await HubClient.ConnectAsync(_hub.BaseAddress);
        await using var neighbour = await HubClient.ConnectAsync(_hub.BaseAddress);

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 30).Select(async i =>
        {
            try
            {
                await client.SendMessageAsync($"flood {i}");
                return null;
            }
            catch (HubException refused)
            {
                return refused.Message;
            }
        }));

        var refusals = outcomes.OfType<string>().ToList();
        // 30 at once against a bucket of 5 refilled at 5/s: most must be refused, and at least the burst must pass.
        Assert.InRange(refusals.Count, 10, 30 - Burst);
        Assert.All(refusals, message => Assert.Contains($"Rate limit exceeded: at most {MessagesPerSecond} messages per second", message, StringComparison.Ordinal));
        Assert.Equal(HubConnectionState.Connected, client.State);

        // Another connection has its own bucket; and the flooder's refills.
        await neighbour.SendMessageAsync("I am not limited by my neighbour");
        await Eventually.TrueAsync(async () =>
        {
            try
            {
                await client.SendMessageAsync("calm again");
                return true;
            }
            catch (HubException)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(10), "the flooding connection to be served again once its bucket refills");
    }

    [Fact]
    public async Task A_message_larger_than_the_limit_closes_the_connection()
    {
        await using var client = await HubClient.ConnectAsync(_hub.BaseAddress);
        await client.SendMessageAsync(new string('a', 100));

        await Assert.ThrowsAnyAsync<Exception>(() => client.SendMessageAsync(new string('a', MaximumReceiveMessageBytes * 2)));

        await Eventually.TrueAsync(() => client.ClosedWith is not null, TimeSpan.FromSeconds(15), "the server to close the connection");
        Assert.Equal(HubConnectionState.Disconnected, client.State);
        Assert.Contains("closed with an error", client.ClosedWith!.Message, StringComparison.Ordinal);
    }
}
