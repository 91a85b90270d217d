using HeatmapSaas.Errors;
using HeatmapSaas.Silo;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace HeatmapSaas.Api.Operations;

/// <summary><c>/health/live</c> (the process answers) and <c>/health/ready</c> (cluster and database reachable).</summary>
public static class HealthEndpoints
{
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(5);

    public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder routes)
    {
        var health = routes.MapGroup("/health").WithTags("Operations");
        health.MapGet("/live", () => TypedResults.Ok(new HealthResponse("ok", null, null)));
        health.MapGet("/ready", Ready);
        return routes;
    }

    private static async Task<Ok<HealthResponse>> Ready(IGrainFactory grains, IConfiguration config, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(ProbeTimeout);
        var cluster = await Probe(async () =>
            (await grains.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true).WaitAsync(timeout.Token)).Count > 0);
        var database = config.PostgresConnectionString() is { } connectionString
            ? await Probe(async () =>
            {
                await using var connection = new NpgsqlConnection(connectionString);
                await connection.OpenAsync(timeout.Token);
                await using var command = new NpgsqlCommand("SELECT 1", connection);
                return await command.ExecuteScalarAsync(timeout.Token) is 1;
            })
            : "not used";

        if (cluster != "ok" || database is not ("ok" or "not used"))
        {
            throw new ApiException(ApiErrorCode.ServiceUnavailable, $"Not ready: cluster {cluster}, database {database}");
        }

        return TypedResults.Ok(new HealthResponse("ok", cluster, database));
    }

    private static async Task<string> Probe(Func<Task<bool>> check)
    {
        try
        {
            return await check() ? "ok" : "unavailable";
        }
        catch (Exception)
        {
            return "unavailable";
        }
    }

    public sealed record HealthResponse(string Status, string? Cluster, string? Database);
}
