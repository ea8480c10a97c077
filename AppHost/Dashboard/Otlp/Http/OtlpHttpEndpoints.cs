using System.IO.Compression;
using Google.Protobuf;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using ReferenceApp.AppHost.Dashboard.Otlp.Proto.Collector.Logs.V1;
using ReferenceApp.AppHost.Dashboard.Otlp.Proto.Collector.Metrics.V1;
using ReferenceApp.AppHost.Dashboard.Otlp.Proto.Collector.Trace.V1;
using RpcStatus = ReferenceApp.AppHost.Dashboard.Otlp.Proto.Rpc.Status;

namespace ReferenceApp.AppHost.Dashboard.Otlp.Http;

/// <summary>
/// OTLP/HTTP with binary protobuf: POST /v1/traces, /v1/logs, /v1/metrics. Errors follow the specification: the status
/// code says what went wrong (400 undecodable, 413 too large, 415 not protobuf) and the body is a google.rpc.Status.
/// </summary>
internal static class OtlpHttpEndpoints
{
    public const string ProtobufContentType = "application/x-protobuf";

    public static RouteGroupBuilder MapOtlpHttpEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/v1");
        group.MapPost("/traces", (HttpContext context, OtlpIngestion ingestion, IOptions<DashboardOptions> options) =>
            ExportAsync(context, options.Value.MaxOtlpRequestBytes, ExportTraceServiceRequest.Parser, ingestion.Export));
        group.MapPost("/logs", (HttpContext context, OtlpIngestion ingestion, IOptions<DashboardOptions> options) =>
            ExportAsync(context, options.Value.MaxOtlpRequestBytes, ExportLogsServiceRequest.Parser, ingestion.Export));
        group.MapPost("/metrics", (HttpContext context, OtlpIngestion ingestion, IOptions<DashboardOptions> options) =>
            ExportAsync(context, options.Value.MaxOtlpRequestBytes, ExportMetricsServiceRequest.Parser, ingestion.Export));
        return group;
    }

    private static async Task<IResult> ExportAsync<TRequest, TResponse>(
        HttpContext context, int maxBytes, MessageParser<TRequest> parser, Func<TRequest, TResponse> export)
        where TRequest : IMessage<TRequest>
        where TResponse : IMessage<TResponse>
    {
        if (!IsProtobuf(context.Request.ContentType))
        {
            return Error(StatusCodes.Status415UnsupportedMediaType, $"Only {ProtobufContentType} is accepted.");
        }

        var encoding = context.Request.Headers.ContentEncoding.ToString();
        if (encoding.Length > 0 && !encoding.Equals("gzip", StringComparison.OrdinalIgnoreCase) && !encoding.Equals("identity", StringComparison.OrdinalIgnoreCase))
        {
            return Error(StatusCodes.Status415UnsupportedMediaType, "Content-Encoding must be gzip or identity.");
        }

        if (context.Request.ContentLength > maxBytes)
        {
            return Error(StatusCodes.Status413PayloadTooLarge, $"The request is larger than {maxBytes} bytes.");
        }

        // Kestrel enforces the limit on chunked bodies too; the bounded read below also bounds what gzip expands to.
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = maxBytes;
        }

        var gzip = encoding.Equals("gzip", StringComparison.OrdinalIgnoreCase);
        var body = new PooledBody();
        try
        {
            try
            {
                var stream = gzip ? new GZipStream(context.Request.Body, CompressionMode.Decompress, leaveOpen: true) : context.Request.Body;
                await using (stream.ConfigureAwait(false))
                {
                    var sizeHint = gzip ? null : context.Request.ContentLength;
                    if (!await body.ReadAsync(stream, maxBytes, sizeHint, context.RequestAborted))
                    {
                        return Error(StatusCodes.Status413PayloadTooLarge, $"The request is larger than {maxBytes} bytes once decompressed.");
                    }
                }
            }
            catch (BadHttpRequestException exception) when (exception.StatusCode == StatusCodes.Status413PayloadTooLarge)
            {
                return Error(StatusCodes.Status413PayloadTooLarge, $"The request is larger than {maxBytes} bytes.");
            }
            catch (InvalidDataException)
            {
                return Error(StatusCodes.Status400BadRequest, "The body is not valid gzip.");
            }

            TRequest request;
            try
            {
                request = parser.ParseFrom(body.Content.Span);
            }
            catch (InvalidProtocolBufferException exception)
            {
                return Error(StatusCodes.Status400BadRequest, $"The body is not a valid {typeof(TRequest).Name}: {exception.Message}");
            }

            return new ProtobufResult(StatusCodes.Status200OK, export(request));
        }
        finally
        {
            body.Dispose();
        }
    }

    private static bool IsProtobuf(string? contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var parsed)
        && parsed.MediaType.Equals(ProtobufContentType, StringComparison.OrdinalIgnoreCase);

    /// <summary>An OTLP/HTTP error: google.rpc.Status carries the code that gRPC would have used and the message.</summary>
    public static IResult Error(int statusCode, string message) => new ProtobufResult(statusCode, new RpcStatus
    {
        Code = statusCode switch
        {
            StatusCodes.Status400BadRequest => (int)global::Grpc.Core.StatusCode.InvalidArgument,
            StatusCodes.Status401Unauthorized => (int)global::Grpc.Core.StatusCode.Unauthenticated,
            StatusCodes.Status413PayloadTooLarge => (int)global::Grpc.Core.StatusCode.ResourceExhausted,
            _ => (int)global::Grpc.Core.StatusCode.InvalidArgument,
        },
        Message = message,
    });

    /// <summary>A protobuf message as the response body.</summary>
    private sealed class ProtobufResult(int statusCode, IMessage message) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = statusCode;
            httpContext.Response.ContentType = ProtobufContentType;
            httpContext.Response.ContentLength = message.CalculateSize();
            await httpContext.Response.Body.WriteAsync(message.ToByteArray(), httpContext.RequestAborted);
        }
    }
}
