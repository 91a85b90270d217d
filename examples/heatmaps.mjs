// Seed 000's JavaScript example against this server: only the base URL, the key and the location differ (from the
// environment; by default the embedded server's demo store). The seed defines the two functions; the last lines
// call them. Node.js 18 or later (built-in fetch): node examples/heatmaps.mjs
const API_KEY = process.env.HEATMAP_API_KEY ?? "your_api_key_here";
const BASE_URL = process.env.HEATMAP_BASE_URL ?? "http://localhost:5000/v1";
const LOCATION_ID = process.env.HEATMAP_LOCATION ?? "demo-store";

const headers = {
  "Authorization": `Bearer ${API_KEY}`,
  "Content-Type": "application/json"
};

// Create a heatmap
const createHeatmap = async () => {
  const response = await fetch(`${BASE_URL}/heatmaps`, {
    method: "POST",
    headers,
    body: JSON.stringify({
      name: "Store A - Customer Flow",
      location_id: LOCATION_ID,
      type: "customer_flow"
    })
  });

  const heatmap = await response.json();
  return heatmap;
};

// Get heatmap data
const getHeatmapData = async (heatmapId) => {
  const response = await fetch(
    `${BASE_URL}/heatmaps/${heatmapId}/data?start_date=2025-12-18&end_date=2025-12-25`,
    { headers }
  );

  const data = await response.json();
  return data;
};

const heatmap = await createHeatmap();
console.log(`Created heatmap: ${heatmap.id}`);
const data = await getHeatmapData(heatmap.id);
console.log(`Total visitors: ${data.summary.total_visitors}`);
