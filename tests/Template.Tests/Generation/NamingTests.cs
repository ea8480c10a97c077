using System.Text.RegularExpressions;

namespace ReferenceApp.Template.Tests.Generation;

/// <summary>What <c>dotnet new referenceapp -n Contoso.Shop</c> writes: the new name everywhere, the old one nowhere.</summary>
[Collection(TemplateGroup.Name)]
public sealed partial class NamingTests(TemplateFixture template)
{
    [Fact]
    public void No_file_name_or_content_keeps_the_template_name()
    {
        foreach (var solution in new[] { template.Full, template.Lean, template.WithoutHub })
        {
            var leftovers = solution.Files()
                .Where(file => OldName().IsMatch(file) || OldName().IsMatch(solution.Read(file)))
                .ToList();
            Assert.True(leftovers.Count == 0, $"{solution.Name} still says ReferenceApp in: {string.Join(", ", leftovers)}");
        }
    }

    [Fact]
    public void Solution_projects_and_namespaces_carry_the_new_name()
    {
        var full = template.Full;
        Assert.True(full.Exists("Contoso.Shop.slnx"));
        Assert.True(full.Exists("tests/Contoso.Shop.Testing/Contoso.Shop.Testing.csproj"));
        Assert.Contains("<RootNamespace>Contoso.Shop.Api</RootNamespace>", full.Read("Api/Api.csproj"), StringComparison.Ordinal);
        Assert.StartsWith("using Contoso.Shop.AppHost;", full.Read("AppHost/Program.cs"), StringComparison.Ordinal);
        Assert.Contains("namespace Contoso.Shop.Supervisor.Workers;", full.Read("Supervisor/Workers/WorkerSlot.cs"), StringComparison.Ordinal);
    }

    [Fact]
    public void A_kebab_case_name_is_spelled_as_a_namespace_in_file_names_and_sources_alike()
    {
        var lean = template.Lean; // -n fabrikam-lean
        Assert.Equal("fabrikam_lean.slnx", lean.SolutionFile);
        Assert.True(lean.Exists("tests/fabrikam_lean.Testing/fabrikam_lean.Testing.csproj"));
        Assert.Contains("<RootNamespace>fabrikam_lean.Api</RootNamespace>", lean.Read("Api/Api.csproj"), StringComparison.Ordinal);
        Assert.Contains("\"fabrikam_lean-affinity\"", lean.Read("Supervisor.Contracts/Wire/HandoffProtocol.cs"), StringComparison.Ordinal);
        Assert.Contains("\"FABRIKAM_LEAN_STOP_ON_STDIN_EOF\"", lean.Read("Supervisor.Contracts/Wire/WorkerVariables.cs"), StringComparison.Ordinal);
    }

    [Fact]
    public void Every_path_the_solution_file_and_the_test_command_name_exists()
    {
        foreach (var solution in new[] { template.Full, template.Lean, template.WithoutHub })
        {
            var projects = SolutionEntry().Matches(solution.Read(solution.SolutionFile)).Select(match => match.Groups[1].Value).ToList();
            Assert.NotEmpty(projects);
            Assert.All(projects, project => Assert.True(solution.Exists(project), $"{solution.SolutionFile} names {project}, which {solution.Name} lacks"));

            var scripted = ScriptedSolution().Matches(solution.Read("test.sh")).Select(match => match.Groups[1].Value).Distinct().ToList();
            Assert.Equal([solution.SolutionFile], scripted);
        }
    }

    [Theory]
    [InlineData("Api/Sessions/SessionStateExtensions.cs", "\"Contoso.Shop:session:\"")]                                  // Redis key prefix
    [InlineData("Api/Counters/SharedCounter.cs", "\"Contoso.Shop:counters:shared\"")]                                     // Redis key
    [InlineData("ServiceDefaults/Redis/RedisExtensions.cs", "DataProtectionApplicationName = \"Contoso.Shop\"")]          // Data Protection
    [InlineData("ServiceDefaults/Redis/RedisExtensions.cs", "\"Contoso.Shop:DataProtection-Keys\"")]
    [InlineData("Api/Sessions/SessionStateOptions.cs", "\"contoso.shop-session\"")]                                        // cookies
    [InlineData("Supervisor.Contracts/Wire/HandoffProtocol.cs", "\"contoso.shop-affinity\"")]
    [InlineData("RealtimeHub.Contracts/RealtimeChannels.cs", "Prefix = \"Contoso.Shop.Realtime\"")]                           // channels
    [InlineData("Supervisor/Telemetry/SupervisorMetrics.cs", "MeterName = \"Contoso.Shop.Supervisor\"")]                    // meters, sources
    [InlineData("ServiceDefaults/Telemetry/TelemetryExtensions.cs", "SourcePrefix = \"Contoso.Shop.\"")]
    [InlineData("Supervisor.Contracts/Wire/WorkerVariables.cs", "\"CONTOSO_SHOP_STOP_ON_STDIN_EOF\"")]                        // variables
    [InlineData("AppHost/AppHost.csproj", "<UserSecretsId>contoso.shop-apphost</UserSecretsId>")]
    public void Name_derived_constants_follow_the_new_name(string file, string expected) =>
        Assert.Contains(expected, template.Full.Read(file), StringComparison.Ordinal);

    [Fact]
    public void Nothing_but_sources_is_copied()
    {
        foreach (var solution in new[] { template.Full, template.Lean })
        {
            string[] unwanted = [".git", ".template.config", "tests/Template.Tests", "bench/results", "Web/node_modules"];
            Assert.All(unwanted, path => Assert.False(solution.Exists(path), $"{solution.Name} has {path}"));
            Assert.DoesNotContain(solution.Files(), file => file.Contains("TestResults", StringComparison.Ordinal) || file.EndsWith(".trx", StringComparison.Ordinal));
            Assert.DoesNotContain(solution.Files(), file => file.StartsWith("docs/benchmarks/", StringComparison.Ordinal) && file.EndsWith(".json", StringComparison.Ordinal)); // raw benchmark output
            Assert.Empty(solution.BuildOutputAtCreation);
        }
    }

    [Fact]
    public void No_template_directive_is_left_in_any_file()
    {
        string[] directives = ["#if (!No", "<!--#if", "@*#if", "TemplateSource", "cnd:noEmit"];
        foreach (var solution in new[] { template.Full, template.Lean, template.WithoutHub })
        {
            var left = solution.Files()
                .SelectMany(file => directives.Where(directive => solution.Read(file).Contains(directive, StringComparison.Ordinal)).Select(directive => $"{file}: {directive}"))
                .ToList();
            Assert.True(left.Count == 0, $"{solution.Name} keeps template directives:\n{string.Join('\n', left)}");
        }
    }

    [Fact]
    public void Readme_is_whole_and_says_only_what_the_solution_has()
    {
        // A stray directive in a Markdown file cuts the rest of it away: the last section must still be there.
        Assert.All(new[] { template.Full, template.Lean, template.WithoutHub }, solution =>
        {
            var readme = solution.Read("README.md");
            Assert.Contains("## Quick start", readme, StringComparison.Ordinal);
            Assert.Contains("## Where this differs from the intended architecture", readme, StringComparison.Ordinal);
            Assert.DoesNotContain("## Fork it", readme, StringComparison.Ordinal); // a generated solution is not a template
        });
        Assert.Contains("\n## Web\n", template.Full.Read("README.md"), StringComparison.Ordinal);
        Assert.Contains("\n## RealtimeHub\n", template.Full.Read("README.md"), StringComparison.Ordinal);
        Assert.True(template.Full.Exists("docs/web.md") && template.Full.Exists("docs/realtime.md"));
        Assert.DoesNotContain("\n## Web\n", template.Lean.Read("README.md"), StringComparison.Ordinal);
        Assert.DoesNotContain("\n## RealtimeHub\n", template.WithoutHub.Read("README.md"), StringComparison.Ordinal);
        Assert.False(template.Lean.Exists("docs/web.md"), "a solution without the Web keeps docs/web.md");
        Assert.False(template.WithoutHub.Exists("docs/realtime.md"), "a solution without the hub keeps docs/realtime.md");
    }

    [Fact]
    public void Readme_and_docs_speak_only_of_the_services_the_solution_has()
    {
        string[] hub = ["RealtimeHub", "SignalR hub", "localhost:5090", "Ports:Realtime", "/api/broadcast"];
        string[] web = ["Blazor front end", "localhost:5000", "Ports:Web", "\nWeb/ "];
        AssertMentions(template.Full, "README.md", present: [.. hub, .. web]);
        AssertMentions(template.WithoutHub, "README.md", present: web, absent: hub);
        AssertMentions(template.Lean, "README.md", absent: [.. hub, .. web]);

        // The Api's endpoint tables list no broadcast, and the pages written for the whole system say what does not apply.
        AssertMentions(template.Lean, "docs/services.md", absent: ["/api/broadcast"]);
        AssertMentions(template.Lean, "docs/sessions.md", absent: ["/api/broadcast"]);
        AssertMentions(template.Lean, "docs/apphost.md", present: ["This solution was made without the Web or the hub"], absent: ["var realtime =", "var web ="]);
        AssertMentions(template.Full, "docs/apphost.md", present: ["var realtime =", "var web ="], absent: ["This solution was made without"]);
        AssertMentions(template.WithoutHub, "docs/web.md", present: ["This solution was made without the hub"]);
    }

    private static void AssertMentions(GeneratedSolution solution, string file, string[]? present = null, string[]? absent = null)
    {
        var text = solution.Read(file);
        var missing = (present ?? []).Where(words => !text.Contains(words, StringComparison.Ordinal)).ToList();
        var stray = (absent ?? []).Where(words => text.Contains(words, StringComparison.Ordinal)).ToList();
        Assert.True(missing.Count == 0 && stray.Count == 0,
            $"{solution.Name}/{file}: lacks [{string.Join(", ", missing)}]; names what it does not have: [{string.Join(", ", stray)}]");
    }

    [Fact]
    public void Scripts_stay_executable()
    {
        foreach (var script in new[] { "test.sh", ".ci/run", "bench/run.sh" })
        {
            var mode = File.GetUnixFileMode(template.Full.Path(script));
            Assert.True(mode.HasFlag(UnixFileMode.UserExecute), $"{script} is not executable ({mode})");
        }
    }

    [GeneratedRegex("<Project Path=\"([^\"]+)\"")]
    private static partial Regex SolutionEntry();

    [GeneratedRegex(@"dotnet (?:build|test) (\S+\.slnx)")]
    private static partial Regex ScriptedSolution();

    [GeneratedRegex("referenceapp", RegexOptions.IgnoreCase)]
    private static partial Regex OldName();
}
