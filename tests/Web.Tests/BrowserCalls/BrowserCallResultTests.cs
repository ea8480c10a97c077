using ReferenceApp.Web.Browser;

namespace ReferenceApp.Web.Tests.BrowserCalls;

[Trait("Tier", "Unit")]
public sealed class BrowserCallResultTests
{
    private const string TraceId = "0af7651916cd43dd8448eb211c80319c";

    [Fact]
    public void Successful_call_names_the_worker_from_the_served_by_header_and_reads_the_body()
    {
        var call = new BrowserCallResult(200, 4242, "api/api-1 pid=4242", """{"counter":"shared","value":7,"pid":4242}""", TraceId, 3.5, 1, null);

        Assert.True(call.Ok);
        Assert.Equal("api-1", call.Instance);
        Assert.Equal("200 OK", call.Summary);
        Assert.Equal(new CounterResponse("shared", 7, 4242), call.Read<CounterResponse>());
    }

    [Fact]
    public void Problem_details_become_the_summary_and_the_detail()
    {
        var body = """{"type":"https://tools.ietf.org/html/rfc9110#section-15.6.4","title":"Redis is unavailable","status":503,"detail":"Retry shortly.","traceId":"00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"}""";
        var call = new BrowserCallResult(503, null, "api/api-0 pid=4241", body, TraceId, 2, 1, null);

        Assert.False(call.Ok);
        Assert.Equal("503 Redis is unavailable", call.Summary);
        Assert.Equal("Retry shortly.", call.ProblemDetail);
        Assert.Null(call.Read<CounterResponse>());
    }

    [Fact]
    public void Validation_problems_list_their_messages()
    {
        var body = """{"title":"Invalid cart item","status":400,"errors":{"sku":["sku must be 1-40 letters."],"quantity":["quantity must be 1 to 99."]}}""";
        var call = new BrowserCallResult(400, null, null, body, TraceId, 2, 1, null);

        Assert.Equal("400 Invalid cart item", call.Summary);
        Assert.Equal("sku must be 1-40 letters. quantity must be 1 to 99.", call.ProblemDetail);
    }

    [Fact]
    public void Call_that_never_got_an_answer_says_why()
    {
        var call = new BrowserCallResult(0, null, null, null, TraceId, 20_000, 3, "Failed to fetch");

        Assert.False(call.Ok);
        Assert.Null(call.Instance);
        Assert.Equal("no answer (Failed to fetch)", call.Summary);
    }
}
