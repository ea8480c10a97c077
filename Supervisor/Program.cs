using ReferenceApp.Supervisor.Control;
using ReferenceApp.Supervisor.Hosting;
using ReferenceApp.Supervisor.Interop;

// First, before anything handles a signal: SIGHUP reloads and SIGINT/SIGTERM stop, however the Supervisor was launched.
Signals.RestoreDefaultHandling();

// Arguments go through the Supervisor's own parser (friendly switches, unknown ones rejected), not the host's.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [] });
if (builder.ReadSupervisorSettings(args, out var settings) is { } exitNow)
{
    return exitNow;
}

builder.AddSupervisor(settings!);

var app = builder.Build();
if (await app.PrepareSupervisorAsync() is { } failed)
{
    return failed;
}

app.MapControlApi();
await app.RunAsync();
return Environment.ExitCode;
