using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using HeatmapSaas.Grains.Billing;
using HeatmapSaas.Grains.Locations;
using HeatmapSaas.Grains.Locations.Log;
using HeatmapSaas.Grains.Webhooks;

namespace HeatmapSaas.Grains;

public static class GrainDependencies
{
    /// <summary>Services the grains take from DI; safe to call more than once.</summary>
    public static IServiceCollection AddHeatmapGrainDependencies(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IIngestLog, InMemoryIngestLog>();
        services.TryAddSingleton<HeatmapSaas.Grains.Locations.History.IHistoryStore, HeatmapSaas.Grains.Locations.History.InMemoryHistoryStore>();
        services.AddOptions<IngestOptions>().BindConfiguration("Heatmap:Ingest");
        services.AddOptions<HeatmapSaas.Grains.Live.LiveOptions>().BindConfiguration("Heatmap:Live");
        services.AddOptions<MemoryOptions>().Configure<Microsoft.Extensions.Configuration.IConfiguration>(MemoryOptions.Bind);
        services.TryAddSingleton<IWebhookOutbox, InMemoryWebhookOutbox>();
        services.TryAddSingleton<WebhookSignal>();
        services.TryAddSingleton<IPaymentProcessor, TestModePaymentProcessor>();
        return services.AddPaymentAndWebhookSettings();
    }

    /// <summary>
    /// <c>Heatmap:Plans</c>, <c>Heatmap:Webhooks</c> and the SSRF guard: needed by silos and by API nodes (which
    /// validate prices and webhook URLs before calling a grain), so also safe to call more than once.
    /// </summary>
    public static IServiceCollection AddPaymentAndWebhookSettings(this IServiceCollection services)
    {
        services.AddOptions<PlanPrices>().BindConfiguration("Heatmap:Plans");
        services.AddOptions<WebhookOptions>().BindConfiguration("Heatmap:Webhooks");
        services.TryAddSingleton<WebhookTargetGuard>();
        return services;
    }
}
