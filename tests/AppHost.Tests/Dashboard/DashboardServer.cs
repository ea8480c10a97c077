using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ReferenceApp.AppHost.Dashboard;
using ReferenceApp.AppHost.Dashboard.Telemetry;
using ReferenceApp.Testing;

namespace ReferenceApp.AppHost.Tests.Dashboard;

/// <summary>The AppHost's dashboard wiring (AddDashboard/MapDashboard) in a WebApplication of the test, on free real ports.</summary>
public sealed class DashboardServer : IAsyncDisposable
{
    private DashboardServer(WebApplication app, int uiPort, int grpcPort, int httpPort, string apiKey, string browserToken)
    {
        App = app;
        UiPort = uiPort;
        OtlpGrpcPort = grpcPort;
        OtlpHttpPort = httpPort;
        ApiKey = apiKey;
        BrowserToken = browserToken;
        OtlpGrpcClient = OtlpWire.GrpcClient(OtlpGrpcAddress);
        OtlpHttpClient = new HttpClient { BaseAddress = OtlpHttpAddress, Timeout = TimeSpan.FromSeconds(30) };
        UiClient = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = UiAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    public WebApplication App { get; }

    public int UiPort { get; }

    public int OtlpGrpcPort { get; }

    public int OtlpHttpPort { get; }

    public string ApiKey { get; }

    public string BrowserToken { get; }

    /// <summary>HTTP/2 prior knowledge to the OTLP/gRPC port.</summary>
    public HttpClient OtlpGrpcClient { get; }

    public HttpClient OtlpHttpClient { get; }

    /// <summary>To the UI port; redirects and cookies are left to the test.</summary>
    public HttpClient UiClient { get; }

    public TelemetryStore Store => App.Services.GetRequiredService<TelemetryStore>();

    public Uri UiAddress => Address(UiPort);

    public Uri OtlpGrpcAddress => Address(OtlpGrpcPort);

    public Uri OtlpHttpAddress => Address(OtlpHttpPort);

    /// <summary>Starts a dashboard; <paramref name="configure"/> may add settings or services (e.g. the host's own telemetry).</summary>
    public static async Task<DashboardServer> StartAsync(
        IReadOnlyDictionary<string, string?>? settings = null,
        Action<WebApplicationBuilder>? configure = null)
    {
        var (ui, grpc, http) = (FreePort.Next(), FreePort.Next(), FreePort.Next());
        var apiKey = "test-api-key-" + Guid.NewGuid().ToString("N");
        var browserToken = "test-browser-token-" + Guid.NewGuid().ToString("N");
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = Environments.Production });
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Dashboard:Port"] = ui.ToString(CultureInfo.InvariantCulture),
            ["Dashboard:OtlpGrpcPort"] = grpc.ToString(CultureInfo.InvariantCulture),
            ["Dashboard:OtlpHttpPort"] = http.ToString(CultureInfo.InvariantCulture),
            ["Dashboard:OtlpApiKey"] = apiKey,
            ["Dashboard:BrowserToken"] = browserToken,
        });
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }

        builder.AddDashboard();
        configure?.Invoke(builder);
        var app = builder.Build();
        app.MapDashboard();
        await app.StartAsync();
        return new DashboardServer(app, ui, grpc, http, apiKey, browserToken);
    }

    public async ValueTask DisposeAsync()
    {
        OtlpGrpcClient.Dispose();
        OtlpHttpClient.Dispose();
        UiClient.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
    }

    private static Uri Address(int port) => new($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}");
}
