using System.Security.Cryptography;
using System.Text;

namespace HeatmapSaas.Tenants;

/// <summary>API key secrets: how they look, and the only form in which they are kept (a SHA-256 hash).</summary>
public static class ApiKeySecret
{
    public const string Prefix = "hm_live_";

    /// <summary>A new secret: the prefix and 43 URL-safe characters (256 random bits).</summary>
    public static string New() => Prefix + Base64Url(RandomNumberGenerator.GetBytes(32));

    /// <summary>Lower-case hex SHA-256 of the secret; the key's grain id and the only thing stored.</summary>
    public static string Hash(string secret) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    /// <summary>Compares two hashes without leaking, through timing, how much of them matched.</summary>
    public static bool HashesEqual(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(a), Encoding.ASCII.GetBytes(b));

    public static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
