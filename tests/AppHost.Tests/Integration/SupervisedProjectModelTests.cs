using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using ReferenceApp.AppHost.Tests.Hosting;
using ReferenceApp.Supervisor.Contracts;

namespace ReferenceApp.AppHost.Tests.Integration;

/// <summary>What AddSupervisedProject puts into the app model: the Supervisor's command line, endpoints and worker rows.</summary>
[Trait("Tier", "Unit")]
public sealed class SupervisedProjectModelTests
{
    [Fact]
    public async Task Settings_reach_the_Supervisors_command_line_and_every_slot_is_a_child_row()
    {
        var builder = NewBuilder();
        var api = builder.AddSupervisedProject<Projects.Api>("api", port: 6080)
            .WithWorkers(3)
            .WithBalancing(BalancingMode.Sticky)
            .WithMemoryLimit(512);

        var arguments = await ResourceArguments.ReadAsync(api.Resource);

        // The native Supervisor when ./test.sh published it (and it is newer than the JIT build), else Supervisor.dll.
        if (Environment.GetEnvironmentVariable("REFERENCEAPP_EXPECT_NATIVE_SUPERVISOR") == "1")
        {
            Assert.EndsWith("/Supervisor/bin/aot/Supervisor", api.Resource.Command, StringComparison.Ordinal);
            Assert.Equal("--app", arguments[0]);
        }
        else
        {
            Assert.Equal(("dotnet", "exec"), (api.Resource.Command, arguments[0]));
            Assert.EndsWith("/Supervisor.dll", arguments[1], StringComparison.Ordinal);
        }

        Assert.Equal(api.Resource.WorkerProjectPath, arguments.After("--app"));
        Assert.Equal(("api", "3", "Sticky", "512", "{index}"),
            (arguments.After("--name"), arguments.After("--workers"), arguments.After("--balancing"), arguments.After("--memory-limit-mb"), arguments.After("--Supervisor:WorkerInstanceId")));
        Assert.EndsWith("Api/Api.csproj", api.Resource.WorkerProjectPath, StringComparison.Ordinal);

        var endpoints = api.Resource.Annotations.OfType<EndpointAnnotation>().ToDictionary(endpoint => endpoint.Name);
        Assert.Equal((6080, false), (endpoints["http"].Port, endpoints["http"].IsProxied));
        Assert.Equal((null, false, true), (endpoints["control"].Port, endpoints["control"].IsProxied, endpoints["control"].ExcludeReferenceEndpoint));

        Assert.Equal(SupervisedProjectBuilderExtensions.MaxWorkerSlots, api.Resource.Slots.Count);
        Assert.All(api.Resource.Slots, slot => Assert.Contains(slot.Annotations.OfType<ResourceRelationshipAnnotation>(),
            relationship => relationship.Type == "Parent" && relationship.Resource == api.Resource));
        Assert.Equal(Enumerable.Range(0, SupervisedProjectBuilderExtensions.MaxWorkerSlots).Select(index => $"api-{index}"), api.Resource.Slots.Select(slot => slot.Name));
    }

    [Fact]
    public async Task Automatic_worker_count_is_resolved_for_the_Supervisor_so_it_never_runs_more_workers_than_rows()
    {
        var builder = NewBuilder();
        var api = builder.AddSupervisedProject<Projects.Api>("api").WithWorkers(WorkerCount.Auto);

        var workers = ResourceArguments.After(await ResourceArguments.ReadAsync(api.Resource), "--workers");

        Assert.Equal(Math.Clamp(Environment.ProcessorCount, 1, SupervisedProjectBuilderExtensions.MaxWorkerSlots).ToString(System.Globalization.CultureInfo.InvariantCulture), workers);
    }

    [Fact]
    public void Memory_limit_below_one_megabyte_is_refused_where_it_is_written() =>
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            NewBuilder().AddSupervisedProject<Projects.Api>("api").WithMemoryLimit(0));

    // A model of our own, never started: only what the builder records is read.
    private static IDistributedApplicationBuilder NewBuilder() => DistributedApplication.CreateBuilder(new DistributedApplicationOptions
    {
        Args = [],
        DisableDashboard = true,
        AssemblyName = typeof(Projects.Api).Assembly.GetName().Name,
    });
}
