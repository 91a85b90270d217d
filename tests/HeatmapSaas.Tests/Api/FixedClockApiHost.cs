using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace HeatmapSaas.Tests.Api;

/// <summary>
/// The app with a controllable clock, by default at 2020-01-02 12:00 UTC, the day after seed 002's example date;
/// a subclass may start it elsewhere.
/// </summary>
public class FixedClockApiHost : ApiHost
{
    public FixedClockApiHost()
        : this(new DateTimeOffset(2020, 1, 2, 12, 0, 0, TimeSpan.Zero))
    {
    }

    protected FixedClockApiHost(DateTimeOffset start) => Clock = new FakeTimeProvider(start);

    public FakeTimeProvider Clock { get; }

    protected override void Customize(WebApplicationBuilder builder) => builder.Services.AddSingleton<TimeProvider>(Clock);
}
