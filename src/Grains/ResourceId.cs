using System.Security.Cryptography;

namespace HeatmapSaas.Grains;

/// <summary>Random, URL-safe, unguessable resource ids such as <c>loc_…</c> and <c>hm_…</c>.</summary>
public static class ResourceId
{
    private const string Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    /// <summary>The prefix, an underscore and 20 base-62 characters (about 119 random bits).</summary>
    public static string New(string prefix) =>
        prefix + "_" + RandomNumberGenerator.GetString(Alphabet, 20);
}
