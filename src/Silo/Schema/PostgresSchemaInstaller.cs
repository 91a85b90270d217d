using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace HeatmapSaas.Silo.Schema;

// PLACEHOLDER so the lead can build; the schema helper replaces this file.
public sealed class PostgresSchemaInstaller(IConfiguration config) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    internal IConfiguration Config => config;
}
