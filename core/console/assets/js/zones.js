// Zones: the server's paged list, searched and filtered by sync state.

import { h, replace, table, empty, num, when, toneOf } from './dom.js';
import { get, enc } from './api.js';

const LIMIT = 50;

export function zoneHref(zone) {
  return '#/zones/' + enc(zone);
}

// One badge per backend: its name and where the zone stands there.
export function backendStates(backends) {
  if (!Array.isArray(backends)) return h('span', { class: 'muted' }, '—');
  if (!backends.length) return h('span', { class: 'muted' }, 'no backends');
  return h('span', { class: 'bstates' }, backends.map((b) => {
    const state = b.state || 'pending';
    const tip = `${b.backend}: ${state}` + (b.applied_version ? `, applied v${b.applied_version}` : '') + (b.error ? ` — ${b.error}` : '');
    return h('span', { class: ['bstate', 'tone-' + toneOf(state)], title: tip, dataset: { backend: b.backend, state } },
      h('span', { class: 'bname' }, b.backend), ' ', state);
  }));
}

export function zonesPage({ params, reload }) {
  let search = params.get('search') || '';
  let sync = ['all', 'out', 'none'].includes(params.get('sync')) ? params.get('sync') : 'all';
  let cursors = []; // the cursors of the pages before this one
  let cursor = '';
  let next = null;
  let seq = 0;
  let debounce = null;
  let lastKey = '';

  const input = h('input', {
    type: 'search', id: 'zone-search', placeholder: 'Search zone names…', value: search, autocomplete: 'off', spellcheck: 'false', 'aria-label': 'search zone names',
    oninput: () => {
      clearTimeout(debounce);
      debounce = setTimeout(() => {
        if (input.value === search) return;
        search = input.value;
        restart();
      }, 250);
    },
  });
  const select = h('select', { id: 'zone-sync', 'aria-label': 'sync filter', onchange: () => { sync = select.value; restart(); } },
    h('option', { value: 'all', selected: sync === 'all' }, 'All zones'),
    h('option', { value: 'out', selected: sync === 'out' }, 'Out of sync on a backend'),
    h('option', { value: 'none', selected: sync === 'none' }, 'In sync on no backend'));
  const prev = h('button', { type: 'button', class: 'btn small', id: 'zones-prev', onclick: () => { cursor = cursors.pop() || ''; load(); } }, '← Previous');
  const nextBtn = h('button', { type: 'button', class: 'btn small', id: 'zones-next', onclick: () => { if (next) { cursors.push(cursor); cursor = next; load(); } } }, 'Next →');
  const pageInfo = h('span', { class: 'muted num' });
  const body = h('div', { class: 'zones-body' });

  const el = h('div', { class: 'zones' },
    h('div', { class: 'page-head' }, h('h1', null, 'Zones'),
      h('div', { class: 'toolbar' }, input, select, h('span', { class: 'pager' }, prev, pageInfo, nextBtn))),
    h('section', { class: 'card flush' }, body));

  function restart() {
    cursors = [];
    cursor = '';
    const q = new URLSearchParams();
    if (search) q.set('search', search);
    if (sync !== 'all') q.set('sync', sync);
    const hash = '#/zones' + (q.toString() ? '?' + q : '');
    if (location.hash !== hash) history.replaceState(null, '', hash);
    load();
  }

  const load = () => reload();

  async function fetchPage() {
    const mine = ++seq;
    const q = new URLSearchParams({ limit: String(LIMIT) });
    if (search) q.set('search', search);
    if (sync !== 'all') q.set('sync', sync);
    if (cursor) q.set('after', cursor);
    const answer = await get('/api/v1/zones?' + q);
    if (mine !== seq) return; // a newer request is on its way
    const key = JSON.stringify([answer, cursors.length]);
    if (key === lastKey) return;
    lastKey = key;
    render(answer);
  }

  function render(answer) {
    const zones = answer.zones || [];
    next = answer.next || null;
    prev.disabled = cursors.length === 0;
    nextBtn.disabled = !next;
    const first = cursors.length * LIMIT;
    pageInfo.textContent = zones.length ? `${num(first + 1)}–${num(first + zones.length)}` : '';
    if (!zones.length) {
      replace(body, empty(search || sync !== 'all' ? 'No zone matches.' : cursors.length ? 'No more zones.' : 'No zones are stored yet.'));
      return;
    }
    replace(body, table(['Zone', 'Version', 'Records', 'Backends', 'Updated', 'Problems'], zones.map(row), { id: 'zones-table' }));
  }

  function row(z) {
    const problems = (z.backends || []).filter((b) => b.error);
    return h('tr', { dataset: { zone: z.zone }, class: z.deleted ? 'row-muted' : null },
      h('td', { class: 'zone-name' }, h('a', { href: zoneHref(z.zone) }, z.zone), z.deleted ? h('span', { class: 'badge tone-muted' }, 'deleted') : null),
      h('td', { class: 'num' }, 'v' + z.version),
      h('td', { class: 'num' }, num(z.records)),
      h('td', null, backendStates(z.backends)),
      h('td', { class: 'num nowrap' }, when(z.updated_at_ms, true)),
      h('td', { class: 'problems' }, problems.map((b) => h('div', { class: 'tone-bad ellipsis', title: `${b.backend}: ${b.error}` }, h('b', null, b.backend), ': ', b.error))));
  }

  return {
    el,
    title: 'Zones',
    refresh: fetchPage,
    wants: (ev) => ev.type === 'zone' || ev.type === 'outcome',
    dispose() {
      clearTimeout(debounce);
    },
  };
}
