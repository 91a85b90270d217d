// The floor canvas: the floor plan (or a plain floor), heat drawn smoothly over it on the shared colour scale
// (heatmap-scale.json, which image.png uses too), and the legend.
import { integer, decimal, niceCeil } from './format.js';

const FLOOR_MAX_PX = 900;
const FLOOR_COLOUR = '#eef1f5';
const GRID_COLOUR = '#dde2e9';

/** The scale file as the server embeds it: stops low to high, square-root mapping, an opacity. */
export async function loadScale() {
  const response = await fetch('heatmap-scale.json');
  if (!response.ok) throw new Error(`heatmap-scale.json: ${response.status}`);
  const scale = await response.json();
  const stops = scale.stops.map((hex) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)));
  // 256 entries, interpolated exactly as HeatmapColourScale.ColourOf does.
  const palette = Array.from({ length: 256 }, (_, i) => {
    const place = (i / 255) * (stops.length - 1);
    const low = Math.min(Math.floor(place), stops.length - 2);
    const t = place - low;
    return stops[low].map((c, k) => Math.round(c + (stops[low + 1][k] - c) * t));
  });
  return { stops: scale.stops, palette, opacity: scale.opacity };
}

/** Where on the scale (0..1) a count sits: footfall is heavy-tailed, so a square root spreads the cooler cells. */
export const placeOf = (count, max) => (max > 0 ? Math.sqrt(Math.min(1, Math.max(0, count / max))) : 0);

export class FloorHeatmap {
  constructor(canvas, legend, scale) {
    this.canvas = canvas;
    this.legend = legend; // { bar, ticks }
    this.scale = scale;
    this.floor = { width: 1000, height: 1000 };
    this.image = null;
    this.drawLegendBar();
  }

  setFloor(width, height, image) {
    this.floor = { width: width || 1000, height: height || 1000 };
    this.image = image;
    const fit = Math.min(FLOOR_MAX_PX / this.floor.width, FLOOR_MAX_PX / this.floor.height);
    this.canvas.width = Math.max(1, Math.round(this.floor.width * fit));
    this.canvas.height = Math.max(1, Math.round(this.floor.height * fit));
    this.canvas.dataset.floorWidth = this.floor.width;
    this.canvas.dataset.floorHeight = this.floor.height;
  }

  /**
   * Paints cells `[x, y, count]` (x, y the cell centre in floor units, as REST data_points) of `cellSize`.
   * Smoothing: one pixel per cell in a small image (red = place on the scale, green = "a cell is here"), scaled
   * up by the browser's bilinear filter, then coloured per pixel. At a cell's centre the colour is exactly the
   * cell's own; between cells it blends; towards empty ones it fades out.
   */
  paint(cells, cellSize, max, { whole = true, unit = '' } = {}) {
    const ctx = this.canvas.getContext('2d', { willReadFrequently: true });
    const { width: W, height: H } = this.canvas;
    const sx = W / this.floor.width;
    const sy = H / this.floor.height;
    ctx.globalAlpha = 1;
    if (this.image) ctx.drawImage(this.image, 0, 0, W, H);
    else this.drawPlainFloor(ctx, sx, sy);

    const painted = cells.filter(([, , count]) => count > 0);
    if (painted.length > 0) this.drawHeat(ctx, painted, cellSize, max, sx, sy);

    this.canvas.dataset.paintedCells = painted.length;
    this.canvas.dataset.maxCount = max;
    this.drawTicks(max, whole, unit);
  }

  drawHeat(ctx, cells, cellSize, max, sx, sy) {
    const cols = Math.ceil(this.floor.width / cellSize);
    const rows = Math.ceil(this.floor.height / cellSize);
    const grid = new OffscreenCanvas(cols, rows);
    const gridCtx = grid.getContext('2d');
    const pixels = gridCtx.createImageData(cols, rows);
    for (const [x, y, count] of cells) {
      const col = Math.floor(x / cellSize);
      const row = Math.floor(y / cellSize);
      if (col < 0 || row < 0 || col >= cols || row >= rows) continue;
      const at = 4 * (row * cols + col);
      pixels.data[at] = Math.max(1, Math.round(placeOf(count, max) * 255));
      pixels.data[at + 1] = 255;
      pixels.data[at + 3] = 255;
    }
    // Opaque black elsewhere: premultiplied transparency would smear colour into empty cells.
    for (let at = 3; at < pixels.data.length; at += 4) pixels.data[at] = 255;
    gridCtx.putImageData(pixels, 0, 0);

    const { width: W, height: H } = this.canvas;
    const smooth = new OffscreenCanvas(W, H);
    const smoothCtx = smooth.getContext('2d', { willReadFrequently: true });
    smoothCtx.imageSmoothingEnabled = true;
    smoothCtx.imageSmoothingQuality = 'low'; // bilinear: exact at cell centres, no ringing
    smoothCtx.drawImage(grid, 0, 0, cols * cellSize * sx, rows * cellSize * sy);
    const heat = smoothCtx.getImageData(0, 0, W, H).data;

    const out = ctx.getImageData(0, 0, W, H);
    const { palette, opacity } = this.scale;
    for (let at = 0; at < heat.length; at += 4) {
      const presence = heat[at + 1] / 255;
      if (presence <= 0) continue;
      const place = Math.min(255, Math.round(heat[at] / presence));
      const colour = palette[place];
      const alpha = opacity * presence;
      for (let k = 0; k < 3; k++) out.data[at + k] = Math.round(colour[k] * alpha + out.data[at + k] * (1 - alpha));
    }
    ctx.putImageData(out, 0, 0);
  }

  /** No floor-plan image: the floor's outline with a light grid (about ten lines each way). */
  drawPlainFloor(ctx, sx, sy) {
    const { width, height } = this.floor;
    ctx.fillStyle = FLOOR_COLOUR;
    ctx.fillRect(0, 0, ctx.canvas.width, ctx.canvas.height);
    const step = niceCeil(Math.max(width, height) / 10);
    ctx.strokeStyle = GRID_COLOUR;
    ctx.lineWidth = 1;
    ctx.beginPath();
    for (let x = step; x < width; x += step) {
      ctx.moveTo(Math.round(x * sx) + 0.5, 0);
      ctx.lineTo(Math.round(x * sx) + 0.5, ctx.canvas.height);
    }
    for (let y = step; y < height; y += step) {
      ctx.moveTo(0, Math.round(y * sy) + 0.5);
      ctx.lineTo(ctx.canvas.width, Math.round(y * sy) + 0.5);
    }
    ctx.stroke();
  }

  drawLegendBar() {
    const bar = this.legend.bar;
    const ctx = bar.getContext('2d');
    const row = ctx.createImageData(bar.width, 1);
    for (let i = 0; i < bar.width; i++) {
      const colour = this.scale.palette[Math.round((i / (bar.width - 1)) * 255)];
      row.data.set([...colour, 255], 4 * i);
    }
    for (let y = 0; y < bar.height; y++) ctx.putImageData(row, 0, y);
  }

  /** Ticks at round values (whole ones for counts), placed where the square-root scale puts them. */
  drawTicks(max, whole, unit) {
    const ticks = this.legend.ticks;
    ticks.replaceChildren();
    const format = whole ? integer : decimal;
    let step = max > 0 ? niceCeil(max / 4) : 1;
    if (whole) step = Math.max(1, Math.round(step));
    const values = [];
    for (let v = 0; v <= max; v += step) values.push(v);
    if (max > 0 && values.at(-1) < max) {
      if (values.length > 1 && placeOf(values.at(-1), max) > 0.9) values.pop(); // too close to the top label
      values.push(max);
    }
    for (const value of values) {
      const tick = document.createElement('span');
      tick.style.left = `${placeOf(value, max) * 100}%`;
      tick.textContent = format.format(value);
      ticks.append(tick);
    }
    this.legend.unit.textContent = unit;
  }
}
