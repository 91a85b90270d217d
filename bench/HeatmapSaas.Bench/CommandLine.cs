using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace HeatmapSaas.Bench;

/// <summary>
/// A scenario's command line read flag by flag, as each scenario's options parser does: a flag's value, or a
/// positive integer, or an <see cref="ArgumentException"/> naming the flag.
/// </summary>
public sealed class CommandLine(string[] args)
{
    private int _next;

    /// <summary>The flag being read.</summary>
    public string Flag { get; private set; } = "";

    public bool NextFlag()
    {
        if (_next >= args.Length)
        {
            return false;
        }

        Flag = args[_next++];
        return true;
    }

    public string Value() => _next < args.Length ? args[_next++] : throw new ArgumentException($"{Flag} needs a value");

    public int PositiveInt() =>
        int.Parse(Value(), NumberStyles.AllowThousands, CultureInfo.InvariantCulture) is var n && n > 0
            ? n
            : throw new ArgumentException($"{Flag} must be positive");

    public ArgumentException Unknown() => new($"unknown option {Flag}");

    /// <summary>
    /// Parses a scenario's options. False for <c>--help</c> (the usage on stdout, exit code 0) or a mistake (the
    /// mistake and the usage on stderr, exit code 2).
    /// </summary>
    public static bool TryParse<T>(string[] args, string usage, Func<string[], T> parse, [NotNullWhen(true)] out T? options, out int exitCode)
        where T : class
    {
        options = null;
        exitCode = 0;
        if (args.Contains("--help") || args.Contains("-h"))
        {
            Console.WriteLine(usage);
            return false;
        }

        try
        {
            options = parse(args);
            return true;
        }
        catch (Exception e) when (e is ArgumentException or FormatException or OverflowException)
        {
            Console.Error.WriteLine(e.Message);
            Console.Error.WriteLine(usage);
            exitCode = 2;
            return false;
        }
    }
}
