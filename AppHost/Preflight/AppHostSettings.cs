using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Configuration;
using ReferenceApp.AppHost.Redis;

namespace ReferenceApp.AppHost.Preflight;

/// <summary>
/// The AppHost's own settings (<c>Ports:*</c>, <c>Workers:*</c>), checked with what would otherwise fail later and less
/// clearly: a fixed port that something else holds, or no Redis server to run. Every problem is reported at once, before
/// anything starts.
/// </summary>
internal sealed record AppHostSettings(int? WebPort, int? ApiPort, int? RealtimePort, WorkerCount ApiWorkers, WorkerCount RealtimeWorkers, RedisServerCommand? RedisServer)
{
    // The fixed ports a person types and bookmarks; --Ports:Api=0 lets Aspire pick a free one.
    public const int DefaultWebPort = 5000;
    public const int DefaultApiPort = 5080;
    public const int DefaultRealtimePort = 5090;

    /// <summary>The dashboard's addresses, from the launch profile or the environment.</summary>
    private static readonly string[] DashboardUrlSettings =
        ["ASPNETCORE_URLS", "ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL", "ASPIRE_DASHBOARD_OTLP_HTTP_ENDPOINT_URL", "ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL"];

    /// <summary>Reads and checks the settings; false (the problems printed) when the AppHost must not start.</summary>
    public static bool TryRead(IDistributedApplicationBuilder builder, out AppHostSettings settings)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var configuration = builder.Configuration;
        var problems = new List<string>();
        var ports = new List<(string Setting, int Port)>();

        int? Port(string name, int defaultPort)
        {
            var key = $"Ports:{name}";
            var text = configuration[key] ?? defaultPort.ToString(CultureInfo.InvariantCulture);
            if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > IPEndPoint.MaxPort)
            {
                problems.Add($"{key} must be a port from 1 to 65535, or 0 to let Aspire pick a free one, but was '{text}'.");
                return null;
            }

            if (port == 0)
            {
                return null;
            }

            ports.Add((key, port));
            return port;
        }

        WorkerCount Workers(string name)
        {
            try
            {
                return WorkerCount.Parse(configuration[$"Workers:{name}"]);
            }
            catch (Exception exception) when (exception is FormatException or ArgumentOutOfRangeException)
            {
                problems.Add($"Workers:{name}: {exception.Message}");
                return WorkerCount.Auto;
            }
        }

        var web = Port("Web", DefaultWebPort);
        var api = Port("Api", DefaultApiPort);
        var realtime = Port("Realtime", DefaultRealtimePort);
        var apiWorkers = Workers("Api");
        var realtimeWorkers = Workers("Realtime");
        RedisServerCommand? redisServer = null;

        if (builder.ExecutionContext.IsRunMode)
        {
            // Aspire.Hosting.Testing randomizes the dashboard's ports (DcpPublisher:RandomizePorts): the fixed ones are not used then.
            var dashboardUrlSettings = configuration.GetValue<bool>("DcpPublisher:RandomizePorts") ? [] : DashboardUrlSettings;
            foreach (var setting in dashboardUrlSettings)
            {
                foreach (var url in (configuration[setting] ?? string.Empty).Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                {
                    if (Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Port > 0)
                    {
                        ports.Add((setting, uri.Port));
                    }
                }
            }

            foreach (var (setting, port) in ports.Where(entry => !IsFree(entry.Port)))
            {
                problems.Add(string.Create(CultureInfo.InvariantCulture,
                    $"Port {port} ({setting}) is already in use. Stop what holds it (ss -ltnp 'sport = :{port}'), or choose another: --{setting.Replace("__", ":", StringComparison.Ordinal)}=<port>{(setting.StartsWith("Ports:", StringComparison.Ordinal) ? " (0 picks a free one)" : string.Empty)}."));
            }

            if (string.IsNullOrWhiteSpace(configuration.GetConnectionString("redis")))
            {
                redisServer = RedisServerCommand.Find(Path.GetFullPath(Path.Combine(builder.AppHostDirectory, "..")), out var problem);
                if (problem is not null)
                {
                    problems.Add(problem);
                }
            }
        }

        settings = new AppHostSettings(web, api, realtime, apiWorkers, realtimeWorkers, redisServer);
        foreach (var problem in problems)
        {
            Console.Error.WriteLine($"AppHost: {problem}");
        }

        return problems.Count == 0;
    }

    /// <summary>True when nothing listens on <paramref name="port"/>, on IPv4 or IPv6 (any address or loopback).</summary>
    private static bool IsFree(int port) =>
        CanBind(IPAddress.Any, port) && CanBind(IPAddress.Loopback, port) && (!Socket.OSSupportsIPv6 || CanBind(IPAddress.IPv6Loopback, port));

    private static bool CanBind(IPAddress address, int port)
    {
        try
        {
            using var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            socket.Bind(new IPEndPoint(address, port));
            return true;
        }
        catch (SocketException exception) when (exception.SocketErrorCode is SocketError.AddressAlreadyInUse or SocketError.AccessDenied)
        {
            return false;
        }
        catch (SocketException exception) when (exception.SocketErrorCode is SocketError.AddressNotAvailable or SocketError.AddressFamilyNotSupported)
        {
            return true; // no IPv6 loopback here: nothing can hold the port there either
        }
    }
}
