using HeatmapSaas.Locations;

namespace HeatmapSaas.Grains.Locations.Log;

/// <summary>
/// A logged batch as the durable log stores it: one compact binary value holding the gateway, the first answer
/// (so a duplicate can repeat it) and the accepted readings in the order they take effect. Led by a format version
/// byte, as the ledger's checkpoints are. Position, batch id and receipt time live in their own columns.
/// </summary>
public static class LoggedBatchCodec
{
    public const byte Version = 1;

    public static byte[] Encode(LoggedBatch batch)
    {
        using var buffer = new MemoryStream(64 + batch.Accepted.Length * 40);
        using (var writer = new BinaryWriter(buffer))
        {
            writer.Write(Version);
            WriteOptional(writer, batch.GatewayId);
            var receipt = batch.Receipt;
            writer.Write7BitEncodedInt(receipt.Accepted);
            writer.Write7BitEncodedInt(receipt.Rejected);
            writer.Write7BitEncodedInt(receipt.Errors.Length);
            foreach (var error in receipt.Errors)
            {
                writer.Write7BitEncodedInt(error.Index);
                writer.Write(error.Code);
                writer.Write(error.Message);
            }

            writer.Write7BitEncodedInt(batch.Accepted.Length);
            foreach (var r in batch.Accepted)
            {
                writer.Write7BitEncodedInt(r.Index);
                writer.Write((byte)r.Kind);
                WriteOptional(writer, r.TrackId);
                writer.Write(r.TsMillis);
                writer.Write(r.X);
                writer.Write(r.Y);
                writer.Write(r.Value);
                WriteOptional(writer, r.ProductId);
            }
        }

        return buffer.ToArray();
    }

    public static LoggedBatch Decode(long position, string batchId, DateTimeOffset receivedAt, byte[] bytes)
    {
        using var reader = new BinaryReader(new MemoryStream(bytes));
        var version = reader.ReadByte();
        if (version != Version)
        {
            throw new InvalidDataException($"Unknown ingest log entry version {version}.");
        }

        var gateway = ReadOptional(reader);
        var accepted = reader.Read7BitEncodedInt();
        var rejected = reader.Read7BitEncodedInt();
        var errors = new IngestError[reader.Read7BitEncodedInt()];
        for (var i = 0; i < errors.Length; i++)
        {
            errors[i] = new IngestError(reader.Read7BitEncodedInt(), reader.ReadString(), reader.ReadString());
        }

        var readings = new SensorReading[reader.Read7BitEncodedInt()];
        for (var i = 0; i < readings.Length; i++)
        {
            readings[i] = new SensorReading(
                reader.Read7BitEncodedInt(),
                (ReadingKind)reader.ReadByte(),
                ReadOptional(reader),
                reader.ReadInt64(),
                reader.ReadDouble(),
                reader.ReadDouble(),
                reader.ReadDouble(),
                ReadOptional(reader));
        }

        return new LoggedBatch(position, batchId, gateway, readings,
            new IngestReceipt(batchId, accepted, rejected, false, errors), receivedAt);
    }

    private static void WriteOptional(BinaryWriter writer, string? value)
    {
        writer.Write(value is not null);
        if (value is not null)
        {
            writer.Write(value);
        }
    }

    private static string? ReadOptional(BinaryReader reader) => reader.ReadBoolean() ? reader.ReadString() : null;
}
