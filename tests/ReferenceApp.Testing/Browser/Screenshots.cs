using Microsoft.Playwright;
using Xunit;

namespace ReferenceApp.Testing.Browser;

/// <summary>Where the screenshots go: tests/TestResults/screenshots (<c>REFERENCEAPP_SCREENSHOTS</c> overrides). Look at them.</summary>
public static class Screenshots
{
    public static string Directory => Environment.GetEnvironmentVariable("REFERENCEAPP_SCREENSHOTS")
        ?? Path.Combine(RepositoryPaths.Root, "tests", "TestResults", "screenshots");

    public static async Task<string> SaveAsync(IPage page, string name)
    {
        ArgumentNullException.ThrowIfNull(page);
        System.IO.Directory.CreateDirectory(Directory);
        var path = Path.Combine(Directory, name + ".png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true, Animations = ScreenshotAnimations.Disabled });
        Assert.True(new FileInfo(path).Length > 10_000, $"The screenshot {path} is suspiciously small.");
        return path;
    }
}
