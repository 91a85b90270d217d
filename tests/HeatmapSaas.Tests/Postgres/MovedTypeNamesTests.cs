using HeatmapSaas.Catalog;
using HeatmapSaas.Footfall;
using HeatmapSaas.Grains;
using HeatmapSaas.Grains.Catalog;
using HeatmapSaas.Grains.Heatmaps;
using HeatmapSaas.Grains.Locations;
using HeatmapSaas.Heatmaps;
using HeatmapSaas.Locations;
using HeatmapSaas.Silo;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Newtonsoft.Json;
using Orleans.Configuration;
using Orleans.Storage;

namespace HeatmapSaas.Tests.Postgres;

/// <summary>
/// Grain state written before the feature-folder move (its <c>$type</c>s in the old namespaces) loads through the
/// serializer PostgreSQL mode's grain storage is configured with. The silo is built, not started: no server needed.
/// </summary>
public sealed class MovedTypeNamesTests : IDisposable
{
    /// <summary>Today's name → the name state written before the move carries (from <c>git log -M 90f8e06..</c>).</summary>
    private static readonly (string Now, string Before)[] OldNames =
    [
        ("HeatmapSaas.Grains.Locations.LocationGrainState, HeatmapSaas.Grains", "HeatmapSaas.Grains.Catalog.LocationGrainState, HeatmapSaas.Grains"),
        ("HeatmapSaas.Grains.Heatmaps.HeatmapGrainState, HeatmapSaas.Grains", "HeatmapSaas.Grains.Catalog.HeatmapGrainState, HeatmapSaas.Grains"),
        ("HeatmapSaas.Grains.Heatmaps.DataUpdateNotice, HeatmapSaas.Grains", "HeatmapSaas.Grains.Webhooks.DataUpdateNotice, HeatmapSaas.Grains"),
        ("HeatmapSaas.Locations.Location, HeatmapSaas.Grains.Interfaces", "HeatmapSaas.Catalog.Location, HeatmapSaas.Grains.Interfaces"),
        ("HeatmapSaas.Locations.FloorPlan, HeatmapSaas.Grains.Interfaces", "HeatmapSaas.Catalog.FloorPlan, HeatmapSaas.Grains.Interfaces"),
        ("HeatmapSaas.Heatmaps.Heatmap, HeatmapSaas.Grains.Interfaces", "HeatmapSaas.Catalog.Heatmap, HeatmapSaas.Grains.Interfaces"),
        ("HeatmapSaas.Footfall.GatewayStatus, HeatmapSaas.Grains.Interfaces", "HeatmapSaas.Ingest.GatewayStatus, HeatmapSaas.Grains.Interfaces"),
        // Moved assembly as well as namespace.
        ("HeatmapSaas.HeatmapType, HeatmapSaas.Grains.Interfaces", "HeatmapSaas.Grains.Domain.Footfall.HeatmapType, HeatmapSaas.Grains"),
    ];

    private static readonly FloorPlan Floor = new(420, 180);

    private static readonly Location Store = new("loc_7f3a", 42, "Rivoli flagship", "rivoli-flagship", "store",
        "99 rue de Rivoli, Paris", 48.8606, 2.3376, "Europe/Paris", "Maison", null, Floor, 45,
        new DateTimeOffset(2026, 1, 12, 9, 30, 0, TimeSpan.Zero), Capacity: 250);

    private static readonly Heatmap Entrance = new("hm_01", 42, "Entrance flow", "loc_7f3a", "customer_flow", "Europe/Paris",
        60, 10, "active", new DateTimeOffset(2026, 1, 12, 9, 45, 0, TimeSpan.Zero), Floor);

    private static readonly Heatmap Tills = Entrance with { Id = "hm_02", Name = "Till dwell", Type = "dwell_time", CellSize = 20 };

    private readonly IHost _silo;

    public MovedTypeNamesTests()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Postgres"] = "Host=127.0.0.1;Port=9;Database=unused;Username=unused",
        });
        builder.UseOrleans(silo => silo.AddHeatmapSilo(builder.Configuration));
        _silo = builder.Build();
    }

    public void Dispose() => _silo.Dispose();

    /// <summary>What <c>AddAdoNetGrainStorage</c> reads and writes grain state with.</summary>
    private IGrainStorageSerializer Storage =>
        _silo.Services.GetRequiredService<IOptionsMonitor<AdoNetGrainStorageOptions>>().Get(StorageNames.Default).GrainStorageSerializer;

    [Fact]
    public void A_location_written_under_the_old_names_loads()
    {
        var state = new LocationGrainState
        {
            Location = Store,
            Ledger = [1, 0, 0, 0, 7, 42, 255],
            AppliedPosition = 1_204,
            Gateways = new() { ["gw-door"] = new("gw-door", new DateTimeOffset(2026, 3, 2, 17, 4, 11, TimeSpan.Zero), 812, 40_113) },
            Heatmaps = [Entrance, Tills],
            UsageMonth = "2026-03",
            MonthEvents = 40_113,
            MonthBatches = 812,
            HistoryBefore = 29_530_000,
            HistoryGeneration = 3,
            OverCapacity = true,
            Following = new() { ["hm_01"] = HeatmapType.CustomerFlow, ["hm_02"] = HeatmapType.DwellTime },
        };

        var loaded = LoadFromOldNames(state);

        Assert.Equal(Store, loaded.Location);
        Assert.Equal([Entrance, Tills], loaded.Heatmaps);
        Assert.Equal(state.Gateways, loaded.Gateways);
        Assert.Equal(state.Following, loaded.Following);
        Assert.Equal(state.Ledger, loaded.Ledger);
    }

    [Fact]
    public void A_catalog_page_written_under_the_old_names_loads()
    {
        var state = new CatalogPageState
        {
            Page = new CatalogPage(
                [new CatalogEntry<Location>(1, Store), new CatalogEntry<Location>(2, Store with { Id = "loc_9b1c", Slug = "opera", ParentId = "loc_7f3a" })],
                [new CatalogEntry<Heatmap>(3, Entrance), new CatalogEntry<Heatmap>(4, Tills)]),
        };

        var loaded = LoadFromOldNames(state);

        Assert.Equal(state.Page.Locations, loaded.Page.Locations);
        Assert.Equal(state.Page.Heatmaps, loaded.Page.Heatmaps);
    }

    [Fact]
    public void A_heatmap_written_under_the_old_names_loads()
    {
        var state = new HeatmapGrainState
        {
            Heatmap = Tills,
            Updates = new DataUpdateNotice
            {
                PendingSamples = 17,
                LastUpdate = new DateTimeOffset(2026, 3, 2, 17, 4, 9, TimeSpan.Zero),
                LastNotifiedAt = new DateTimeOffset(2026, 3, 2, 17, 3, 0, TimeSpan.Zero),
                Scheduled = true,
                LastPosition = 1_204,
            },
        };

        var loaded = LoadFromOldNames(state);

        Assert.Equal(Tills, loaded.Heatmap);
        Assert.Equivalent(state.Updates, loaded.Updates, strict: true);
    }

    [Fact]
    public void A_name_no_product_type_has_still_fails()
    {
        var written = Storage.Serialize(new HeatmapGrainState { Heatmap = Entrance }).ToString()
            .Replace("HeatmapSaas.Heatmaps.Heatmap, ", "HeatmapSaas.Catalog.NoSuchHeatmap, ");

        Assert.Throws<JsonSerializationException>(() => Storage.Deserialize<HeatmapGrainState>(new BinaryData(written)));
    }

    /// <summary>
    /// Serializes as the provider does, renames every moved type in the payload to its old name, and reads it back;
    /// the state read must write the same payload as the original.
    /// </summary>
    private T LoadFromOldNames<T>(T state)
    {
        var written = Storage.Serialize(state).ToString();
        var old = OldNames.Aggregate(written, (json, name) => json.Replace(name.Now, name.Before, StringComparison.Ordinal));
        Assert.All(OldNames.Where(n => written.Contains(n.Now, StringComparison.Ordinal)),
            n => Assert.DoesNotContain(n.Now, old, StringComparison.Ordinal));
        Assert.Contains("HeatmapSaas.Catalog.Heatmap, ", old, StringComparison.Ordinal);

        // Orleans' default storage serializer, which the provider used before, cannot read it.
        var plain = _silo.Services.GetRequiredService<IGrainStorageSerializer>();
        Assert.Throws<JsonSerializationException>(() => plain.Deserialize<T>(new BinaryData(old)));

        var loaded = Storage.Deserialize<T>(new BinaryData(old))!;
        Assert.Equal(written, Storage.Serialize(loaded).ToString());
        return loaded;
    }
}
