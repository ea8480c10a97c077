using Microsoft.Extensions.Configuration;
using ReferenceApp.ServiceDefaults.Hosting;

namespace ReferenceApp.ServiceDefaults.Tests.Hosting;

[Trait("Tier", "Unit")]
public sealed class WorkerIdentityTests
{
    private static WorkerIdentity Identity(params (string Key, string Value)[] settings) =>
        WorkerIdentity.FromConfiguration(
            new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value))).Build(),
            "Api");

    [Fact]
    public void Unsupervised_process_is_named_after_its_application_and_pid()
    {
        var identity = Identity();

        Assert.Equal("api", identity.ServiceName);
        Assert.Equal($"api-{Environment.ProcessId}", identity.InstanceId);
        Assert.Null(identity.WorkerIndex);
        Assert.False(identity.IsSupervised);
        Assert.Equal($"api/api-{Environment.ProcessId} pid={Environment.ProcessId}", identity.ServedBy);
    }

    [Fact]
    public void Worker_index_names_the_instance_when_no_resource_attribute_does()
    {
        var identity = Identity(("WORKER_INDEX", "2"), ("WORKER_COUNT", "4"), ("OTEL_SERVICE_NAME", "orders"));

        Assert.Equal("orders-2", identity.InstanceId);
        Assert.Equal(2, identity.WorkerIndex);
        Assert.Equal(4, identity.WorkerCount);
        Assert.True(identity.IsSupervised);
    }

    [Fact]
    public void Resource_attribute_instance_id_wins_and_is_percent_decoded()
    {
        var identity = Identity(("WORKER_INDEX", "1"), ("OTEL_RESOURCE_ATTRIBUTES", "a=b, service.instance.id = api%2D1 ,c=d"));

        Assert.Equal("api-1", identity.InstanceId);
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("one")]
    [InlineData("1.5")]
    public void Malformed_worker_index_fails_with_a_message_naming_the_variable(string value)
    {
        var error = Assert.Throws<InvalidOperationException>(() => Identity(("WORKER_INDEX", value)));

        Assert.Contains("WORKER_INDEX", error.Message, StringComparison.Ordinal);
        Assert.Contains(value, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("", null)]
    [InlineData("service.instance.id=", null)]
    [InlineData("x.service.instance.id=no", null)]
    [InlineData("k=v,service.instance.id=w-1", "w-1")]
    public void Resource_attribute_lookup_matches_whole_keys_only(string? attributes, string? expected) =>
        Assert.Equal(expected, WorkerIdentity.ResourceAttribute(attributes, "service.instance.id"));
}
