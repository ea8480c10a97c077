using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace ReferenceApp.AppHost.Dashboard.Listeners;

/// <summary>What a dashboard port serves; every request is checked against the port it arrived on.</summary>
public enum DashboardSurface
{
    /// <summary>The browser UI, login and the Blazor hub.</summary>
    Ui,

    /// <summary>OTLP/gRPC Export (HTTP/2 cleartext).</summary>
    OtlpGrpc,

    /// <summary>OTLP/HTTP <c>/v1/*</c> (binary protobuf).</summary>
    OtlpHttp,
}

/// <summary>Endpoint metadata: the surface an endpoint belongs to. Endpoints without it belong to the UI.</summary>
public sealed record DashboardSurfaceMetadata(DashboardSurface Surface);

/// <summary>The dashboard's three Kestrel listeners on loopback, one per surface.</summary>
internal static class DashboardListeners
{
    public static IServiceCollection AddDashboardListeners(this IServiceCollection services)
    {
        services.AddOptions<KestrelServerOptions>().Configure<IOptions<DashboardOptions>>((kestrel, dashboard) =>
        {
            var options = dashboard.Value;
            // Without TLS there is no ALPN to agree on HTTP/2, and browsers never use cleartext HTTP/2: the UI and OTLP/HTTP
            // speak HTTP/1.1. gRPC needs HTTP/2, so its port speaks HTTP/2 only, with prior knowledge, as exporters do.
            kestrel.ListenLocalhost(options.Port, listen => listen.Protocols = HttpProtocols.Http1);
            kestrel.ListenLocalhost(options.OtlpGrpcPort, listen => listen.Protocols = HttpProtocols.Http2);
            kestrel.ListenLocalhost(options.OtlpHttpPort, listen => listen.Protocols = HttpProtocols.Http1);
        });
        return services;
    }

    /// <summary>The surface a local port serves, or null for a port the dashboard did not open (a test server).</summary>
    public static DashboardSurface? SurfaceOf(DashboardOptions options, int localPort) =>
        localPort == options.Port ? DashboardSurface.Ui
        : localPort == options.OtlpGrpcPort ? DashboardSurface.OtlpGrpc
        : localPort == options.OtlpHttpPort ? DashboardSurface.OtlpHttp
        : null;
}
