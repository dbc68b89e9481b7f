// A small bar chart of a backend's applies per second, one bar per rate interval, as SVG.

import { h, s } from './dom.js';

const W = 240;
const H = 44;

function fmtRate(v) {
  if (!v) return '0';
  return v >= 10 ? v.toFixed(0) : v >= 1 ? v.toFixed(1) : v.toFixed(2);
}

// values: oldest first; interval: seconds per value.
export function rateChart(values, interval = 5) {
  if (!Array.isArray(values) || values.length === 0) return h('div', { class: 'chart chart-none' }, 'no rate history');
  const n = values.length;
  const clean = values.map((v) => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : 0));
  const peak = Math.max(...clean);
  const top = peak > 0 ? peak : 1;
  const slot = W / n;
  const bars = clean.map((v, i) => {
    const bh = v > 0 ? Math.max(1.5, (v / top) * (H - 2)) : 0;
    const ago = (n - 1 - i) * interval;
    return s('rect', { x: (i * slot + 0.5).toFixed(2), y: (H - bh).toFixed(2), width: Math.max(slot - 1, 0.5).toFixed(2), height: bh.toFixed(2), class: 'bar' },
      s('title', null, `${fmtRate(v)}/s, ${ago ? ago + ' s ago' : 'now'}`));
  });
  const minutes = Math.round((n * interval) / 60);
  const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, preserveAspectRatio: 'none', class: 'chart-svg', role: 'img', 'aria-label': `applies per second over the last ${minutes} minutes` },
    s('line', { x1: 0, y1: H - 0.5, x2: W, y2: H - 0.5, class: 'axis' }),
    s('line', { x1: 0, y1: 0.5, x2: W, y2: 0.5, class: 'gridline' }),
    bars);
  return h('figure', { class: 'chart' },
    svg,
    h('figcaption', null,
      h('span', null, `applies/s, last ${minutes} min`),
      h('span', { class: 'num' }, `now ${fmtRate(clean[n - 1])} · peak ${fmtRate(peak)}`)));
}
