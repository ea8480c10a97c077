using ReferenceApp.Testing;

namespace ReferenceApp.Api.Tests.Hosting;

public sealed class InvalidSettingsTests
{
    [Fact]
    public async Task Invalid_settings_are_all_reported_and_the_service_exits_2_without_serving()
    {
        var port = FreePort.Next();
        await using var api = ChildProcess.StartProject("Api", [], new Dictionary<string, string?>
        {
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}",
            ["Api__MaxRequestBodyBytes"] = "1",
            ["Api__Session__IdleTimeout"] = "00:00:05",
            ["Api__Session__CookieName"] = "not a cookie name",
        });

        Assert.True(await api.WaitForExitAsync(TimeSpan.FromSeconds(60)), "the Api kept running with invalid settings");
        Assert.Equal(2, api.ExitCode);
        Assert.Contains("Api:MaxRequestBodyBytes must be between 1 KiB and 16 MiB.", api.Output, StringComparison.Ordinal);
        Assert.Contains("Api:Session:IdleTimeout must be between 00:01:00 and 7.00:00:00", api.Output, StringComparison.Ordinal);
        Assert.Contains("Api:Session:CookieName must be 1-64 letters", api.Output, StringComparison.Ordinal);
        Assert.Contains("invalid settings; not starting", api.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", api.Output, StringComparison.Ordinal);
        Assert.False(FreePort.IsListening(port));
    }
}
