using Microsoft.AspNetCore.Http;
using ReferenceApp.Supervisor.Contracts.Wire;
using ReferenceApp.Supervisor.Worker.Forwarding;

namespace ReferenceApp.Supervisor.Worker.Tests.Forwarding;

[Trait("Tier", "Unit")]
public sealed class ForwardedHeadersTests
{
    [Fact]
    public void Last_entry_appended_by_the_forwarding_peer_is_taken_and_the_rest_is_left_as_the_client_sent_it()
    {
        var headers = new HeaderDictionary { ["X-Forwarded-For"] = "203.0.113.7, 10.0.0.1" };

        Assert.Equal("10.0.0.1", ForwardedRequestMiddleware.PopLast(headers, "X-Forwarded-For"));
        Assert.Equal("203.0.113.7", headers["X-Forwarded-For"].ToString());
    }

    [Fact]
    public void Single_entry_is_taken_and_the_header_removed()
    {
        var headers = new HeaderDictionary { ["X-Forwarded-Proto"] = "https" };

        Assert.Equal("https", ForwardedRequestMiddleware.PopLast(headers, "X-Forwarded-Proto"));
        Assert.False(headers.ContainsKey("X-Forwarded-Proto"));
    }

    [Fact]
    public void Missing_header_gives_nothing() => Assert.Null(ForwardedRequestMiddleware.PopLast(new HeaderDictionary(), "X-Forwarded-For"));
}
