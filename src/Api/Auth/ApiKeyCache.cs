using System.Collections.Concurrent;
using HeatmapSaas.Tenants;

namespace HeatmapSaas.Api.Auth;

/// <summary>
/// The holders of the keys this process resolved lately, so that a gateway posting every few seconds does not cost
/// a grain call per request. A holder is trusted for <see cref="Freshness"/> (<c>Heatmap:Auth:KeyCache</c>, 2 s); a
/// key revoked through this process is forgotten at once (<see cref="Forget"/>), one revoked through another process
/// is refused here within <see cref="Freshness"/>. Unknown keys are never kept, so guessing cannot fill the cache, and
/// it holds at most <see cref="MaxKeys"/>.
/// </summary>
public sealed class ApiKeyCache(IGrainFactory grains, IConfiguration config, TimeProvider clock)
{
    public const int MaxKeys = 10_000;

    private readonly ConcurrentDictionary<string, (KeyHolder Holder, DateTimeOffset Until)> _holders = new(StringComparer.Ordinal);
    // Counts revocations, so a resolve that raced one does not put the revoked holder back.
    private long _revocations;

    public TimeSpan Freshness { get; } = config.GetValue("Heatmap:Auth:KeyCache", TimeSpan.FromSeconds(2));

    /// <summary>The holder of the key with this hash as of at most <see cref="Freshness"/> ago, or null.</summary>
    public ValueTask<KeyHolder?> HolderAsync(string keyHash) =>
        _holders.TryGetValue(keyHash, out var known) && clock.GetUtcNow() < known.Until
            ? ValueTask.FromResult<KeyHolder?>(known.Holder)
            : new ValueTask<KeyHolder?>(ResolveAsync(keyHash));

    /// <summary>Asks the key's grain now (which also records the use) and keeps the answer.</summary>
    public async Task<KeyHolder?> ResolveAsync(string keyHash)
    {
        var revocations = Interlocked.Read(ref _revocations);
        var until = clock.GetUtcNow() + Freshness;
        var holder = await grains.GetGrain<IApiKeyGrain>(keyHash).ResolveAsync();
        if (holder is null)
        {
            _holders.TryRemove(keyHash, out _);
            return null;
        }

        if (_holders.Count >= MaxKeys)
        {
            _holders.Clear();
        }

        _holders[keyHash] = (holder, until);
        if (Interlocked.Read(ref _revocations) != revocations)
        {
            _holders.TryRemove(keyHash, out _);
        }

        return holder;
    }

    /// <summary>A key this process just revoked: refused from now on.</summary>
    public void Forget(string keyId)
    {
        Interlocked.Increment(ref _revocations);
        foreach (var (hash, known) in _holders)
        {
            if (known.Holder.KeyId == keyId)
            {
                _holders.TryRemove(hash, out _);
            }
        }
    }
}
