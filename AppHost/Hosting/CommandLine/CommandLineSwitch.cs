namespace ReferenceApp.AppHost.Hosting.CommandLine;

/// <summary>A command-line option of the AppHost and the configuration key it sets.</summary>
/// <param name="Name">The option as typed, e.g. <c>--api-port</c>.</param>
/// <param name="Key">The configuration key, e.g. <c>AppHost:Ports:api</c>.</param>
/// <param name="Value">What to give, e.g. <c>&lt;port&gt;</c>.</param>
/// <param name="Description">One line for <c>--help</c>.</param>
internal sealed record CommandLineSwitch(string Name, string Key, string Value, string Description)
{
    /// <summary>The same setting as an environment variable, e.g. <c>AppHost__Ports__api</c>.</summary>
    public string EnvironmentVariable => Key.Replace(":", "__", StringComparison.Ordinal);
}
