// Hosts: the hosts plugin's names and whether every backend has them, and its Docker source
// when it follows an engine.

import { h, replace, badge, table, empty, num, when, kv } from './dom.js';
import { get } from './api.js';
import { zoneHref } from './zones.js';

const STATUS = { synced: 'synced', pending: 'pending', failed: 'failed' };

export function hostsPage({ app }) {
  const head = h('p', { class: 'muted' });
  const body = h('div');
  const docker = h('div');
  const el = h('div', { class: 'hosts' },
    h('div', { class: 'page-head' }, h('h1', null, 'Hosts'), head),
    docker,
    h('section', { class: 'card flush' }, body));
  let lastKey = '';

  async function refresh() {
    if (!app.status) await app.loadStatus();
    if (!app.runs('hosts')) {
      replace(head);
      replace(body, empty('The hosts plugin is not running on this daemon.'));
      return;
    }
    replace(docker, dockerCard(app));
    const a = await get('/api/v1/hosts');
    const key = JSON.stringify(a);
    if (key === lastKey) return;
    lastKey = key;
    const hosts = a.hosts || [];
    replace(head, 'zone ', a.zone ? h('a', { href: zoneHref(a.zone) }, a.zone) : '—', a.version ? ` · v${a.version}` : '', ` · ${num(hosts.length)} host(s)`);
    replace(body, hosts.length
      ? table(['Host', 'Addresses', 'TTL', 'Version', 'Status', 'Last sync', 'Errors'], hosts.map((x) =>
        h('tr', { dataset: { host: x.fqdn || x.hostname } },
          h('td', { title: x.fqdn || null }, x.hostname),
          h('td', { class: 'mono' }, (x.ips || (x.ip ? [x.ip] : [])).join(', ')),
          h('td', { class: 'num' }, num(x.ttl)),
          h('td', { class: 'num' }, x.version ? 'v' + x.version : '—'),
          h('td', null, badge(STATUS[x.status] || String(x.status || 'pending'))),
          h('td', { class: 'num nowrap' }, x.last_sync && !Number.isNaN(Date.parse(x.last_sync)) ? when(Date.parse(x.last_sync), true) : '—'),
          h('td', { class: 'wrap' }, (x.errors || []).map((e) => h('div', { class: 'tone-bad' }, h('b', null, e.backend), ': ', e.error))))))
      : empty('No hosts are registered.'));
  }

  return { el, title: 'Hosts', refresh, wants: (ev) => ev.type === 'outcome' || ev.type === 'zone' };
}

// The Docker source as the status shows it (details.docker of the hosts instance), or nothing.
function dockerCard(app) {
  const inst = (app.status?.instances || []).find((i) => i.plugin === 'hosts' && i.details?.docker);
  if (!inst) return null;
  const d = inst.details.docker;
  const list = (items) => (items?.length ? items.map((x) => h('div', { class: 'wrap' }, x)) : '—');
  return h('section', { class: 'card' },
    h('h2', null, 'Docker ', badge(d.reachable ? 'up' : 'down')),
    kv([
      ['engine', h('span', { class: 'mono' }, d.endpoint)],
      ['zone', d.zone ? h('a', { href: zoneHref(d.zone) }, d.zone) : '—'],
      ['containers', num(d.containers)],
      ['names', num(d.names)],
      ['last event', d.last_event ? `${d.last_event} · ${d.last_event_at ? when(Date.parse(d.last_event_at), true) : ''}` : '—'],
      ['resyncs', num(d.resyncs)],
      d.error ? ['error', h('span', { class: 'tone-bad' }, d.error)] : null,
      d.apply_error ? ['zone not written', h('span', { class: 'tone-bad' }, d.apply_error)] : null,
      ['conflicts', list(d.conflicts)],
      ['skipped', list(d.skipped)],
    ]));
}
