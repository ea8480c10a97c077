using System.Net;

namespace ReferenceApp.RealtimeHub.Tests.Hubs;

/// <summary>A browser page served by the Web front end negotiates with the hub cross-origin, with credentials.</summary>
[Collection(RealtimeClusterGroup.Name)]
public sealed class WebOriginCorsTests(RealtimeCluster cluster)
{
    [Theory]
    [InlineData(RealtimeCluster.WebOrigin, true)]
    [InlineData("http://evil.example", false)]
    public async Task Negotiate_allows_the_web_origin_with_credentials_and_no_other(string origin, bool allowed)
    {
        using var negotiate = new HttpRequestMessage(HttpMethod.Post, new Uri("/hubs/chat/negotiate?negotiateVersion=1", UriKind.Relative));
        negotiate.Headers.Add("Origin", origin);

        using var response = await cluster.Hubs[0].Client.SendAsync(negotiate);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(allowed, response.Headers.TryGetValues("Access-Control-Allow-Origin", out var allowOrigin));
        if (allowed)
        {
            Assert.Equal(origin, Assert.Single(allowOrigin!));
            Assert.Equal("true", Assert.Single(response.Headers.GetValues("Access-Control-Allow-Credentials")));
        }
    }
}
