using Microsoft.Extensions.Hosting;

namespace ReferenceApp.ServiceDefaults.Supervision;

/// <summary>
/// The worker side of the Supervisor protocol. Inert unless a Supervisor launched this process: then Kestrel listens as
/// <c>SUPERVISOR_LISTEN</c> says.
/// </summary>
public static class SupervisionExtensions
{
    public static TBuilder AddSupervision<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        if (builder.Configuration[SupervisorListen.Variable] is { Length: > 0 } listen)
        {
            SupervisorListen.Configure(builder, listen);
        }

        return builder;
    }
}
