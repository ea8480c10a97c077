using System.Net;
using System.Text;
using ReferenceApp.Testing;

namespace ReferenceApp.Api.Tests.Sessions;

/// <summary>What the cart refuses, and how: problem details with a status that says why.</summary>
public sealed class SessionCartValidationTests : IAsyncLifetime
{
    private RedisServer _redis = null!;
    private ServiceProcess _api = null!;

    public async Task InitializeAsync()
    {
        _redis = await RedisServer.StartAsync();
        _api = await ServiceProcess.StartAsync("Api", new Dictionary<string, string?>
        {
            ["ConnectionStrings__redis"] = _redis.ConnectionString,
            ["Api__Session__MaxCartLines"] = "2",
        });
    }

    public async Task DisposeAsync()
    {
        await _api.DisposeAsync();
        await _redis.DisposeAsync();
    }

    public static TheoryData<string, string, HttpStatusCode, string> RefusedBodies() => new()
    {
        { "not JSON", """{"sku": "tea""", HttpStatusCode.BadRequest, "Bad Request" },
        { "wrong JSON type", """{"sku": "tea-01", "quantity": "many"}""", HttpStatusCode.BadRequest, "Bad Request" },
        { "invalid sku", """{"sku": "no spaces allowed", "quantity": 1}""", HttpStatusCode.BadRequest, "Invalid cart item" },
        { "quantity too large", """{"sku": "tea-01", "quantity": 100}""", HttpStatusCode.BadRequest, "Invalid cart item" },
        { "missing fields", "{}", HttpStatusCode.BadRequest, "Invalid cart item" },
        { "oversized body", $$"""{"sku": "{{new string('a', 4000)}}", "quantity": 1}""", HttpStatusCode.RequestEntityTooLarge, "Content Too Large" },
    };

    [Theory]
    [MemberData(nameof(RefusedBodies))]
    public async Task Cart_refuses_bad_bodies_with_problem_details(string why, string body, HttpStatusCode status, string title)
    {
        var visitor = new SessionVisitor();

        var answer = await visitor.PostAsync(_api.BaseAddress, "/api/session/cart", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.True(status == answer.Status, $"{why}: expected {(int)status}, got {(int)answer.Status} {answer.Body}");
        Assert.Equal("application/problem+json", answer.MediaType);
        Assert.Equal(title, answer.Body.GetProperty("title").GetString());
        Assert.Equal((int)status, answer.Body.GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task Invalid_fields_are_named_in_the_problem()
    {
        var answer = await new SessionVisitor().PostAsync(_api.BaseAddress, "/api/session/cart", new { sku = "", quantity = 0 });

        Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
        var errors = answer.Body.GetProperty("errors");
        Assert.True(errors.TryGetProperty("sku", out _));
        Assert.True(errors.TryGetProperty("quantity", out _));
    }

    [Fact]
    public async Task A_full_cart_refuses_another_item_with_409_and_keeps_what_it_holds()
    {
        var visitor = new SessionVisitor();
        (await visitor.PostAsync(_api.BaseAddress, "/api/session/cart", new { sku = "a", quantity = 1 })).EnsureOk();
        (await visitor.PostAsync(_api.BaseAddress, "/api/session/cart", new { sku = "b", quantity = 1 })).EnsureOk();

        var refused = await visitor.PostAsync(_api.BaseAddress, "/api/session/cart", new { sku = "c", quantity = 1 });
        var tooMany = await visitor.PostAsync(_api.BaseAddress, "/api/session/cart", new { sku = "a", quantity = 99 });

        Assert.Equal(HttpStatusCode.Conflict, refused.Status);
        Assert.Equal(HttpStatusCode.Conflict, tooMany.Status);
        Assert.Contains("at most 99", tooMany.Body.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var cart = (await visitor.GetAsync(_api.BaseAddress, "/api/session/cart")).EnsureOk().Body.GetProperty("cart");
        Assert.Equal(["a", "b"], cart.EnumerateArray().Select(line => line.GetProperty("sku").GetString()));
        Assert.All(cart.EnumerateArray(), line => Assert.Equal(1, line.GetProperty("quantity").GetInt32()));
    }
}
