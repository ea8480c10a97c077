using ReferenceApp.Testing;

namespace ReferenceApp.Api.Tests.Hosting;

public sealed class ParentWatchdogTests
{
    [Fact]
    public async Task Service_asked_to_watch_stdin_stops_and_frees_its_port_when_stdin_closes()
    {
        var port = FreePort.Next();
        await using var api = ChildProcess.StartProject("Api", [], new Dictionary<string, string?>
        {
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}",
            ["REFERENCEAPP_STOP_ON_STDIN_EOF"] = "1",
        }, keepStdinOpen: true);
        await Eventually.TrueAsync(() => FreePort.IsListening(port), TimeSpan.FromSeconds(30), "the Api to listen");

        api.CloseStandardInput();

        Assert.True(await api.WaitForExitAsync(TimeSpan.FromSeconds(10)), "the Api kept running after its stdin closed");
        Assert.Equal(0, api.ExitCode);
        Assert.False(FreePort.IsListening(port));
        Assert.Contains("parent process is gone", api.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Service_not_asked_to_watch_stdin_keeps_serving_with_a_closed_stdin()
    {
        var port = FreePort.Next();
        await using var api = ChildProcess.StartProject("Api", [], new Dictionary<string, string?>
        {
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}",
        }, keepStdinOpen: true);
        await Eventually.TrueAsync(() => FreePort.IsListening(port), TimeSpan.FromSeconds(30), "the Api to listen");

        api.CloseStandardInput();

        Assert.False(await api.WaitForExitAsync(TimeSpan.FromSeconds(2)), "the Api stopped although nobody asked it to watch stdin");
    }

    [Fact]
    public async Task Service_watching_stdin_still_stops_promptly_on_SIGTERM()
    {
        var port = FreePort.Next();
        await using var api = ChildProcess.StartProject("Api", [], new Dictionary<string, string?>
        {
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}",
            ["REFERENCEAPP_STOP_ON_STDIN_EOF"] = "1",
        }, keepStdinOpen: true);
        await Eventually.TrueAsync(() => FreePort.IsListening(port), TimeSpan.FromSeconds(30), "the Api to listen");

        Assert.True(api.Signal(ReferenceApp.Testing.Interop.Signals.SIGTERM));

        // The blocked stdin read must not hold the host until its 30 s shutdown timeout.
        Assert.True(await api.WaitForExitAsync(TimeSpan.FromSeconds(10)), "the Api took longer than 10 s to stop after SIGTERM");
        Assert.Equal(0, api.ExitCode);
    }
}
