using System.Text;
using ReferenceApp.Supervisor.Balancing.Sticky;

namespace ReferenceApp.Supervisor.Tests.Balancing;

[Trait("Tier", "Unit")]
public sealed class HttpHeadPeekTests
{
    private const string Cookie = "referenceapp-affinity";

    [Fact]
    public void Cookie_in_a_complete_head_is_found()
    {
        var inspection = Inspect("GET /hub/negotiate HTTP/1.1\r\nHost: x\r\nCookie: a=1; referenceapp-affinity=0f3c9a; b=2\r\n\r\n");
        Assert.Equal(new HeadInspection(HeadVerdict.Decided, "0f3c9a"), inspection);
    }

    [Fact]
    public void Decision_comes_at_the_cookie_line_before_the_head_is_complete()
    {
        var inspection = Inspect("POST /hub?id=1 HTTP/1.1\r\ncookie: referenceapp-affinity=\"abc-1_2\"\r\nContent-Le");
        Assert.Equal(new HeadInspection(HeadVerdict.Decided, "abc-1_2"), inspection);
    }

    [Theory]
    [InlineData("OPTIONS /hub/negotiate HTTP/1.1\r\nOrigin: http://web\r\nAccess-Control-Request-Method: POST\r\n\r\n", true)]
    [InlineData("GET /hub/negotiate HTTP/1.1\r\nOrigin: http://web\r\n\r\n", false)]
    [InlineData("POST /OPTIONS HTTP/1.1\r\n\r\n", false)]
    public void A_CORS_preflight_is_recognised_by_its_method(string head, bool isOptions)
    {
        Assert.Equal(new HeadInspection(HeadVerdict.Decided, null, isOptions), Inspect(head));
    }

    [Fact]
    public void Complete_head_without_the_cookie_is_decided_for_round_robin()
    {
        var inspection = Inspect("GET / HTTP/1.1\r\nHost: x\r\nCookie: other=1\r\n\r\n");
        Assert.Equal(new HeadInspection(HeadVerdict.Decided, null), inspection);
    }

    [Theory]
    [InlineData("G")]
    [InlineData("GET /long/path/that/continu")]
    [InlineData("GET / HTTP/1.1\r\nHost: x\r\n")]
    [InlineData("GET / HTTP/1.1\r\nCookie: referenceapp-affinity=abc")] // the cookie line may still be growing
    public void Partial_head_needs_more(string head) => Assert.Equal(HeadVerdict.NeedMore, Inspect(head).Verdict);

    [Theory]
    [InlineData("\u0016\u0003\u0001\u0002\u0000\u0001")] // TLS ClientHello
    [InlineData("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n")] // HTTP/2 prior knowledge
    [InlineData("GET / SPDY/3\r\n\r\n")]
    [InlineData("\r\n\r\n")]
    [InlineData("{\"json\":true}")]
    [InlineData("AVERYLONGMETHODNAMETHATNOHTTPSERVERWOULDEVERACCEPT /")]
    public void Anything_but_an_http1_request_is_not_http1(string head) =>
        Assert.Equal(HeadVerdict.NotHttp1, Inspect(head).Verdict);

    [Theory]
    [InlineData("referenceapp-affinity=../../etc")]
    [InlineData("referenceapp-affinity=")]
    [InlineData("referenceapp-affinity=a b")]
    [InlineData("xreferenceapp-affinity=abc")]
    public void Malformed_or_foreign_cookie_values_are_ignored(string cookie) =>
        Assert.Equal(new HeadInspection(HeadVerdict.Decided, null), Inspect($"GET / HTTP/1.1\r\nCookie: {cookie}\r\n\r\n"));

    [Fact]
    public void Overlong_affinity_id_is_ignored()
    {
        var id = new string('a', HttpHeadPeek.MaxAffinityIdLength + 1);
        Assert.Null(Inspect($"GET / HTTP/1.1\r\nCookie: referenceapp-affinity={id}\r\n\r\n").AffinityId);
    }

    [Fact]
    public void A_second_cookie_header_is_read_too()
    {
        var inspection = Inspect("GET / HTTP/1.1\r\nCookie: a=1\r\nX-Other: y\r\nCookie: referenceapp-affinity=42\r\n\r\n");
        Assert.Equal("42", inspection.AffinityId);
    }

    [Fact]
    public void Bare_line_feeds_are_accepted()
    {
        Assert.Equal("7", Inspect("GET / HTTP/1.0\nCookie: referenceapp-affinity=7\n\n").AffinityId);
    }

    private static HeadInspection Inspect(string head) => HttpHeadPeek.Inspect(Encoding.Latin1.GetBytes(head), Cookie);
}
