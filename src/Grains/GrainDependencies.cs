using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using HeatmapSaas.Grains.Ingest;

namespace HeatmapSaas.Grains;

public static class GrainDependencies
{
    /// <summary>Services the grains take from DI; safe to call more than once.</summary>
    public static IServiceCollection AddHeatmapGrainDependencies(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IIngestLog, InMemoryIngestLog>();
        services.TryAddSingleton<HeatmapSaas.Grains.History.IHistoryStore, HeatmapSaas.Grains.History.InMemoryHistoryStore>();
        services.AddOptions<IngestOptions>().BindConfiguration("Heatmap:Ingest");
        services.AddOptions<HeatmapSaas.Grains.Live.LiveOptions>().BindConfiguration("Heatmap:Live");
        return services;
    }
}
