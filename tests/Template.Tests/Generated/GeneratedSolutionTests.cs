using System.Net;
using ReferenceApp.Testing;
using ReferenceApp.Testing.Http;
using ReferenceApp.Testing.Interop;
using Xunit.Abstractions;

namespace ReferenceApp.Template.Tests.Generated;

/// <summary>The generated solutions built and run as their new owners would: their own tests, and <c>dotnet run --project AppHost</c>.</summary>
[Collection(TemplateGroup.Name)]
public sealed class GeneratedSolutionTests(TemplateFixture template, ITestOutputHelper output)
{
    [Fact]
    public async Task Renamed_solution_builds_and_passes_its_own_fast_test_command()
    {
        var result = await template.Full.FastTestCommandAsync(TimeSpan.FromMinutes(8));
        output.WriteLine(result);
    }

    [Fact]
    public async Task Lean_solution_with_a_kebab_case_name_builds_and_passes_its_own_fast_test_command()
    {
        var result = await template.Lean.FastTestCommandAsync(TimeSpan.FromMinutes(8));
        output.WriteLine(result);
    }

    [Fact]
    public async Task Renamed_solutions_own_AppHost_test_starts_the_system_and_Ctrl_C_leaves_nothing_behind()
    {
        var result = await template.Full.TestAsync("FullyQualifiedName~Ctrl_C_stops_every_process_and_frees_every_port", TimeSpan.FromMinutes(5));
        output.WriteLine(result);
    }

    [Fact]
    public async Task Web_without_the_hub_builds_and_passes_its_unit_tier()
    {
        // The Web's tests build the Web, the AppHost and what they reference: all that --no-realtime alone changes.
        var result = await template.WithoutHub.TestAsync("Tier=Unit", TimeSpan.FromMinutes(5), "tests/Web.Tests/Web.Tests.csproj");
        output.WriteLine(result);
    }

    [Fact]
    public async Task Lean_solution_runs_with_dotnet_run_on_its_base_port_beside_a_second_copy_on_another()
    {
        var lean = template.Lean;
        await lean.BuildAsync();
        var secondBase = FreePort.AppHostBase();
        while (FreePort.AppHostOffsets.Any(a => FreePort.AppHostOffsets.Contains(secondBase + a - template.LeanBasePort)))
        {
            secondBase = FreePort.AppHostBase();
        }

        // The README's command in the generated folder (the launch profile, appsettings.json and all), and a second copy
        // beside it that moves every port with one setting.
        await using var first = LeanRun.Start(lean, template.LeanBasePort);
        await using var second = LeanRun.Start(lean, secondBase, "--", $"--Ports:Base={secondBase}");
        var firstWorkers = await first.TwoStickyWorkersAsync();
        var secondWorkers = await second.TwoStickyWorkersAsync();
        output.WriteLine($"base {template.LeanBasePort}: workers {string.Join(", ", firstWorkers)}; base {secondBase}: workers {string.Join(", ", secondWorkers)}");
        Assert.Empty(firstWorkers.Intersect(secondWorkers));

        foreach (var run in new[] { first, second })
        {
            Assert.True(FreePort.IsListening(run.BasePort + 13888), $"no dashboard on {run.BasePort + 13888} (Ports:Base + 13888)");
            Assert.False(FreePort.IsListening(run.BasePort), $"something listens on {run.BasePort}, where the Web would be; --no-web leaves it out");
        }

        await first.CtrlCAsync();
        Assert.True((await second.TwoStickyWorkersAsync()).SetEquals(secondWorkers), "stopping one copy disturbed the other");
        await second.CtrlCAsync();
    }

    /// <summary>One <c>dotnet run --project AppHost</c> of the lean solution, its processes marked so that all are found.</summary>
    private sealed class LeanRun : IAsyncDisposable
    {
        private readonly string _marker = Guid.NewGuid().ToString("N");
        private readonly ChildProcess _run;

        private LeanRun(GeneratedSolution lean, int basePort, string[] arguments)
        {
            BasePort = basePort;
            _run = ChildProcess.Start("dotnet run", "dotnet", ["run", "--project", "AppHost", "--no-build", .. arguments],
                new Dictionary<string, string?> { [AppHostProcess.RunMarkerVariable] = _marker }, workingDirectory: lean.Directory);
        }

        public int BasePort { get; }

        private Uri Api => new($"http://localhost:{BasePort + 80}");

        public static LeanRun Start(GeneratedSolution lean, int basePort, params string[] arguments) => new(lean, basePort, arguments);

        /// <summary>The Api's workers, once two answer with the solution's affinity cookie; --workers 2 means no third.</summary>
        public async Task<HashSet<int>> TwoStickyWorkersAsync()
        {
            using var http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.Zero, UseCookies = false }) { Timeout = TimeSpan.FromSeconds(5) };
            var pids = new HashSet<int>();
            string? affinity = null;
            await Eventually.TrueAsync(async () =>
            {
                Assert.False(_run.HasExited, $"dotnet run exited with {(_run.HasExited ? _run.ExitCode : 0)}:\n{DotnetCommand.Quoted(_run.Output)}");
                try
                {
                    using var response = await WhoAmIAsync(http);
                    if (response.StatusCode != HttpStatusCode.OK)
                    {
                        return false;
                    }

                    pids.Add(ServedBy.Pid(response));
                    affinity ??= response.Headers.TryGetValues("Set-Cookie", out var cookies) ? cookies.FirstOrDefault(c => c.StartsWith("fabrikam_lean-affinity=", StringComparison.Ordinal)) : null;
                    return pids.Count >= 2 && affinity is not null;
                }
                catch (HttpRequestException)
                {
                    return false;
                }
            }, TimeSpan.FromSeconds(150), $"two workers answering on {Api} with a Sticky affinity cookie");

            for (var i = 0; i < 20; i++)
            {
                using var response = await WhoAmIAsync(http);
                pids.Add(ServedBy.Pid(response));
            }

            Assert.Equal(2, pids.Count);
            return pids;
        }

        /// <summary>Ctrl+C to the AppHost itself (dotnet run leaves it to the terminal's process group): all ends, the port is free.</summary>
        public async Task CtrlCAsync()
        {
            var appHost = MarkedProcesses.Find(_marker).Single(pid =>
                CommandLine(pid).Split(' ')[0].EndsWith("/AppHost", StringComparison.Ordinal) || CommandLine(pid).Contains("/AppHost.dll", StringComparison.Ordinal));
            Assert.True(Signals.Send(appHost, Signals.SIGINT));
            Assert.True(await _run.WaitForExitAsync(TimeSpan.FromSeconds(60)), $"dotnet run did not end within 60 s of Ctrl+C:\n{DotnetCommand.Quoted(_run.Output)}");
            await Eventually.TrueAsync(() => MarkedProcesses.Find(_marker).Count == 0, TimeSpan.FromSeconds(30),
                $"every process of the run to exit (left: {string.Join(", ", MarkedProcesses.Find(_marker).Select(pid => $"{pid} {CommandLine(pid)}"))})");
            Assert.False(FreePort.IsListening(BasePort + 80), "the Api's port is still held after the stop");
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var pid in MarkedProcesses.Find(_marker))
            {
                Signals.Send(pid, Signals.SIGKILL);
            }

            await _run.DisposeAsync();
        }

        private async Task<HttpResponseMessage> WhoAmIAsync(HttpClient http)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(Api, "/api/whoami")) { Headers = { ConnectionClose = true } };
            return await http.SendAsync(request);
        }
    }

    private static string CommandLine(int pid) => ProcessTable.CommandLine(pid) ?? string.Empty;
}
