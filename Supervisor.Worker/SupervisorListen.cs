using System.Net;
using Microsoft.Extensions.Hosting;
using ReferenceApp.Supervisor.Contracts.Wire;
using ReferenceApp.Supervisor.Worker.Handoff;

namespace ReferenceApp.Supervisor.Worker;

/// <summary>
/// Reads <c>SUPERVISOR_LISTEN</c>, the Supervisor's instruction for how this worker receives connections, and configures
/// Kestrel for it. One scheme per balancing policy; a new policy adds its case to <see cref="Configure"/>.
/// </summary>
internal static class SupervisorListen
{
    /// <summary>Bind the public port with SO_REUSEPORT: <c>reuseport://0.0.0.0:8080</c>.</summary>
    public const string ReusePortScheme = "reuseport";

    /// <summary>Receive accepted connections over a Unix domain socket (SCM_RIGHTS): <c>handoff:///run/dir/w1.sock</c>.</summary>
    public const string HandoffScheme = "handoff";

    public static void Configure(IHostApplicationBuilder builder, string value)
    {
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri))
        {
            throw new InvalidOperationException($"{WorkerVariables.Listen} must be an absolute URI such as reuseport://0.0.0.0:8080, but was '{value}'.");
        }

        switch (uri.Scheme)
        {
            case ReusePortScheme:
                ReusePortListener.Configure(builder.Services, ParseEndpoint(uri, value));
                break;

            case HandoffScheme:
                HandoffListener.Configure(builder, value);
                break;

            default:
                throw new InvalidOperationException(
                    $"{WorkerVariables.Listen} scheme '{uri.Scheme}' is not supported by this build of the worker library (value '{value}').");
        }
    }

    private static IPEndPoint ParseEndpoint(Uri uri, string value)
    {
        // Uri keeps the brackets of an IPv6 host; IPAddress.TryParse accepts them.
        if (!IPAddress.TryParse(uri.Host, out var address) || uri.IsDefaultPort || uri.Port <= 0)
        {
            throw new InvalidOperationException($"{WorkerVariables.Listen} must name an IP address and a port, e.g. reuseport://0.0.0.0:8080, but was '{value}'.");
        }

        return new IPEndPoint(address, uri.Port);
    }
}
