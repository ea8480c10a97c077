using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;
using ReferenceApp.Testing;

namespace ReferenceApp.AppHost.Tests.Dashboard;

public sealed class ReceiverSelfTracingTests
{
    [Fact]
    public async Task Receiver_requests_are_never_traced_even_when_the_host_traces_every_request()
    {
        var exported = new List<Activity>();
        await using var dashboard = await DashboardServer.StartAsync(configure: builder =>
            builder.Services.AddOpenTelemetry().WithTracing(tracing => tracing.AddAspNetCoreInstrumentation().AddInMemoryExporter(exported)));

        var (status, _) = await OtlpWire.CallAsync(dashboard.OtlpGrpcClient, OtlpWire.TracesMethod, OneSpan(), dashboard.ApiKey);
        Assert.Equal(0, status);
        using (var response = await OtlpWire.PostAsync(dashboard.OtlpHttpClient, "/v1/traces", OtlpWire.Protobuf(OneSpan()), dashboard.ApiKey))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        using (var refused = await OtlpWire.PostAsync(dashboard.OtlpHttpClient, "/v1/logs", OtlpWire.Protobuf(OtlpWire.Garbage()), null))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        // A UI request afterwards is traced: the instrumentation is live, so the absence below means something.
        using (await dashboard.UiClient.GetAsync(new Uri("/login", UriKind.Relative)))
        {
        }

        await Eventually.TrueAsync(() => Snapshot(exported).Any(a => Path(a) == "/login"), TimeSpan.FromSeconds(10), "the /login request span");
        Assert.DoesNotContain(Snapshot(exported), activity => Path(activity) != "/login");
    }

    private static byte[] OneSpan() => OtlpWire.OneSpan("self-tracing", RandomNumberGenerator.GetBytes(16), RandomNumberGenerator.GetBytes(8));

    private static Activity[] Snapshot(List<Activity> exported)
    {
        lock (exported)
        {
            return [.. exported];
        }
    }

    private static string? Path(Activity activity) => activity.GetTagItem("url.path") as string;
}
