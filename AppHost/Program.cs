using System.Globalization;
using ReferenceApp.AppHost.Dashboard;
using ReferenceApp.AppHost.Hosting;
using ReferenceApp.AppHost.Hosting.ApplicationModel;

var builder = DistributedApplication.CreateBuilder(args);

var redis = builder.AddRedis("redis");

var api = builder.AddSupervisedProject("api", "Api")
    .WithHttpEndpoint(port: 5080)
    .WithWorkers(WorkerCount.PerCore)
    .WithBalancing(BalancingMode.RoundRobin) // The Supervisor accepts and hands each connection over: even spread, lossless reloads.
    .WithReference(redis)
    .WaitFor(redis)
    .WithHttpHealthCheck("/health");

var realtime = builder.AddSupervisedProject("realtime", "RealtimeHub")
    .WithHttpEndpoint(port: 5090)
    .WithWorkers(WorkerCount.PerCore)
    .WithBalancing(BalancingMode.Sticky) // SignalR's negotiate and its transport's requests must reach one worker.
    .WithReference(redis)
    .WaitFor(redis)
    .WithHttpHealthCheck("/health");

var web = builder.AddProject("web", "Web")
    .WithHttpEndpoint(port: 5000)
    .WithReference(redis)
    .WithReference(api)
    .WithReference(realtime)
    .WaitFor(api)
    .WaitFor(realtime)
    .WithHttpHealthCheck("/health")
    // The browser links each call to its trace in the dashboard; the browser token stays out of it.
    .WithEnvironment("services__dashboard__http__0", () => string.Create(CultureInfo.InvariantCulture,
        $"http://localhost:{builder.Configuration.GetSection(DashboardOptions.SectionName).Get<DashboardOptions>()?.Port ?? new DashboardOptions().Port}"))
    // The Cluster page commands the Supervisors from the Web server, which alone holds their tokens.
    .WithEnvironment("Cluster__api__ControlUrl", () => ControlUrl(api.Resource))
    .WithEnvironment("Cluster__api__ControlToken", () => api.Resource.ControlToken!)
    .WithEnvironment("Cluster__realtime__ControlUrl", () => ControlUrl(realtime.Resource))
    .WithEnvironment("Cluster__realtime__ControlToken", () => realtime.Resource.ControlToken!);

// The browser calls the Api and the hub from the Web's origin: CORS (with credentials) allows exactly that origin.
// A reference in Aspire's shape (services__web__http__0) without a wait, since the Web waits for them.
api.WithEnvironment("services__web__http__0", () => web.Resource.HttpEndpoint!.GetLeftPart(UriPartial.Authority));
realtime.WithEnvironment("services__web__http__0", () => web.Resource.HttpEndpoint!.GetLeftPart(UriPartial.Authority));

await builder.Build().RunAsync();

static string ControlUrl(SupervisedProjectResource supervised) =>
    string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{supervised.ControlPort.Allocated}");
