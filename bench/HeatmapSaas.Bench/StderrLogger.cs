using Microsoft.Extensions.Logging;

namespace HeatmapSaas.Bench;

/// <summary>
/// The embedded product's logs, on stderr beside the progress (stdout is for the results). Levels are filtered by
/// the usual configuration; <see cref="Quiet"/> drops everything once the measurements are over, so the noise of a
/// silo shutting down (grains failing to save while storage goes away) does not bury the results.
/// </summary>
public sealed class StderrLoggerProvider : ILoggerProvider
{
    private static volatile bool _quiet;

    public static void Quiet() => _quiet = true;

    public ILogger CreateLogger(string categoryName) => new StderrLogger(categoryName);

    public void Dispose()
    {
    }

    private sealed class StderrLogger(string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => !_quiet && logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }

            var text = $"{logLevel.ToString().ToLowerInvariant()}: {category}[{eventId.Id}] {formatter(state, exception)}";
            if (exception is not null)
            {
                text += Environment.NewLine + "      " + exception.GetType().Name + ": " + exception.Message;
            }

            Console.Error.WriteLine(text);
        }
    }
}
