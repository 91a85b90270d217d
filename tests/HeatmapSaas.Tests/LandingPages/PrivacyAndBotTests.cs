using System.Net;
using HeatmapSaas.Api.LandingPages;
using HeatmapSaas.LandingPages;
using HeatmapSaas.Tests.Api;
using Microsoft.Extensions.Configuration;
using Orleans.Core.Internal;

namespace HeatmapSaas.Tests.LandingPages;

/// <summary>What is stored about a visitor: a salted hash instead of the IP, the user agent and the referrer
/// (bounded); bots answered but not counted.</summary>
public sealed class PrivacyAndBotTests(LandingApiHost host) : IClassFixture<LandingApiHost>
{
    private const string Chrome =
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36";

    [Fact]
    public async Task The_ip_is_stored_only_as_a_salted_sha256_cut_to_45_characters()
    {
        var tenant = await host.CreateTenantAsync();
        var response = await host.TrackAsync(tenant.Id, "pageview", new { path = "/" }, ip: "203.0.113.77", userAgent: Chrome,
            referer: "https://www.google.com/search?q=cafe+aurora&email=someone@example.com#top");
        await response.Json(200);

        var stored = Assert.Single(await host.Analytics(tenant.Id).GetRecentAsync());
        var expected = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(
            System.Text.Encoding.UTF8.GetBytes("203.0.113.77" + LandingApiHost.Salt)))[..45];
        Assert.Equal(expected, stored.VisitorHash);
        Assert.Equal(45, stored.VisitorHash.Length);
        Assert.Equal(Chrome, stored.UserAgent);
        // The referrer without query and fragment: they may carry personal data.
        Assert.Equal("https://www.google.com/search", stored.Referrer);
        Assert.DoesNotContain("203.0.113.77", System.Text.Json.JsonSerializer.Serialize(stored));
    }

    [Fact]
    public async Task User_agent_and_referrer_are_bounded()
    {
        var tenant = await host.CreateTenantAsync();
        await (await host.TrackAsync(tenant.Id, "pageview", userAgent: "Mozilla/5.0 " + new string('x', 2000),
            referer: "https://example.com/" + new string('p', 2000))).Json(200);
        var stored = Assert.Single(await host.Analytics(tenant.Id).GetRecentAsync());
        Assert.Equal(LandingAnalyticsEndpoints.MaxUserAgentLength, stored.UserAgent!.Length);
        Assert.Equal(LandingAnalyticsEndpoints.MaxReferrerLength, stored.Referrer!.Length);
    }

    [Fact]
    public async Task Visitors_are_distinct_hashes_of_the_forwarded_address_behind_a_trusted_proxy()
    {
        var tenant = await host.CreateTenantAsync();
        await host.TrackOkAsync(tenant.Id, "pageview", ip: "198.51.100.1");
        await host.TrackOkAsync(tenant.Id, "pageview", ip: "198.51.100.1");
        // A chain: the client, then a proxy we trust (loopback); the client is the rightmost untrusted hop.
        await host.TrackOkAsync(tenant.Id, "pageview", ip: "198.51.100.2, 127.0.0.1");
        await host.TrackOkAsync(tenant.Id, "pageview", ip: "198.51.100.3");

        Assert.Equal(3, (await host.Analytics(tenant.Id).GetSummaryAsync()).VisitorsToday);
    }

    [Theory]
    [InlineData("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)")]
    [InlineData("Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)")]
    [InlineData("facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)")]
    [InlineData("Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.2; +https://openai.com/gptbot)")]
    [InlineData("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/126.0.0.0 Safari/537.36")]
    [InlineData("curl/8.5.0")]
    [InlineData("python-requests/2.31.0")]
    [InlineData("Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)")]
    [InlineData("Mozilla/5.0 (Linux; Android 5.0) AppleWebKit/537.36 (KHTML, like Gecko) Mobile Safari/537.36 (compatible; Bytespider; spider-feedback@bytedance.com)")]
    [InlineData("Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)")]
    [InlineData("WhatsApp/2.23.20.0 A")]
    public void Known_bots_and_crawlers_are_recognised(string userAgent) => Assert.True(BotUserAgents.IsBot(userAgent), userAgent);

    [Theory]
    [InlineData(Chrome)]
    [InlineData("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1")]
    [InlineData("Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.6478.71 Mobile Safari/537.36")]
    [InlineData("Mozilla/5.0 (Linux; Android 10; CUBOT X30) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36")]
    [InlineData("Mozilla/5.0 (Macintosh; Intel Mac OS X 14.5; rv:127.0) Gecko/20100101 Firefox/127.0")]
    [InlineData("Mozilla/5.0 (Linux; Android 13; Pixel 7 Build/TQ3A.230805.001; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/126.0.6478.71 Mobile Safari/537.36 Instagram 337.0.0.35.102 Android")]
    [InlineData("")]
    [InlineData(null)]
    public void Browsers_are_not_bots(string? userAgent) => Assert.False(BotUserAgents.IsBot(userAgent), userAgent);

    [Fact]
    public async Task Bots_get_success_but_are_not_counted_and_show_in_metrics()
    {
        var tenant = await host.CreateTenantAsync();
        var before = await BotsDroppedAsync();

        var response = await host.TrackAsync(tenant.Id, "click_whatsapp", ip: "66.249.66.1",
            userAgent: "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)");
        Assert.True((await response.Json(200)).GetProperty("success").GetBoolean());

        var summary = await host.Analytics(tenant.Id).GetSummaryAsync();
        Assert.Equal(0, summary.VisitorsToday);
        Assert.Equal(0, summary.WhatsappClicksWeek);
        Assert.Equal(1, summary.BotsIgnoredToday);
        Assert.Empty(await host.Analytics(tenant.Id).GetRecentAsync());
        Assert.True(await BotsDroppedAsync() >= before + 1);

        // Bots use none of the tenant's budget; their bad requests are refused like anyone's.
        for (var i = 0; i < 120; i++)
        {
            await (await host.TrackAsync(tenant.Id, "pageview", userAgent: "curl/8.5.0")).Json(200);
        }

        await host.TrackOkAsync(tenant.Id, "pageview", userAgent: Chrome);
        await TrackApiTests.AssertAnalyticsError(await host.TrackAsync(tenant.Id, "crawl", userAgent: "curl/8.5.0"), 400, "INVALID_REQUEST", "event_type");
        await TrackApiTests.AssertAnalyticsError(await host.TrackAsync(987_654_320, "pageview", userAgent: "curl/8.5.0"), 400, "INVALID_REQUEST", "tenant_id");
    }

    private async Task<double> BotsDroppedAsync()
    {
        using var client = host.Client();
        var text = await client.GetStringAsync("/metrics");
        return HeatmapSaas.Tests.Support.MetricsText.Sum(text, "heatmap_analytics_bots_dropped_total");
    }
}

/// <summary>X-Forwarded-For from a peer that is not a trusted proxy is ignored.</summary>
public sealed class UntrustedProxyTests(UntrustedProxyHost host) : IClassFixture<UntrustedProxyHost>
{
    [Fact]
    public async Task Forwarded_addresses_from_an_untrusted_peer_are_ignored()
    {
        var tenant = await host.CreateTenantAsync();
        await host.TrackOkAsync(tenant.Id, "pageview", ip: "198.51.100.1");
        await host.TrackOkAsync(tenant.Id, "pageview", ip: "198.51.100.2");

        Assert.Equal(1, (await host.Analytics(tenant.Id).GetSummaryAsync()).VisitorsToday);
        var stored = await host.Analytics(tenant.Id).GetRecentAsync();
        Assert.All(stored, s => Assert.Equal(VisitorHasher.Hash("127.0.0.1", LandingApiHost.Salt), s.VisitorHash));
    }
}

/// <summary>Without a configured salt the cluster generates one, keeps it, and every hash uses it.</summary>
public sealed class GeneratedSaltTests(GeneratedSaltHost host) : IClassFixture<GeneratedSaltHost>
{
    [Fact]
    public async Task The_generated_salt_is_persisted_and_used()
    {
        var tenant = await host.CreateTenantAsync();
        await host.TrackOkAsync(tenant.Id, "pageview", ip: "198.51.100.9");

        var saltGrain = host.Grains.GetGrain<IAnalyticsSaltGrain>(0);
        var salt = await saltGrain.GetOrCreateAsync();
        Assert.True(Convert.FromBase64String(salt).Length == 32);
        var stored = Assert.Single(await host.Analytics(tenant.Id).GetRecentAsync());
        Assert.Equal(VisitorHasher.Hash("198.51.100.9", salt), stored.VisitorHash);

        // Read back from storage, not regenerated.
        await saltGrain.Cast<IGrainManagementExtension>().DeactivateOnIdle();
        await Task.Delay(200);
        Assert.Equal(salt, await saltGrain.GetOrCreateAsync());
    }
}

public sealed class TrustedProxiesTests
{
    private static TrustedProxies From(string? setting)
    {
        var values = new Dictionary<string, string?>();
        if (setting is not null)
        {
            values[TrustedProxies.ConfigKey] = setting;
        }

        return TrustedProxies.From(new ConfigurationBuilder().AddInMemoryCollection(values).Build());
    }

    [Theory]
    // Default: loopback only.
    [InlineData(null, "127.0.0.1", "198.51.100.1", "198.51.100.1")]
    [InlineData(null, "::1", "198.51.100.1", "198.51.100.1")]
    [InlineData(null, "::ffff:127.0.0.1", "198.51.100.1", "198.51.100.1")]
    [InlineData(null, "10.0.0.5", "198.51.100.1", "10.0.0.5")]
    [InlineData(null, "127.0.0.1", "", "127.0.0.1")]
    // Rightmost untrusted hop wins; a client cannot spoof by prepending.
    [InlineData("10.0.0.0/8", "10.0.0.5", "6.6.6.6, 198.51.100.1, 10.0.0.7", "198.51.100.1")]
    [InlineData("10.0.0.0/8", "10.0.0.5", "198.51.100.1:4711", "198.51.100.1")]
    [InlineData("10.0.0.0/8", "10.0.0.5", "[2001:db8::1]:443", "2001:db8::1")]
    [InlineData("10.0.0.0/8", "10.0.0.5", "garbage, 198.51.100.1", "198.51.100.1")]
    [InlineData("10.0.0.0/8", "10.0.0.5", "198.51.100.1, garbage", "10.0.0.5")]
    [InlineData("10.0.0.0/8", "127.0.0.1", "198.51.100.1", "127.0.0.1")]
    [InlineData("loopback, 10.0.0.5", "10.0.0.5", "198.51.100.1", "198.51.100.1")]
    [InlineData("", "127.0.0.1", "198.51.100.1", "127.0.0.1")]
    public void Client_address(string? setting, string remote, string forwardedFor, string expected) =>
        Assert.Equal(IPAddress.Parse(expected), From(setting).ClientAddress(IPAddress.Parse(remote), forwardedFor));

    [Fact]
    public void A_malformed_setting_fails_at_startup() =>
        Assert.Throws<InvalidOperationException>(() => From("10.0.0.0/8, not-an-address"));
}
