using Grpc.AspNetCore.Server.Model;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using ReferenceApp.AppHost.Dashboard.Authentication;
using ReferenceApp.AppHost.Dashboard.Listeners;
using ReferenceApp.AppHost.Dashboard.Otlp.Grpc;
using ReferenceApp.AppHost.Dashboard.Otlp.Http;

namespace ReferenceApp.AppHost.Dashboard.Otlp;

/// <summary>The OTLP receiver: gRPC on its port, HTTP/protobuf on its port, both behind the API key and the size limit.</summary>
internal static class OtlpReceiverExtensions
{
    public static IServiceCollection AddOtlpReceiver(this IServiceCollection services)
    {
        services.AddSingleton<OtlpIngestion>();
        services.AddGrpc();
        services.AddOptions<global::Grpc.AspNetCore.Server.GrpcServiceOptions<OtlpGrpcReceiver>>()
            .Configure<IOptions<DashboardOptions>>((grpc, dashboard) => grpc.MaxReceiveMessageSize = dashboard.Value.MaxOtlpRequestBytes);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IServiceMethodProvider<OtlpGrpcReceiver>, OtlpServiceMethodProvider>());
        services.AddSingleton<OtlpGrpcReceiver>();
        return services;
    }

    public static IEndpointRouteBuilder MapOtlpReceiver(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGrpcService<OtlpGrpcReceiver>()
            .RequireAuthorization(DashboardAuthentication.OtlpPolicy)
            .WithMetadata(new DashboardSurfaceMetadata(DashboardSurface.OtlpGrpc));

        endpoints.MapOtlpHttpEndpoints()
            .RequireAuthorization(DashboardAuthentication.OtlpPolicy)
            .WithMetadata(new DashboardSurfaceMetadata(DashboardSurface.OtlpHttp))
            .DisableAntiforgery();
        return endpoints;
    }
}
