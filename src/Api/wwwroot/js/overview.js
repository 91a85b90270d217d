// All stores at a glance: live occupancy (and utilisation against capacity), visitors today, the change against
// the same weekday last week at the same time; zones listed under their store. A row opens its store.
import { change, integer, percent } from './format.js';

export class Overview {
  constructor(table, { open }) {
    this.body = table.tBodies[0];
    this.open = open;
    this.rows = new Map(); // location id → { row, cells, lastWeek, counters }
  }

  /** `locations`: details in display order, each with `depth` (0 a store, 1 its zone…). */
  setLocations(locations) {
    this.rows = new Map();
    this.body.replaceChildren(...locations.map((location) => {
      const row = document.createElement('tr');
      row.dataset.location = location.id;
      row.className = location.depth > 0 ? 'zone' : 'root';
      const name = document.createElement('td');
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'link';
      button.textContent = location.name;
      button.style.marginLeft = `${location.depth * 1.2}rem`;
      button.addEventListener('click', () => this.open(location.id));
      name.append(button);
      const cells = { occupancy: td('occupancy'), visitors: td('visitors'), change: td('change') };
      row.append(name, cells.occupancy, cells.visitors, cells.change);
      this.rows.set(location.id, { row, cells, lastWeek: null, counters: null });
      return row;
    }));
  }

  setCounters(counters) {
    const entry = this.rows.get(counters.location_id);
    if (!entry) return;
    entry.counters = counters;
    this.show(entry);
  }

  setLastWeek(id, visitors) {
    const entry = this.rows.get(id);
    if (!entry) return;
    entry.lastWeek = visitors;
    this.show(entry);
  }

  show({ row, cells, lastWeek, counters }) {
    if (counters) {
      cells.occupancy.textContent = integer.format(counters.occupancy);
      if (counters.capacity) {
        const utilisation = counters.utilisation ?? counters.occupancy / counters.capacity;
        cells.occupancy.textContent += ` · ${percent.format(utilisation)}`;
        row.dataset.over = counters.occupancy > counters.capacity;
      }
      cells.visitors.textContent = integer.format(counters.visitors_today);
    }
    if (counters && lastWeek != null) {
      const delta = change(counters.visitors_today, lastWeek);
      cells.change.dataset.direction = delta.direction;
      cells.change.textContent = `${delta.text} (${integer.format(lastWeek)})`;
    }
  }
}

function td(name) {
  const cell = document.createElement('td');
  cell.dataset.figure = name;
  cell.textContent = '–';
  return cell;
}
