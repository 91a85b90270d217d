using HeatmapSaas.Errors;
using HeatmapSaas.Footfall;
using HeatmapSaas.Locations;

namespace HeatmapSaas.Heatmaps;

/// <summary>
/// Questions to a heatmap, asked from outside the grains (the API, tests). The caller, not the heatmap, has the
/// location feed a view that lacks grids: so no grain ever awaits a grain that may be awaiting it.
/// </summary>
public static class HeatmapQueries
{
    // A fill, then a recall, then one more for a window that moved meanwhile: past that something is wrong.
    private const int MaxFeeds = 3;

    public static async Task<T> AskHeatmapAsync<T>(
        this IGrainFactory grains, long tenantId, string heatmapId, Func<IHeatmapGrain, Task<ViewAnswer<T>>> question)
        where T : class
    {
        var heatmap = grains.GetGrain<IHeatmapGrain>(heatmapId);
        for (var feeds = 0; ; feeds++)
        {
            var answer = await question(heatmap);
            if (answer.Wanted is not { } wanted)
            {
                return answer.Value!;
            }

            if (feeds == MaxFeeds)
            {
                throw new ApiException(ApiErrorCode.ServiceUnavailable, "The heatmap is catching up with its location; retry shortly",
                    retryAfterSeconds: 1);
            }

            await grains.GetGrain<ILocationGrain>(wanted.LocationId).FeedHeatmapAsync(tenantId, heatmapId, wanted.Window);
        }
    }

    /// <summary>The data route's answer: the heatmap's points and its location's visitor summary, asked side by side.</summary>
    public static async Task<HeatmapData> GetHeatmapDataAsync(
        this IGrainFactory grains, long tenantId, Heatmap heatmap, BucketWindow window, Granularity granularity)
    {
        var summary = grains.GetGrain<ILocationGrain>(heatmap.LocationId).GetVisitorSummaryAsync(tenantId, window, heatmap.TimeZone);
        var points = await grains.AskHeatmapAsync(tenantId, heatmap.Id, h => h.GetPointsAsync(tenantId, window, granularity));
        var (width, height) = heatmap.GridSize();
        return new HeatmapData(points, width, height, await summary);
    }
}
