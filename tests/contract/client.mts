// Calls one route of every family through openapi-fetch, typed by the types openapi-typescript generates from the
// served document (generated/api.d.ts). tsc --strict failing here means the document is wrong.
import assert from "node:assert/strict";
import createClient from "openapi-fetch";
import type { paths } from "./generated/api.js";

const baseUrl = process.env.HEATMAP_BASE_URL!;
const admin = createClient<paths>({ baseUrl, headers: { Authorization: `Bearer ${process.env.HEATMAP_ADMIN_KEY}` } });

const created = await admin.POST("/v1/tenants", { body: { name: "TS client", plan: "enterprise" } });
assert.equal(created.response.status, 201, JSON.stringify(created.error));
const tenant = created.data!;
const api = createClient<paths>({ baseUrl, headers: { Authorization: `Bearer ${tenant.api_key}` } });

const key = await api.POST("/v1/api-keys", { body: { name: "reader" } });
assert.ok((await api.GET("/v1/api-keys")).data!.api_keys.some(k => k.id === key.data!.id));

const location = (await api.POST("/v1/locations", { body: { name: "TS Store", slug: "ts-store", timezone: "UTC" } })).data!;
assert.equal((await api.GET("/v1/locations/{location}", { params: { path: { location: "ts-store" } } })).data!.slug, "ts-store");

const receipt = await api.POST("/v1/locations/{location}/events", {
    params: { path: { location: "ts-store" } },
    body: { batch_id: "ts-1", events: [{ type: "position", track_id: "t1", ts: new Date().toISOString(), x: 0.5, y: 0.5 }] },
});
assert.equal(receipt.data!.accepted, 1, JSON.stringify(receipt.error));

const today = new Date().toISOString().slice(0, 10);
const heatmap = (await api.POST("/v1/heatmaps", { body: { name: "Floor", location_id: location.id, type: "customer_flow" } })).data!;
const data = await api.GET("/v1/heatmaps/{id}/data", { params: { path: { id: heatmap.id }, query: { start_date: today, end_date: today } } });
assert.equal(data.response.status, 200, JSON.stringify(data.error));

const traffic = await api.GET("/v1/traffic/{kind}/{location}/{date}", { params: { path: { kind: "discovery-counts", location: "ts-store", date: today } } });
assert.equal(traffic.response.status, 200, JSON.stringify(traffic.error));
const analytics = await api.GET("/v1/locations/{location}/analytics", { params: { path: { location: "ts-store" }, query: { start_date: today, end_date: today } } });
assert.equal(analytics.response.status, 200, JSON.stringify(analytics.error));

// openapi-typescript types a binary body as string; the image goes out as bytes through bodySerializer.
const onePixel = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==", "base64");
const put = await api.PUT("/v1/locations/{location}/floor-plan", {
    params: { path: { location: "ts-store" } },
    body: "",
    bodySerializer: () => onePixel,
    headers: { "Content-Type": "image/png" },
});
assert.equal(put.response.status, 204, JSON.stringify(put.error));
const plan = await api.GET("/v1/locations/{location}/floor-plan", { params: { path: { location: "ts-store" } }, parseAs: "blob" });
assert.equal(plan.response.headers.get("content-type"), "image/png");

const webhook = await api.POST("/v1/webhooks", { body: { url: "http://127.0.0.1:9/hook", events: ["payment.succeeded"], active: true } });
assert.equal(webhook.response.status, 201, JSON.stringify(webhook.error));
const intent = await api.POST("/v1/payments/intent", { body: { amount: 9999, currency: "USD", customer_id: "cust_ts", plan_id: "plan_pro" } });
assert.equal(intent.response.status, 201, JSON.stringify(intent.error));

const anonymous = createClient<paths>({ baseUrl });
const tracked = await anonymous.POST("/api/analytics/track", { body: { tenant_id: tenant.id, event_type: "pageview" } });
assert.ok(tracked.response.ok, JSON.stringify(tracked.error));
assert.equal((await api.GET("/api/analytics/{tenantId}/today", { params: { path: { tenantId: tenant.id } } })).response.status, 200);

assert.equal((await api.GET("/v1/usage")).data!.tenant_id, tenant.id);
console.log("all families answered");
