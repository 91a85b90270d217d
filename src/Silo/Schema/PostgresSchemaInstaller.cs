using System.Diagnostics;
using System.Net.Sockets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace HeatmapSaas.Silo.Schema;

/// <summary>
/// Applies <see cref="PostgresSchema"/> at start when <c>ConnectionStrings:Postgres</c> is set, before Orleans
/// starts (it is registered first) and reads its query table. Waits for a database that is still coming up (a
/// compose stack starts everything at once) for <c>Heatmap:Schema:WaitSeconds</c> (default 30), then gives up and
/// fails the start.
/// </summary>
public sealed partial class PostgresSchemaInstaller : IHostedService
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);

    private readonly IConfiguration config;
    private readonly ILogger logger;

    public PostgresSchemaInstaller(IConfiguration config)
        : this(config, NullLogger<PostgresSchemaInstaller>.Instance)
    {
    }

    public PostgresSchemaInstaller(IConfiguration config, ILogger<PostgresSchemaInstaller> logger)
    {
        this.config = config;
        this.logger = logger;
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (config.PostgresConnectionString() is not { } connectionString)
        {
            return;
        }

        var wait = TimeSpan.FromSeconds(config.GetValue("Heatmap:Schema:WaitSeconds", 30.0));
        var started = Stopwatch.StartNew();
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await PostgresSchema.ApplyAsync(connectionString, cancellationToken);
                LogApplied(PostgresSchema.ScriptNames.Count, started.ElapsedMilliseconds);
                return;
            }
            catch (Exception e) when (IsUnreachable(e) && started.Elapsed + RetryDelay < wait
                                      && !cancellationToken.IsCancellationRequested)
            {
                LogWaiting(attempt, e.Message);
                await Task.Delay(RetryDelay, cancellationToken);
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// Errors that mean "the server is not there yet" (refused connection, starting up, DNS of a container not yet
    /// published); a bad password or a broken script fails at once.
    /// </summary>
    private static bool IsUnreachable(Exception e) => e switch
    {
        PostgresException pg => pg.SqlState is PostgresErrorCodes.CannotConnectNow or PostgresErrorCodes.AdminShutdown
            or PostgresErrorCodes.CrashShutdown,
        NpgsqlException npgsql => npgsql.IsTransient || npgsql.InnerException is SocketException or IOException
            or TimeoutException,
        SocketException or TimeoutException => true,
        _ => false,
    };

    [LoggerMessage(Level = LogLevel.Information, Message = "PostgreSQL schema applied ({ScriptCount} scripts) in {ElapsedMs} ms")]
    private partial void LogApplied(int scriptCount, long elapsedMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "PostgreSQL not reachable yet (attempt {Attempt}): {Reason}; retrying")]
    private partial void LogWaiting(int attempt, string reason);
}
