using HeatmapSaas.Catalog;
using HeatmapSaas.Errors;
using HeatmapSaas.Grains.Billing;
using HeatmapSaas.Grains.Webhooks;
using HeatmapSaas.Locations;
using HeatmapSaas.Tenants;
using HeatmapSaas.Webhooks;
using Microsoft.Extensions.Options;

namespace HeatmapSaas.Grains.Tenants;

public sealed class TenantGrain(
    [PersistentState("tenant", StorageNames.Default)] IPersistentState<TenantState> state,
    TimeProvider clock,
    IOptions<PlanPrices> plans) : Grain, ITenantGrain, IRemindable
{
    private const string PlanExpiryReminder = "plan-expiry";
    private const int RememberedPayments = 50;
    private static readonly TimeSpan MinimumDue = TimeSpan.FromSeconds(1);

    private readonly RequestQuota _quota = new();

    private TenantProfile Profile => state.State.Profile ?? Unknown();

    private TenantProfile Unknown()
    {
        DeactivateOnIdle();
        throw ApiException.NotFound("Tenant");
    }

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

    public Task<TenantProfile?> GetAsync()
    {
        if (state.State.Profile is null)
        {
            DeactivateOnIdle();
        }

        return Task.FromResult(state.State.Profile);
    }

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

    public async Task<RequestAllowance> ConsumeRequestAsync()
    {
        await ExpirePlanIfOverAsync();
        return _quota.Consume(Profile.Plan, clock.GetUtcNow());
    }

    public async Task<TenantUsage> GetUsageAsync()
    {
        await ExpirePlanIfOverAsync();
        var profile = Profile;
        var catalog = GrainFactory.GetGrain<ICatalogGrain>(profile.Id);
        var (locations, heatmaps) = await catalog.CountAsync();
        // The locations own their totals: asked now, so the answer is exact and nothing is kept here to drift.
        var reports = await Task.WhenAll((await catalog.GetLocationIdsAsync())
            .Select(id => GrainFactory.GetGrain<ILocationGrain>(id).GetUsageAsync(profile.Id)));
        var now = clock.GetUtcNow();
        var monthStart = new DateTimeOffset(now.Year, now.Month, 1, 0, 0, 0, TimeSpan.Zero);
        var totals = TenantRollup.Totals(reports, UsageMonth.Of(now));
        return new TenantUsage(profile, monthStart, monthStart.AddMonths(1), totals.Events, totals.Batches,
            locations, heatmaps, totals.Occupancy, totals.VisitorsToday);
    }

    public async Task<TenantProfile> ExtendPlanAsync(PlanPurchase purchase)
    {
        var profile = Profile;
        if (state.State.AppliedPayments.Contains(purchase.PaymentId))
        {
            return profile;
        }

        var (plan, expiresAt) = PlanTerm.Extend(profile.Plan, profile.PlanExpiresAt, purchase.Plan, purchase.Period, clock.GetUtcNow());
        state.State.Profile = profile with { Plan = plan, PlanExpiresAt = expiresAt };
        state.State.AppliedPayments.Add(purchase.PaymentId);
        if (state.State.AppliedPayments.Count > RememberedPayments)
        {
            state.State.AppliedPayments.RemoveAt(0);
        }

        await state.WriteStateAsync();
        await ScheduleExpiryAsync();
        return state.State.Profile;
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != PlanExpiryReminder)
        {
            return;
        }

        await ExpirePlanIfOverAsync();
        await ScheduleExpiryAsync();
    }

    /// <summary>
    /// A reminder, not a timer, so the plan ends even when no grain is active. It sleeps at most
    /// <see cref="PlanPrices.ExpiryCheck"/> and then sets itself again, so it lands at the period's end whatever
    /// moved the clock or the end meanwhile.
    /// </summary>
    private async Task ScheduleExpiryAsync()
    {
        if (state.State.Profile?.PlanExpiresAt is not { } end)
        {
            if (await this.GetReminder(PlanExpiryReminder) is { } stale)
            {
                await this.UnregisterReminder(stale);
            }

            return;
        }

        // Orleans takes a reminder due "now" as due a whole period later, hence at least a second.
        var wait = end - clock.GetUtcNow();
        var due = wait < MinimumDue ? MinimumDue : wait < plans.Value.ExpiryCheck ? wait : plans.Value.ExpiryCheck;
        // The period is only a safety net behind the due time; Orleans wants at least a minute.
        await this.RegisterOrUpdateReminder(PlanExpiryReminder, due, TimeSpan.FromHours(1));
    }

    /// <summary>Also checked on every request, so the plan ends at its instant even before the reminder runs.</summary>
    private async Task ExpirePlanIfOverAsync()
    {
        if (state.State.Profile is not { } profile || !PlanTerm.IsOver(profile.PlanExpiresAt, clock.GetUtcNow()))
        {
            return;
        }

        // Published before the state changes: after a crash in between the same event id is published again, and
        // the outbox keeps one delivery of it.
        var endedAt = profile.PlanExpiresAt!.Value;
        await GrainFactory.GetGrain<IWebhookRegistryGrain>(profile.Id).PublishAsync(WebhookPayload.Build(
            $"evt_expiry_{profile.Id}_{endedAt.ToUnixTimeSeconds()}", WebhookEventTypes.PlanExpired, clock.GetUtcNow(),
            new { tenant_id = profile.Id, previous_plan = PlanName(profile.Plan), plan = PlanName(Plan.Free), expired_at = Instants.Utc(endedAt) }));
        state.State.Profile = profile with { Plan = Plan.Free, PlanExpiresAt = null };
        await state.WriteStateAsync();
    }

    private static string PlanName(Plan plan) => plan.ToString().ToLowerInvariant();

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
