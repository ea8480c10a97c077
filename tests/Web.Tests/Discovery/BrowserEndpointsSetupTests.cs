using Microsoft.Extensions.Configuration;
using ReferenceApp.Web.Discovery;

namespace ReferenceApp.Web.Tests.Discovery;

[Trait("Tier", "Unit")]
public sealed class BrowserEndpointsSetupTests
{
    [Fact]
    public void Addresses_come_from_service_discovery_with_https_preferred()
    {
        var options = Resolve(new()
        {
            ["services:api:http:0"] = "http://localhost:5080",
            ["services:api:https:0"] = "https://localhost:5443",
            ["services:realtime:http:0"] = "http://localhost:5090",
            ["services:dashboard:http:0"] = "http://localhost:18888",
        });

        Assert.Equal(new Uri("https://localhost:5443"), options.ApiUrl);
#if (!NoRealtime)
        Assert.Equal(new Uri("http://localhost:5090/hubs/chat"), options.HubUrl);
#endif
        Assert.Equal(new Uri("http://localhost:18888/traces/detail/0af7651916cd43dd8448eb211c80319c"), options.TraceUrl("0af7651916cd43dd8448eb211c80319c"));
    }

    [Fact]
    public void Web_section_overrides_service_discovery()
    {
        var options = Resolve(new()
        {
            ["services:api:http:0"] = "http://localhost:5080",
            ["services:realtime:http:0"] = "http://localhost:5090",
            ["Web:ApiUrl"] = "http://api.example:80",
        });

        Assert.Equal(new Uri("http://api.example:80"), options.ApiUrl);
        Assert.Null(options.TraceUrl("0af7651916cd43dd8448eb211c80319c"));
    }

    [Fact]
    public void Missing_addresses_fail_start_up_naming_the_variable_to_set()
    {
        var setup = new BrowserEndpointsSetup(new ConfigurationBuilder().Build());
        var options = new BrowserEndpointsOptions();
#if (!NoRealtime)
        options.HubPath = "hubs/chat";
#endif
        setup.PostConfigure(null, options);

        var result = setup.Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains(result.Failures!, failure => failure.Contains("services__api__http__0", StringComparison.Ordinal));
#if (!NoRealtime)
        Assert.Contains(result.Failures!, failure => failure.Contains("services__realtime__http__0", StringComparison.Ordinal));
        Assert.Contains(result.Failures!, failure => failure.Contains("Web:HubPath must start with '/'", StringComparison.Ordinal));
#endif
    }

    private static BrowserEndpointsOptions Resolve(Dictionary<string, string?> values)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var options = new BrowserEndpointsOptions();
        configuration.GetSection(BrowserEndpointsOptions.SectionName).Bind(options);
        var setup = new BrowserEndpointsSetup(configuration);
        setup.PostConfigure(null, options);
        Assert.True(setup.Validate(null, options).Succeeded);
        return options;
    }
}
