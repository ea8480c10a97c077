using ReferenceApp.AppHost;
using ReferenceApp.AppHost.Preflight;
using ReferenceApp.AppHost.Redis;
using ReferenceApp.Supervisor.Contracts;

var builder = DistributedApplication.CreateBuilder(args);
if (!AppHostSettings.TryRead(builder, out var settings))
{
    return 2;
}

var redis = builder.AddRedisServer("redis", settings.RedisServer);

var api = builder.AddSupervisedProject<Projects.Api>("api", settings.ApiPort)
    .WithWorkers(settings.ApiWorkers)
    .WithBalancing(settings.ApiBalancing) // RoundRobin unless Balancing:Api says otherwise: even spread, lossless reloads
    .WithReference(redis)
    .WaitFor(redis)
    .WithHttpHealthCheck("/health");

#if (!NoRealtime)
var realtime = builder.AddSupervisedProject<Projects.RealtimeHub>("realtime", settings.RealtimePort)
    .WithWorkers(settings.RealtimeWorkers)
    .WithBalancing(BalancingMode.Sticky) // SignalR's negotiate and its transport's requests must reach one worker
    .WithReference(redis)
    .WaitFor(redis)
    .WithHttpHealthCheck("/health");
#endif
#if (!NoWeb)

// WithoutHttpsCertificate is experimental in 13.6 (ASPIRECERTIFICATES001); without it Aspire offers the Web a developer
// certificate, and on a machine without a trusted one the dashboard opens with a "No trusted development certificate" error.
#pragma warning disable ASPIRECERTIFICATES001
var web = builder.AddProject<Projects.Web>("web", launchProfileName: null)
    .WithHttpEndpoint(port: settings.WebPort, isProxied: false)
    .WithEnvironment("ASPNETCORE_ENVIRONMENT", builder.Environment.EnvironmentName)
    .WithoutHttpsCertificate()        // plain http, as every endpoint here
    .WithReference(redis)
    .WithReference(api)
#if (!NoRealtime)
    .WithReference(realtime)
#endif
    .WaitFor(redis)                   // not for api and realtime: the browser calls them, so the Web starts beside them
    .WithHttpHealthCheck("/health")
    .WithDashboardLinks()             // each call in the browser links to its trace in the dashboard
#if (!NoRealtime)
    .WithSupervisorControl(realtime)
#endif
    .WithSupervisorControl(api);      // the Cluster page shows and commands the clusters through their control APIs
#pragma warning restore ASPIRECERTIFICATES001

// The browser calls the Api and the hub from the Web's origin, which their CORS policy allows (with credentials).
api.WithEnvironment("services__web__http__0", web.GetEndpoint("http"));
#if (!NoRealtime)
realtime.WithEnvironment("services__web__http__0", web.GetEndpoint("http"));
#endif
#endif

await builder.Build().RunAsync();
return 0;
