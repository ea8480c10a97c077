using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography;

namespace ReferenceApp.AppHost.Dashboard;

/// <summary>
/// Where the dashboard listens, the secrets that guard it and how much telemetry it keeps (configuration section
/// <c>Dashboard</c>). The tokens are generated per run unless configured, and are never logged.
/// </summary>
public sealed class DashboardOptions
{
    public const string SectionName = "Dashboard";

    /// <summary>The HTTP header an OTLP exporter sends the API key in, as Aspire's dashboard expects it.</summary>
    public const string OtlpApiKeyHeader = "x-otlp-api-key";

    /// <summary>The dashboard UI (HTTP/1.1): <c>http://localhost:18888</c>.</summary>
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

    /// <summary>Largest OTLP request accepted, in bytes, after decompression; larger ones get 413 or RESOURCE_EXHAUSTED.</summary>
    [Range(64 * 1024, 64 * 1024 * 1024, ErrorMessage = "Dashboard:MaxOtlpRequestBytes must be between 64 KiB and 64 MiB.")]
    public int MaxOtlpRequestBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>How much telemetry the dashboard keeps in memory (section <c>Dashboard:Telemetry</c>).</summary>
    public TelemetryLimits Telemetry { get; set; } = new();

    /// <summary>The URL a person opens to log in, as the AppHost prints it.</summary>
    public string LoginUrl => $"http://localhost:{Port}/login?t={BrowserToken}";

    /// <summary>The OTLP endpoint given to every service in <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>.</summary>
    public Uri OtlpGrpcEndpoint => new($"http://localhost:{OtlpGrpcPort}");

    /// <summary>A fresh random token: 128 bits, lower-case hex.</summary>
    public static string GenerateToken() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
}

/// <summary>Per-resource bounds of the in-memory telemetry store; the oldest item goes first when one is reached.</summary>
public sealed class TelemetryLimits
{
    [Range(100, 1_000_000, ErrorMessage = "Dashboard:Telemetry:MaxLogsPerResource must be between 100 and 1,000,000.")]
    public int MaxLogsPerResource { get; set; } = 10_000;

    [Range(100, 1_000_000, ErrorMessage = "Dashboard:Telemetry:MaxSpansPerResource must be between 100 and 1,000,000.")]
    public int MaxSpansPerResource { get; set; } = 10_000;

    [Range(10, 10_000, ErrorMessage = "Dashboard:Telemetry:MaxInstrumentsPerResource must be between 10 and 10,000.")]
    public int MaxInstrumentsPerResource { get; set; } = 500;

    [Range(1, 10_000, ErrorMessage = "Dashboard:Telemetry:MaxSeriesPerInstrument must be between 1 and 10,000.")]
    public int MaxSeriesPerInstrument { get; set; } = 200;

    [Range(10, 100_000, ErrorMessage = "Dashboard:Telemetry:MaxPointsPerSeries must be between 10 and 100,000.")]
    public int MaxPointsPerSeries { get; set; } = 600;

    [Range(1, 1000, ErrorMessage = "Dashboard:Telemetry:MaxResources must be between 1 and 1,000.")]
    public int MaxResources { get; set; } = 100;

    /// <summary>Longer attribute values and log messages are cut here, so the bounds above also bound memory.</summary>
    [Range(64, 1024 * 1024, ErrorMessage = "Dashboard:Telemetry:MaxValueLength must be between 64 and 1,048,576 characters.")]
    public int MaxValueLength { get; set; } = 4096;

    /// <summary>Attributes kept per log record, span, event or metric point; the rest are dropped.</summary>
    [Range(1, 10_000, ErrorMessage = "Dashboard:Telemetry:MaxAttributes must be between 1 and 10,000.")]
    public int MaxAttributes { get; set; } = 128;
}
