using HeatmapSaas.Grains.Tenants;
using HeatmapSaas.Tenants;

namespace HeatmapSaas.Tests.Tenants;

public sealed class RequestQuotaTests
{
    private static readonly DateTimeOffset TenPast = new(2025, 12, 25, 12, 10, 0, TimeSpan.Zero);

    [Fact]
    public void Counts_within_a_utc_clock_hour_and_resets_at_the_next()
    {
        var quota = new RequestQuota();
        for (var i = 0; i < 100; i++)
        {
            var allowed = quota.Consume(Plan.Free, TenPast.AddSeconds(i));
            Assert.True(allowed.Allowed);
            Assert.Equal(99 - i, allowed.Remaining);
            Assert.Equal(new DateTimeOffset(2025, 12, 25, 13, 0, 0, TimeSpan.Zero), allowed.WindowEnd);
        }

        Assert.False(quota.Consume(Plan.Free, TenPast.AddMinutes(49).AddSeconds(59)).Allowed);
        var next = quota.Consume(Plan.Free, TenPast.AddMinutes(50));
        Assert.True(next.Allowed);
        Assert.Equal(99, next.Remaining);
    }

    [Fact]
    public void Plans_have_their_limits()
    {
        Assert.Equal(100, RequestQuota.HourlyLimit(Plan.Free));
        Assert.Equal(10_000, RequestQuota.HourlyLimit(Plan.Pro));
        Assert.Null(RequestQuota.HourlyLimit(Plan.Enterprise));
        Assert.True(new RequestQuota().Consume(Plan.Enterprise, TenPast).Allowed);
    }

    [Fact]
    public void A_plan_change_applies_to_the_current_window()
    {
        var quota = new RequestQuota();
        for (var i = 0; i < 100; i++)
        {
            quota.Consume(Plan.Free, TenPast);
        }

        Assert.False(quota.Consume(Plan.Free, TenPast).Allowed);
        Assert.Equal(9_899, quota.Consume(Plan.Pro, TenPast).Remaining);
    }
}
