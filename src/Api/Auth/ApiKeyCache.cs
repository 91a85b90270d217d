using HeatmapSaas.Api.Caching;
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

    private readonly RecentAnswers<string, KeyHolder> _holders = new(
        keyHash => grains.GetGrain<IApiKeyGrain>(keyHash).ResolveAsync(),
        config.GetValue("Heatmap:Auth:KeyCache", TimeSpan.FromSeconds(2)), MaxKeys, clock);

    public TimeSpan Freshness => _holders.Freshness;

    /// <summary>The holder of the key with this hash as of at most <see cref="Freshness"/> ago, or null.</summary>
    public ValueTask<KeyHolder?> HolderAsync(string keyHash) => _holders.GetAsync(keyHash);

    /// <summary>Asks the key's grain now (which also records the use) and keeps the answer.</summary>
    public Task<KeyHolder?> ResolveAsync(string keyHash) => _holders.AskAsync(keyHash);

    /// <summary>A key this process just revoked: refused from now on.</summary>
    public void Forget(string keyId) => _holders.Forget((_, holder) => holder.KeyId == keyId);
}
