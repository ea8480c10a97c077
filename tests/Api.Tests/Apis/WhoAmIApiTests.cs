using ReferenceApp.Testing;

namespace ReferenceApp.Api.Tests.Apis;

public sealed class WhoAmIApiTests : IAsyncLifetime
{
    private ServiceProcess _api = null!;

    public async Task InitializeAsync() => _api = await ServiceProcess.StartAsync("Api");

    public async Task DisposeAsync() => await _api.DisposeAsync();

    [Fact]
    public async Task Whoami_reports_the_process_that_served_it()
    {
        using var response = await _api.Client.GetAsync(new Uri("/api/whoami", UriKind.Relative));
        var body = await response.ReadJsonAsync();

        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(_api.Pid, body.GetProperty("pid").GetInt32());
        Assert.Equal("api", body.GetProperty("service").GetString());
        Assert.Equal($"api-{_api.Pid}", body.GetProperty("instance").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, body.GetProperty("workerIndex").ValueKind);
        Assert.InRange(body.GetProperty("uptimeSeconds").GetDouble(), 0, 300);
        Assert.True(body.TryGetProperty("startedAt", out _));
    }

    [Fact]
    public async Task Every_response_carries_X_Served_By_with_the_pid()
    {
        using var found = await _api.Client.GetAsync(new Uri("/api/whoami", UriKind.Relative));
        using var missing = await _api.Client.GetAsync(new Uri("/no/such/route", UriKind.Relative));

        Assert.Equal($"api/api-{_api.Pid} pid={_api.Pid}", Assert.Single(found.Headers.GetValues("X-Served-By")));
        Assert.Equal($"api/api-{_api.Pid} pid={_api.Pid}", Assert.Single(missing.Headers.GetValues("X-Served-By")));
    }

    [Fact]
    public async Task Unknown_route_gets_404_problem_details()
    {
        using var response = await _api.Client.GetAsync(new Uri("/api/nothing-here", UriKind.Relative));

        Assert.Equal(System.Net.HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(404, (await response.ReadJsonAsync()).GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task Supervised_identity_comes_from_the_worker_environment()
    {
        await using var worker = await ServiceProcess.StartAsync("Api", new Dictionary<string, string?>
        {
            ["WORKER_INDEX"] = "3",
            ["WORKER_COUNT"] = "4",
            ["OTEL_SERVICE_NAME"] = "orders",
            ["OTEL_RESOURCE_ATTRIBUTES"] = "service.instance.id=orders-w3,deployment.environment=test",
        });

        var body = await (await worker.Client.GetAsync(new Uri("/api/whoami", UriKind.Relative))).ReadJsonAsync();

        Assert.Equal("orders", body.GetProperty("service").GetString());
        Assert.Equal("orders-w3", body.GetProperty("instance").GetString());
        Assert.Equal(3, body.GetProperty("workerIndex").GetInt32());
    }

    [Fact]
    public async Task OpenApi_document_lists_every_endpoint()
    {
        var document = await _api.Client.GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative));

        Assert.Contains("/api/whoami", document, StringComparison.Ordinal);
        Assert.Contains("/api/work", document, StringComparison.Ordinal);
        Assert.Contains("/api/counters/shared", document, StringComparison.Ordinal);
    }
}
