using Grpc.Core;
using ReferenceApp.AppHost.Dashboard.Otlp.Proto.Collector.Logs.V1;
using ReferenceApp.AppHost.Dashboard.Otlp.Proto.Collector.Metrics.V1;
using ReferenceApp.AppHost.Dashboard.Otlp.Proto.Collector.Trace.V1;

namespace ReferenceApp.AppHost.Dashboard.Otlp.Grpc;

/// <summary>The OTLP/gRPC TraceService, LogsService and MetricsService Export methods, bound by <see cref="OtlpServiceMethodProvider"/>.</summary>
internal sealed class OtlpGrpcReceiver(OtlpIngestion ingestion)
{
    public Task<ExportTraceServiceResponse> ExportTraces(ExportTraceServiceRequest request, ServerCallContext context) =>
        Task.FromResult(ingestion.Export(request));

    public Task<ExportLogsServiceResponse> ExportLogs(ExportLogsServiceRequest request, ServerCallContext context) =>
        Task.FromResult(ingestion.Export(request));

    public Task<ExportMetricsServiceResponse> ExportMetrics(ExportMetricsServiceRequest request, ServerCallContext context) =>
        Task.FromResult(ingestion.Export(request));
}
