using System.Diagnostics;
using System.Text.Json;

namespace ReferenceApp.AppHost.Redis;

/// <summary>
/// How a local Redis runs: <c>redis-server</c> from PATH, else Garnet's server dll from the NuGet cache (restored from the
/// repository's tool manifest when missing). Neither gets its password on the command line (which the process list and DCP's
/// log show); redis-server runs inside a <c>/bin/sh</c> that <c>exec</c>s it, so the resource's PID is the server's.
/// </summary>
public sealed record RedisServerCommand(string Kind, string Program, string WorkingDirectory)
{
    public const string PasswordVariable = "REFERENCEAPP_REDIS_PASSWORD";

    private const string GarnetTool = "garnet-server";

    public bool IsGarnet => Kind == "Garnet";

    /// <summary>What the resource runs: <c>/bin/sh</c> around redis-server, or <c>dotnet</c> for Garnet's dll.</summary>
    public string Command => IsGarnet ? "dotnet" : "/bin/sh";

    /// <summary>
    /// The arguments; <paramref name="port"/> is the endpoint's port (an Aspire expression). redis-server reads its password from a
    /// here-document on stdin; Garnet cannot read stdin, so it reads <paramref name="garnetConfig"/>, a private file that
    /// <see cref="RedisBuilderExtensions.AddLocalRedis"/> writes before the start and deletes once the server answers.
    /// </summary>
    public IEnumerable<object> Arguments(object port, string garnetConfig) => IsGarnet
        ? ["exec", Program, "--port", port, "--bind", "127.0.0.1", "-m", "128m", "-i", "16m", "--config-import-path", garnetConfig]
        :
        [
            "-c", $"""
                exec "$0" - --port "$1" --bind 127.0.0.1 --save '' --appendonly no <<EOF
                requirepass ${PasswordVariable}
                EOF
                """,
            Program, port,
        ];

    /// <summary>redis-server when it is on PATH, else Garnet; null, with the reason, when neither can run.</summary>
    public static RedisServerCommand? Find(string repositoryRoot, out string? problem) =>
        Find(repositoryRoot, Environment.GetEnvironmentVariable("PATH"), out problem);

    /// <summary>As <see cref="Find(string, out string?)"/>, looking for redis-server in <paramref name="searchPath"/>.</summary>
    public static RedisServerCommand? Find(string repositoryRoot, string? searchPath, out string? problem)
    {
        problem = null;
        if (FindOnPath("redis-server", searchPath) is { } redisServer)
        {
            return new RedisServerCommand("redis-server", redisServer, repositoryRoot);
        }

        var manifest = Path.Combine(repositoryRoot, "dotnet-tools.json");
        if (GarnetVersion(manifest) is not { } version)
        {
            problem = $"No Redis server to start: redis-server is not on PATH and {manifest} does not pin '{GarnetTool}'. " +
                "Install redis-server (apt-get install redis-server), or give an external Redis: --ConnectionStrings:redis=host:6379,password=...";
            return null;
        }

        var dll = GarnetDll(version);
        if (!File.Exists(dll) && !RestoreTools(repositoryRoot))
        {
            problem = $"No Redis server to start: redis-server is not on PATH and 'dotnet tool restore' could not restore Garnet {version}. " +
                "Install redis-server (apt-get install redis-server), or give an external Redis: --ConnectionStrings:redis=host:6379,password=...";
            return null;
        }

        if (!File.Exists(dll))
        {
            problem = $"No Redis server to start: Garnet {version} was restored, but {dll} is missing.";
            return null;
        }

        return new RedisServerCommand("Garnet", dll, repositoryRoot);
    }

    private static string? GarnetVersion(string manifest)
    {
        if (!File.Exists(manifest))
        {
            return null;
        }

        using var document = JsonDocument.Parse(File.ReadAllText(manifest));
        return document.RootElement.TryGetProperty("tools", out var tools)
            && tools.TryGetProperty(GarnetTool, out var tool)
            && tool.TryGetProperty("version", out var version)
                ? version.GetString()
                : null;
    }

    private static string GarnetDll(string version)
    {
        var packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        return Path.Combine(packages, GarnetTool, version, "tools", "net10.0", "any", "GarnetServer.dll");
    }

    // Once per machine, before anything starts: the AppHost has nothing to run Redis with until it is done.
    private static bool RestoreTools(string repositoryRoot)
    {
        Console.WriteLine("redis-server is not on PATH: restoring Garnet with 'dotnet tool restore'...");
        using var restore = Process.Start(new ProcessStartInfo("dotnet", "tool restore") { WorkingDirectory = repositoryRoot });
        restore?.WaitForExit();
        return restore is { ExitCode: 0 };
    }

    private static string? FindOnPath(string program, string? searchPath) =>
        (searchPath ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, program))
            .FirstOrDefault(File.Exists);
}
