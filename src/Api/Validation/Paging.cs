using Microsoft.AspNetCore.Mvc;

namespace HeatmapSaas.Api.Validation;

/// <summary>
/// A list's <c>limit</c> (1 to 100, default 20) and <c>offset</c> (≥ 0, default 0), bound with
/// <c>[AsParameters]</c>; binding refuses anything else with the envelope naming the parameter.
/// </summary>
public sealed class Paging
{
    public Paging(string? limit, string? offset)
    {
        Take = Validate.QueryInt(limit, "limit", 20, 1, 100);
        Skip = Validate.QueryInt(offset, "offset", 0, 0, int.MaxValue);
        Limit = limit;
        Offset = offset;
    }

    /// <summary>As sent; <see cref="Take"/> is the checked value.</summary>
    [FromQuery(Name = "limit")]
    public string? Limit { get; }

    /// <summary>As sent; <see cref="Skip"/> is the checked value.</summary>
    [FromQuery(Name = "offset")]
    public string? Offset { get; }

    public int Take { get; }

    public int Skip { get; }
}
