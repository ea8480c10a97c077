// Placeholder until the AppHost issue lands: runs the Api on :5080 as a child process and stops it on Ctrl+C.
using System.Diagnostics;

var apiDll = Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "Api", "bin",
    Path.GetFileName(Path.GetDirectoryName(Path.GetDirectoryName(AppContext.BaseDirectory.TrimEnd('/')))!), "net10.0", "Api.dll");
var startInfo = new ProcessStartInfo("dotnet") { ArgumentList = { "exec", Path.GetFullPath(apiDll) }, RedirectStandardInput = true };
startInfo.Environment["ASPNETCORE_URLS"] = "http://localhost:5080";
using var api = Process.Start(startInfo)!;
Console.WriteLine($"api: http://localhost:5080/api/whoami (pid {api.Id}). Ctrl+C stops it.");
using var stopping = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; stopping.Cancel(); };
try
{
    await api.WaitForExitAsync(stopping.Token);
}
catch (OperationCanceledException)
{
    api.Kill(entireProcessTree: true);
}
