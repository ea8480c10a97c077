using System.Net;

namespace ReferenceApp.Api.Tests.Cors;

/// <summary>The Web front end's origin, from service discovery, may call the Api with credentials; no other origin may.</summary>
[Collection(ApiWithoutRedisGroup.Name)]
public sealed class WebOriginCorsTests(ApiWithoutRedis fixture)
{
    private const string WebOrigin = ApiWithoutRedis.WebOrigin;

    [Theory]
    [InlineData(WebOrigin, true)]
    [InlineData("http://evil.example", false)]
    public async Task Preflight_allows_credentials_for_the_web_origin_only(string origin, bool allowed)
    {
        using var preflight = new HttpRequestMessage(HttpMethod.Options, new Uri("/api/session/visits", UriKind.Relative));
        preflight.Headers.Add("Origin", origin);
        preflight.Headers.Add("Access-Control-Request-Method", "POST");
        preflight.Headers.Add("Access-Control-Request-Headers", "content-type");

        using var response = await fixture.Api.Client.SendAsync(preflight);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(allowed, response.Headers.TryGetValues("Access-Control-Allow-Origin", out var allowOrigin));
        if (allowed)
        {
            Assert.Equal(origin, Assert.Single(allowOrigin!));
            Assert.Equal("true", Assert.Single(response.Headers.GetValues("Access-Control-Allow-Credentials")));
        }
    }
}
