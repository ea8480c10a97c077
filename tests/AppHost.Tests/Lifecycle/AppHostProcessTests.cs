using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using ReferenceApp.AppHost.Tests.Hosting;
using ReferenceApp.Testing;
using ReferenceApp.Testing.Http;
using ReferenceApp.Testing.Interop;
using Xunit.Abstractions;

namespace ReferenceApp.AppHost.Tests.Lifecycle;

/// <summary>
/// The built AppHost as a person runs it (<c>dotnet AppHost.dll</c> with the launch profile's variables): DCP, the dashboard
/// and every resource as processes marked with this run's id, so the test sees every one of them and every port they hold.
/// </summary>
public sealed class AppHostProcessTests(ITestOutputHelper output)
{
    private static readonly string[] TwoWorkersEach = ["--Workers:Api=2", "--Workers:Realtime=2"];

    [Fact]
    public async Task Ctrl_C_stops_every_process_and_frees_every_port()
    {
        await using var appHost = await AppHostProcess.StartAsync(TwoWorkersEach);
        output.WriteLine($"AppHost start to every endpoint healthy: {appHost.StartupTime.TotalSeconds:F1} s");
        var processes = MarkedProcesses.Find(appHost.RunMarker);
        var workers = await ServingPidsAsync(appHost.ApiAddress, expected: 2);
        Assert.Subset(processes.ToHashSet(), workers);
        // At least DCP, the dashboard and redis, and per supervised service a Supervisor and its two workers.
        var expected = 3 + (3 * AspireAppFixture.Resources.Count(name => name is "api" or "realtime"));
        Assert.True(processes.Count >= expected, $"Expected at least {expected} processes of this run; found {processes.Count}.");

        Assert.True(appHost.Process.Signal(Signals.SIGINT));
        Assert.True(await appHost.Process.WaitForExitAsync(TimeSpan.FromSeconds(45)), "the AppHost did not stop within 45 s of Ctrl+C");
        Assert.Equal(0, appHost.Process.ExitCode);
        await AssertNothingLeftAsync(appHost, TimeSpan.FromSeconds(30)); // DCP's controllers take their time on a loaded machine
    }

    [Fact]
    public async Task SIGKILL_of_the_AppHost_leaves_no_process_and_no_port_behind()
    {
        await using var appHost = await AppHostProcess.StartAsync(TwoWorkersEach);
        var workers = await ServingPidsAsync(appHost.ApiAddress, expected: 2);
        Assert.Subset(MarkedProcesses.Find(appHost.RunMarker).ToHashSet(), workers);

        Assert.True(appHost.Process.Signal(Signals.SIGKILL));

        // DCP watches the AppHost and stops every resource; a Supervisor's workers stop when it goes (stdin EOF, PDEATHSIG).
        await AssertNothingLeftAsync(appHost, TimeSpan.FromSeconds(60));
    }

    [Fact]
    public async Task Taken_port_is_reported_by_name_before_anything_starts()
    {
        using var holder = new TcpListener(IPAddress.Loopback, 0);
        holder.Start();
        var taken = ((IPEndPoint)holder.LocalEndpoint).Port.ToString(CultureInfo.InvariantCulture);
        var marker = Guid.NewGuid().ToString("N");

        await using var appHost = ChildProcess.StartProject("AppHost", [$"--Ports:Api={taken}", "--Ports:Web=0", "--Ports:Realtime=0"],
            new Dictionary<string, string?>(AppHostPorts.Free().DashboardEnvironment()) { [AppHostProcess.RunMarkerVariable] = marker });

        Assert.True(await appHost.WaitForExitAsync(TimeSpan.FromSeconds(60)), "the AppHost kept running with a taken port");
        Assert.Equal(2, appHost.ExitCode);
        Assert.Contains($"AppHost: Port {taken} (Ports:Api) is already in use.", appHost.Output, StringComparison.Ordinal);
        Assert.Contains($"--Ports:Api=<port> (0 picks a free one)", appHost.Output, StringComparison.Ordinal);
        Assert.Empty(MarkedProcesses.Find(marker));
    }

    [Fact]
    public async Task Manifest_describes_Redis_as_Aspires_container_and_every_service()
    {
        var manifest = Path.Combine(Directory.CreateTempSubdirectory("referenceapp-manifest-").FullName, "aspire-manifest.json");
        await using var appHost = ChildProcess.StartProject("AppHost", ["--publisher", "manifest", "--output-path", manifest]);
        Assert.True(await appHost.WaitForExitAsync(TimeSpan.FromSeconds(90)), "the manifest was not written within 90 s");
        Assert.True(appHost.ExitCode == 0, appHost.Output);

        using var document = JsonDocument.Parse(await File.ReadAllTextAsync(manifest));
        var resources = document.RootElement.GetProperty("resources");
        string Type(string name) => resources.GetProperty(name).GetProperty("type").GetString()!;

        Assert.StartsWith("container.", Type("redis"), StringComparison.Ordinal);
        Assert.StartsWith("docker.io/library/redis", resources.GetProperty("redis").GetProperty("image").GetString(), StringComparison.Ordinal);
        // A deployment runs the worker projects themselves (one worker per pod, or a Supervisor in their image).
        (string Name, string Project)[] services =
        [
            ("api", "Api/Api.csproj"),
#if (!NoRealtime)
            ("realtime", "RealtimeHub/RealtimeHub.csproj"),
#endif
#if (!NoWeb)
            ("web", "Web/Web.csproj"),
#endif
        ];
        foreach (var (name, project) in services)
        {
            Assert.Equal("project.v0", Type(name));
            Assert.EndsWith(project, resources.GetProperty(name).GetProperty("path").GetString(), StringComparison.Ordinal);
        }

        var api = resources.GetProperty("api");
        Assert.Contains("{redis.connectionString}", api.GetProperty("env").GetProperty("ConnectionStrings__redis").GetString(), StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Object, api.GetProperty("bindings").GetProperty("http").ValueKind);
        Assert.Equal("{api.bindings.http.targetPort}", api.GetProperty("env").GetProperty("HTTP_PORTS").GetString());
        Assert.False(api.GetProperty("env").TryGetProperty("Supervisor__ControlToken", out _), "no Supervisor control token in a deployment");
        Assert.False(resources.TryGetProperty("api-control-token", out _), "no Supervisor control token in a deployment");
        Assert.False(resources.TryGetProperty("api-0", out _), "worker slots are dashboard rows, not deployable resources");
        output.WriteLine(string.Join(", ", resources.EnumerateObject().Select(resource => $"{resource.Name}: {resource.Value.GetProperty("type").GetString()}")));
    }

    /// <summary>New connections to the Api until <paramref name="expected"/> distinct worker PIDs answered.</summary>
    private static async Task<HashSet<int>> ServingPidsAsync(Uri api, int expected)
    {
        var pids = new HashSet<int>();
        using var http = new HttpClient();
        await Eventually.TrueAsync(async () =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(api, "/api/whoami")) { Headers = { ConnectionClose = true } };
            using var response = await http.SendAsync(request);
            pids.Add(ServedBy.Pid(response));
            return pids.Count == expected;
        }, TimeSpan.FromSeconds(30), $"{expected} workers to answer");
        return pids;
    }

    private static async Task AssertNothingLeftAsync(AppHostProcess appHost, TimeSpan deadline)
    {
        try
        {
            await Eventually.TrueAsync(() => MarkedProcesses.Find(appHost.RunMarker).Count == 0, deadline, "every process of the run to exit");
        }
        catch (TimeoutException)
        {
            Assert.Fail("Left running: " + string.Join("; ", MarkedProcesses.Find(appHost.RunMarker).Select(CommandLine)));
        }

        await Eventually.TrueAsync(() => appHost.Ports.All.All(port => !FreePort.IsListening(port)), deadline, "every port of the run to be free");
    }

    private static string CommandLine(int pid) => $"{pid}: {ProcessTable.CommandLine(pid) ?? "(gone)"}";
}
