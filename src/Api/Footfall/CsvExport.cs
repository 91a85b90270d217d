using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;

namespace HeatmapSaas.Api.Footfall;

/// <summary>CSV answers for <c>Accept: text/csv</c>: the JSON rows with a header line, RFC 4180 quoting.</summary>
public static class CsvExport
{
    public static bool Wanted(HttpRequest request) =>
        request.Headers.Accept.Any(a => a?.Contains("text/csv", StringComparison.OrdinalIgnoreCase) == true);

    public static ContentHttpResult From(IReadOnlyList<IReadOnlyDictionary<string, object?>> rows, IReadOnlyList<string> columns)
    {
        var text = new StringBuilder();
        text.AppendJoin(',', columns.Select(Quote)).Append("\r\n");
        foreach (var row in rows)
        {
            text.AppendJoin(',', columns.Select(c => Quote(Format(row.GetValueOrDefault(c))))).Append("\r\n");
        }

        return TypedResults.Text(text.ToString(), "text/csv; charset=utf-8");
    }

    private static string Format(object? value) => value switch
    {
        null => "",
        DateTimeOffset instant => Instants.Local(instant),
        IEnumerable<int> list => string.Join(' ', list),
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private static string Quote(string field) =>
        field.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + field.Replace("\"", "\"\"") + "\"" : field;
}
