namespace HeatmapSaas.Api.Hosting.OpenApi;

/// <summary>What the OpenAPI document says about one operation beyond what its handler's signature shows.</summary>
/// <param name="Id">The operationId generated clients name their methods by; stable once published.</param>
/// <param name="Returns">The 2xx body's type when the handler returns <c>IResult</c> (so the generator cannot see it).</param>
/// <param name="Csv">Whether <c>Accept: text/csv</c> answers the same rows as CSV.</param>
public sealed record OperationDoc(string Id, string Summary, string Description, Type? Returns = null, bool Csv = false);

/// <summary>
/// Every operation's id, summary and description, keyed by method and route. The seed's wording where a seed
/// documents the route. A route missing here fails the contract test (no operationId), so new routes get described.
/// </summary>
public static class OperationDocs
{
    public static readonly IReadOnlyDictionary<string, OperationDoc> ByRoute = new Dictionary<string, OperationDoc>
    {
        ["GET /health/live"] = new("getLiveness", "Liveness probe",
            "Answers 200 while the process runs; touches neither the cluster nor the database."),
        ["GET /health/ready"] = new("getReadiness", "Readiness probe",
            "Answers 200 when the Orleans cluster and (in PostgreSQL mode) the database answer, else 503 in the error envelope."),

        ["POST /v1/tenants"] = new("createTenant", "Create a tenant (admin)",
            "Creates a tenant and its first full-scope API key, shown once. Needs the operator's admin key " +
            "(`Heatmap:AdminKey`); the route answers 404 while that setting is unset."),
        ["POST /v1/api-keys"] = new("createApiKey", "Create an API key",
            "Issues another key for the caller's tenant with scope `full` (default), `read` (GET only) or `ingest` " +
            "(sensor ingest only). The key is shown once; only its hash is stored."),
        ["GET /v1/api-keys"] = new("listApiKeys", "List API keys", "The tenant's keys in creation order, without their secrets."),
        ["DELETE /v1/api-keys/{id}"] = new("revokeApiKey", "Revoke an API key", "The key stops working at once, on every API node."),

        ["POST /v1/locations"] = new("createLocation", "Create Location",
            "Creates a location (a store, or a zone inside one through `parent_id`). `name` is required; `type` " +
            "defaults to `other`, `timezone` to the tenant's."),
        ["GET /v1/locations"] = new("listLocations", "List Locations",
            "The tenant's locations in creation order. `info=true` adds `brand`, `parent` and `children` to every row."),
        ["GET /v1/locations/{location}"] = new("getLocation", "Get a location", "A location by id (`loc_…`) or slug."),
        ["PATCH /v1/locations/{location}"] = new("updateLocation", "Update a location",
            "Changes the fields sent; a missing or null field is left as it is."),
        ["DELETE /v1/locations/{location}"] = new("deleteLocation", "Delete a location", "Deletes the location and its heatmaps."),
        ["GET /v1/locations/last-update/{location}"] = new("getLocationLastUpdate", "Last update",
            "When the location last received sensor data: a one-element array, `last-update` null before any data."),
        ["PUT /v1/locations/{location}/floor-plan"] = new("putFloorPlan", "Upload the floor plan",
            "Stores the floor-plan image (`image/png` or `image/jpeg`, at most 5 MiB) that the dashboard and " +
            "`image.png` draw heatmaps over."),
        ["GET /v1/locations/{location}/floor-plan"] = new("getFloorPlan", "Get the floor plan", "The stored floor-plan image, as uploaded."),
        ["GET /v1/locations/{location}/gateways"] = new("listGateways", "List the location's gateways",
            "Which gateways sent batches to the location: batches, events and the wall-clock time of the last batch.",
            Returns: typeof(List<Footfall.GatewayResponse>)),
        ["GET /v1/locations/{location}/analytics"] = new("getLocationAnalytics", "Get Location Analytics",
            "Visitors, average visit duration and conversion rate over the period (dates in the location's zone, " +
            "`end_date` inclusive), with a daily breakdown. `metrics` selects which figures are answered.",
            Returns: typeof(LocationAnalyticsResponse), Csv: true),

        ["POST /v1/locations/{location}/events"] = new("ingestEvents", "Ingest a sensor batch",
            "A gateway's batch of position, interaction, track_end and conversion events, as JSON (`batch_id`, " +
            "`gateway_id` and `events` in the body) or NDJSON (one event per line; `batch_id` and `gateway_id` as " +
            "query parameters). Exactly once per `batch_id`: a batch already acknowledged answers its first receipt " +
            "with `duplicate: true`. Invalid events are rejected one by one (`errors`); the rest are accepted."),

        ["GET /v1/traffic/{kind}/{location}/{date}"] = new("getTrafficCounts", "Traffic counts",
            "Impression, discovery, engagement or interaction counts of one local date, per hour (default), quarter " +
            "hour (`interval=15min`) or for the whole day (`interval=day`). `hour` narrows to one hour. Rows carry " +
            "`hr` (and `min`), the count and `start` with the location's offset; `interval=day` rows carry `date`.",
            Returns: typeof(List<TrafficCountRow>), Csv: true),

        ["POST /v1/heatmaps"] = new("createHeatmap", "Create Heatmap",
            "Creates a heatmap over a location's data. `name`, `location_id` and `type` are required; `timezone` " +
            "defaults to the location's."),
        ["GET /v1/heatmaps"] = new("listHeatmaps", "List heatmaps", "The tenant's heatmaps in creation order, optionally of one location."),
        ["GET /v1/heatmaps/{id}"] = new("getHeatmap", "Get a heatmap", "A heatmap by id."),
        ["PATCH /v1/heatmaps/{id}"] = new("updateHeatmap", "Update a heatmap",
            "Changes `name`, `timezone`, `refresh_interval` or `status` (`active`/`paused`); `type`, `cell_size` and " +
            "`location_id` cannot change."),
        ["DELETE /v1/heatmaps/{id}"] = new("deleteHeatmap", "Delete a heatmap", "Deletes the heatmap; the location's data stays."),
        ["GET /v1/heatmaps/{id}/data"] = new("getHeatmapData", "Get Heatmap Data",
            "The heatmap's cells over the period (ISO 8601 dates in the heatmap's zone, `end_date` inclusive) per " +
            "hour, day or week, with a summary.",
            Returns: typeof(Heatmaps.HeatmapDataResponse), Csv: true),
        ["GET /v1/heatmaps/{id}/image.png"] = new("getHeatmapImage", "Heatmap image",
            "The period's heatmap as a PNG, drawn over the location's floor plan when one was uploaded."),

        ["POST /v1/payments/intent"] = new("createPaymentIntent", "Create Payment Intent",
            "Starts paying for a plan. The amount must be the plan's price in that currency."),
        ["GET /v1/payments/{intent_id}"] = new("getPaymentIntent", "Get a payment intent", "A payment intent by id."),
        ["POST /v1/payments/{intent_id}/confirm"] = new("confirmPayment", "Confirm Payment",
            "Charges the payment method; on success the tenant's plan changes to the intent's plan."),

        ["POST /v1/webhooks"] = new("registerWebhook", "Register Webhook",
            "Registers an endpoint for signed events; the signing `secret` is shown once."),
        ["GET /v1/webhooks"] = new("listWebhooks", "List webhooks", "The tenant's webhook endpoints in creation order."),
        ["GET /v1/webhooks/{id}"] = new("getWebhook", "Get a webhook", "A webhook endpoint by id."),
        ["PATCH /v1/webhooks/{id}"] = new("updateWebhook", "Update a webhook", "Changes `url`, `events` or `active`; a missing or null field is left as it is."),
        ["DELETE /v1/webhooks/{id}"] = new("deleteWebhook", "Delete a webhook", "Stops deliveries to the endpoint and deletes it."),
        ["GET /v1/webhooks/{id}/deliveries"] = new("listWebhookDeliveries", "List deliveries",
            "Every delivery to the endpoint with each attempt's status, newest last."),

        ["GET /v1/usage"] = new("getUsage", "Usage this month", "The tenant's plan, this month's usage and its live totals."),

        ["POST /api/analytics/track"] = new("trackLandingEvent", "Track event",
            "Records a landing-page event (`pageview`, `click_whatsapp`, …) for a tenant. No key: the tracking " +
            "snippet posts it from visitors' browsers (CORS open to any origin).",
            Returns: typeof(LandingPages.TrackResponse)),
        ["GET /api/analytics/{tenantId}"] = new("getLandingDashboard", "Get dashboard",
            "The tenant's landing-page figures for today and the last 7 days.",
            Returns: typeof(LandingPages.LandingDashboardResponse), Csv: true),
        ["GET /api/analytics/{tenantId}/today"] = new("getLandingToday", "Get today", "Today's landing-page figures.",
            Returns: typeof(LandingPages.LandingTodayResponse)),
        ["GET /api/analytics/{tenantId}/breakdown"] = new("getLandingBreakdown", "Get pages, sources and devices",
            "Page views of the last 7 local days by page, referrer source (top 10 each, the rest as `other`) and " +
            "device class.",
            Returns: typeof(LandingPages.LandingBreakdownResponse)),
        ["GET /t.js"] = new("getTrackingSnippet", "Tracking snippet", "The JavaScript a landing page includes to post its events."),
    };
}
