using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Configuration;
using ReferenceApp.AppHost.Redis;
using ReferenceApp.Supervisor.Contracts;

namespace ReferenceApp.AppHost.Preflight;

/// <summary>
/// The AppHost's own settings (<c>Ports:*</c>, <c>Workers:*</c>, <c>Balancing:Api</c>), checked with what would otherwise
/// fail later and less clearly: a fixed port that something else holds, or no Redis server to run. Every problem is
/// reported at once, before anything starts.
/// </summary>
internal sealed record AppHostSettings(int? ApiPort, WorkerCount ApiWorkers, BalancingMode ApiBalancing, RedisServerCommand? RedisServer)
{
#if (!NoWeb)
    public int? WebPort { get; init; }

#endif
#if (!NoRealtime)
    public int? RealtimePort { get; init; }

    public WorkerCount RealtimeWorkers { get; init; }

#endif
    /// <summary>
    /// Every fixed port is <c>Ports:Base</c> plus its offset, so a second copy of the system runs beside the first with one
    /// setting (<c>--Ports:Base=6000</c>). <c>Ports:Web</c>, <c>Ports:Api</c> and <c>Ports:Realtime</c> override one port; 0 lets
    /// Aspire pick a free one.
    /// </summary>
    public const int DefaultBasePort = 5000;

    /// <summary>The offsets from <c>Ports:Base</c>: the Web, the Api, the hub, then the dashboard's four addresses.</summary>
    public const int WebOffset = 0, ApiOffset = 80, RealtimeOffset = 90;

    /// <summary>The dashboard's addresses and their offsets from <c>Ports:Base</c> (18888, 18889, 18890 and 18887 by default).</summary>
    private static readonly (string Setting, int Offset)[] DashboardUrlSettings =
    [
        ("ASPNETCORE_URLS", 13888),
        ("ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL", 13889),
        ("ASPIRE_DASHBOARD_OTLP_HTTP_ENDPOINT_URL", 13890),
        ("ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL", 13887),
    ];

    /// <summary>The highest <c>Ports:Base</c> whose every derived port is still a port.</summary>
    private static readonly int MaxBasePort = IPEndPoint.MaxPort - DashboardUrlSettings.Max(entry => entry.Offset);

    /// <summary>Reads and checks the settings; false (the problems printed) when the AppHost must not start.</summary>
    public static bool TryRead(IDistributedApplicationBuilder builder, out AppHostSettings settings)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var configuration = builder.Configuration;
        var problems = new List<string>();
        var ports = new List<(string Setting, int Port)>();

        var basePortText = configuration["Ports:Base"] ?? DefaultBasePort.ToString(CultureInfo.InvariantCulture);
        if (!int.TryParse(basePortText, NumberStyles.None, CultureInfo.InvariantCulture, out var basePort)
            || basePort < 1 || basePort > MaxBasePort)
        {
            problems.Add($"Ports:Base must be a port from 1 to {MaxBasePort} (the dashboard takes Base+13887 to Base+13890), but was '{basePortText}'.");
            basePort = DefaultBasePort;
        }

        int? Port(string name, int offset)
        {
            var key = $"Ports:{name}";
            var text = configuration[key] ?? (basePort + offset).ToString(CultureInfo.InvariantCulture);
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

        BalancingMode Balancing(string name, BalancingMode defaultMode)
        {
            var text = configuration[$"Balancing:{name}"];
            if (text is null)
            {
                return defaultMode;
            }

            // Names only: Enum.TryParse would also take "7".
            if (Enum.GetNames<BalancingMode>().FirstOrDefault(mode => mode.Equals(text.Trim(), StringComparison.OrdinalIgnoreCase)) is { } known)
            {
                return Enum.Parse<BalancingMode>(known);
            }

            problems.Add($"Balancing:{name} must be one of {string.Join(", ", Enum.GetNames<BalancingMode>())}, but was '{text}'.");
            return defaultMode;
        }

        var api = Port("Api", ApiOffset);
        var apiWorkers = Workers("Api");
        var apiBalancing = Balancing("Api", BalancingMode.RoundRobin);
#if (!NoWeb)
        var web = Port("Web", WebOffset);
#endif
#if (!NoRealtime)
        var realtime = Port("Realtime", RealtimeOffset);
        var realtimeWorkers = Workers("Realtime");
#endif

        RedisServerCommand? redisServer = null;

        if (builder.ExecutionContext.IsRunMode)
        {
            // The dashboard's addresses follow Ports:Base unless the environment (or Aspire.Hosting.Testing) sets them.
            foreach (var (setting, offset) in DashboardUrlSettings)
            {
                configuration[setting] ??= string.Create(CultureInfo.InvariantCulture, $"http://localhost:{basePort + offset}");
            }

            // Aspire.Hosting.Testing randomizes the dashboard's ports (DcpPublisher:RandomizePorts): the fixed ones are not used then.
            var dashboardUrlSettings = configuration.GetValue<bool>("DcpPublisher:RandomizePorts") ? [] : DashboardUrlSettings.Select(entry => entry.Setting);
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

        settings = new AppHostSettings(api, apiWorkers, apiBalancing, redisServer)
        {
#if (!NoWeb)
            WebPort = web,
#endif
#if (!NoRealtime)
            RealtimePort = realtime,
            RealtimeWorkers = realtimeWorkers,
#endif
        };
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
