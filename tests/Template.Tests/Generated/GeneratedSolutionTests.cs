using System.Globalization;
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
    public async Task Lean_solution_runs_with_dotnet_run_on_its_base_port_with_two_Sticky_workers()
    {
        var lean = template.Lean;
        await lean.BuildAsync();
        var marker = Guid.NewGuid().ToString("N");
        var basePort = template.LeanBasePort;
        var api = new Uri($"http://localhost:{basePort + 80}");

        // The README's command, in the generated folder: the launch profile, appsettings.json and all.
        await using var run = ChildProcess.Start("dotnet run", "dotnet", ["run", "--project", "AppHost", "--no-build"],
            new Dictionary<string, string?> { [AppHostProcess.RunMarkerVariable] = marker }, workingDirectory: lean.Directory);
        try
        {
            using var http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.Zero, UseCookies = false }) { Timeout = TimeSpan.FromSeconds(5) };
            var pids = new HashSet<int>();
            string? affinity = null;
            await Eventually.TrueAsync(async () =>
            {
                Assert.False(run.HasExited, $"dotnet run exited with {(run.HasExited ? run.ExitCode : 0)}:\n{run.Output}");
                try
                {
                    using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(api, "/api/whoami")) { Headers = { ConnectionClose = true } };
                    using var response = await http.SendAsync(request);
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
            }, TimeSpan.FromSeconds(150), $"two workers answering on {api} with a Sticky affinity cookie");

            // --workers 2: more new connections find no third worker.
            for (var i = 0; i < 20; i++)
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(api, "/api/whoami")) { Headers = { ConnectionClose = true } };
                using var response = await http.SendAsync(request);
                pids.Add(ServedBy.Pid(response));
            }

            Assert.Equal(2, pids.Count);
            Assert.True(FreePort.IsListening(basePort + 13888), $"no dashboard on {basePort + 13888} (Ports:Base + 13888)");
            Assert.False(FreePort.IsListening(basePort), $"something listens on {basePort}, where the Web would be; --no-web leaves it out");
            output.WriteLine($"api on {api}: workers {string.Join(", ", pids)}; {affinity}");

            // Ctrl+C reaches the AppHost itself (dotnet run leaves it to the terminal's process group).
            var appHost = MarkedProcesses.Find(marker).Single(pid =>
                CommandLine(pid).Split(' ')[0].EndsWith("/AppHost", StringComparison.Ordinal) || CommandLine(pid).Contains("/AppHost.dll", StringComparison.Ordinal));
            Assert.True(Signals.Send(appHost, Signals.SIGINT));
            Assert.True(await run.WaitForExitAsync(TimeSpan.FromSeconds(60)), $"dotnet run did not end within 60 s of Ctrl+C:\n{run.Output}");
            await Eventually.TrueAsync(() => MarkedProcesses.Find(marker).Count == 0, TimeSpan.FromSeconds(30),
                $"every process of the run to exit (left: {string.Join(", ", MarkedProcesses.Find(marker).Select(pid => $"{pid} {CommandLine(pid)}"))})");
            Assert.False(FreePort.IsListening(basePort + 80), "the Api's port is still held after the stop");
        }
        finally
        {
            foreach (var pid in MarkedProcesses.Find(marker))
            {
                Signals.Send(pid, Signals.SIGKILL);
            }
        }
    }

    private static string CommandLine(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/cmdline").Replace('\0', ' ').Trim();
        }
        catch (IOException)
        {
            return string.Empty;
        }
    }
}
