using System.Net;
using ReferenceApp.Supervisor.Contracts;
using ReferenceApp.Supervisor.Contracts.Wire;
using ReferenceApp.Testing;
using ReferenceApp.Testing.Http;
using Xunit.Abstractions;

namespace ReferenceApp.Supervisor.Worker.Tests.OwnApp;

/// <summary>
/// An app this solution does not own: <c>dotnet new web</c>, outside the repository, with only the packed worker package
/// added and two lines of Program.cs, runs under the Supervisor installed from its packed .NET tool. What the README's
/// "Supervise your own app" promises, from the published packages alone.
/// </summary>
public sealed class PlainWebAppTests(PlainWebApp app, ITestOutputHelper output) : IClassFixture<PlainWebApp>
{
    [Fact]
    public async Task Plain_web_app_with_only_the_worker_package_runs_under_RoundRobin_on_every_worker()
    {
        await using var supervisor = await SupervisorProcess.StartAsync(app.ProjectDirectory, workers: 2, arguments: ["--balancing", "RoundRobin"], binary: app.Supervisor);

        var pids = new HashSet<int>();
        await Eventually.TrueAsync(async () =>
        {
            using var response = await supervisor.GetOnNewConnectionAsync("/");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            pids.Add(int.Parse(await response.Content.ReadAsStringAsync(), System.Globalization.CultureInfo.InvariantCulture));
            return pids.Count == 2;
        }, TimeSpan.FromSeconds(30), "both workers of the plain app to answer");

        var status = await supervisor.GetStatusAsync();
        Assert.Equal(pids.Order(), status.Workers.Select(worker => worker.Pid!.Value).Order());
        output.WriteLine($"plain app workers: {string.Join(", ", pids)}");
    }

    [Fact]
    public async Task Plain_web_app_with_only_the_worker_package_keeps_a_Sticky_client_on_its_worker()
    {
        await using var supervisor = await SupervisorProcess.StartAsync(app.ProjectDirectory, workers: 2, arguments: ["--balancing", "Sticky"], binary: app.Supervisor);

        using var first = await supervisor.GetOnNewConnectionAsync("/");
        var cookie = first.Headers.GetValues("Set-Cookie").Single(value => value.StartsWith(HandoffProtocol.AffinityCookieName + "=", StringComparison.Ordinal));
        var pid = await first.Content.ReadAsStringAsync();

        for (var i = 0; i < 10; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/") { Headers = { ConnectionClose = true } };
            request.Headers.Add("Cookie", cookie.Split(';')[0]);
            using var response = await supervisor.Public.SendAsync(request);
            Assert.Equal(pid, await response.Content.ReadAsStringAsync());
        }
    }
}

/// <summary>
/// Packs the Supervisor (a .NET tool), its contract and the worker library into a local feed, installs the tool, makes a
/// <c>dotnet new web</c> app in a temporary folder, adds the worker package and builds it.
/// </summary>
public sealed class PlainWebApp : IAsyncLifetime
{
    private readonly string _root = Directory.CreateTempSubdirectory("plain-web-app-").FullName;

    public string ProjectDirectory => Path.Combine(_root, "PlainWeb");

    /// <summary>The Supervisor as <c>dotnet tool install ReferenceApp.Supervisor</c> puts it.</summary>
    public SupervisorBinary Supervisor { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var feed = Path.Combine(_root, "feed");
        var deadline = TimeSpan.FromMinutes(4);
        foreach (var project in new[] { "Supervisor.Contracts", "Supervisor.Worker", "Supervisor" })
        {
            await DotnetCommand.SucceedAsync(RepositoryPaths.Root,
                ["pack", Path.Combine(project, project + ".csproj"), "-c", "Release", "-o", feed, "-nologo", "-nodeReuse:false", "-p:Version=" + PackageVersion], deadline);
        }

        // The app's own folder, outside the repository: none of its Directory.Build.props or central versions apply.
        await File.WriteAllTextAsync(Path.Combine(_root, "nuget.config"),
            $"""<?xml version="1.0" encoding="utf-8"?><configuration><packageSources><add key="local" value="{feed}" /></packageSources></configuration>""");
        var tools = Path.Combine(_root, "tools");
        await DotnetCommand.SucceedAsync(_root, ["tool", "install", "ReferenceApp.Supervisor", "--version", PackageVersion, "--tool-path", tools], deadline,
            new Dictionary<string, string?> { ["NUGET_PACKAGES"] = Path.Combine(_root, "packages") });
        Supervisor = new SupervisorBinary(Path.Combine(tools, "referenceapp-supervisor"), [], IsNative: false, Note: "the packed .NET tool");

        await DotnetCommand.SucceedAsync(_root, ["new", "web", "-n", "PlainWeb", "-o", ProjectDirectory], deadline);
        // A package cache of its own: the user's may hold an older build under the same test version.
        var packages = new Dictionary<string, string?> { ["NUGET_PACKAGES"] = Path.Combine(_root, "packages") };
        await DotnetCommand.SucceedAsync(ProjectDirectory, ["add", "package", "ReferenceApp.Supervisor.Worker", "--version", PackageVersion], deadline, packages);

        // The two lines "Supervise your own app" asks for, and an endpoint that says which process answered.
        var program = Path.Combine(ProjectDirectory, "Program.cs");
        var source = await File.ReadAllTextAsync(program);
        source = source
            .Replace("var builder = WebApplication.CreateBuilder(args);", "var builder = WebApplication.CreateBuilder(args);\nbuilder.AddSupervision();", StringComparison.Ordinal)
            .Replace("var app = builder.Build();", "var app = builder.Build();\napp.UseSupervision();", StringComparison.Ordinal)
            .Replace("app.MapGet(\"/\", () => \"Hello World!\");", "app.MapGet(\"/\", () => Environment.ProcessId.ToString());", StringComparison.Ordinal);
        Assert.Contains("builder.AddSupervision();", source, StringComparison.Ordinal);
        Assert.Contains("app.UseSupervision();", source, StringComparison.Ordinal);
        Assert.Contains("Environment.ProcessId", source, StringComparison.Ordinal);
        await File.WriteAllTextAsync(program, source);
        await DotnetCommand.SucceedAsync(ProjectDirectory, ["build", "-c", "Debug", "-nologo", "-nodeReuse:false"], deadline, packages);
    }

    public Task DisposeAsync()
    {
        Directory.Delete(_root, recursive: true);
        return Task.CompletedTask;
    }

    /// <summary>A version no real feed has, so the restore can only take the packages just packed.</summary>
    private const string PackageVersion = "0.0.0-plain-app-test";
}
