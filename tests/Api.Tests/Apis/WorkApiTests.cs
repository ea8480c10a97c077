using System.Net;
using ReferenceApp.Testing;

namespace ReferenceApp.Api.Tests.Apis;

public sealed class WorkApiTests : IAsyncLifetime
{
    private ServiceProcess _api = null!;

    public async Task InitializeAsync() => _api = await ServiceProcess.StartAsync("Api");

    public async Task DisposeAsync() => await _api.DisposeAsync();

    [Fact]
    public async Task Work_burns_at_least_the_requested_cpu_time()
    {
        using var response = await _api.Client.GetAsync(new Uri("/api/work?ms=50", UriKind.Relative));
        var body = await response.ReadJsonAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(50, body.GetProperty("requestedMs").GetInt32());
        Assert.True(body.GetProperty("elapsedMs").GetDouble() >= 50);
        Assert.Equal(_api.Pid, body.GetProperty("pid").GetInt32());
    }

    [Theory]
    [InlineData("")]
    [InlineData("?ms=")]
    [InlineData("?ms=0")]
    [InlineData("?ms=-5")]
    [InlineData("?ms=5001")]
    [InlineData("?ms=abc")]
    [InlineData("?ms=1.5")]
    [InlineData("?ms=99999999999999999999")]
    public async Task Work_with_invalid_ms_gets_400_problem_naming_the_parameter(string query)
    {
        using var response = await _api.Client.GetAsync(new Uri("/api/work" + query, UriKind.Relative));
        var problem = await response.ReadJsonAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("ms", problem.GetProperty("title").GetString(), StringComparison.Ordinal);
        Assert.True(problem.GetProperty("errors").TryGetProperty("ms", out _));
    }

    [Fact]
    public async Task Wrong_method_gets_405()
    {
        using var response = await _api.Client.DeleteAsync(new Uri("/api/work?ms=5", UriKind.Relative));

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
    }
}
