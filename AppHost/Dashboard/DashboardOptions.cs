using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography;

namespace ReferenceApp.AppHost.Dashboard;

/// <summary>
/// Where the dashboard listens and the secrets that guard it (configuration section <c>Dashboard</c>).
/// The tokens are generated per run unless configured, and are never logged.
/// </summary>
public sealed class DashboardOptions
{
    public const string SectionName = "Dashboard";

    /// <summary>The HTTP header an OTLP exporter sends the API key in, as Aspire's dashboard expects it.</summary>
    public const string OtlpApiKeyHeader = "x-otlp-api-key";

    /// <summary>The dashboard UI (HTTP/1.1 and HTTP/2): <c>http://localhost:18888</c>.</summary>
    [Range(1, 65535, ErrorMessage = "Dashboard:Port must be a TCP port (1-65535), e.g. --dashboard-port 18888.")]
    public int Port { get; set; } = 18888;

    /// <summary>The OTLP/gRPC receiver (HTTP/2 cleartext only) every service exports to.</summary>
    [Range(1, 65535, ErrorMessage = "Dashboard:OtlpGrpcPort must be a TCP port (1-65535), e.g. --otlp-grpc-port 18889.")]
    public int OtlpGrpcPort { get; set; } = 18889;

    /// <summary>The OTLP/HTTP (protobuf) receiver.</summary>
    [Range(1, 65535, ErrorMessage = "Dashboard:OtlpHttpPort must be a TCP port (1-65535), e.g. --otlp-http-port 18890.")]
    public int OtlpHttpPort { get; set; } = 18890;

    /// <summary>The token in the login URL (<c>/login?t=...</c>) that lets a browser in.</summary>
    public string BrowserToken { get; set; } = string.Empty;

    /// <summary>The API key every OTLP exporter must send in <see cref="OtlpApiKeyHeader"/>.</summary>
    public string OtlpApiKey { get; set; } = string.Empty;

    /// <summary>The URL a person opens to log in, as the AppHost prints it.</summary>
    public string LoginUrl => $"http://localhost:{Port}/login?t={BrowserToken}";

    /// <summary>The OTLP endpoint given to every service in <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>.</summary>
    public Uri OtlpGrpcEndpoint => new($"http://localhost:{OtlpGrpcPort}");

    /// <summary>A fresh random token: 128 bits, lower-case hex.</summary>
    public static string GenerateToken() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
}
