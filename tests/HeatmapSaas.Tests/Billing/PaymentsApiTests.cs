using System.Net.Http.Json;
using System.Text.Json;
using HeatmapSaas.Tests.Api;

namespace HeatmapSaas.Tests.Billing;

public sealed class PaymentsApiTests(ApiHost host) : IClassFixture<ApiHost>
{
    private const string ProIntent = """{"amount":9999,"currency":"USD","customer_id":"cust_123","plan_id":"plan_pro"}""";

    [Fact]
    public async Task Create_confirm_and_get_walk_the_state_machine()
    {
        var tenant = await host.CreateTenantAsync("free");
        var created = await Post(tenant, "/v1/payments/intent", ProIntent).Json(201);
        var id = created.GetProperty("intent_id").GetString()!;
        Assert.Matches("^pi_[A-Za-z0-9]{20}$", id);
        Assert.Equal("requires_payment_method", created.GetProperty("status").GetString());

        var confirmed = await Post(tenant, $"/v1/payments/{id}/confirm", """{"payment_method_id":"pm_card_visa"}""").Json(200);
        Assert.Equal("succeeded", confirmed.GetProperty("status").GetString());
        Assert.StartsWith("txn_", confirmed.GetProperty("transaction_id").GetString());

        var fetched = await (await tenant.Http.GetAsync($"/v1/payments/{id}")).Json(200);
        Assert.Equal("succeeded", fetched.GetProperty("status").GetString());
        Assert.Equal(confirmed.GetProperty("transaction_id").GetString(), fetched.GetProperty("transaction_id").GetString());

        await (await Post(tenant, $"/v1/payments/{id}/confirm", """{"payment_method_id":"pm_card_visa"}""")).Error(409, "CONFLICT");
    }

    [Theory]
    [InlineData("pm_card_chargeDeclined")]
    [InlineData("pm_card_insufficientFunds")]
    public async Task A_declined_card_answers_402_and_the_intent_can_be_paid_with_another(string card)
    {
        var tenant = await host.CreateTenantAsync("free");
        var id = (await Post(tenant, "/v1/payments/intent", ProIntent).Json(201)).GetProperty("intent_id").GetString()!;

        await (await Post(tenant, $"/v1/payments/{id}/confirm", $$"""{"payment_method_id":"{{card}}"}""")).Error(402, "PAYMENT_FAILED");
        var after = await (await tenant.Http.GetAsync($"/v1/payments/{id}")).Json(200);
        Assert.Equal("requires_payment_method", after.GetProperty("status").GetString());
        Assert.False(string.IsNullOrEmpty(after.GetProperty("last_payment_error").GetString()));
        var usage = await (await tenant.Http.GetAsync("/v1/usage")).Json(200);
        Assert.Equal("free", usage.GetProperty("plan").GetString());

        var paid = await Post(tenant, $"/v1/payments/{id}/confirm", """{"payment_method_id":"pm_card_visa"}""").Json(200);
        Assert.Equal("succeeded", paid.GetProperty("status").GetString());
    }

    [Theory]
    [InlineData("""{"amount":9998,"currency":"USD","plan_id":"plan_pro"}""", "amount")]
    [InlineData("""{"amount":49999,"currency":"USD","plan_id":"plan_pro"}""", "amount")]
    [InlineData("""{"currency":"USD","plan_id":"plan_pro"}""", "amount")]
    [InlineData("""{"amount":9999,"currency":"EUR","plan_id":"plan_pro"}""", "currency")]
    [InlineData("""{"amount":9999,"plan_id":"plan_pro"}""", "currency")]
    [InlineData("""{"amount":0,"currency":"USD","plan_id":"plan_free"}""", "plan_id")]
    [InlineData("""{"amount":9999,"currency":"USD","plan_id":"plan_gold"}""", "plan_id")]
    [InlineData("""{"amount":9999,"currency":"USD"}""", "plan_id")]
    [InlineData("""{"amount":"lots","currency":"USD","plan_id":"plan_pro"}""", "amount")]
    public async Task A_price_that_is_not_the_plans_answers_400_naming_the_parameter(string body, string parameter)
    {
        var tenant = await host.CreateTenantAsync();
        await (await Post(tenant, "/v1/payments/intent", body)).Error(400, "INVALID_REQUEST", parameter);
    }

    [Fact]
    public async Task Enterprise_is_bought_at_its_own_price_and_currency_case_does_not_matter()
    {
        var tenant = await host.CreateTenantAsync("free");
        var created = await Post(tenant, "/v1/payments/intent", """{"amount":49999,"currency":"usd","plan_id":"plan_enterprise"}""").Json(201);
        Assert.Equal("USD", created.GetProperty("currency").GetString());
    }

    [Fact]
    public async Task Confirm_needs_a_payment_method_and_unknown_or_foreign_intents_are_404()
    {
        var tenant = await host.CreateTenantAsync();
        var other = await host.CreateTenantAsync();
        var id = (await Post(tenant, "/v1/payments/intent", ProIntent).Json(201)).GetProperty("intent_id").GetString()!;

        await (await Post(tenant, $"/v1/payments/{id}/confirm", "{}")).Error(400, "INVALID_REQUEST", "payment_method_id");
        await (await Post(tenant, $"/v1/payments/{id}/confirm", """{"payment_method_id":"card_1"}""")).Error(400, "INVALID_REQUEST", "payment_method_id");
        await (await other.Http.GetAsync($"/v1/payments/{id}")).Error(404, "NOT_FOUND");
        await (await Post(other, $"/v1/payments/{id}/confirm", """{"payment_method_id":"pm_card_visa"}""")).Error(404, "NOT_FOUND");
        await (await Post(other, $"/v1/payments/{id}/confirm", "{}")).Error(404, "NOT_FOUND");
        await (await tenant.Http.GetAsync("/v1/payments/pi_doesnotexist")).Error(404, "NOT_FOUND");
        await (await tenant.Http.GetAsync("/v1/payments/whatever")).Error(404, "NOT_FOUND");
    }

    [Fact]
    public async Task A_pro_purchase_raises_the_rate_limit_on_the_next_request_and_sets_plan_expires_at()
    {
        var tenant = await host.CreateTenantAsync("free");
        var before = await tenant.Http.GetAsync("/v1/usage");
        Assert.Equal("100", Header(before, "X-RateLimit-Limit"));
        Assert.Equal(JsonValueKind.Null, (await before.Json(200)).GetProperty("plan_expires_at").ValueKind);

        var id = (await Post(tenant, "/v1/payments/intent", ProIntent).Json(201)).GetProperty("intent_id").GetString()!;
        await Post(tenant, $"/v1/payments/{id}/confirm", """{"payment_method_id":"pm_123456"}""").Json(200);

        var after = await tenant.Http.GetAsync("/v1/usage");
        Assert.Equal("10000", Header(after, "X-RateLimit-Limit"));
        var usage = await after.Json(200);
        Assert.Equal("pro", usage.GetProperty("plan").GetString());
        var expires = DateTimeOffset.Parse(usage.GetProperty("plan_expires_at").GetString()!);
        Assert.InRange(expires - DateTimeOffset.UtcNow, TimeSpan.FromDays(29.9), TimeSpan.FromDays(30));

        // A renewal extends from the current end, not from now.
        var renewal = (await Post(tenant, "/v1/payments/intent", ProIntent).Json(201)).GetProperty("intent_id").GetString()!;
        await Post(tenant, $"/v1/payments/{renewal}/confirm", """{"payment_method_id":"pm_123456"}""").Json(200);
        var renewed = await (await tenant.Http.GetAsync("/v1/usage")).Json(200);
        Assert.Equal(expires.AddDays(30), DateTimeOffset.Parse(renewed.GetProperty("plan_expires_at").GetString()!));
    }

    [Fact]
    public async Task The_same_idempotency_key_and_body_replay_the_first_answer_and_create_nothing_new()
    {
        var tenant = await host.CreateTenantAsync();
        var first = await PostWithKey(tenant, "/v1/payments/intent", ProIntent, "key-1");
        var firstBody = await first.Json(201);
        var again = await PostWithKey(tenant, "/v1/payments/intent", ProIntent, "key-1");
        var againBody = await again.Json(201);
        Assert.Equal(firstBody.GetRawText(), againBody.GetRawText());
        Assert.Equal(first.Headers.Location, again.Headers.Location);
        Assert.Equal("true", Header(again, "Idempotent-Replayed"));

        // Another tenant's identical key is its own.
        var other = await host.CreateTenantAsync();
        var theirs = await PostWithKey(other, "/v1/payments/intent", ProIntent, "key-1").Json(201);
        Assert.NotEqual(firstBody.GetProperty("intent_id").GetString(), theirs.GetProperty("intent_id").GetString());
    }

    [Fact]
    public async Task The_same_key_with_another_body_or_route_is_409()
    {
        var tenant = await host.CreateTenantAsync();
        await PostWithKey(tenant, "/v1/payments/intent", ProIntent, "key-2").Json(201);
        var otherBody = ProIntent.Replace("cust_123", "cust_456");
        await (await PostWithKey(tenant, "/v1/payments/intent", otherBody, "key-2")).Error(409, "CONFLICT", "Idempotency-Key");
        var id = (await Post(tenant, "/v1/payments/intent", ProIntent).Json(201)).GetProperty("intent_id").GetString()!;
        await (await PostWithKey(tenant, $"/v1/payments/{id}/confirm", ProIntent, "key-2")).Error(409, "CONFLICT", "Idempotency-Key");
    }

    [Fact]
    public async Task The_key_is_checked_before_validation_and_a_replayed_error_is_the_first_error()
    {
        var tenant = await host.CreateTenantAsync();
        const string bad = """{"amount":1,"currency":"USD","plan_id":"plan_pro"}""";
        var first = await (await PostWithKey(tenant, "/v1/payments/intent", bad, "key-3")).Error(400, "INVALID_REQUEST", "amount");
        var replay = await PostWithKey(tenant, "/v1/payments/intent", bad, "key-3");
        Assert.Equal("true", Header(replay, "Idempotent-Replayed"));
        Assert.Equal(first.GetRawText(), (await replay.Error(400, "INVALID_REQUEST", "amount")).GetRawText());
        // A good body under the used key is another request: 409, not a new intent.
        await (await PostWithKey(tenant, "/v1/payments/intent", ProIntent, "key-3")).Error(409, "CONFLICT");
    }

    [Fact]
    public async Task A_confirm_replayed_by_key_answers_its_success_again_instead_of_409()
    {
        var tenant = await host.CreateTenantAsync("free");
        var id = (await Post(tenant, "/v1/payments/intent", ProIntent).Json(201)).GetProperty("intent_id").GetString()!;
        const string card = """{"payment_method_id":"pm_card_visa"}""";
        var first = await PostWithKey(tenant, $"/v1/payments/{id}/confirm", card, "confirm-1").Json(200);
        var again = await PostWithKey(tenant, $"/v1/payments/{id}/confirm", card, "confirm-1").Json(200);
        Assert.Equal(first.GetRawText(), again.GetRawText());
        await (await Post(tenant, $"/v1/payments/{id}/confirm", card)).Error(409, "CONFLICT");
    }

    [Fact]
    public async Task A_key_still_in_flight_answers_409()
    {
        var tenant = await host.CreateTenantAsync();
        // Claim the key the way a first request with the same route and body holds it while it runs.
        var grains = (Orleans.IGrainFactory)host.Services.GetService(typeof(Orleans.IGrainFactory))!;
        var fingerprint = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(
            System.Text.Encoding.UTF8.GetBytes("POST /v1/payments/intent\n" + ProIntent)));
        var claim = await grains.GetGrain<HeatmapSaas.Billing.IIdempotencyGrain>($"{tenant.Id}/key-4").ClaimAsync(fingerprint);
        Assert.Equal(HeatmapSaas.Billing.IdempotencyOutcome.Claimed, claim.Outcome);
        var error = await (await PostWithKey(tenant, "/v1/payments/intent", ProIntent, "key-4")).Error(409, "CONFLICT", "Idempotency-Key");
        Assert.Contains("still being processed", error.GetProperty("message").GetString());
    }

    [Fact]
    public async Task The_openapi_document_lists_the_payment_and_webhook_routes_and_the_idempotency_header()
    {
        using var anonymous = host.Client();
        var document = await (await anonymous.GetAsync("/openapi/v1.json")).Json(200);
        var paths = document.GetProperty("paths");
        foreach (var path in new[] { "/v1/payments/intent", "/v1/payments/{intent_id}", "/v1/payments/{intent_id}/confirm",
                     "/v1/webhooks", "/v1/webhooks/{id}", "/v1/webhooks/{id}/deliveries" })
        {
            Assert.True(paths.TryGetProperty(path, out _) || paths.TryGetProperty(path + "/", out _), $"{path} is not in the document");
        }

        var create = paths.GetProperty("/v1/payments/intent").GetProperty("post");
        Assert.Contains(create.GetProperty("parameters").EnumerateArray(),
            p => p.GetProperty("name").GetString() == "Idempotency-Key" && p.GetProperty("in").GetString() == "header");
    }

    private static Task<HttpResponseMessage> Post(TestTenant tenant, string path, string json) =>
        tenant.Http.PostAsync(path, HttpAssertions.JsonBody(json));

    private static Task<HttpResponseMessage> PostWithKey(TestTenant tenant, string path, string json, string key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = HttpAssertions.JsonBody(json) };
        request.Headers.Add("Idempotency-Key", key);
        return tenant.Http.SendAsync(request);
    }

    private static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.Single() : throw new Xunit.Sdk.XunitException($"missing header {name}");
}

internal static class ResponseTasks
{
    public static async Task<JsonElement> Json(this Task<HttpResponseMessage> response, int status) => await (await response).Json(status);
}
