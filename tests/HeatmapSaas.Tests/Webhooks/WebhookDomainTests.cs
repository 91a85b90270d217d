using System.Net;
using System.Security.Cryptography;
using System.Text;
using HeatmapSaas.Grains.Heatmaps;
using HeatmapSaas.Grains.Webhooks;

namespace HeatmapSaas.Tests.Webhooks;

public sealed class WebhookDomainTests
{
    private static readonly DateTimeOffset Created = new(2025, 12, 25, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Secrets_are_whsec_and_the_base64_of_32_random_bytes()
    {
        var secret = WebhookSignature.NewSecret();
        Assert.StartsWith("whsec_", secret);
        Assert.Equal(32, Convert.FromBase64String(secret["whsec_".Length..]).Length);
        Assert.NotEqual(secret, WebhookSignature.NewSecret());
    }

    [Fact]
    public void The_signature_is_hmac_sha256_of_id_timestamp_body_keyed_with_the_secret_bytes()
    {
        var key = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
        var secret = "whsec_" + Convert.ToBase64String(key);
        var at = DateTimeOffset.FromUnixTimeSeconds(1_735_128_000);
        const string body = """{"event":"payment.succeeded"}""";

        var expected = "v1," + Convert.ToBase64String(new HMACSHA256(key).ComputeHash(
            Encoding.UTF8.GetBytes("msg_1.1735128000." + body)));
        Assert.Equal(expected, WebhookSignature.Sign(secret, "msg_1", at, body));
    }

    [Fact]
    public void A_delivery_id_is_stable_for_an_event_and_endpoint_and_differs_between_endpoints()
    {
        Assert.Equal(WebhookSignature.DeliveryId("evt_1", "webhook_a"), WebhookSignature.DeliveryId("evt_1", "webhook_a"));
        Assert.NotEqual(WebhookSignature.DeliveryId("evt_1", "webhook_a"), WebhookSignature.DeliveryId("evt_1", "webhook_b"));
        Assert.StartsWith("msg_", WebhookSignature.DeliveryId("evt_1", "webhook_a"));
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.5)]
    [InlineData(0.999)]
    public void Backoff_doubles_with_jitter_and_the_first_retry_comes_within_ten_seconds(double draw)
    {
        var schedule = new RetrySchedule(new WebhookOptions(), () => draw);
        Assert.InRange(schedule.Backoff(1), TimeSpan.FromSeconds(2.5), TimeSpan.FromSeconds(5));
        Assert.True(schedule.Backoff(1) <= TimeSpan.FromSeconds(10));
        for (var n = 1; n < 12; n++)
        {
            Assert.Equal(schedule.Backoff(n).TotalMilliseconds * 2, schedule.Backoff(n + 1).TotalMilliseconds, 3);
        }

        Assert.True(schedule.Backoff(40) <= TimeSpan.FromHours(6));
    }

    [Fact]
    public void Retries_stop_after_the_window_and_retry_after_replaces_the_backoff()
    {
        var schedule = new RetrySchedule(new WebhookOptions(), () => 1.0);
        Assert.Equal(Created + TimeSpan.FromSeconds(5), schedule.Next(1, Created, Created, null));
        Assert.Equal(Created + TimeSpan.FromSeconds(120), schedule.Next(1, Created, Created, TimeSpan.FromSeconds(120)));
        var late = Created + TimeSpan.FromHours(23);
        Assert.Null(schedule.Next(15, Created, late, null));
        Assert.Null(schedule.Next(1, Created, late, TimeSpan.FromHours(2)));
    }

    [Fact]
    public void Attempts_until_giving_up_span_about_a_day()
    {
        var schedule = new RetrySchedule(new WebhookOptions(), () => 1.0);
        var now = Created;
        var attempts = 1;
        while (schedule.Next(attempts, Created, now, null) is { } next)
        {
            now = next;
            attempts++;
        }

        Assert.InRange(now - Created, TimeSpan.FromHours(18), TimeSpan.FromHours(24));
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("10.1.2.3")]
    [InlineData("172.16.0.1")]
    [InlineData("172.31.255.255")]
    [InlineData("192.168.1.1")]
    [InlineData("169.254.169.254")]
    [InlineData("100.64.0.1")]
    [InlineData("0.0.0.0")]
    [InlineData("::1")]
    [InlineData("fe80::1")]
    [InlineData("fd00::1")]
    [InlineData("::ffff:127.0.0.1")]
    [InlineData("::ffff:10.0.0.1")]
    public void Loopback_private_and_link_local_addresses_are_forbidden(string address) =>
        Assert.True(WebhookTargetGuard.IsForbidden(IPAddress.Parse(address)));

    // One per IPv6 form that embeds an IPv4 address; pure address checks, nothing is dialled.
    [Theory]
    [InlineData("::127.0.0.1")]            // IPv4-compatible ::/96 (refused whatever it embeds)
    [InlineData("::203.0.113.9")]
    [InlineData("::ffff:192.168.0.1")]     // IPv4-mapped ::ffff:0:0/96
    [InlineData("::ffff:0:10.0.0.1")]      // IPv4-translated ::ffff:0:0:0/96
    [InlineData("::ffff:0:127.0.0.1")]
    [InlineData("64:ff9b::127.0.0.1")]     // NAT64 64:ff9b::/96
    [InlineData("64:ff9b::a9fe:a9fe")]     // NAT64 of 169.254.169.254 (cloud metadata)
    [InlineData("64:ff9b:1::5db8:d822")]   // local-use NAT64 64:ff9b:1::/48 (refused whatever it embeds)
    [InlineData("2002:7f00:1::")]          // 6to4 of 127.0.0.1
    [InlineData("2002:c0a8:101::1")]       // 6to4 of 192.168.1.1
    [InlineData("2001:0:a00:1::1")]        // Teredo, server 10.0.0.1
    [InlineData("2001:0:5db8:d822::80ff:fffe")] // Teredo, client 127.0.0.1 (stored inverted)
    public void IPv6_forms_embedding_a_forbidden_IPv4_address_are_forbidden(string address) =>
        Assert.True(WebhookTargetGuard.IsForbidden(IPAddress.Parse(address)));

    [Theory]
    [InlineData("64:ff9b::5db8:d822")]     // NAT64 of 93.184.216.34
    [InlineData("93.184.216.34")]
    [InlineData("8.8.8.8")]
    [InlineData("172.32.0.1")]
    [InlineData("2606:4700:4700::1111")]
    public void Public_addresses_are_allowed(string address) =>
        Assert.False(WebhookTargetGuard.IsForbidden(IPAddress.Parse(address)));

    [Fact]
    public void Data_update_notices_go_out_at_once_then_at_most_once_per_interval_and_only_with_new_samples()
    {
        var notice = new DataUpdateNotice();
        var interval = TimeSpan.FromHours(1);
        var ts = Created - TimeSpan.FromMinutes(1);
        Assert.True(notice.Record(1, 3, ts));
        Assert.False(notice.Record(1, 3, ts)); // the same batch again
        Assert.Equal(DataUpdateNotice.Soonest, notice.DueIn(Created, interval));
        notice.Scheduled = true;
        Assert.False(notice.Record(2, 2, ts + TimeSpan.FromSeconds(5)));
        Assert.Equal((5L, ts + TimeSpan.FromSeconds(5)), notice.Pending());
        Assert.Equal((5L, ts + TimeSpan.FromSeconds(5)), notice.Pending()); // not sent yet: still due
        notice.MarkSent(5, Created);
        Assert.Null(notice.Pending());
        Assert.Equal(TimeSpan.FromMinutes(40), notice.DueIn(Created + TimeSpan.FromMinutes(20), interval));
        Assert.False(notice.Record(3, 0, null));
    }
}
