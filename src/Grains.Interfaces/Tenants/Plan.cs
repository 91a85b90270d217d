namespace HeatmapSaas.Tenants;

public enum Plan
{
    Free,
    Pro,
    Enterprise,
}

/// <summary>What an API key may do: everything, read only, or only push sensor events (a gateway's key).</summary>
public enum KeyScope
{
    Full,
    Read,
    Ingest,
}
