
namespace ReferenceApp.TestWorker;

/// <summary>The switches and endpoints that make this worker misbehave the way a real app sometimes does.</summary>
internal static class Misbehaviour
{
    public const int CrashExitCode = 3;

    /// <summary><c>TESTWORKER_CRASH_ON_START=1</c>, or the file named by <c>TESTWORKER_CRASH_FILE</c> exists (a test can break
    /// the app after the cluster started, as a bad deployment would).</summary>
    public static bool ShouldCrashOnStart() =>
        Environment.GetEnvironmentVariable("TESTWORKER_CRASH_ON_START") == "1"
        || (Environment.GetEnvironmentVariable("TESTWORKER_CRASH_FILE") is { Length: > 0 } file && File.Exists(file));

    /// <summary><c>TESTWORKER_FORGET_USESUPERVISION=1</c>: build the pipeline without <c>app.UseSupervision()</c>, as a careless app would.</summary>
    public static bool ShouldForgetUseSupervision() =>
        Environment.GetEnvironmentVariable("TESTWORKER_FORGET_USESUPERVISION") == "1";

    // Held for the life of the process: memory the worker never gives back.
    private static readonly List<byte[]> Leaked = [];
    private static readonly Lock LeakLock = new();

    public static IEndpointRouteBuilder MapMisbehaviourApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/pid", () => Environment.ProcessId);

        // An in-flight request that takes a while, without burning CPU.
        endpoints.MapGet("/slow", async (int ms, CancellationToken cancellationToken) =>
        {
            await Task.Delay(Math.Clamp(ms, 0, 60_000), cancellationToken);
            return Results.Ok(new { pid = Environment.ProcessId, ms });
        });

        // Grows resident memory by N MiB (pages touched, so they count in RSS) and keeps it.
        endpoints.MapPost("/allocate", (int mb) =>
        {
            lock (LeakLock)
            {
                for (var i = 0; i < Math.Clamp(mb, 1, 2048); i++)
                {
                    var block = GC.AllocateUninitializedArray<byte>(1024 * 1024);
                    for (var offset = 0; offset < block.Length; offset += 4096)
                    {
                        block[offset] = 1;
                    }

                    Leaked.Add(block);
                }
            }

            return Results.Ok(new { pid = Environment.ProcessId, rssBytes = Environment.WorkingSet });
        });

        // What the Supervisor put in this worker's environment, so tests can check the contract.
        endpoints.MapGet("/environment", () => Results.Ok(new
        {
            pid = Environment.ProcessId,
            workerIndex = Environment.GetEnvironmentVariable("WORKER_INDEX"),
            workerCount = Environment.GetEnvironmentVariable("WORKER_COUNT"),
            resourceAttributes = Environment.GetEnvironmentVariable("OTEL_RESOURCE_ATTRIBUTES"),
            serviceName = Environment.GetEnvironmentVariable("OTEL_SERVICE_NAME"),
            stopOnStdinEof = Environment.GetEnvironmentVariable("REFERENCEAPP_STOP_ON_STDIN_EOF"),
            listen = Environment.GetEnvironmentVariable("SUPERVISOR_LISTEN"),
            hasChannelSecret = !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("SUPERVISOR_CHANNEL_SECRET")),
            aspnetcoreUrls = Environment.GetEnvironmentVariable("ASPNETCORE_URLS"),
            supervisorControlToken = Environment.GetEnvironmentVariable("Supervisor__ControlToken"),
            passedThrough = Environment.GetEnvironmentVariable("TESTWORKER_PASS_THROUGH"),
            arguments = Environment.GetCommandLineArgs().Skip(1).ToArray(),
        }));

        return endpoints;
    }
}
