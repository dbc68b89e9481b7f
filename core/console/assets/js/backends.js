// Backends: each one's figures, its queue and dead letters, drift check and redrive.

import { h, update, kv, table, empty, num, duration, when, note, ago } from './dom.js';
import { get, mutate, enc } from './api.js';
import { backendBadges, lastError } from './overview.js';
import { rateChart } from './chart.js';
import { zoneHref } from './zones.js';

const QUEUE_LIMIT = 50;

function zoneLink(zone) {
  return h('a', { href: zoneHref(zone) }, zone);
}

function driftLine(r, status) {
  const parts = [`${num(r.backend_zones)} zones on the backend`, `${num(r.requeued)} re-queued`, `${num(r.missing)} missing`, `${num(r.changed)} changed`, `${num(r.unknown)} unknown`, `${num(r.removed)} removed`];
  if (r.refused) return note(`Drift check refused (${status}): ${r.refused}`, 'warn');
  if (r.error) return note(`Drift check failed (${status}): ${r.error}`, 'bad');
  return note('Drift check: ' + parts.join(', ') + '.', 'ok');
}

async function runAction(name, what) {
  try {
    if (what === 'drift') {
      const r = await mutate('POST', `/api/v1/backends/${enc(name)}/drift`, { accept: [409, 502] });
      return driftLine(r.data || {}, r.status);
    }
    const r = await mutate('POST', `/api/v1/backends/${enc(name)}/redrive`);
    return note(`Redriven: ${num(r.data.redriven)} dead letter(s) queued again.`, 'ok');
  } catch (e) {
    return note(`${what === 'drift' ? 'Drift check' : 'Redrive'} failed: ${e.message}`, 'bad');
  }
}

function cardHead(b, busy, act) {
  return [
    h('h2', null, b.name),
    h('span', { class: 'muted' }, b.plugin),
    h('span', { class: 'badges' }, backendBadges(b)),
    h('span', { class: 'spacer' }),
    h('button', { type: 'button', class: 'btn small', disabled: busy.has(b.name + 'drift'), dataset: { action: 'drift' }, onclick: () => act(b.name, 'drift') }, busy.has(b.name + 'drift') ? 'Checking…' : 'Drift check now'),
    h('button', { type: 'button', class: 'btn small', disabled: busy.has(b.name + 'redrive') || !b.dead_letters, dataset: { action: 'redrive' }, onclick: () => act(b.name, 'redrive') }, 'Redrive dead letters')];
}

const figure = (n) => h('span', { class: 'num' }, num(n));

function figures(b, interval) {
  const drift = b.drift || {};
  return h('div', { class: 'detail-grid' },
    kv([
      ['queued', figure(b.queued)],
      ['retrying', figure(b.retrying)],
      ['in flight', figure(b.in_flight)],
      ['oldest pending', h('span', { class: 'num' }, b.queued > 0 ? duration(b.lag_seconds) : '—')],
      ['parallelism', figure(b.parallelism)],
    ]),
    kv([
      ['applied', figure(b.applied)],
      ['failed', figure(b.failed)],
      ['repaired', figure(b.repaired)],
      ['dead letters', figure(b.dead_letters)],
      ['consecutive failures', figure(b.consecutive_failures)],
    ]),
    kv([
      ['verified by', b.verification || '—'],
      ['drift scanned', drift.scanned_at_ms ? when(drift.scanned_at_ms) : 'not yet'],
      ['drift', `${num(drift.missing)} missing, ${num(drift.changed)} changed, ${num(drift.unknown)} unknown, ${num(drift.removed)} removed`],
      drift.refused && ['drift refused', h('span', { class: 'tone-warn' }, drift.refused)],
      drift.error && ['drift error', h('span', { class: 'tone-bad' }, drift.error)],
    ]),
    rateChart(b.applies_per_second, interval));
}

// What the plugin says of its own state (details): one row per value, a nested object's values
// under its name ("reconcile running", "named boot time").
function pluginDetails(details) {
  if (!details || !Object.keys(details).length) return null;
  const label = (k) => k.replace(/_/g, ' ');
  const text = (v) => (typeof v === 'number' ? num(v) : String(v));
  const rows = [];
  for (const [k, v] of Object.entries(details)) {
    if (v !== null && typeof v === 'object') {
      for (const [k2, v2] of Object.entries(v)) if (v2 === null || typeof v2 !== 'object') rows.push([`${label(k)} ${label(k2)}`, text(v2)]);
    } else {
      rows.push([label(k), text(v)]);
    }
  }
  return h('div', { class: 'plugin-details' }, h('h3', null, 'From the plugin'), kv(rows));
}

// The daemon sends at most QUEUE_LIMIT of each list.
function more(total, shown) {
  return total > shown ? h('p', { class: 'muted' }, `… and ${num(total - shown)} more`) : null;
}

function queueList(q) {
  const pending = (q && q.pending) || [];
  return h('div', null,
    h('h3', null, 'Queue ', h('span', { class: 'muted num' }, q ? `${num(q.pending_total)} pending` : '')),
    pending.length
      ? table(['Zone', 'Version', 'Attempts', 'Next attempt'], pending.map((p) =>
        h('tr', null,
          h('td', null, zoneLink(p.zone), p.deleted ? h('span', { class: 'badge tone-muted' }, 'delete') : null),
          h('td', { class: 'num' }, 'v' + p.version),
          h('td', { class: 'num' }, num(p.attempts)),
          h('td', { class: 'num' }, p.next_attempt_ms ? (p.next_attempt_ms > Date.now() ? ago(p.next_attempt_ms) : 'now') : 'now'))))
      : empty('Nothing waiting.'),
    q && more(q.pending_total, pending.length));
}

function deadLetterList(q) {
  const dead = (q && q.dead_letters) || [];
  return h('div', null,
    h('h3', null, 'Dead letters ', h('span', { class: 'muted num' }, q ? num(q.dead_letters_total) : '')),
    dead.length
      ? table(['Zone', 'Attempts', 'Error', 'Since'], dead.map((d) =>
        h('tr', null,
          h('td', null, zoneLink(d.zone)),
          h('td', { class: 'num' }, num(d.attempts)),
          h('td', { class: 'tone-bad wrap' }, d.error),
          h('td', { class: 'num nowrap' }, when(d.at_ms, true)))))
      : empty('None.'),
    q && more(q.dead_letters_total, dead.length));
}

function cardBody(b, q, interval, result) {
  return [
    result || null,
    b.up ? null : note('Down: ' + (b.down_reason || 'unknown reason'), 'bad'),
    lastError(b),
    figures(b, interval),
    pluginDetails(b.details),
    h('div', { class: 'cards two' }, queueList(q), deadLetterList(q))];
}

export function backendsPage({ reload }) {
  const body = h('div', { class: 'backends-list' });
  const el = h('div', { class: 'backends' }, h('div', { class: 'page-head' }, h('h1', null, 'Backends')), body);
  const results = new Map(); // backend -> the last action's result line (kept across refreshes)
  const busy = new Set();
  const cards = new Map(); // backend -> its card's elements

  async function act(name, what) {
    busy.add(name + what);
    reload();
    try {
      results.set(name, await runAction(name, what));
    } finally {
      busy.delete(name + what);
    }
    reload();
  }

  // One card per backend, kept across refreshes; its head (with the buttons) and its figures
  // are drawn again only when they changed.
  function cardOf(name) {
    if (!cards.has(name)) {
      const top = h('header', { class: 'card-head' });
      const rest = h('div');
      cards.set(name, { el: h('section', { class: 'card backend-detail', dataset: { backend: name } }, top, rest), top, rest });
    }
    return cards.get(name);
  }

  async function refresh() {
    const [st, queue] = await Promise.all([get('/api/v1/backends'), get(`/api/v1/queue?limit=${QUEUE_LIMIT}`)]);
    const queues = new Map((queue.queues || []).map((q) => [q.backend, q]));
    const list = st.backends || [];
    if (!list.length) {
      cards.clear();
      update(body, 'none', () => empty('No backends are running.'));
      return;
    }
    const shown = list.map((b) => {
      const c = cardOf(b.name);
      const q = queues.get(b.name);
      const result = results.get(b.name);
      update(c.top, [b.name, b.plugin, b.up, b.down_reason, b.retrying > 0, b.dead_letters, b.house_keeping_error, [...busy].filter((x) => x.startsWith(b.name))], () => cardHead(b, busy, act));
      update(c.rest, [b, q, result ? result.textContent + result.className : ''], () => cardBody(b, q, b.rate_interval_seconds || st.rate_interval_seconds || 5, result));
      return c.el;
    });
    update(body, list.map((b) => b.name), () => shown);
  }

  return { el, title: 'Backends', refresh, wants: (ev) => ev.type === 'outcome' || ev.type === 'zone' };
}
