// One zone: its records, where each backend stands, its history, a diff between any two
// versions, rollback and redrive.

import { h, replace, update, badge, kv, table, empty, num, when, note } from './dom.js';
import { get, mutate, enc } from './api.js';
import { confirmDialog } from './ui.js';
import { diffLines } from './diff.js';

const CONTEXT = 3; // unchanged lines shown around each change

const norm = (zone) => String(zone || '').toLowerCase().replace(/\.$/, '');

function originText(o) {
  if (!o) return '—';
  const who = [o.user, o.host].filter(Boolean).join('@');
  return o.source + (who ? ' · ' + who : '');
}

// A zone-file line as columns; the owner relative to the origin.
function recordRow(line, origin) {
  const m = line.match(/^(\S+)\s+(\d+)\s+(IN|CH|HS)\s+(\S+)\s*(.*)$/i);
  if (!m) return h('tr', { class: 'directive' }, h('td', { colspan: 5, class: 'mono' }, line));
  let name = m[1];
  if (origin) {
    if (name.toLowerCase() === origin.toLowerCase()) name = '@';
    else if (name.toLowerCase().endsWith('.' + origin.toLowerCase())) name = name.slice(0, -(origin.length + 1));
  }
  return h('tr', null,
    h('td', { class: 'mono', title: m[1] }, name),
    h('td', { class: 'num' }, m[2]),
    h('td', { class: 'muted' }, m[3]),
    h('td', { class: 'rtype' }, m[4]),
    h('td', { class: 'mono rdata' }, m[5]));
}

function recordsView(text) {
  const lines = String(text || '').split(/\r?\n/).filter((l) => l.trim() !== '');
  let origin = '';
  const rows = [];
  for (const line of lines) {
    const o = line.match(/^\$ORIGIN\s+(\S+)/i);
    if (o) {
      origin = o[1];
      continue;
    }
    rows.push(recordRow(line, origin));
  }
  return { origin, el: rows.length ? table(['Name', 'TTL', 'Class', 'Type', 'Data'], rows, { class: 'records' }) : empty('No records.') };
}

function backendRow(b, version) {
  const state = b.state; // the daemon's rule, the same as in the zones list
  return h('tr', { dataset: { backend: b.backend, state } },
    h('td', null, b.backend),
    h('td', null, badge(state, { title: b.last_error || null })),
    h('td', { class: 'num' }, b.applied_version ? 'v' + b.applied_version : '—', !b.in_sync && b.applied_version ? h('span', { class: 'muted' }, ` of v${version}`) : null),
    h('td', { class: 'num', title: b.verified_count < 0 ? 'not verified yet' : null }, b.verified_count >= 0 ? num(b.verified_count) : '—'),
    h('td', { class: 'num' }, num(b.attempts)),
    h('td', { class: 'wrap error-cell' },
      b.last_error ? h('div', { class: 'tone-bad error-text' }, b.last_error) : null,
      b.warning ? h('div', { class: 'tone-warn' }, b.warning) : null),
    h('td', { class: 'num nowrap' }, when(b.updated_at_ms, true)));
}

// The diff as a table: old and new line numbers, the marker, the line; long unchanged runs
// folded.
function diffView(ops) {
  const rows = [];
  const changed = ops.map((o) => o.op !== ' ');
  let added = 0, removed = 0;
  for (let i = 0; i < ops.length; i++) {
    const o = ops[i];
    if (o.op === '+') added++;
    if (o.op === '-') removed++;
    let near = false;
    for (let k = Math.max(0, i - CONTEXT); k <= Math.min(ops.length - 1, i + CONTEXT) && !near; k++) near = changed[k];
    if (!near) {
      let j = i;
      while (j < ops.length && !changed[j]) {
        let nearJ = false;
        for (let k = Math.max(0, j - CONTEXT); k <= Math.min(ops.length - 1, j + CONTEXT) && !nearJ; k++) nearJ = changed[k];
        if (nearJ) break;
        j++;
      }
      rows.push(h('tr', { class: 'fold' }, h('td', { colspan: 4 }, `⋯ ${j - i} unchanged line${j - i === 1 ? '' : 's'}`)));
      i = j - 1;
      continue;
    }
    const cls = o.op === '+' ? 'add' : o.op === '-' ? 'del' : 'same';
    rows.push(h('tr', { class: cls },
      h('td', { class: 'ln' }, o.a ?? ''),
      h('td', { class: 'ln' }, o.b ?? ''),
      h('td', { class: 'mark' }, o.op === ' ' ? '' : o.op === '-' ? '−' : '+'),
      h('td', { class: 'line' }, o.text)));
  }
  return { added, removed, el: h('table', { class: 'diff', id: 'diff-table' }, h('tbody', null, rows)) };
}

export function zonePage({ args, reload }) {
  const zoneName = args[0];
  const base = '/api/v1/zones/' + enc(zoneName);
  const texts = new Map(); // version -> zone_text (kept versions do not change)
  let current = null;
  let versions = [];
  let from = null, to = null, picked = false;
  let diffSeq = 0;

  const title = h('h1', null, zoneName);
  const headBadges = h('span', { class: 'badges' });
  const actions = h('div', { class: 'actions' });
  const result = h('div', { id: 'zone-result', class: 'result', 'aria-live': 'polite' });
  const summary = h('div');
  const backends = h('div');
  const recordsHead = h('span', { class: 'muted' });
  const records = h('div', { id: 'records' });
  const history = h('div', { id: 'history' });
  const fromSel = h('select', { id: 'diff-from', 'aria-label': 'older version', onchange: () => { picked = true; from = Number(fromSel.value); showDiff(); } });
  const toSel = h('select', { id: 'diff-to', 'aria-label': 'newer version', onchange: () => { picked = true; to = Number(toSel.value); showDiff(); } });
  const diffSummary = h('span', { class: 'muted', id: 'diff-summary' });
  const diffOut = h('div', { id: 'diff' });

  const el = h('div', { class: 'zone-page' },
    h('p', { class: 'crumbs' }, h('a', { href: '#/zones' }, 'Zones'), ' / '),
    h('div', { class: 'page-head' }, h('div', { class: 'title' }, title, headBadges), actions),
    result,
    h('div', { class: 'cards zone-top' },
      h('section', { class: 'card' }, h('h2', null, 'Zone'), summary),
      h('section', { class: 'card' }, h('h2', null, 'Backends'), backends)),
    h('section', { class: 'card' }, h('h2', null, 'Records ', recordsHead), records),
    h('div', { class: 'cards zone-bottom' },
      h('section', { class: 'card' }, h('h2', null, 'History'), history),
      h('section', { class: 'card' },
        h('h2', null, 'Changes'),
        h('div', { class: 'toolbar' }, h('label', null, 'from ', fromSel), h('label', null, 'to ', toSel), diffSummary),
        diffOut)));

  function say(text, tone) {
    replace(result, note(text, tone));
  }

  async function rollback(v) {
    const ok = await confirmDialog({
      title: 'Roll back ' + zoneName,
      body: [h('p', null, `Store the records of version ${v.version} as a new version of `, h('b', null, zoneName), '?'),
        h('p', { class: 'muted' }, v.deleted ? 'That version is a delete: the zone will be deleted on every backend.' : 'Every backend is sent the zone again.')],
      ok: 'Roll back to v' + v.version,
      danger: true,
    });
    if (!ok) return;
    try {
      const r = await mutate('POST', `${base}/rollback?version=${v.version}`);
      say(`Rolled back to version ${v.version}: stored as version ${r.data.version}.`, 'ok');
    } catch (e) {
      say('Rollback failed: ' + e.message, 'bad');
    }
    reload();
  }

  async function redrive() {
    try {
      const r = await mutate('POST', `${base}/redrive`);
      const on = Array.isArray(r.data.backends) && r.data.backends.length ? ' on ' + r.data.backends.join(', ') : '';
      say(r.data.redriven ? `Redriven${on}: the zone is queued again.` : 'Nothing to redrive: no dead letter left.', r.data.redriven ? 'ok' : 'muted');
    } catch (e) {
      say('Redrive failed: ' + e.message, 'bad');
    }
    reload();
  }

  async function textOf(version) {
    if (!texts.has(version)) {
      const v = await get(`${base}/versions/${version}`);
      texts.set(version, v.deleted ? '' : v.zone_text || '');
    }
    return texts.get(version);
  }

  async function showDiff() {
    const mine = ++diffSeq;
    if (from === null || to === null) {
      replace(diffSummary);
      replace(diffOut, empty(versions.length < 2 ? 'Only one version is kept: nothing to compare.' : 'Pick two versions.'));
      return;
    }
    try {
      const [a, b] = await Promise.all([textOf(from), textOf(to)]);
      if (mine !== diffSeq) return;
      const { ops, approximate } = diffLines(a, b);
      const view = diffView(ops);
      replace(diffSummary, h('span', { class: 'tone-ok' }, `+${view.added}`), ' ', h('span', { class: 'tone-bad' }, `−${view.removed}`),
        approximate ? ' (large change: lines compared as sets)' : '');
      replace(diffOut, view.added || view.removed ? view.el : empty(`Versions ${from} and ${to} have the same records.`));
    } catch (e) {
      if (mine !== diffSeq) return;
      replace(diffOut, note('Cannot compare: ' + e.message, 'bad'));
    }
  }

  function fillSelect(sel, value) {
    update(sel, [versions.map((v) => [v.version, v.deleted]), current.version], () =>
      versions.map((v) => h('option', { value: String(v.version) }, `v${v.version}` + (v.deleted ? ' (deleted)' : '') + (v.version === current.version ? ' (current)' : ''))));
    sel.value = value === null ? '' : String(value);
  }

  function historyRow(v, z) {
    return h('tr', { dataset: { version: String(v.version) } },
      h('td', { class: 'num nowrap' }, 'v' + v.version, v.version === z.version ? h('span', { class: 'badge tone-info' }, 'current') : null, v.deleted ? badge('deleted') : null),
      h('td', { class: 'num' }, v.deleted ? '—' : num(v.records)),
      h('td', { title: originText(v.origin) }, v.origin ? [v.origin.source, v.origin.user ? h('span', { class: 'muted' }, ' · ' + v.origin.user) : null] : '—'),
      h('td', { class: 'num nowrap' }, when(v.updated_at_ms, true)),
      h('td', { class: 'row-actions' }, v.version === z.version ? null
        : h('button', { type: 'button', class: 'btn small', dataset: { rollback: String(v.version) }, onclick: () => rollback(v) }, 'Roll back')));
  }

  // Each part is drawn again only when what it shows changed (a retrying backend changes its
  // row every second; the history, its buttons and the version pickers stay put).
  function render() {
    const z = current;
    title.textContent = z.zone;
    update(headBadges, [z.version, z.deleted], () => [
      h('span', { class: 'badge tone-info', id: 'zone-version' }, 'v' + z.version),
      z.deleted ? badge('deleted') : null]);
    const dead = (z.backends || []).some((b) => b.state === 'dead');
    update(actions, [dead], () => (dead ? h('button', { type: 'button', class: 'btn', id: 'zone-redrive', onclick: redrive }, 'Redrive dead letters') : null));
    update(summary, [z.version, z.records, z.owner, z.origin, z.updated_at_ms], () => kv([
      ['version', h('span', { class: 'num' }, 'v' + z.version)],
      ['records', h('span', { class: 'num' }, num(z.records))],
      ['owner', z.owner || '—'],
      ['last change', originText(z.origin)],
      ['updated', when(z.updated_at_ms)],
    ]));
    const bs = z.backends || [];
    update(backends, [bs, z.version], () => (bs.length
      ? table(['Backend', 'State', 'Applied', 'Verified', 'Attempts', 'Error', 'Updated'], bs.map((b) => backendRow(b, z.version)), { id: 'zone-backends' })
      : empty('No backend has this zone yet.')));
    update(records, [z.deleted, z.version, z.zone_text], () => {
      if (z.deleted) {
        recordsHead.textContent = '';
        return empty(`This zone is deleted (version ${z.version}).`);
      }
      const view = recordsView(z.zone_text);
      recordsHead.textContent = view.origin ? 'origin ' + view.origin : '';
      return view.el;
    });
    update(history, [versions, z.version], () => (versions.length
      ? table(['Version', 'Records', 'Change', 'Stored', ''], versions.map((v) => historyRow(v, z)), { id: 'history-table' })
      : empty('No history kept.')));
    // Diff: keep what the operator picked while it is still kept; else previous -> current.
    const kept = new Set(versions.map((v) => v.version));
    if (!picked || !kept.has(from) || !kept.has(to)) {
      picked = false;
      to = versions.length ? versions[0].version : null;
      from = versions.length > 1 ? versions[1].version : null;
    }
    fillSelect(fromSel, from);
    fillSelect(toSel, to);
  }

  let lastKey = '';
  let lastData = '';
  async function refresh() {
    const [z, hist] = await Promise.all([get(base), get(`${base}/history`)]);
    // Unchanged data is not drawn again (a button under the pointer stays the same element).
    const dataKey = JSON.stringify([z, hist]);
    if (dataKey === lastData) return;
    lastData = dataKey;
    current = z;
    versions = (hist.versions || []).slice().sort((a, b) => b.version - a.version);
    if (!z.deleted && typeof z.zone_text === 'string') texts.set(z.version, z.zone_text);
    render();
    const key = `${from}:${to}:${versions.length}`;
    if (key !== lastKey) {
      lastKey = key;
      await showDiff();
    }
  }

  return {
    el,
    title: zoneName,
    refresh,
    wants: (ev) => norm(ev.data && ev.data.zone) === norm(zoneName),
  };
}
