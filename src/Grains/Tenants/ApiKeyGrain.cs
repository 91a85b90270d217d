using HeatmapSaas.Tenants;

namespace HeatmapSaas.Grains.Tenants;

[GenerateSerializer]
public sealed class ApiKeyState
{
    [Id(0)] public KeyHolder? Holder { get; set; }
    [Id(1)] public DateTimeOffset? LastUsedAt { get; set; }
    [Id(2)] public string SecretHash { get; set; } = "";
}

public sealed class ApiKeyGrain(
    [PersistentState("api-key", StorageNames.Default)] IPersistentState<ApiKeyState> state,
    TimeProvider clock) : Grain, IApiKeyGrain
{
    // Writing on every request would make each API call a database write; the last use is saved at most this often.
    private static readonly TimeSpan LastUsedResolution = TimeSpan.FromMinutes(1);

    private DateTimeOffset? _lastUsed;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _lastUsed = state.State.LastUsedAt;
        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (state.State.Holder is not null && _lastUsed != state.State.LastUsedAt && !ShutdownWrites.Pointless(ServiceProvider, reason))
        {
            state.State.LastUsedAt = _lastUsed;
            await state.WriteStateAsync(cancellationToken);
        }
    }

    public async Task RegisterAsync(KeyHolder holder)
    {
        state.State.Holder = holder;
        state.State.SecretHash = this.GetPrimaryKeyString();
        await state.WriteStateAsync();
    }

    public async Task<KeyHolder?> ResolveAsync()
    {
        // The grain is addressed by the presented secret's hash; the stored hash is compared in constant time so the
        // answer never depends on how much of it matched.
        if (state.State.Holder is not { } holder || !ApiKeySecret.HashesEqual(state.State.SecretHash, this.GetPrimaryKeyString()))
        {
            // A guessed or revoked key: nothing to keep in memory for it, and nothing is written.
            DeactivateOnIdle();
            return null;
        }

        var now = clock.GetUtcNow();
        _lastUsed = now;
        if (state.State.LastUsedAt is not { } saved || now - saved >= LastUsedResolution)
        {
            state.State.LastUsedAt = now;
            await state.WriteStateAsync();
        }

        return holder;
    }

    public Task<DateTimeOffset?> GetLastUsedAsync() => Task.FromResult(_lastUsed);

    public async Task RevokeAsync()
    {
        await state.ClearStateAsync();
        _lastUsed = null;
    }
}
