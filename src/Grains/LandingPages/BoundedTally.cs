namespace HeatmapSaas.Grains.LandingPages;

/// <summary>
/// Page views by name (a page or a referrer source) for one day, holding at most <see cref="Capacity"/> names:
/// once full, views of a name not yet held go to <see cref="Other"/>, so a flood of unique paths cannot grow the
/// state. The first names of a day win their place; a landing page has far fewer real pages than this.
/// </summary>
public sealed class BoundedTally
{
    public const int Capacity = 50;

    private readonly Dictionary<string, long> _counts;

    public BoundedTally() => _counts = new Dictionary<string, long>(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, long> Counts => _counts;

    public long Other { get; private set; }

    public void Add(string name)
    {
        if (_counts.TryGetValue(name, out var count))
        {
            _counts[name] = count + 1;
        }
        else if (_counts.Count < Capacity)
        {
            _counts[name] = 1;
        }
        else
        {
            Other++;
        }
    }

    public Dictionary<string, long> ToState() => new(_counts, StringComparer.Ordinal);

    public static BoundedTally FromState(Dictionary<string, long>? counts, long other)
    {
        var tally = new BoundedTally { Other = other };
        // Entries beyond the capacity (a state written with a larger one) are folded into Other.
        foreach (var (name, count) in (counts ?? []).OrderByDescending(c => c.Value).ThenBy(c => c.Key, StringComparer.Ordinal))
        {
            if (tally._counts.Count < Capacity)
            {
                tally._counts[name] = count;
            }
            else
            {
                tally.Other += count;
            }
        }

        return tally;
    }

    /// <summary>
    /// The sum of several days' tallies: the <paramref name="listed"/> most viewed names (ties by name), and
    /// everything else, including each day's own <see cref="Other"/>, as one number.
    /// </summary>
    public static (IReadOnlyList<(string Name, long Count)> Top, long Other) Merge(IEnumerable<BoundedTally> tallies, int listed)
    {
        var sums = new Dictionary<string, long>(StringComparer.Ordinal);
        long other = 0;
        foreach (var tally in tallies)
        {
            other += tally.Other;
            foreach (var (name, count) in tally._counts)
            {
                sums[name] = sums.GetValueOrDefault(name) + count;
            }
        }

        var ranked = sums.OrderByDescending(s => s.Value).ThenBy(s => s.Key, StringComparer.Ordinal).ToList();
        other += ranked.Skip(listed).Sum(s => s.Value);
        return (ranked.Take(listed).Select(s => (s.Key, s.Value)).ToList(), other);
    }
}
