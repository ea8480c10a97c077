using System.ComponentModel.DataAnnotations;

namespace ReferenceApp.AppHost.Dashboard;

/// <summary>The dashboard's ports, secrets and limits, bound from the <c>Dashboard</c> configuration section.</summary>
public sealed class DashboardOptions
{
    public const string SectionName = "Dashboard";

    /// <summary>The browser UI (HTTP/1.1 and HTTP/2).</summary>
    [Range(1, 65535, ErrorMessage = "Dashboard:UiPort must be a TCP port from 1 to 65535.")]
    public int UiPort { get; set; } = 18888;

    /// <summary>The OTLP/gRPC receiver (HTTP/2 cleartext).</summary>
    [Range(1, 65535, ErrorMessage = "Dashboard:OtlpGrpcPort must be a TCP port from 1 to 65535.")]
    public int OtlpGrpcPort { get; set; } = 18889;

    /// <summary>The OTLP/HTTP receiver (binary protobuf).</summary>
    [Range(1, 65535, ErrorMessage = "Dashboard:OtlpHttpPort must be a TCP port from 1 to 65535.")]
    public int OtlpHttpPort { get; set; } = 18890;

    /// <summary>The token a browser presents once at <c>/login?t=</c>; generated per run when not configured.</summary>
    public string? BrowserToken { get; set; }

    /// <summary>The value every exporter sends in the <c>x-otlp-api-key</c> header; generated per run when not configured.</summary>
    public string? OtlpApiKey { get; set; }

    /// <summary>Largest OTLP request accepted, in bytes, after decompression; larger ones get 413 or RESOURCE_EXHAUSTED.</summary>
    [Range(64 * 1024, 64 * 1024 * 1024, ErrorMessage = "Dashboard:MaxOtlpRequestBytes must be between 64 KiB and 64 MiB.")]
    public int MaxOtlpRequestBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>How much telemetry the dashboard keeps in memory.</summary>
    public TelemetryLimits Telemetry { get; set; } = new();
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

    /// <summary>Attributes kept per log record, span, event or metric point; the rest are counted as dropped.</summary>
    [Range(1, 10_000, ErrorMessage = "Dashboard:Telemetry:MaxAttributes must be between 1 and 10,000.")]
    public int MaxAttributes { get; set; } = 128;
}
