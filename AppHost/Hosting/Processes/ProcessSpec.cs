namespace ReferenceApp.AppHost.Hosting.Processes;

/// <summary>What to run for a resource.</summary>
/// <param name="FileName">The program, e.g. <c>dotnet</c>.</param>
/// <param name="Arguments">Its arguments; may hold secrets, so they are never logged (see <see cref="Display"/>).</param>
/// <param name="Environment">Variables set on top of the AppHost's own environment (minus what the contract removes).</param>
/// <param name="WorkingDirectory">The directory it runs in.</param>
/// <param name="Display">How logs show the command, without secrets.</param>
internal sealed record ProcessSpec(
    string FileName,
    IReadOnlyList<string> Arguments,
    IReadOnlyDictionary<string, string> Environment,
    string WorkingDirectory,
    string Display);
