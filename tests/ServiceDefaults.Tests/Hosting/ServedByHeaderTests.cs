using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;

namespace ReferenceApp.ServiceDefaults.Tests.Hosting;

public sealed class ServedByHeaderTests
{
    [Fact]
    public async Task Header_survives_an_unhandled_exception_turned_into_a_500_problem()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration["OTEL_SERVICE_NAME"] = "probe";
        builder.AddServiceDefaults();
        await using var app = builder.Build();
        app.UseServedByHeader();
        app.UseExceptionHandler();
        app.MapGet("/boom", IResult () => throw new InvalidOperationException("boom"));
        await app.StartAsync();
        var address = app.Urls.Single();

        using var client = new HttpClient { BaseAddress = new Uri(address) };
        using var response = await client.GetAsync(new Uri("/boom", UriKind.Relative));

        Assert.Equal(500, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal($"probe/probe-{Environment.ProcessId} pid={Environment.ProcessId}", Assert.Single(response.Headers.GetValues("X-Served-By")));
    }
}
