using System.Security.Cryptography;
using System.Text;

namespace HeatmapSaas.Api.LandingPages;

/// <summary>
/// The tracking script a tenant pastes into a landing page, served at <c>/t.js</c>:
/// <c>&lt;script src="https://YOUR-HOST/t.js" data-tenant="1" defer&gt;&lt;/script&gt;</c>.
/// Kept here rather than in wwwroot so every host (published, <c>dotnet run</c>, tests) serves the same bytes.
/// See docs/landing-analytics.md.
/// </summary>
public static class TrackingSnippet
{
    public const string Path = "/t.js";

    public const string Source = """
        /*! HeatmapSaas landing analytics. <script src="https://YOUR-HOST/t.js" data-tenant="1" defer></script> */
        (function () {
          "use strict";
          if (window.heatmapAnalytics) return; // pasted twice: one tracker is enough

          var script = document.currentScript;
          if (!script) {
            var tagged = document.querySelectorAll("script[data-tenant]");
            script = tagged[tagged.length - 1];
          }
          var tenant = script ? parseInt(script.getAttribute("data-tenant"), 10) : NaN;
          if (!(tenant > 0)) {
            if (window.console) console.warn("t.js: data-tenant must be your tenant id, e.g. data-tenant=\"1\"");
            return;
          }
          // The endpoint is on the host the script came from, wherever the page itself lives.
          var endpoint = script.getAttribute("data-endpoint") || new URL("/api/analytics/track", script.src || location.href).href;

          function send(type, metadata) {
            var event = { tenant_id: tenant, event_type: type };
            if (metadata) event.metadata = metadata;
            var body = JSON.stringify(event);
            // A string is sent as text/plain, a CORS-safelisted type: no preflight, and the beacon outlives the page.
            try {
              if (navigator.sendBeacon && navigator.sendBeacon(endpoint, body)) return;
            } catch (e) { /* fall through to fetch */ }
            if (window.fetch) {
              fetch(endpoint, { method: "POST", body: body, keepalive: true, credentials: "omit",
                                headers: { "Content-Type": "text/plain" } })["catch"](function () {});
            }
          }

          // Time on page: visible time only, reported once per page view when the page is left or hidden for good
          // (visibilitychange is the last event mobile browsers reliably fire; pagehide covers the rest).
          var visibleSince = document.visibilityState === "visible" ? Date.now() : null;
          var visibleMs = 0;
          var reported = false;
          function pause() {
            if (visibleSince !== null) { visibleMs += Date.now() - visibleSince; visibleSince = null; }
          }
          function leave() {
            pause();
            if (reported) return;
            reported = true;
            send("time_on_page", { seconds: Math.min(86400, Math.round(visibleMs / 1000)) });
          }
          document.addEventListener("visibilitychange", function () {
            if (document.visibilityState === "hidden") leave();
            else if (!reported && visibleSince === null) visibleSince = Date.now();
          });
          window.addEventListener("pagehide", leave);
          // Back from the back/forward cache: a new page view.
          window.addEventListener("pageshow", function (e) {
            if (!e.persisted) return;
            visibleMs = 0; reported = false; visibleSince = Date.now();
            pageview();
          });

          // Clicks on anything marked data-heatmap-event="click_whatsapp" (or another event type); its other
          // data-heatmap-* attributes become metadata: data-heatmap-button-location="hero" → {button_location:"hero"}.
          document.addEventListener("click", function (e) {
            var target = e.target && e.target.closest ? e.target.closest("[data-heatmap-event]") : null;
            if (!target) return;
            var metadata = null;
            for (var i = 0; i < target.attributes.length; i++) {
              var name = target.attributes[i].name;
              if (name.indexOf("data-heatmap-") === 0 && name !== "data-heatmap-event") {
                metadata = metadata || {};
                metadata[name.slice(13).replace(/-/g, "_")] = target.attributes[i].value;
              }
            }
            send(target.getAttribute("data-heatmap-event"), metadata);
          }, true);

          function pageview() {
            var metadata = { path: location.pathname };
            if (document.referrer) metadata.referrer = document.referrer.split(/[?#]/)[0];
            send("pageview", metadata);
          }

          window.heatmapAnalytics = { track: send };
          pageview();
        })();

        """;

    public static readonly byte[] Bytes = Encoding.UTF8.GetBytes(Source);

    public static readonly string ETag = "\"" + Convert.ToHexStringLower(SHA256.HashData(Bytes))[..16] + "\"";
}
