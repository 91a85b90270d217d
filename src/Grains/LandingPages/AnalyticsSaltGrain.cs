using System.Security.Cryptography;
using HeatmapSaas.LandingPages;

namespace HeatmapSaas.Grains.LandingPages;

/// <summary>The generated visitor-hash salt, persisted before it is ever handed out (so no hash uses a salt that a
/// restart would forget).</summary>
public sealed class AnalyticsSaltGrain(
    [PersistentState("analytics-salt", StorageNames.Default)] IPersistentState<AnalyticsSaltState> state)
    : Grain, IAnalyticsSaltGrain
{
    public async Task<string> GetOrCreateAsync()
    {
        if (state.State.Salt is { Length: > 0 } salt)
        {
            return salt;
        }

        var fresh = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        state.State.Salt = fresh;
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            state.State.Salt = null;
            throw;
        }

        return fresh;
    }
}
