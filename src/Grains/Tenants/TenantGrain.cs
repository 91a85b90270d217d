using HeatmapSaas.Catalog;
using HeatmapSaas.Errors;
using Orleans.Streams;
using HeatmapSaas.Grains.Domain;
using HeatmapSaas.Tenants;

namespace HeatmapSaas.Grains.Tenants;

[ImplicitStreamSubscription(RollupStream.Namespace)]
public sealed class TenantGrain(
    [PersistentState("tenant", StorageNames.Default)] IPersistentState<TenantState> state,
    TimeProvider clock) : Grain, ITenantGrain
{
    private static readonly TimeSpan ReconcileInterval = TimeSpan.FromMinutes(1);

    private readonly RequestQuota _quota = new();
    private readonly TenantRollup _rollup = new();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        await this.GetStreamProvider(RollupStream.Provider)
            .GetStream<LocationUsage>(StreamId.Create(RollupStream.Namespace, this.GetPrimaryKeyLong()))
            .SubscribeAsync((report, _) =>
            {
                _rollup.Accept(report);
                return Task.CompletedTask;
            });

        // Stream messages can be lost in a crash; asking the locations now and then heals the totals.
        this.RegisterGrainTimer(ReconcileAsync, TimeSpan.Zero, ReconcileInterval);
    }

    private TenantProfile Profile => state.State.Profile ?? throw ApiException.NotFound("Tenant");

    public async Task<CreatedTenant> CreateAsync(NewTenant tenant, string? presetKeySecret)
    {
        if (state.State.Profile is not null)
        {
            throw ApiException.Conflict("Tenant already exists");
        }

        state.State.Profile = new TenantProfile(
            this.GetPrimaryKeyLong(), tenant.Name, tenant.Plan, tenant.TimeZone, clock.GetUtcNow(), null);
        var key = await IssueKeyAsync("Default key", KeyScope.Full, presetKeySecret ?? ApiKeySecret.New());
        return new CreatedTenant(Profile, key);
    }

    public Task<TenantProfile?> GetAsync() => Task.FromResult(state.State.Profile);

    public Task<IssuedApiKey> CreateApiKeyAsync(string name, KeyScope scope)
    {
        _ = Profile;
        return IssueKeyAsync(name, scope, ApiKeySecret.New());
    }

    public async Task<IReadOnlyList<ApiKeySummary>> ListApiKeysAsync()
    {
        _ = Profile;
        var lastUses = await Task.WhenAll(state.State.Keys.Select(k =>
            GrainFactory.GetGrain<IApiKeyGrain>(k.Hash).GetLastUsedAsync()));
        return state.State.Keys.Select((k, i) => k.Summary with { LastUsedAt = lastUses[i] }).ToList();
    }

    public async Task RevokeApiKeyAsync(string keyId)
    {
        var key = state.State.Keys.Find(k => k.Summary.Id == keyId) ?? throw ApiException.NotFound("API key");
        // Revoke first: if the state write then fails, the key is already unusable, which is the safe side.
        await GrainFactory.GetGrain<IApiKeyGrain>(key.Hash).RevokeAsync();
        state.State.Keys.Remove(key);
        await state.WriteStateAsync();
    }

    public Task<RequestAllowance> ConsumeRequestAsync() =>
        Task.FromResult(_quota.Consume(Profile.Plan, clock.GetUtcNow()));

    public async Task<TenantUsage> GetUsageAsync()
    {
        var profile = Profile;
        var (locations, heatmaps) = await GrainFactory.GetGrain<ICatalogGrain>(profile.Id).CountAsync();
        var now = clock.GetUtcNow();
        var monthStart = new DateTimeOffset(now.Year, now.Month, 1, 0, 0, 0, TimeSpan.Zero);
        var totals = _rollup.Totals(RollupStream.MonthOf(now));
        return new TenantUsage(profile, monthStart, monthStart.AddMonths(1), totals.Events, totals.Batches,
            locations, heatmaps, totals.Occupancy, totals.VisitorsToday);
    }

    private async Task ReconcileAsync(CancellationToken ct)
    {
        if (state.State.Profile is null)
        {
            return;
        }

        var tenantId = this.GetPrimaryKeyLong();
        var ids = await GrainFactory.GetGrain<ICatalogGrain>(tenantId).GetLocationIdsAsync();
        var reports = await Task.WhenAll(ids.Select(id => GrainFactory.GetGrain<ILocationGrain>(id).GetUsageAsync(tenantId)));
        foreach (var report in reports)
        {
            _rollup.Accept(report);
        }

        _rollup.Forget(ids);
    }

    private async Task<IssuedApiKey> IssueKeyAsync(string name, KeyScope scope, string secret)
    {
        var summary = new ApiKeySummary(
            ResourceId.New("key"), name, scope, ApiKeySecret.Prefix, secret[^4..], clock.GetUtcNow(), null);
        var hash = ApiKeySecret.Hash(secret);
        await GrainFactory.GetGrain<IApiKeyGrain>(hash)
            .RegisterAsync(new KeyHolder(this.GetPrimaryKeyLong(), summary.Id, scope));
        state.State.Keys.Add(new StoredApiKey(summary, hash));
        await state.WriteStateAsync();
        return new IssuedApiKey(summary, secret);
    }
}
