using System.Globalization;
using HeatmapSaas.Errors;
using HeatmapSaas.Grains.Footfall;
using HeatmapSaas.LandingPages;
using HeatmapSaas.Tenants;
using Microsoft.Extensions.Logging;

namespace HeatmapSaas.Grains.LandingPages;

/// <summary>
/// A tenant's landing-page analytics. The per-minute budget lives here so every API node counts against one number.
/// State is written at most every <see cref="WriteInterval"/> while events arrive (inline, and by a timer for the
/// last ones) and on deactivation: a crash loses at most those few seconds of counts.
/// </summary>
public sealed class LandingAnalyticsGrain(
    [PersistentState("landing-analytics", StorageNames.Default)] IPersistentState<LandingAnalyticsState> state,
    TimeProvider clock,
    ILogger<LandingAnalyticsGrain> logger) : Grain, ILandingAnalyticsGrain
{
    public const int EventsPerMinute = 100;
    public static readonly TimeSpan WriteInterval = TimeSpan.FromSeconds(5);

    private readonly SlidingWindowBudget _budget = new(EventsPerMinute, TimeSpan.FromMinutes(1));
    private LandingLedger _ledger = new();
    private LocalCalendar? _calendar;
    private DateOnly _compactedFor;
    private DateTimeOffset _lastWrite = DateTimeOffset.MinValue;
    private bool _dirty;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _ledger = LandingLedger.FromState(state.State);
        // The ledger is the live copy; the state object is only filled for a write.
        state.State = new LandingAnalyticsState();
        this.RegisterGrainTimer(FlushAsync, WriteInterval, WriteInterval);
        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (_dirty && !ShutdownWrites.Pointless(ServiceProvider, reason))
        {
            await WriteAsync();
        }
    }

    public async Task<TrackOutcome> TrackAsync(LandingHit hit)
    {
        var calendar = await CalendarAsync();
        var now = clock.GetUtcNow();
        var today = calendar.Today(now);
        Compact(today);
        if (hit.Bot)
        {
            _ledger.RecordBot(today);
            await ChangedAsync(now);
            return TrackOutcome.BotIgnored;
        }

        if (!_budget.TryTake(now, out var wait))
        {
            var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
            throw new ApiException(ApiErrorCode.RateLimited,
                $"Rate limit of {_budget.Limit} events per minute exceeded for this tenant; retry after {seconds} s",
                retryAfterSeconds: seconds);
        }

        _ledger.Record(today, now, hit);
        await ChangedAsync(now);
        return TrackOutcome.Counted;
    }

    public async Task<LandingSummary> GetSummaryAsync() => _ledger.Summarize(await TodayAsync());

    public async Task<LandingBreakdown> GetBreakdownAsync() => _ledger.Breakdown(await TodayAsync());

    public Task<IReadOnlyList<StoredLandingHit>> GetRecentAsync() =>
        Task.FromResult<IReadOnlyList<StoredLandingHit>>(_ledger.Recent.ToList());

    /// <summary>Today in the tenant's zone, with older days compacted.</summary>
    private async Task<DateOnly> TodayAsync()
    {
        var calendar = await CalendarAsync();
        var today = calendar.Today(clock.GetUtcNow());
        Compact(today);
        return today;
    }

    /// <summary>The tenant's zone; an unknown tenant is the caller's mistake (400), and its activation is not kept.</summary>
    private async Task<LocalCalendar> CalendarAsync()
    {
        if (_calendar is not null)
        {
            return _calendar;
        }

        var tenantId = this.GetPrimaryKeyLong();
        if (await GrainFactory.GetGrain<ITenantGrain>(tenantId).GetAsync() is not { } profile)
        {
            DeactivateOnIdle();
            throw new ApiException(ApiErrorCode.InvalidRequest,
                $"Unknown tenant_id {tenantId.ToString(CultureInfo.InvariantCulture)}", "tenant_id", ParameterProblem.Unknown);
        }

        // A tenant's zone is fixed at creation; an id this machine does not know would have been refused then.
        _calendar = LocalCalendar.For(profile.TimeZone);
        return _calendar;
    }

    private void Compact(DateOnly today)
    {
        if (today != _compactedFor)
        {
            _ledger.Compact(today);
            _compactedFor = today;
        }
    }

    private async Task ChangedAsync(DateTimeOffset now)
    {
        _dirty = true;
        if (now - _lastWrite < WriteInterval)
        {
            return;
        }

        try
        {
            await WriteAsync();
        }
        catch (Exception e)
        {
            // The event is counted in memory; failing the request would only make the client send it again.
            // The timer and the deactivation retry the write.
            _lastWrite = now;
            logger.LogWarning(e, "Writing the landing analytics of tenant {TenantId} failed; retrying later", this.GetPrimaryKeyLong());
        }
    }

    private Task FlushAsync(CancellationToken cancellationToken) => _dirty ? WriteAsync() : Task.CompletedTask;

    private async Task WriteAsync()
    {
        state.State = _ledger.ToState();
        try
        {
            await state.WriteStateAsync();
            _dirty = false;
            _lastWrite = clock.GetUtcNow();
        }
        finally
        {
            state.State = new LandingAnalyticsState();
        }
    }
}
