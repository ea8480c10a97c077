using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace ReferenceApp.Testing;

/// <summary>The Redis-protocol servers the tests run against for real.</summary>
public enum RedisServerKind
{
    /// <summary>Debian's <c>redis-server</c> from PATH.</summary>
    Redis,

    /// <summary>Microsoft Garnet from the repository's dotnet tool manifest.</summary>
    Garnet,
}

/// <summary>
/// A real Redis-protocol server on a free loopback port with a generated password, started as one child process.
/// <c>redis-server</c> when it is on PATH, else Garnet; <c>REFERENCEAPP_TEST_REDIS=redis|garnet</c> chooses.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    private static readonly TimeSpan ReadyDeadline = TimeSpan.FromSeconds(30);

    private ChildProcess? _process;

    private RedisServer(RedisServerKind kind, int port, string password)
    {
        Kind = kind;
        Port = port;
        Password = password;
    }

    public RedisServerKind Kind { get; }

    public int Port { get; }

    public string Password { get; }

    public int? Pid => _process is { HasExited: false } process ? process.Pid : null;

    /// <summary>A StackExchange.Redis connection string, as <c>ConnectionStrings__redis</c> carries it.</summary>
    public string ConnectionString => $"127.0.0.1:{Port},password={Password}";

    public static RedisServerKind DefaultKind =>
        Environment.GetEnvironmentVariable("REFERENCEAPP_TEST_REDIS")?.ToUpperInvariant() switch
        {
            "GARNET" => RedisServerKind.Garnet,
            "REDIS" => RedisServerKind.Redis,
            _ => IsAvailable(RedisServerKind.Redis) ? RedisServerKind.Redis : RedisServerKind.Garnet,
        };

    public static bool IsAvailable(RedisServerKind kind) => kind switch
    {
        RedisServerKind.Redis => FindOnPath("redis-server") is not null,
        RedisServerKind.Garnet => GarnetServerDll() is not null,
        _ => false,
    };

    public static async Task<RedisServer> StartAsync(RedisServerKind? kind = null, CancellationToken cancellationToken = default)
    {
        var server = new RedisServer(kind ?? DefaultKind, FreePort.Next(), Convert.ToHexString(RandomNumberGenerator.GetBytes(16)));
        await server.StartProcessAsync(cancellationToken);
        return server;
    }

    /// <summary>Kills the server, as an outage would. <see cref="RestartAsync"/> brings it back on the same port.</summary>
    public async Task StopAsync()
    {
        if (_process is { } process)
        {
            _process = null;
            await process.DisposeAsync();
        }
    }

    public Task RestartAsync(CancellationToken cancellationToken = default) => StartProcessAsync(cancellationToken);

    public async ValueTask DisposeAsync() => await StopAsync();

    private async Task StartProcessAsync(CancellationToken cancellationToken)
    {
        await StopAsync();
        _process = Kind switch
        {
            RedisServerKind.Redis => ChildProcess.Start("redis-server", FindOnPath("redis-server") ?? throw new InvalidOperationException("redis-server is not on PATH."),
                ["--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--requirepass", Password]),
            _ => ChildProcess.Start("garnet", "dotnet",
                ["exec", GarnetServerDll() ?? throw new InvalidOperationException("Garnet is not restored: run 'dotnet tool restore' in the repository."),
                 "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "-m", "128m", "-i", "16m", "--auth", "Password", "--password", Password]),
        };

        await Eventually.TrueAsync(() => PingAsync(cancellationToken), ReadyDeadline, $"{Kind} to answer PING on port {Port}");
    }

    /// <summary>A real PING over RESP, authenticated: true on +PONG.</summary>
    public async Task<bool> PingAsync(CancellationToken cancellationToken = default)
    {
        if (_process is not { HasExited: false })
        {
            throw new InvalidOperationException($"{Kind} exited: {_process?.Output}");
        }

        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync("127.0.0.1", Port, cancellationToken);
            var stream = client.GetStream();
            var command = Encoding.ASCII.GetBytes($"*2\r\n$4\r\nAUTH\r\n${Password.Length}\r\n{Password}\r\n*1\r\n$4\r\nPING\r\n");
            await stream.WriteAsync(command, cancellationToken);
            var buffer = new byte[256];
            var received = new StringBuilder();
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(2));
            while (!received.ToString().Contains("PONG", StringComparison.Ordinal))
            {
                var read = await stream.ReadAsync(buffer, timeout.Token);
                if (read == 0)
                {
                    return false;
                }

                received.Append(Encoding.ASCII.GetString(buffer, 0, read));
            }

            return true;
        }
        catch (Exception exception) when (exception is SocketException or IOException or OperationCanceledException)
        {
            return false;
        }
    }

    private static string? FindOnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, program))
            .FirstOrDefault(File.Exists);

    private static string? GarnetServerDll()
    {
        var manifest = Path.Combine(RepositoryPaths.Root, "dotnet-tools.json");
        if (!File.Exists(manifest))
        {
            return null;
        }

        using var document = JsonDocument.Parse(File.ReadAllText(manifest));
        var version = document.RootElement.GetProperty("tools").GetProperty("garnet-server").GetProperty("version").GetString();
        var packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var dll = Path.Combine(packages, "garnet-server", version!, "tools", "net10.0", "any", "GarnetServer.dll");
        return File.Exists(dll) ? dll : null;
    }
}
