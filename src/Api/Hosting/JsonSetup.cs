using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace HeatmapSaas.Api.Hosting;

public static class JsonSetup
{
    /// <summary>snake_case names, lower-case enum values and instants as <c>yyyy-MM-ddTHH:mm:ssZ</c>, as in every seed.</summary>
    public static void Configure(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower));
        options.Converters.Add(new UtcSecondsConverter());
    }
}

/// <summary>Writes instants in UTC to the second; reads any ISO 8601 instant with an offset.</summary>
public sealed class UtcSecondsConverter : JsonConverter<DateTimeOffset>
{
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        DateTimeOffset.Parse(reader.GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
        writer.WriteStringValue(Instants.Utc(value));
}
