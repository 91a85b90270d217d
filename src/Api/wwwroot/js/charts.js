// Hourly, daily and weekly charts (Chart.js, from npm, served by the app as lib/chart.umd.min.js): the chosen
// period against the previous one. Each canvas also carries its figures as data-* attributes, for tests and
// for anyone reading the page's markup.
import { integer } from './format.js';

const CURRENT = '#2f6fde';
const PREVIOUS = '#b8c2cf';

const charts = new Map();

/**
 * Draws (or redraws in place) a bar chart on `canvas`: `labels`, the period's `current` values and, when given,
 * the previous period's `previous` values aligned by position. `highlight` marks one bar (the current hour).
 */
export function drawBars(canvas, { labels, current, previous, currentLabel, previousLabel, highlight = -1, titles }) {
  const colours = current.map((_, i) => (i === highlight ? '#f46d43' : CURRENT));
  const datasets = [{ label: currentLabel, data: current, backgroundColor: colours, borderRadius: 2 }];
  if (previous) datasets.push({ label: previousLabel, data: previous, backgroundColor: PREVIOUS, borderRadius: 2 });

  let chart = charts.get(canvas);
  if (chart) {
    chart.data.labels = labels;
    chart.data.datasets = datasets;
    chart.options.plugins.tooltip.callbacks.title = (items) => titles?.[items[0].dataIndex] ?? labels[items[0].dataIndex];
    chart.update('none');
  } else {
    chart = new Chart(canvas, {
      type: 'bar',
      data: { labels, datasets },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        interaction: { mode: 'index', intersect: false },
        scales: {
          x: { grid: { display: false }, ticks: { autoSkip: true, maxRotation: 0 } },
          y: { beginAtZero: true, ticks: { precision: 0, callback: (v) => integer.format(v) } },
        },
        plugins: {
          legend: { display: true, position: 'bottom', labels: { boxWidth: 12 } },
          tooltip: { callbacks: { title: (items) => titles?.[items[0].dataIndex] ?? labels[items[0].dataIndex] } },
        },
      },
    });
    charts.set(canvas, chart);
  }
  canvas.dataset.points = current.length;
  canvas.dataset.total = current.reduce((sum, v) => sum + v, 0);
  canvas.dataset.previousTotal = previous ? previous.reduce((sum, v) => sum + v, 0) : '';
}
