// Building the DOM without markup strings: every name and record is data the console did not
// write, so text goes in through textContent and attributes through setAttribute, never HTML.

const SVG_NS = 'http://www.w3.org/2000/svg';
// Set as properties, not attributes: they are the element's live state.
const PROPS = new Set(['value', 'checked', 'disabled', 'selected', 'open', 'indeterminate']);

function setAttrs(el, attrs) {
  if (!attrs) return;
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === 'class') {
      el.setAttribute('class', Array.isArray(value) ? value.filter(Boolean).join(' ') : String(value));
    } else if (key.startsWith('on')) {
      // Handlers are functions added as listeners; a string here would be an inline handler.
      if (typeof value !== 'function') throw new Error('event handler ' + key + ' must be a function');
      el.addEventListener(key.slice(2), value);
    } else if (key === 'style') {
      throw new Error('inline styles are refused by the page policy: use a class');
    } else if (key === 'dataset') {
      Object.assign(el.dataset, value);
    } else if (PROPS.has(key)) {
      el[key] = value;
    } else {
      if (key === 'href' && !/^[#/]/.test(String(value))) throw new Error('links stay on this origin');
      el.setAttribute(key, value === true ? '' : String(value));
    }
  }
}

function append(el, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else if (child instanceof Node) el.appendChild(child);
    else el.appendChild(document.createTextNode(String(child)));
  }
}

// h('a', {href: '#/zones', class: 'x', onclick: fn}, 'text', child, [more])
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  setAttrs(el, attrs);
  append(el, children);
  return el;
}

// The same for SVG elements (charts).
export function s(tag, attrs, ...children) {
  const el = document.createElementNS(SVG_NS, tag);
  setAttrs(el, attrs);
  append(el, children);
  return el;
}

export function replace(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

// Draws build()'s children into el only when key differs from the last drawing: a refresh that
// changed nothing here keeps the elements (a button under the pointer, an open select).
export function update(el, key, build) {
  const k = typeof key === 'string' ? key : JSON.stringify(key);
  if (el.dadnsKey === k) return false;
  el.dadnsKey = k;
  replace(el, build());
  return true;
}

// ---- formatting ----

const nf = new Intl.NumberFormat('en-US');
export const num = (n) => (typeof n === 'number' && Number.isFinite(n) ? nf.format(n) : '—');

const pad = (n) => String(n).padStart(2, '0');
export function time(ms) {
  if (!ms) return '—';
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) return '—';
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

export function duration(seconds) {
  if (typeof seconds !== 'number' || !Number.isFinite(seconds)) return '—';
  if (seconds < 1) return seconds <= 0 ? '0 s' : `${Math.round(seconds * 1000)} ms`;
  if (seconds < 60) return `${seconds < 10 ? seconds.toFixed(1) : Math.round(seconds)} s`;
  const s = Math.floor(seconds);
  const d = Math.floor(s / 86400), hr = Math.floor((s % 86400) / 3600), m = Math.floor((s % 3600) / 60);
  if (d) return `${d}d ${hr}h`;
  if (hr) return `${hr}h ${m}m`;
  return `${m}m ${s % 60}s`;
}

export function ago(ms) {
  if (!ms) return '—';
  const seconds = (Date.now() - ms) / 1000;
  if (seconds < 0) return 'in ' + duration(-seconds);
  return duration(seconds) + ' ago';
}

// Today's times as HH:MM:SS, older ones with their date (tables).
export function shortTime(ms) {
  if (!ms) return '—';
  const d = new Date(ms), now = new Date();
  if (d.toDateString() === now.toDateString()) return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  return time(ms).slice(0, 16);
}

// A time element: the local time (short: shortTime), the full time and its age as the tooltip.
export function when(ms, short = false) {
  if (!ms) return '—';
  return h('time', { datetime: new Date(ms).toISOString(), title: time(ms) + ' (' + ago(ms) + ')' }, short ? shortTime(ms) : time(ms));
}

// ---- small components ----

// state: ok | degraded | error | dead | pending | retrying | applied | up | down | ...
const TONE = {
  ok: 'ok', up: 'ok', applied: 'ok', synced: 'ok', alive: 'ok', running: 'ok', loaded: 'ok', 'in sync': 'ok', success: 'ok',
  degraded: 'warn', retrying: 'warn', suspect: 'warn', warning: 'warn', behind: 'warn',
  error: 'bad', dead: 'bad', down: 'bad', failed: 'bad', refused: 'bad', left: 'muted', deleted: 'muted',
  pending: 'muted', unreachable: 'bad',
};
export function toneOf(state) {
  return TONE[state] || 'muted';
}

export function badge(state, attrs = {}) {
  const tone = toneOf(state);
  return h('span', { ...attrs, class: ['badge', 'tone-' + tone, attrs.class] }, state);
}

export function kv(pairs) {
  return h('dl', { class: 'kv' }, pairs.filter(Boolean).map(([k, v]) => [h('dt', null, k), h('dd', null, v)]));
}

export function table(headers, rows, attrs = {}) {
  return h('table', { ...attrs, class: ['grid', attrs.class] },
    h('thead', null, h('tr', null, headers.map((c) => (c instanceof Node ? c : h('th', null, c))))),
    h('tbody', null, rows));
}

export function empty(text) {
  return h('p', { class: 'empty' }, text);
}

export function section(title, ...children) {
  return h('section', { class: 'card' }, h('h2', null, title), ...children);
}

// A one-line message area for results and failures.
export function note(text, tone = 'muted') {
  return h('p', { class: ['note', 'tone-' + tone] }, text);
}
