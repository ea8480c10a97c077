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

        // Kestrel reads its limits while the host is being built, before ValidateOnStart checks every options class at
        // once; reading ApiOptions through IOptions here would report its problem alone. So the limit is bound as
        // configured, and a bad value stops the start with every other problem a moment later.
        builder.Services.AddOptions<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>()
            .Configure<IConfiguration>((kestrel, configuration) => kestrel.Limits.MaxRequestBodySize =
                (configuration.GetSection(ApiOptions.SectionName).Get<ApiOptions>() ?? new ApiOptions()).MaxRequestBodyBytes);

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
