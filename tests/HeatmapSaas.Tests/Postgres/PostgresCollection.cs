namespace HeatmapSaas.Tests.Postgres;

/// <summary>
/// Test classes that need PostgreSQL join this collection with <c>[Collection(PostgresCollection.Name)]</c>, take a
/// <see cref="PostgresFixture"/> in their constructor, and create their own database from it.
/// </summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresFixture>
{
    public const string Name = "postgres";
}
