using ReferenceApp.AppHost.Hosting;
using ReferenceApp.AppHost.Hosting.ApplicationModel;

var builder = DistributedApplication.CreateBuilder(args);

var redis = builder.AddRedis("redis");

var api = builder.AddSupervisedProject("api", "Api")
    .WithHttpEndpoint(port: 5080)
    .WithWorkers(WorkerCount.PerCore)
    .WithBalancing(BalancingMode.ReusePort)
    .WithReference(redis)
    .WaitFor(redis)
    .WithHttpHealthCheck("/health");

var realtime = builder.AddSupervisedProject("realtime", "RealtimeHub")
    .WithHttpEndpoint(port: 5090)
    .WithWorkers(WorkerCount.PerCore)
    .WithBalancing(BalancingMode.ReusePort) // Sticky once the Supervisor offers it: SignalR's negotiate + connect must reach one worker.
    .WithReference(redis)
    .WaitFor(redis)
    .WithHttpHealthCheck("/health");

builder.AddProject("web", "Web")
    .WithHttpEndpoint(port: 5000)
    .WithReference(redis)
    .WithReference(api)
    .WithReference(realtime)
    .WaitFor(api)
    .WaitFor(realtime)
    .WithHttpHealthCheck("/health");

await builder.Build().RunAsync();
