using ReferenceApp.Supervisor.Contracts;
using ReferenceApp.Testing;

namespace ReferenceApp.Supervisor.Tests.Publishing;

public sealed class SupervisorBinaryTests : IDisposable
{
    private readonly DirectoryInfo _project = Directory.CreateTempSubdirectory("supervisor-binary-");

    private string Assembly => Path.Combine(_project.FullName, "bin", "Debug", "net10.0", "Supervisor.dll");

    private string Native => SupervisorBinary.NativePath(_project.FullName);

    public void Dispose() => _project.Delete(recursive: true);

    [Fact]
    public void A_native_build_newer_than_the_JIT_build_runs_by_itself()
    {
        Write(Assembly, DateTime.UtcNow.AddMinutes(-5));
        Write(Native, DateTime.UtcNow);

        var binary = SupervisorBinary.Find(_project.FullName, Assembly);

        Assert.NotNull(binary);
        Assert.True(binary.IsNative);
        Assert.Equal(Native, binary.FileName);
        Assert.Empty(binary.Arguments);
        Assert.Null(binary.Note);
    }

    [Fact]
    public void A_native_build_older_than_the_JIT_build_is_passed_over_with_a_note()
    {
        Write(Native, DateTime.UtcNow.AddMinutes(-5));
        Write(Assembly, DateTime.UtcNow);

        var binary = SupervisorBinary.Find(_project.FullName, Assembly);

        Assert.NotNull(binary);
        Assert.False(binary.IsNative);
        Assert.Equal("dotnet", binary.FileName);
        Assert.Equal(["exec", Assembly], binary.Arguments);
        Assert.Contains("is older than", binary.Note, StringComparison.Ordinal);
        Assert.Contains("dotnet publish", binary.Note, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_a_native_build_the_JIT_build_runs_with_dotnet_exec()
    {
        Write(Assembly, DateTime.UtcNow);

        var binary = SupervisorBinary.Find(_project.FullName, Assembly);

        Assert.NotNull(binary);
        Assert.False(binary.IsNative);
        Assert.Null(binary.Note);
    }

    [Fact]
    public void Nothing_built_is_null()
    {
        Assert.Null(SupervisorBinary.Find(_project.FullName, Assembly));
    }

    /// <summary>
    /// test.sh publishes the native Supervisor after the build and sets REFERENCEAPP_EXPECT_NATIVE_SUPERVISOR=1, so every
    /// test of a Supervisor process runs the binary a deployment would: this proves they do.
    /// </summary>
    [Fact]
    public async Task The_tests_run_the_native_Supervisor_when_test_sh_published_it()
    {
        var expectNative = Environment.GetEnvironmentVariable("REFERENCEAPP_EXPECT_NATIVE_SUPERVISOR") == "1";
        await using var supervisor = await SupervisorProcess.StartAsync(Apps.TestWorker, workers: 1);

        var executable = new FileInfo($"/proc/{supervisor.Pid}/exe").LinkTarget;

        if (expectNative)
        {
            Assert.Equal(SupervisorBinary.NativePath(Path.Combine(RepositoryPaths.Root, "Supervisor")), executable);
        }
        else
        {
            Assert.Equal("dotnet", Path.GetFileName(executable));
        }
    }

    private static void Write(string path, DateTime lastWriteUtc)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, [0]);
        File.SetLastWriteTimeUtc(path, lastWriteUtc);
    }
}
