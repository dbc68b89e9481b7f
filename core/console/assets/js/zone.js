// One zone: its records, where each backend stands, its history, a diff between any two
// versions, rollback and redrive.

import { h, replace, update, badge, kv, table, empty, num, when, note, section } from './dom.js';
import { get, mutate, enc } from './api.js';
import { confirmDialog } from './ui.js';
import { changesCard } from './zone-changes.js';

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

function historyRow(v, z, rollback) {
  return h('tr', { dataset: { version: String(v.version) } },
    h('td', { class: 'num nowrap' }, 'v' + v.version, v.version === z.version ? h('span', { class: 'badge tone-info' }, 'current') : null, v.deleted ? badge('deleted') : null),
    h('td', { class: 'num' }, v.deleted ? '—' : num(v.records)),
    h('td', { title: originText(v.origin) }, v.origin ? [v.origin.source, v.origin.user ? h('span', { class: 'muted' }, ' · ' + v.origin.user) : null] : '—'),
    h('td', { class: 'num nowrap' }, when(v.updated_at_ms, true)),
    h('td', { class: 'row-actions' }, v.version === z.version ? null
      : h('button', { type: 'button', class: 'btn small', dataset: { rollback: String(v.version) }, onclick: () => rollback(v) }, 'Roll back')));
}

// The page's parts, each { el, show(z, versions) }, draw again only what changed (a retrying
// backend changes its row every second; the history's buttons and the pickers stay put).

function titlePart(zoneName) {
  const name = h('h1', null, zoneName);
  const badges = h('span', { class: 'badges' });
  return {
    el: h('div', { class: 'title' }, name, badges),
    show(z) {
      name.textContent = z.zone;
      update(badges, [z.version, z.deleted], () => [
        h('span', { class: 'badge tone-info', id: 'zone-version' }, 'v' + z.version),
        z.deleted ? badge('deleted') : null]);
    },
  };
}

function redrivePart({ base, say, reload }) {
  const el = h('div', { class: 'actions' });
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
  return {
    el,
    show(z) {
      const dead = (z.backends || []).some((b) => b.state === 'dead');
      update(el, [dead], () => (dead ? h('button', { type: 'button', class: 'btn', id: 'zone-redrive', onclick: redrive }, 'Redrive dead letters') : null));
    },
  };
}

function summaryPart() {
  const body = h('div');
  return {
    el: section('Zone', body),
    show(z) {
      update(body, [z.version, z.records, z.owner, z.origin, z.updated_at_ms], () => kv([
        ['version', h('span', { class: 'num' }, 'v' + z.version)],
        ['records', h('span', { class: 'num' }, num(z.records))],
        ['owner', z.owner || '—'],
        ['last change', originText(z.origin)],
        ['updated', when(z.updated_at_ms)],
      ]));
    },
  };
}

function backendsPart() {
  const body = h('div');
  return {
    el: section('Backends', body),
    show(z) {
      const bs = z.backends || [];
      update(body, [bs, z.version], () => (bs.length
        ? table(['Backend', 'State', 'Applied', 'Verified', 'Attempts', 'Error', 'Updated'], bs.map((b) => backendRow(b, z.version)), { id: 'zone-backends' })
        : empty('No backend has this zone yet.')));
    },
  };
}

function recordsPart() {
  const origin = h('span', { class: 'muted' });
  const body = h('div', { id: 'records' });
  return {
    el: section(['Records ', origin], body),
    show(z) {
      update(body, [z.deleted, z.version, z.zone_text], () => {
        if (z.deleted) {
          origin.textContent = '';
          return empty(`This zone is deleted (version ${z.version}).`);
        }
        const view = recordsView(z.zone_text);
        origin.textContent = view.origin ? 'origin ' + view.origin : '';
        return view.el;
      });
    },
  };
}

function historyPart({ zoneName, base, say, reload }) {
  const body = h('div', { id: 'history' });
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
  return {
    el: section('History', body),
    show(z, versions) {
      update(body, [versions, z.version], () => (versions.length
        ? table(['Version', 'Records', 'Change', 'Stored', ''], versions.map((v) => historyRow(v, z, rollback)), { id: 'history-table' })
        : empty('No history kept.')));
    },
  };
}

export function zonePage({ args, reload }) {
  const zoneName = args[0];
  const base = '/api/v1/zones/' + enc(zoneName);
  const result = h('div', { id: 'zone-result', class: 'result', 'aria-live': 'polite' });
  const ctx = { zoneName, base, reload, say: (text, tone) => replace(result, note(text, tone)) };
  const title = titlePart(zoneName);
  const actions = redrivePart(ctx);
  const summary = summaryPart();
  const backends = backendsPart();
  const records = recordsPart();
  const history = historyPart(ctx);
  const changes = changesCard(base);

  const el = h('div', { class: 'zone-page' },
    h('p', { class: 'crumbs' }, h('a', { href: '#/zones' }, 'Zones'), ' / '),
    h('div', { class: 'page-head' }, title.el, actions.el),
    result,
    h('div', { class: 'cards zone-top' }, summary.el, backends.el),
    records.el,
    h('div', { class: 'cards zone-bottom' }, history.el, changes.el));

  let lastData = '';
  async function refresh() {
    const [z, hist] = await Promise.all([get(base), get(`${base}/history`)]);
    // Unchanged data is not drawn again (a button under the pointer stays the same element).
    const dataKey = JSON.stringify([z, hist]);
    if (dataKey === lastData) return;
    lastData = dataKey;
    const versions = (hist.versions || []).slice().sort((a, b) => b.version - a.version);
    for (const part of [title, actions, summary, backends, records, history]) part.show(z, versions);
    await changes.show(z, versions);
  }

  return {
    el,
    title: zoneName,
    refresh,
    wants: (ev) => norm(ev.data && ev.data.zone) === norm(zoneName),
  };
}
