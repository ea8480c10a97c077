using Microsoft.Extensions.Configuration;
using ReferenceApp.Bench.Replicas;

// Bench:Port is the one public port; DCP's proxy spreads its connections over Bench:Replicas Api processes. No dashboard
// and no OTLP export, as in every other peer of the matrix. Lines on stdin run the dashboard's commands on a replica
// (see ReplicaCommands), so bench/resilience can restart replicas as a user would.
var builder = DistributedApplication.CreateBuilder(new DistributedApplicationOptions { Args = args, DisableDashboard = true });
var port = builder.Configuration.GetValue<int?>("Bench:Port") ?? throw new InvalidOperationException("Give --Bench:Port=<port>.");
var replicas = builder.Configuration.GetValue("Bench:Replicas", 2);

builder.AddProject<Projects.Api>("api", launchProfileName: null)
    .WithHttpEndpoint(port: port, name: "http")
    .WithEnvironment("ASPNETCORE_ENVIRONMENT", "Production")
    .WithEnvironment(context =>
    {
        foreach (var name in context.EnvironmentVariables.Keys.Where(key => key.StartsWith("OTEL_EXPORTER_OTLP", StringComparison.Ordinal)).ToList())
        {
            context.EnvironmentVariables.Remove(name);
        }
    })
    .WithReplicas(replicas);

var app = builder.Build();
await using var commands = ReplicaCommands.Start(app.Services);
await app.RunAsync();
