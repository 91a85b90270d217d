using HeatmapSaas.Tests.Api;
using HeatmapSaas.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace HeatmapSaas.Tests.Operations;

/// <summary>The app with a captured log: what ordinary client errors leave in it.</summary>
public sealed class CapturedLogApiHost : ApiHost
{
    public CapturedLogs Logs { get; } = new();

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Logging:LogLevel:HeatmapSaas.Errors"] = "Debug",
    };

    protected override void Customize(WebApplicationBuilder builder) => builder.Logging.AddProvider(Logs);
}

public sealed class QuietLogTests(CapturedLogApiHost host) : IClassFixture<CapturedLogApiHost>
{
    [Fact]
    public async Task Client_errors_log_no_error_and_no_stack_trace_and_every_answer_has_a_request_id_found_in_the_log()
    {
        var tenant = await host.CreateTenantAsync();
        var notFound = await tenant.Http.GetAsync("/v1/heatmaps/hm_nothing_here");
        var badJson = await tenant.Http.PostAsync("/v1/locations", HttpAssertions.JsonBody("{\"name\":"));
        var noRoute = await tenant.Http.GetAsync("/v1/no-such-route");
        var unauthorized = await host.Client("wrong-key").GetAsync("/v1/locations");
        await notFound.Error(404, "NOT_FOUND");
        await badJson.Error(400, "INVALID_REQUEST");
        await noRoute.Error(404, "NOT_FOUND");
        await unauthorized.Error(401, "UNAUTHORIZED");

        var ids = new[] { notFound, badJson, noRoute, unauthorized }.Select(r => Assert.Single(r.Headers.GetValues("X-Request-Id"))).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());

        var entries = host.Logs.Entries.ToList();
        Assert.DoesNotContain(entries, e => e.Level >= LogLevel.Error);
        Assert.DoesNotContain(entries, e => e.Exception is not null);
        // The handled 404 is logged at Debug, in a scope that carries the id the client got.
        var logged = Assert.Single(entries, e => e.Category == "HeatmapSaas.Errors" && e.Message.Contains("hm_nothing_here"));
        Assert.Equal(LogLevel.Debug, logged.Level);
        Assert.Equal(ids[0], logged.Scope["RequestId"]?.ToString());
    }
}
