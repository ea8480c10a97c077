namespace ReferenceApp.RealtimeHub.Tests;

/// <summary>Tests that share one <see cref="RealtimeCluster"/>: starting five processes once is most of their cost.</summary>
[CollectionDefinition(Name)]
public sealed class RealtimeClusterGroup : ICollectionFixture<RealtimeCluster>
{
    public const string Name = "realtime cluster";
}
