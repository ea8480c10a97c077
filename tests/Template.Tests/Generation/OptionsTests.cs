using System.Text.Json;

namespace ReferenceApp.Template.Tests.Generation;

/// <summary>Each option of the template, read where the generated solution uses it.</summary>
[Collection(TemplateGroup.Name)]
public sealed class OptionsTests(TemplateFixture template)
{
    private static readonly string[] HubPaths = ["RealtimeHub", "RealtimeHub.Contracts", "tests/RealtimeHub.Tests", "Api/Broadcasts", "Api/Apis/BroadcastApi.cs", "bench/realtime"];

    private static readonly string[] WebPaths = ["Web", "tests/Web.Tests"];

    [Fact]
    public void Defaults_are_auto_workers_RoundRobin_and_base_port_5000()
    {
        using var settings = AppHostSettings(template.Full);
        Assert.Equal(5000, settings.RootElement.GetProperty("Ports").GetProperty("Base").GetInt32());
        Assert.Equal("auto", settings.RootElement.GetProperty("Workers").GetProperty("Api").GetString());
        Assert.Equal("auto", settings.RootElement.GetProperty("Workers").GetProperty("Realtime").GetString());
        Assert.Equal("RoundRobin", settings.RootElement.GetProperty("Balancing").GetProperty("Api").GetString());
        Assert.All(HubPaths.Concat(WebPaths), path => Assert.True(template.Full.Exists(path), $"the full solution lacks {path}"));
    }

    [Fact]
    public void Workers_balancing_and_base_port_are_written_to_the_AppHost_settings()
    {
        using var settings = AppHostSettings(template.Lean);
        Assert.Equal(template.LeanBasePort, settings.RootElement.GetProperty("Ports").GetProperty("Base").GetInt32());
        Assert.Equal("2", settings.RootElement.GetProperty("Workers").GetProperty("Api").GetString());
        Assert.Equal("Sticky", settings.RootElement.GetProperty("Balancing").GetProperty("Api").GetString());
        Assert.False(settings.RootElement.GetProperty("Workers").TryGetProperty("Realtime", out _), "a solution without the hub sets no hub workers");
    }

    [Fact]
    public async Task ReusePort_balancing_is_written_to_the_AppHost_settings()
    {
        var solution = await template.NewAsync("Tailspin.Kernel", "--default-balancing", "ReusePort");
        using var settings = AppHostSettings(solution);
        Assert.Equal("ReusePort", settings.RootElement.GetProperty("Balancing").GetProperty("Api").GetString());
    }

    [Theory]
    [InlineData("--default-balancing", "Random", "'Random' is not a valid value", "RoundRobin", "Sticky", "ReusePort")]
    [InlineData("--base-port", "five", "Cannot parse argument 'five' for option '--base-port'")]
    public async Task A_value_the_option_cannot_take_is_refused_with_what_it_can(string option, string value, params string[] explanation)
    {
        var (exitCode, output) = await template.RefusedNewAsync("Tailspin.Refused", option, value);
        Assert.NotEqual(0, exitCode);
        Assert.All(explanation, words => Assert.Contains(words, output, StringComparison.Ordinal));
        Assert.False(Directory.Exists(Path.Combine(Path.GetDirectoryName(template.Full.Directory)!, "Tailspin.Refused")), "a refused dotnet new wrote a folder");
    }

    [Fact]
    public void No_realtime_leaves_out_the_hub_its_contracts_its_tests_and_the_broadcast()
    {
        foreach (var solution in new[] { template.Lean, template.WithoutHub })
        {
            Assert.All(HubPaths, path => Assert.False(solution.Exists(path), $"{solution.Name} still has {path}"));
            AssertNoCodeMentions(solution, "RealtimeHub", "MapBroadcastApi", "BroadcastPublisher", "/api/broadcast", "services__realtime");
        }

        Assert.All(WebPaths, path => Assert.True(template.WithoutHub.Exists(path), $"--no-realtime alone removed {path}"));
        Assert.DoesNotContain("href=\"realtime\"", template.WithoutHub.Read("Web/Components/Layout/NavMenu.razor"), StringComparison.Ordinal);
    }

    [Fact]
    public void No_web_leaves_out_the_front_end_and_its_tests()
    {
        Assert.All(WebPaths, path => Assert.False(template.Lean.Exists(path), $"{template.Lean.Name} still has {path}"));
        AssertNoCodeMentions(template.Lean, "Projects.Web", "Web.csproj", "Web.Tests", "WebTelemetry");
    }

    private static JsonDocument AppHostSettings(GeneratedSolution solution) =>
        JsonDocument.Parse(solution.Read("AppHost/appsettings.json"),
            new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });

    /// <summary>No source, project or solution file names what was left out: nothing dangles.</summary>
    private static void AssertNoCodeMentions(GeneratedSolution solution, params string[] words)
    {
        string[] code = [".cs", ".csproj", ".razor", ".slnx", ".js", ".json", ".props", ".sh"];
        var mentions = solution.Files()
            .Where(file => code.Contains(Path.GetExtension(file)))
            .SelectMany(file => words.Where(word => solution.Read(file).Contains(word, StringComparison.Ordinal)).Select(word => $"{file}: {word}"))
            .ToList();
        Assert.True(mentions.Count == 0, $"{solution.Name} still mentions what it left out:\n{string.Join('\n', mentions)}");
    }
}
