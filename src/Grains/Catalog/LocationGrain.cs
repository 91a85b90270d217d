using HeatmapSaas.Catalog;
using HeatmapSaas.Errors;
using HeatmapSaas.Grains.Domain.Footfall;
using HeatmapSaas.Grains.Ingest;
using HeatmapSaas.Grains.Reports;
using HeatmapSaas.Ingest;
using Microsoft.Extensions.Options;

namespace HeatmapSaas.Grains.Catalog;

[GenerateSerializer]
public sealed class LocationGrainState
{
    [Id(0)] public Location? Location { get; set; }
    /// <summary>The ledger's checkpoint (its own compact binary format) and the log position it reflects.</summary>
    [Id(1)] public byte[]? Ledger { get; set; }
    [Id(2)] public long AppliedPosition { get; set; }
    [Id(3)] public Dictionary<string, GatewayStatus> Gateways { get; set; } = [];
    [Id(4)] public List<Heatmap> Heatmaps { get; set; } = [];
}

/// <summary>
/// One location: owns its ingest (validate, dedupe through the log, apply), its live footfall ledger and the
/// heatmaps that follow it. A thin shell over <see cref="FootfallLedger"/> and <see cref="IIngestLog"/>.
/// </summary>
public sealed class LocationGrain(
    [PersistentState("location", StorageNames.Default)] IPersistentState<LocationGrainState> state,
    IIngestLog log,
    IOptions<IngestOptions> options,
    TimeProvider clock) : Grain, ILocationGrain
{
    private readonly IngestOptions _options = options.Value;
    private FootfallLedger _ledger = new(LocationRules.Default);
    private EventRateLimit _rateLimit = null!;
    private int _batchesSinceCheckpoint;
    private long _appliedPosition;
    private IGrainTimer? _checkpointTimer;

    private string LocationId => this.GetPrimaryKeyString();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _rateLimit = new EventRateLimit(_options.MaxEventsPerSecond);
        if (state.State.Location is not { } location)
        {
            return;
        }

        var rules = RulesOf(location);
        if (state.State.Ledger is { } bytes)
        {
            using var reader = new BinaryReader(new MemoryStream(bytes));
            _ledger = FootfallLedger.ReadFrom(reader, rules);
        }
        else
        {
            _ledger = new FootfallLedger(rules);
        }

        _appliedPosition = state.State.AppliedPosition;

        // Whatever was acknowledged after the checkpoint is applied again, in log order, at its original time.
        foreach (var entry in await log.ReadAboveAsync(LocationId, state.State.AppliedPosition, cancellationToken))
        {
            Apply(entry);
        }

        _checkpointTimer = this.RegisterGrainTimer(TickAsync, _options.CheckpointInterval, _options.CheckpointInterval);
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _checkpointTimer?.Dispose();
        if (state.State.Location is not null)
        {
            await CheckpointAsync();
        }
    }

    public async Task ConfigureAsync(Location location)
    {
        state.State.Location = location;
        _ledger.Rules = RulesOf(location);
        await CheckpointAsync();
    }

    public async Task RetireAsync(long tenantId)
    {
        _ = Owned(tenantId);
        _checkpointTimer?.Dispose();
        await state.ClearStateAsync();
        _ledger = new FootfallLedger(LocationRules.Default);
        DeactivateOnIdle();
    }

    public Task<DateTimeOffset?> GetLastUpdateAsync(long tenantId)
    {
        _ = Owned(tenantId);
        return Task.FromResult(_ledger.NewestTs);
    }

    public async Task<IngestReceipt> IngestAsync(long tenantId, SensorBatch batch)
    {
        var location = Owned(tenantId);
        var now = clock.GetUtcNow();
        if (!_rateLimit.TryTake(batch.EventCount, now))
        {
            throw new ApiException(ApiErrorCode.RateLimited,
                $"This location accepts at most {_options.MaxEventsPerSecond} events per second; the batch was not counted",
                retryAfterSeconds: 1);
        }

        var (_, accepted, receipt) = BatchValidator.Validate(batch, location.FloorPlan, now, _options);
        var append = await log.AppendAsync(LocationId, new LoggedBatch(0, batch.BatchId, batch.GatewayId, accepted, receipt, now));
        if (append.Duplicate)
        {
            return append.Entry.Receipt with { Duplicate = true };
        }

        var effect = Apply(append.Entry);
        await ForwardToHeatmapsAsync(append.Entry.Position, effect);
        if (++_batchesSinceCheckpoint >= _options.CheckpointEveryBatches)
        {
            await CheckpointAsync();
        }

        return receipt;
    }

    public Task<TrafficRow[]> GetTrafficAsync(long tenantId, TrafficQuery query) =>
        Task.FromResult(Reports(Owned(tenantId).TimeZone).Traffic(query));

    public Task<LocationAnalytics> GetAnalyticsAsync(long tenantId, BucketWindow window) =>
        Task.FromResult(Reports(Owned(tenantId).TimeZone).Analytics(window));

    public Task<VisitorSummary> GetVisitorSummaryAsync(long tenantId, BucketWindow window, string timeZone)
    {
        _ = Owned(tenantId);
        return Task.FromResult(Reports(timeZone).Summary(window));
    }

    public Task<GatewayStatus[]> GetGatewaysAsync(long tenantId)
    {
        _ = Owned(tenantId);
        return Task.FromResult(state.State.Gateways.Values.OrderBy(g => g.GatewayId, StringComparer.Ordinal).ToArray());
    }

    public async Task AttachHeatmapAsync(Heatmap heatmap)
    {
        state.State.Heatmaps.RemoveAll(h => h.Id == heatmap.Id);
        state.State.Heatmaps.Add(heatmap);
        await state.WriteStateAsync();
    }

    public async Task DetachHeatmapAsync(string heatmapId)
    {
        state.State.Heatmaps.RemoveAll(h => h.Id == heatmapId);
        await state.WriteStateAsync();
    }

    public Task<GridSnapshot> GetGridsAsync(long tenantId, string heatmapType)
    {
        _ = Owned(tenantId);
        HeatmapTypes.TryParse(heatmapType, out var type);
        var buckets = _ledger.LiveBuckets()
            .Select(b => new BucketCells(b.Time.Index, CellsOf(b.Grid(type)), 0))
            .Where(b => b.Cells.Length > 0)
            .ToArray();
        return Task.FromResult(new GridSnapshot(_appliedPosition, buckets));
    }

    private BatchEffect Apply(LoggedBatch entry)
    {
        var effect = _ledger.Apply(BatchValidator.ToEvents(entry.Accepted), entry.ReceivedAt);
        _appliedPosition = entry.Position;
        if (entry.GatewayId is { } gateway)
        {
            var seen = state.State.Gateways.GetValueOrDefault(gateway);
            state.State.Gateways[gateway] = new GatewayStatus(
                gateway, entry.ReceivedAt, (seen?.Batches ?? 0) + 1, (seen?.Events ?? 0) + entry.Receipt.Accepted + entry.Receipt.Rejected);
        }

        return effect;
    }

    private Task ForwardToHeatmapsAsync(long position, BatchEffect effect)
    {
        if (effect.Grids.Count == 0 || state.State.Heatmaps.Count == 0)
        {
            return Task.CompletedTask;
        }

        return Task.WhenAll(state.State.Heatmaps.Select(heatmap =>
        {
            HeatmapTypes.TryParse(heatmap.Type, out var type);
            var changes = effect.Grids.Where(g => g.Type == type)
                .Select(g => new BucketCells(g.Bucket.Index, CellsOf(g.Added), g.Samples))
                .ToArray();
            return GrainFactory.GetGrain<IHeatmapGrain>(heatmap.Id).ApplyAsync(position, changes);
        }));
    }

    /// <summary>Ends tracks of a store gone quiet (wall-clock silence) and checkpoints what changed.</summary>
    private async Task TickAsync(CancellationToken ct)
    {
        _ledger.ExpireIdle(clock.GetUtcNow());
        if (_appliedPosition != state.State.AppliedPosition)
        {
            await CheckpointAsync();
        }
    }

    private async Task CheckpointAsync()
    {
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer))
        {
            _ledger.WriteTo(writer);
        }

        state.State.Ledger = buffer.ToArray();
        state.State.AppliedPosition = _appliedPosition;
        await state.WriteStateAsync();
        _batchesSinceCheckpoint = 0;
        await log.TruncateAsync(LocationId, _appliedPosition, clock.GetUtcNow() - _options.MaxEventAge);
    }

    private FootfallReports Reports(string timeZone) =>
        new(_ledger.CountsBetween, LocalCalendar.TryFind(timeZone, out var calendar) ? calendar : LocalCalendar.Utc);

    private static CellValue[] CellsOf(IntensityGrid grid) =>
        grid.ToCells().Select(c => new CellValue(c.X, c.Y, c.Value)).ToArray();

    private static LocationRules RulesOf(Location location) =>
        new(location.FloorPlan.Width, location.FloorPlan.Height, location.TrackTimeoutSeconds);

    /// <summary>The location, if it belongs to the caller's tenant; otherwise it does not exist for them.</summary>
    private Location Owned(long tenantId) =>
        state.State.Location is { } location && location.TenantId == tenantId
            ? location
            : throw ApiException.NotFound("Location");
}
