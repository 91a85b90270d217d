using HeatmapSaas.Billing;

namespace HeatmapSaas.Grains.Idempotency;

[GenerateSerializer]
public sealed class IdempotencyState
{
    [Id(0)] public string? Fingerprint { get; set; }
    [Id(1)] public DateTimeOffset ClaimedAt { get; set; }
    [Id(2)] public StoredResponse? Response { get; set; }
}

/// <summary>
/// One Idempotency-Key of one tenant (key <c>{tenant}/{key}</c>). Answers are kept for <see cref="Retention"/>, as
/// Stripe keeps them for 24 hours. A claim whose request never completed (its process died) lapses after
/// <see cref="ClaimLease"/>, so a key cannot be stuck in flight forever.
/// </summary>
public sealed class IdempotencyGrain(
    [PersistentState("idempotency", StorageNames.Default)] IPersistentState<IdempotencyState> state,
    TimeProvider clock) : Grain, IIdempotencyGrain
{
    public static readonly TimeSpan Retention = TimeSpan.FromHours(24);
    public static readonly TimeSpan ClaimLease = TimeSpan.FromMinutes(2);

    public async Task<IdempotencyClaim> ClaimAsync(string fingerprint)
    {
        var now = clock.GetUtcNow();
        var current = state.State;
        var lapsed = current.Fingerprint is null
                     || (current.Response is null && now - current.ClaimedAt > ClaimLease)
                     || now - current.ClaimedAt > Retention;
        if (!lapsed)
        {
            if (current.Fingerprint != fingerprint)
            {
                return new IdempotencyClaim(IdempotencyOutcome.Mismatch, null);
            }

            return current.Response is { } response
                ? new IdempotencyClaim(IdempotencyOutcome.Replay, response)
                : new IdempotencyClaim(IdempotencyOutcome.InFlight, null);
        }

        state.State = new IdempotencyState { Fingerprint = fingerprint, ClaimedAt = now };
        await state.WriteStateAsync();
        return new IdempotencyClaim(IdempotencyOutcome.Claimed, null);
    }

    public async Task CompleteAsync(string fingerprint, StoredResponse response)
    {
        if (state.State.Fingerprint == fingerprint && state.State.Response is null)
        {
            state.State.Response = response;
            await state.WriteStateAsync();
        }
    }

    public async Task ReleaseAsync(string fingerprint)
    {
        if (state.State.Fingerprint == fingerprint && state.State.Response is null)
        {
            await state.ClearStateAsync();
            state.State = new IdempotencyState();
        }
    }
}
