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

function zoneRow(z) {
  const problems = (z.backends || []).filter((b) => b.error);
  return h('tr', { dataset: { zone: z.zone }, class: z.deleted ? 'row-muted' : null },
    h('td', { class: 'zone-name' }, h('a', { href: zoneHref(z.zone) }, z.zone), z.deleted ? h('span', { class: 'badge tone-muted' }, 'deleted') : null),
    h('td', { class: 'num' }, 'v' + z.version),
    h('td', { class: 'num' }, num(z.records)),
    h('td', null, backendStates(z.backends)),
    h('td', { class: 'num nowrap' }, when(z.updated_at_ms, true)),
    h('td', { class: 'problems' }, problems.map((b) => h('div', { class: 'tone-bad ellipsis', title: `${b.backend}: ${b.error}` }, h('b', null, b.backend), ': ', b.error))));
}

function listState(params) {
  return {
    search: params.get('search') || '',
    sync: ['all', 'out', 'none'].includes(params.get('sync')) ? params.get('sync') : 'all',
    cursors: [], // the cursors of the pages before this one
    cursor: '',
    next: null,
    debounce: null,
  };
}

function filterQuery(st, q = new URLSearchParams()) {
  if (st.search) q.set('search', st.search);
  if (st.sync !== 'all') q.set('sync', st.sync);
  return q;
}

function filters(st, restart) {
  const input = h('input', {
    type: 'search', id: 'zone-search', placeholder: 'Search zone names…', value: st.search, autocomplete: 'off', spellcheck: 'false', 'aria-label': 'search zone names',
    oninput: () => {
      clearTimeout(st.debounce);
      st.debounce = setTimeout(() => {
        if (input.value === st.search) return;
        st.search = input.value;
        restart();
      }, 250);
    },
  });
  const select = h('select', { id: 'zone-sync', 'aria-label': 'sync filter', onchange: () => { st.sync = select.value; restart(); } },
    h('option', { value: 'all', selected: st.sync === 'all' }, 'All zones'),
    h('option', { value: 'out', selected: st.sync === 'out' }, 'Out of sync on a backend'),
    h('option', { value: 'none', selected: st.sync === 'none' }, 'In sync on no backend'));
  return [input, select];
}

function pager(st, load) {
  const prev = h('button', { type: 'button', class: 'btn small', id: 'zones-prev', onclick: () => { st.cursor = st.cursors.pop() || ''; load(); } }, '← Previous');
  const next = h('button', { type: 'button', class: 'btn small', id: 'zones-next', onclick: () => { if (st.next) { st.cursors.push(st.cursor); st.cursor = st.next; load(); } } }, 'Next →');
  const info = h('span', { class: 'muted num' });
  return {
    el: h('span', { class: 'pager' }, prev, info, next),
    show(count) {
      prev.disabled = st.cursors.length === 0;
      next.disabled = !st.next;
      const first = st.cursors.length * LIMIT;
      info.textContent = count ? `${num(first + 1)}–${num(first + count)}` : '';
    },
  };
}

export function zonesPage({ params, reload }) {
  const st = listState(params);
  let seq = 0;
  let lastKey = '';
  const load = () => reload();
  const pages = pager(st, load);
  const body = h('div', { class: 'zones-body' });

  const el = h('div', { class: 'zones' },
    h('div', { class: 'page-head' }, h('h1', null, 'Zones'),
      h('div', { class: 'toolbar' }, filters(st, restart), pages.el)),
    h('section', { class: 'card flush' }, body));

  function restart() {
    st.cursors = [];
    st.cursor = '';
    const q = filterQuery(st);
    const hash = '#/zones' + (q.toString() ? '?' + q : '');
    if (location.hash !== hash) history.replaceState(null, '', hash);
    load();
  }

  async function fetchPage() {
    const mine = ++seq;
    const q = filterQuery(st, new URLSearchParams({ limit: String(LIMIT) }));
    if (st.cursor) q.set('after', st.cursor);
    const answer = await get('/api/v1/zones?' + q);
    if (mine !== seq) return; // a newer request is on its way
    const key = JSON.stringify([answer, st.cursors.length]);
    if (key === lastKey) return;
    lastKey = key;
    render(answer);
  }

  function render(answer) {
    const zones = answer.zones || [];
    st.next = answer.next || null;
    pages.show(zones.length);
    if (!zones.length) {
      replace(body, empty(st.search || st.sync !== 'all' ? 'No zone matches.' : st.cursors.length ? 'No more zones.' : 'No zones are stored yet.'));
      return;
    }
    replace(body, table(['Zone', 'Version', 'Records', 'Backends', 'Updated', 'Problems'], zones.map(zoneRow), { id: 'zones-table' }));
  }

  return {
    el,
    title: 'Zones',
    refresh: fetchPage,
    wants: (ev) => ev.type === 'zone' || ev.type === 'outcome',
    dispose() {
      clearTimeout(st.debounce);
    },
  };
}
