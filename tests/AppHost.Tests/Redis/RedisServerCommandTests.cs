using ReferenceApp.AppHost.Redis;

namespace ReferenceApp.AppHost.Tests.Redis;

[Trait("Tier", "Unit")]
public sealed class RedisServerCommandTests
{
    [Fact]
    public void Redis_server_on_PATH_is_preferred_and_reads_its_password_from_stdin_not_the_command_line()
    {
        using var bin = new TemporaryDirectory();
        var redisServer = Path.Combine(bin.Path, "redis-server");
        File.WriteAllText(redisServer, "#!/bin/sh\n");

        var command = RedisServerCommand.Find(bin.Path, bin.Path, out var problem);

        Assert.Null(problem);
        Assert.NotNull(command);
        Assert.Equal(("redis-server", redisServer, "/bin/sh"), (command.Kind, command.Program, command.Command));
        var arguments = command.Arguments(6379, "/unused").Select(argument => argument.ToString()).ToArray();
        Assert.Contains($"requirepass ${RedisServerCommand.PasswordVariable}", arguments[1], StringComparison.Ordinal);
        Assert.DoesNotContain(arguments, argument => argument == "--requirepass");
    }

    [Fact]
    public void No_redis_server_and_no_Garnet_in_the_tool_manifest_is_explained_before_anything_starts()
    {
        using var empty = new TemporaryDirectory();

        var command = RedisServerCommand.Find(empty.Path, empty.Path, out var problem);

        Assert.Null(command);
        Assert.StartsWith("No Redis server to start: redis-server is not on PATH", problem, StringComparison.Ordinal);
        Assert.Contains("apt-get install redis-server", problem, StringComparison.Ordinal);
        Assert.Contains("--ConnectionStrings:redis=", problem, StringComparison.Ordinal);
    }

    private sealed class TemporaryDirectory : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("referenceapp-test-").FullName;

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
