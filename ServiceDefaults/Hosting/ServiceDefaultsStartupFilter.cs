using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;

namespace ReferenceApp.ServiceDefaults.Hosting;

/// <summary>Puts the cross-cutting middleware at the very front of every service's pipeline.</summary>
internal sealed class ServiceDefaultsStartupFilter : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.UseMiddleware<ServedByHeaderMiddleware>();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        next(app);
    };
}
