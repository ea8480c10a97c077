using Google.Protobuf;
using Grpc.AspNetCore.Server.Model;
using Grpc.Core;
using ReferenceApp.AppHost.Dashboard.Otlp.Proto.Collector.Logs.V1;
using ReferenceApp.AppHost.Dashboard.Otlp.Proto.Collector.Metrics.V1;
using ReferenceApp.AppHost.Dashboard.Otlp.Proto.Collector.Trace.V1;

namespace ReferenceApp.AppHost.Dashboard.Otlp.Grpc;

/// <summary>
/// Binds the three OTLP Export methods by hand instead of through generated service stubs, for one reason: a request that
/// does not decode must end with INVALID_ARGUMENT (OTLP: not retryable), and the generated marshallers let the decoding
/// exception become UNKNOWN. Service and method names come from the proto descriptors, so they cannot drift from the spec.
/// </summary>
internal sealed class OtlpServiceMethodProvider : IServiceMethodProvider<OtlpGrpcReceiver>
{
    public static readonly Method<ExportTraceServiceRequest, ExportTraceServiceResponse> ExportTraces =
        Export<ExportTraceServiceRequest, ExportTraceServiceResponse>(TraceServiceReflection.Descriptor.Services[0], ExportTraceServiceRequest.Parser);

    public static readonly Method<ExportLogsServiceRequest, ExportLogsServiceResponse> ExportLogs =
        Export<ExportLogsServiceRequest, ExportLogsServiceResponse>(LogsServiceReflection.Descriptor.Services[0], ExportLogsServiceRequest.Parser);

    public static readonly Method<ExportMetricsServiceRequest, ExportMetricsServiceResponse> ExportMetrics =
        Export<ExportMetricsServiceRequest, ExportMetricsServiceResponse>(MetricsServiceReflection.Descriptor.Services[0], ExportMetricsServiceRequest.Parser);

    public void OnServiceMethodDiscovery(ServiceMethodProviderContext<OtlpGrpcReceiver> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.AddUnaryMethod(ExportTraces, [], (receiver, request, call) => receiver.ExportTraces(request, call));
        context.AddUnaryMethod(ExportLogs, [], (receiver, request, call) => receiver.ExportLogs(request, call));
        context.AddUnaryMethod(ExportMetrics, [], (receiver, request, call) => receiver.ExportMetrics(request, call));
    }

    private static Method<TRequest, TResponse> Export<TRequest, TResponse>(Google.Protobuf.Reflection.ServiceDescriptor service, MessageParser<TRequest> parser)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>, new()
    {
        var method = service.FindMethodByName("Export");
        var request = Marshallers.Create(
            static (TRequest message, SerializationContext context) => Serialize(message, context),
            context => Deserialize(parser, context));
        var response = Marshallers.Create(
            static (TResponse message, SerializationContext context) => Serialize(message, context),
            static context => throw new NotSupportedException("The receiver never reads an Export response."));
        return new Method<TRequest, TResponse>(MethodType.Unary, service.FullName, method.Name, request, response);
    }

    private static T Deserialize<T>(MessageParser<T> parser, DeserializationContext context) where T : IMessage<T>
    {
        try
        {
            return parser.ParseFrom(context.PayloadAsReadOnlySequence());
        }
        catch (InvalidProtocolBufferException exception)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"The request is not a valid {typeof(T).Name}: {exception.Message}"));
        }
    }

    private static void Serialize<T>(T message, SerializationContext context) where T : IMessage<T>
    {
        context.SetPayloadLength(message.CalculateSize());
        message.WriteTo(context.GetBufferWriter());
        context.Complete();
    }
}
