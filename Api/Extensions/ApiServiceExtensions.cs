using Microsoft.Extensions.Options;
#if (!NoRealtime)
using ReferenceApp.Api.Broadcasts;
#endif
using ReferenceApp.Api.Counters;
using ReferenceApp.Api.Sessions;
using ReferenceApp.ServiceDefaults.Cors;

namespace ReferenceApp.Api.Extensions;

public static class ApiServiceExtensions
{
    public static WebApplicationBuilder AddApiServices(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<ApiOptions>()
            .BindConfiguration(ApiOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        builder.Services.AddOptions<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>()
            .Configure<IOptions<ApiOptions>>((kestrel, api) => kestrel.Limits.MaxRequestBodySize = api.Value.MaxRequestBodyBytes);

        builder.Services.AddOpenApi();
        builder.Services.AddSingleton<LocalCounter>();
        builder.Services.AddSingleton<SharedCounter>();
#if (!NoRealtime)
        builder.Services.AddSingleton<BroadcastPublisher>();
#endif
        builder.AddSessionState();
        builder.AddWebOriginCors();
        return builder;
    }
}
