using Aspire.Hosting.ApplicationModel;

namespace ReferenceApp.AppHost.Tests.Hosting;

/// <summary>Reads a resource's command line from the app model, without starting it.</summary>
internal static class ResourceArguments
{
    public static async Task<List<string>> ReadAsync(IResource resource)
    {
        var values = new List<object>();
        foreach (var callback in resource.Annotations.OfType<CommandLineArgsCallbackAnnotation>())
        {
            await callback.Callback(new CommandLineArgsCallbackContext(values, CancellationToken.None));
        }

        // Endpoint ports are expressions resolved at start; the rest are plain strings.
        return values.Select(value => value as string ?? value.GetType().Name).ToList();
    }

    /// <summary>The value that follows the switch <paramref name="name"/>.</summary>
    public static string After(this List<string> arguments, string name) => arguments[arguments.IndexOf(name) + 1];
}
