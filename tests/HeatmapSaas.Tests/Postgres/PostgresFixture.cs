using HeatmapSaas.TestSupport;

namespace HeatmapSaas.Tests.Postgres;

/// <summary>
/// The xunit face of <see cref="PostgresServer.Shared"/>, the one throwaway server of the test run: a collection
/// fixture (see <see cref="PostgresCollection"/>) or a class fixture; every instance shares that server.
/// </summary>
public sealed class PostgresFixture
{
    public PostgresServer Server => PostgresServer.Shared;

    public string AdminConnectionString => Server.AdminConnectionString;

    /// <inheritdoc cref="PostgresServer.CreateDatabase"/>
    public string CreateDatabase(string prefix) => Server.CreateDatabase(prefix);
}
