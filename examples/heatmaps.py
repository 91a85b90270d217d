# Seed 000's Python example, as written there, against this server: only the base URL, the key and the location
# differ (from the environment; by default the embedded server's demo store).
import os

import requests

API_KEY = os.environ.get("HEATMAP_API_KEY", "your_api_key_here")
BASE_URL = os.environ.get("HEATMAP_BASE_URL", "http://localhost:5000/v1")
LOCATION_ID = os.environ.get("HEATMAP_LOCATION", "demo-store")

headers = {
    "Authorization": f"Bearer {API_KEY}",
    "Content-Type": "application/json"
}

# Create a heatmap
response = requests.post(
    f"{BASE_URL}/heatmaps",
    json={
        "name": "Store A - Customer Flow",
        "location_id": LOCATION_ID,
        "type": "customer_flow"
    },
    headers=headers
)

heatmap = response.json()
print(f"Created heatmap: {heatmap['id']}")

# Get heatmap data
response = requests.get(
    f"{BASE_URL}/heatmaps/{heatmap['id']}/data",
    params={
        "start_date": "2025-12-18",
        "end_date": "2025-12-25"
    },
    headers=headers
)

data = response.json()
print(f"Total visitors: {data['summary']['total_visitors']}")
