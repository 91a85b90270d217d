using System.Net;
using System.Security.Cryptography;
using System.Text;
using HeatmapSaas.LandingPages;

namespace HeatmapSaas.Api.LandingPages;

/// <summary>
/// Turns a visitor's IP address into the only form that is ever stored: the lower-case hex SHA-256 of the address
/// followed by a secret salt, cut to its first 45 characters. The salt is <c>Heatmap:Analytics:Salt</c> when set,
/// otherwise the cluster's generated one (<see cref="IAnalyticsSaltGrain"/>), fetched once per process.
/// </summary>
public sealed class VisitorHasher(IConfiguration config, IGrainFactory grains)
{
    public const string SaltKey = "Heatmap:Analytics:Salt";
    public const int HashLength = 45;

    private readonly Lock _gate = new();
    private Task<string>? _salt;

    public async ValueTask<string> HashAsync(IPAddress address) =>
        Hash(TrustedProxies.Normalize(address).ToString(), await SaltAsync());

    public static string Hash(string address, string salt) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(address + salt)))[..HashLength];

    private Task<string> SaltAsync()
    {
        if (config[SaltKey] is { Length: > 0 } configured)
        {
            return Task.FromResult(configured);
        }

        lock (_gate)
        {
            // A failed fetch (cluster briefly away) is not remembered: the next request asks again.
            if (_salt is null || _salt.IsFaulted || _salt.IsCanceled)
            {
                _salt = grains.GetGrain<IAnalyticsSaltGrain>(0).GetOrCreateAsync();
            }

            return _salt;
        }
    }
}
