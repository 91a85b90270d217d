using HeatmapSaas.Grains.Catalog;

namespace HeatmapSaas.Tests.Catalog;

public sealed class SlugTests
{
    [Theory]
    [InlineData("Madison Ave Store", "madison-ave-store")]
    [InlineData("  Café -- Crème  ", "cafe-creme")]
    [InlineData("5th Ave. Pop-up!", "5th-ave-pop-up")]
    [InlineData("!!!", "location")]
    [InlineData("Last Update", "location")]
    public void From_name(string name, string slug) => Assert.Equal(slug, Slug.FromName(name));

    [Fact]
    public void From_a_long_name_fits_63_characters()
    {
        var slug = Slug.FromName(new string('a', 100));
        Assert.Equal(63, slug.Length);
        Assert.True(Slug.IsAllowed(slug));
    }

    [Theory]
    [InlineData("a", true)]
    [InlineData("0-9", true)]
    [InlineData("-a", false)]
    [InlineData("A", false)]
    [InlineData("a_b", false)]
    [InlineData("last-update", false)]
    public void Allowed(string slug, bool allowed) => Assert.Equal(allowed, Slug.IsAllowed(slug));

    [Fact]
    public void First_free_counts_up_from_two()
    {
        var taken = new HashSet<string> { "store", "store-2" };
        Assert.Equal("store-3", Slug.FirstFree("store", taken.Contains));
        Assert.Equal("mall", Slug.FirstFree("mall", taken.Contains));
        var longTaken = new HashSet<string> { new('b', 63) };
        Assert.Equal(new string('b', 61) + "-2", Slug.FirstFree(new string('b', 63), longTaken.Contains));
    }
}
