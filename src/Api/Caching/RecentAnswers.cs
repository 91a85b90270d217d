using System.Collections.Concurrent;

namespace HeatmapSaas.Api.Caching;

/// <summary>
/// Answers a grain gave lately, kept for <see cref="Freshness"/> so a request path does not ask per request. Only
/// found answers are kept (a null answer or a refusal is asked again next time, so guessing cannot fill it), at most
/// <c>capacity</c> of them (when full, all are dropped: they are cheap to ask again). A <see cref="Forget"/> that
/// runs while an answer is being asked keeps that answer out, so a lookup that raced a revocation or a rename does
/// not put back what was just forgotten.
/// </summary>
public sealed class RecentAnswers<TKey, TValue>(Func<TKey, Task<TValue?>> ask, TimeSpan freshness, int capacity, TimeProvider clock)
    where TKey : notnull
    where TValue : class
{
    private readonly ConcurrentDictionary<TKey, (TValue Value, DateTimeOffset Until)> _answers = new();
    private long _forgets;

    public TimeSpan Freshness => freshness;

    /// <summary>The answer as of at most <see cref="Freshness"/> ago.</summary>
    public ValueTask<TValue?> GetAsync(TKey key) =>
        _answers.TryGetValue(key, out var known) && clock.GetUtcNow() < known.Until
            ? ValueTask.FromResult<TValue?>(known.Value)
            : new ValueTask<TValue?>(AskAsync(key));

    /// <summary>Asks now, whatever is kept, and keeps the answer.</summary>
    public async Task<TValue?> AskAsync(TKey key)
    {
        var forgets = Interlocked.Read(ref _forgets);
        var until = clock.GetUtcNow() + freshness;
        var value = await ask(key);
        if (value is null)
        {
            _answers.TryRemove(key, out _);
            return null;
        }

        if (_answers.Count >= capacity)
        {
            _answers.Clear();
        }

        _answers[key] = (value, until);
        if (Interlocked.Read(ref _forgets) != forgets)
        {
            _answers.TryRemove(key, out _);
        }

        return value;
    }

    /// <summary>Drops the answers <paramref name="which"/> picks; an answer being asked meanwhile is not kept.</summary>
    public void Forget(Func<TKey, TValue, bool> which)
    {
        Interlocked.Increment(ref _forgets);
        foreach (var (key, known) in _answers)
        {
            if (which(key, known.Value))
            {
                _answers.TryRemove(key, out _);
            }
        }
    }
}
