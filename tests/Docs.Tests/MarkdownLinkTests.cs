using System.Text.RegularExpressions;
using ReferenceApp.Testing;

namespace ReferenceApp.Docs.Tests;

/// <summary>Every relative link in the repository's Markdown files names a file or folder that exists.</summary>
[Trait("Tier", "Unit")]
public sealed partial class MarkdownLinkTests
{
    private static readonly string[] SkippedFolders = ["bin", "obj", "node_modules"];

    [Fact]
    public void Every_relative_markdown_link_names_a_file_that_exists()
    {
        var root = RepositoryPaths.Root;
        var documents = MarkdownFiles(root).ToList();
        Assert.Contains(documents, file => Path.GetRelativePath(root, file) == "README.md");

        var broken = documents
            .SelectMany(file => RelativeTargets(File.ReadAllText(file))
                .Where(target => !Exists(Path.Combine(Path.GetDirectoryName(file)!, target)))
                .Select(target => $"{Path.GetRelativePath(root, file)}: {target}"))
            .ToList();

        Assert.True(broken.Count == 0, $"Links to files that do not exist:\n{string.Join('\n', broken)}");
    }

    [Theory]
    [InlineData("[a](docs/apphost.md)", "docs/apphost.md")]
    [InlineData("[a](docs/apphost.md#publish)", "docs/apphost.md")]
    [InlineData("![img](images/x.png \"title\")", "images/x.png")]
    [InlineData("[a](<docs/with space.md>)", "docs/with space.md")]
    [InlineData("[a]: ../other.md", "../other.md")]
    public void Relative_targets_are_read_without_their_fragment(string markdown, string expected) =>
        Assert.Equal([expected], RelativeTargets(markdown));

    [Theory]
    [InlineData("[a](https://aspire.dev)")]
    [InlineData("[a](http://localhost:5000)")]
    [InlineData("[a](mailto:someone@example.com)")]
    [InlineData("[a](#quick-start)")]
    [InlineData("`[a](not/a/link.md)` in code")]
    [InlineData("```\n[a](not/a/link.md)\n```")]
    public void Absolute_anchor_and_code_links_are_not_checked(string markdown) =>
        Assert.Empty(RelativeTargets(markdown));

    private static IEnumerable<string> MarkdownFiles(string directory)
    {
        foreach (var file in Directory.EnumerateFiles(directory, "*.md"))
        {
            yield return file;
        }

        foreach (var child in Directory.EnumerateDirectories(directory))
        {
            var name = Path.GetFileName(child);
            if (name.StartsWith('.') || SkippedFolders.Contains(name, StringComparer.OrdinalIgnoreCase) || name == "TestResults")
            {
                continue;
            }

            foreach (var file in MarkdownFiles(child))
            {
                yield return file;
            }
        }
    }

    private static IEnumerable<string> RelativeTargets(string markdown)
    {
        var prose = InlineCode().Replace(CodeFence().Replace(markdown, ""), "");
        var targets = InlineLink().Matches(prose).Select(match => match.Groups["target"].Value)
            .Concat(ReferenceDefinition().Matches(prose).Select(match => match.Groups["target"].Value));
        foreach (var raw in targets)
        {
            var target = raw.Trim('<', '>');
            if (target.Length == 0 || target.StartsWith('#') || Scheme().IsMatch(target))
            {
                continue;
            }

            var fragment = target.IndexOf('#');
            yield return Uri.UnescapeDataString(fragment < 0 ? target : target[..fragment]);
        }
    }

    private static bool Exists(string path) => File.Exists(path) || Directory.Exists(path);

    // ![alt](target "title") and [text](target), the target optionally in <angle brackets>.
    [GeneratedRegex(@"\]\((?<target><[^>]*>|[^)\s]+)(?:\s+""[^""]*"")?\)")]
    private static partial Regex InlineLink();

    // [label]: target
    [GeneratedRegex(@"^\s{0,3}\[[^\]]+\]:\s+(?<target><[^>]*>|\S+)", RegexOptions.Multiline)]
    private static partial Regex ReferenceDefinition();

    [GeneratedRegex(@"^[ \t]*(```|~~~).*?^[ \t]*\1", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex CodeFence();

    [GeneratedRegex(@"`[^`\n]*`")]
    private static partial Regex InlineCode();

    // http:, https:, mailto: and any other scheme: not a file of this repository.
    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9+.-]*:")]
    private static partial Regex Scheme();
}
