// Hour-by-hour playback of a period's heatmap: a slider over the steps (its last position is the whole
// period) and a play button stepping through them.
const STEP_MS = 700;

export class Playback {
  constructor({ slider, button, label, onShow }) {
    Object.assign(this, { slider, button, label, onShow });
    this.frames = [];
    this.timer = null;
    slider.addEventListener('input', () => this.show(Number(slider.value)));
    button.addEventListener('click', () => (this.timer ? this.stop() : this.play()));
  }

  /** New steps (sorted `{key, cells}`); the position stays on "whole period" or on the same step. */
  setFrames(frames) {
    const shown = this.current()?.key;
    this.frames = frames;
    this.max = null;
    this.slider.max = frames.length;
    const keep = shown ? frames.findIndex((f) => f.key === shown) : -1;
    this.slider.value = keep >= 0 ? keep : frames.length;
    this.slider.disabled = frames.length === 0;
    this.button.disabled = frames.length === 0;
    this.showLabel();
  }

  /** The step shown, or null for the whole period. */
  current() {
    const at = Number(this.slider.value);
    return at < this.frames.length ? this.frames[at] : null;
  }

  /** The hottest cell of any step: playback keeps one scale, so hours compare by colour. */
  maxCount() {
    this.max ??= this.frames.reduce((m, f) => Math.max(m, ...[...f.cells.values()].map(([, , c]) => c)), 0);
    return this.max;
  }

  show(at) {
    this.slider.value = at;
    this.showLabel();
    this.onShow();
  }

  play() {
    if (this.frames.length === 0) return;
    this.button.textContent = '❚❚';
    this.button.setAttribute('aria-label', 'Pause');
    let at = this.current() ? Number(this.slider.value) : 0;
    this.show(at);
    this.timer = setInterval(() => {
      at += 1;
      this.show(at); // past the last step: the whole period again
      if (at >= this.frames.length) this.stop();
    }, STEP_MS);
  }

  stop() {
    clearInterval(this.timer);
    this.timer = null;
    this.button.textContent = '▶';
    this.button.setAttribute('aria-label', 'Play hour by hour');
  }

  showLabel() {
    const frame = this.current();
    this.label.textContent = frame ? frame.key : 'whole period';
    this.slider.dataset.step = frame ? frame.key : 'all';
  }
}
