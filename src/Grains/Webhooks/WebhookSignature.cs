using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace HeatmapSaas.Grains.Webhooks;

/// <summary>
/// Standard Webhooks signing: <c>v1,</c> + base64 of HMAC-SHA256 over <c>{id}.{timestamp}.{body}</c>, keyed with
/// the bytes the secret carries after <c>whsec_</c>.
/// </summary>
public static class WebhookSignature
{
    public const string SecretPrefix = "whsec_";

    /// <summary>A new secret: the prefix and the base64 of 32 random bytes.</summary>
    public static string NewSecret() => SecretPrefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    public static string Sign(string secret, string messageId, DateTimeOffset timestamp, string body)
    {
        var key = Convert.FromBase64String(secret.StartsWith(SecretPrefix, StringComparison.Ordinal)
            ? secret[SecretPrefix.Length..]
            : secret);
        var content = Encoding.UTF8.GetBytes($"{messageId}.{UnixSeconds(timestamp)}.{body}");
        return "v1," + Convert.ToBase64String(HMACSHA256.HashData(key, content));
    }

    public static string UnixSeconds(DateTimeOffset timestamp) =>
        timestamp.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// The delivery's <c>webhook-id</c>, derived from the event and the endpoint, so publishing an event again
    /// (after a crash halfway through its effects) names the same delivery and queues nothing new.
    /// </summary>
    public static string DeliveryId(string eventId, string webhookId)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{eventId}\n{webhookId}"));
        return "msg_" + Convert.ToBase64String(hash, 0, 18).Replace('+', '-').Replace('/', '_');
    }
}
