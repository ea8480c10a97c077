using System.Globalization;
using System.Text.Json;
using ReferenceApp.AppHost.Hosting.ApplicationModel;
using ReferenceApp.AppHost.Hosting.Processes;
using ReferenceApp.AppHost.Hosting.Projects;

namespace ReferenceApp.AppHost.Hosting.Redis;

/// <summary>
/// Decides which server an embedded Redis resource runs and how: <c>redis-server</c> from PATH, else Garnet from the
/// repository's tool manifest (restored when missing), always on 127.0.0.1 with the generated password.
/// </summary>
internal sealed class RedisServerLauncher(ProjectLocator projects, TimeProvider time)
{
    private const string GarnetTool = "garnet-server";

    // Neither server watches its stdin, so a watcher in the same shell does: at EOF (the AppHost is gone, however it died)
    // it sends SIGTERM to the server. "exec 3<&0" keeps the pipe, because sh gives background jobs /dev/null as stdin.
    // The shell then execs the server, which keeps the PID the AppHost knows. redis-server reads its password from the
    // here-document ("-" = configuration on stdin), so it never shows in the process list.
    private const string StdinWatcher = """
        exec 3<&0; ( while read -r _; do :; done; kill -TERM $$ 2>/dev/null ) <&3 >/dev/null 2>&1 &
        exec "$@" 3<&- <<EOF
        requirepass $REFERENCEAPP_REDIS_PASSWORD
        EOF
        """;

    private const string PasswordVariable = "REFERENCEAPP_REDIS_PASSWORD";

    public static RedisServerKind Choose(RedisResource redis, RedisServerChoice choice) =>
        redis.ExternalConnectionString is not null ? RedisServerKind.External
        : choice switch
        {
            RedisServerChoice.RedisServer => RedisServerKind.RedisServer,
            RedisServerChoice.Garnet => RedisServerKind.Garnet,
            _ => ResourceProcess.FindOnPath("redis-server") is not null ? RedisServerKind.RedisServer : RedisServerKind.Garnet,
        };

    /// <summary>
    /// The command that runs the server; for Garnet, restores the tool first when it is not in the NuGet cache. Garnet reads
    /// its password from a file in a private directory, which <see cref="RedisLaunch.DisposeAsync"/> deletes.
    /// </summary>
    public async Task<RedisLaunch> PrepareAsync(RedisResource redis, RedisServerKind kind, ProcessOutput output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(redis);
        var port = redis.Port.Allocated.ToString(CultureInfo.InvariantCulture);
        var password = redis.Password ?? throw new InvalidOperationException($"{redis.Name} has no password yet.");
        var environment = new Dictionary<string, string> { [PasswordVariable] = password };
        switch (kind)
        {
            case RedisServerKind.RedisServer:
            {
                var program = ResourceProcess.FindOnPath("redis-server")
                    ?? throw new InvalidOperationException("redis-server is not on PATH (install it, e.g. 'apt-get install redis-server', or use --redis-server Garnet).");
                string[] arguments = ["-", "--port", port, "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"];
                return new RedisLaunch(Wrap(redis, program, arguments, environment, $"redis-server {string.Join(' ', arguments)}"), null);
            }

            case RedisServerKind.Garnet:
            {
                var dll = await GarnetServerDllAsync(output, cancellationToken);
                var directory = Directory.CreateTempSubdirectory("referenceapp-garnet-"); // mode 0700
                var config = Path.Combine(directory.FullName, "garnet.conf");
                await File.WriteAllTextAsync(config, JsonSerializer.Serialize(new { AuthenticationMode = "Password", Password = password }), cancellationToken);
                if (!OperatingSystem.IsWindows())
                {
                    File.SetUnixFileMode(config, UnixFileMode.UserRead | UnixFileMode.UserWrite);
                }
                // Small log and index memory: Garnet's defaults reserve gigabytes.
                string[] arguments = ["exec", dll, "--config-import-path", config, "--port", port, "--bind", "127.0.0.1", "-m", "128m", "-i", "16m"];
                return new RedisLaunch(Wrap(redis, "dotnet", arguments, environment, $"dotnet {string.Join(' ', arguments)}"), directory.FullName);
            }

            default:
                throw new InvalidOperationException($"{redis.Name} is external: nothing to start.");
        }
    }

    private ProcessSpec Wrap(RedisResource redis, string program, string[] arguments, Dictionary<string, string> environment, string display) =>
        new("/bin/sh", ["-c", StdinWatcher, redis.Name, program, .. arguments], environment, projects.RepositoryRoot, display);

    /// <summary>The Garnet version pinned by the repository's tool manifest.</summary>
    public string GarnetVersion()
    {
        var manifest = Path.Combine(projects.RepositoryRoot, "dotnet-tools.json");
        if (!File.Exists(manifest))
        {
            throw new InvalidOperationException($"No dotnet tool manifest at {manifest}: Garnet cannot be restored. Install redis-server or configure ConnectionStrings__redis.");
        }

        using var document = JsonDocument.Parse(File.ReadAllText(manifest));
        return document.RootElement.TryGetProperty("tools", out var tools)
            && tools.TryGetProperty(GarnetTool, out var tool)
            && tool.TryGetProperty("version", out var version)
            && version.GetString() is { Length: > 0 } text
                ? text
                : throw new InvalidOperationException($"{manifest} does not list the '{GarnetTool}' tool.");
    }

    private async Task<string> GarnetServerDllAsync(ProcessOutput output, CancellationToken cancellationToken)
    {
        var version = GarnetVersion();
        var packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var dll = Path.Combine(packages, GarnetTool, version, "tools", "net10.0", "any", "GarnetServer.dll");
        if (File.Exists(dll))
        {
            return dll;
        }

        output.Write(isError: false, $"Garnet {version} is not in {packages}: running 'dotnet tool restore'");
        var restore = new ProcessSpec("dotnet", ["tool", "restore"], new Dictionary<string, string>(), projects.RepositoryRoot, "dotnet tool restore");
        await using (var process = ResourceProcess.Start(restore, output, time))
        {
            var exitCode = await process.Exited.WaitAsync(cancellationToken);
            if (exitCode != 0)
            {
                throw new InvalidOperationException($"'dotnet tool restore' failed with exit code {exitCode} (see the redis console output).");
            }
        }

        return File.Exists(dll)
            ? dll
            : throw new InvalidOperationException($"'dotnet tool restore' succeeded but {dll} is still missing.");
    }
}
