// Cluster: the swim plugin's view of its members and zone replication.

import { h, replace, kv, empty, num, note, when } from './dom.js';
import { get, mutate } from './api.js';
import { clusterNodes } from './overview.js';

const STAT_LABELS = [
  ['nodes_active', 'active members'],
  ['nodes_discovered', 'members seen'],
  ['zones_synced', 'zones synced'],
  ['sync_operations', 'sync operations'],
  ['sync_failures', 'sync failures'],
  ['last_sync', 'last sync'],
  ['packets_sent', 'packets sent'],
  ['packets_received', 'packets received'],
];

// An ISO time from the plugin as local time; empty or the epoch (never) as a dash.
function isoTime(text) {
  const ms = Date.parse(text || '');
  return Number.isNaN(ms) || ms <= 0 ? '—' : when(ms);
}

export function clusterPage({ app, reload }) {
  const result = h('div', { class: 'result', id: 'cluster-result' });
  const self = h('div');
  const stats = h('div');
  const nodes = h('div');
  const sync = h('button', { type: 'button', class: 'btn', id: 'cluster-sync', onclick: syncNow }, 'Sync now');
  const el = h('div', { class: 'cluster' },
    h('div', { class: 'page-head' }, h('h1', null, 'Cluster'), h('div', { class: 'actions' }, sync)),
    result,
    h('div', { class: 'cards two' },
      h('section', { class: 'card' }, h('h2', null, 'This node'), self),
      h('section', { class: 'card' }, h('h2', null, 'Replication'), stats)),
    h('section', { class: 'card' }, h('h2', null, 'Members'), nodes));
  let lastKey = '';

  async function syncNow() {
    sync.disabled = true;
    try {
      const r = await mutate('POST', '/api/v1/cluster/sync');
      replace(result, note((r.data && r.data.message) || 'Synchronisation started.', 'ok'));
    } catch (e) {
      replace(result, note('Sync failed: ' + e.message, 'bad'));
    } finally {
      sync.disabled = false;
    }
    reload();
  }

  async function refresh() {
    if (!app.status) await app.loadStatus();
    if (!app.runs('swim')) {
      sync.hidden = true;
      replace(self, empty('The swim plugin is not running on this daemon.'));
      return;
    }
    sync.hidden = false;
    const a = await get('/api/v1/cluster');
    const key = JSON.stringify(a);
    if (key === lastKey) return;
    lastKey = key;
    const c = a.cluster || {};
    const st = c.statistics || {};
    const counts = (c.swim_cluster && c.swim_cluster.member_counts) || null;
    replace(self, kv([
      ['node', c.node_id || '—'],
      ['address', h('span', { class: 'num' }, c.address || '—')],
      c.api_url && ['API', c.api_url],
      ['incarnation', h('span', { class: 'num' }, num(c.incarnation))],
      counts && ['members', `${num(counts.alive)} alive, ${num(counts.suspect)} suspect, ${num(counts.failed)} failed, ${num(counts.left)} left`],
    ]));
    replace(stats, kv(STAT_LABELS.filter(([k]) => st[k] !== undefined).map(([k, label]) =>
      [label, h('span', { class: ['num', k === 'sync_failures' && st[k] > 0 ? 'tone-warn' : null] }, typeof st[k] === 'number' ? num(st[k]) : isoTime(st[k]))])));
    replace(nodes, c.nodes ? clusterNodes(c.nodes) : empty('No members.'));
  }

  return { el, title: 'Cluster', refresh, poll: true, wants: () => false };
}
