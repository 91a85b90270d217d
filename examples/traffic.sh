#!/usr/bin/env bash
# Seed 002's curl calls against this server: the base URL, the key and the location differ (from the environment;
# by default the embedded server's demo store), and each -H joins its curl with a line continuation.
set -euo pipefail
BASE_URL=${HEATMAP_BASE_URL:-http://localhost:5000/v1}
YOUR_API_KEY=${HEATMAP_API_KEY:?set HEATMAP_API_KEY}
LOCATION=${HEATMAP_LOCATION:-demo-store}

curl -sf "$BASE_URL/traffic/impression-counts/$LOCATION/2020-01-01" \
  -H "Authorization: $YOUR_API_KEY"
echo
curl -sf "$BASE_URL/traffic/discovery-counts/$LOCATION/2020-01-01" \
  -H "Authorization: $YOUR_API_KEY"
echo
curl -sf "$BASE_URL/traffic/engagement-counts/$LOCATION/2020-01-01" \
  -H "Authorization: $YOUR_API_KEY"
echo
curl -sf "$BASE_URL/traffic/interaction-counts/$LOCATION/2020-01-01" \
  -H "Authorization: $YOUR_API_KEY"
echo
curl -sf "$BASE_URL/locations" \
  -H "Authorization: $YOUR_API_KEY"
echo
curl -sf "$BASE_URL/locations/last-update/$LOCATION" \
  -H "Authorization: $YOUR_API_KEY"
echo
