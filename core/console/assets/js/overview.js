// Overview: the daemon's state, store, backends (with their apply rate), plugins, cluster.

import { h, replace, update, badge, kv, table, empty, num, duration, when, section } from './dom.js';
import { get } from './api.js';
import { rateChart } from './chart.js';

// The badges that say how a backend is doing.
export function backendBadges(b) {
  const out = [badge(b.up ? 'up' : 'down', { class: 'state', title: b.up ? null : b.down_reason || null })];
  if (b.retrying > 0) out.push(badge('retrying', { title: `${b.retrying} zone(s) waiting to be retried` }));
  if (b.dead_letters > 0) out.push(badge('dead', { title: `${b.dead_letters} dead letter(s)` }));
  if (b.house_keeping_error) out.push(badge('warning', { title: b.house_keeping_error }));
  return out;
}

// The last error: red while the backend is failing, muted once it recovered.
export function lastError(b) {
  if (!b.last_error) return null;
  const failing = b.consecutive_failures > 0 || b.retrying > 0 || b.dead_letters > 0;
  return h('p', { class: ['last-error', failing ? 'tone-bad' : 'muted'] },
    h('span', { class: 'label' }, failing ? 'error' : 'last error (recovered)'), ' ', h('span', { class: 'error-text' }, b.last_error));
}

function backendCard(b, interval) {
  const drift = b.drift || {};
  return h('article', { class: 'backend card', dataset: { backend: b.name } },
    h('header', null,
      h('h3', null, h('a', { href: '#/backends' }, b.name)),
      h('span', { class: 'muted' }, b.plugin),
      h('span', { class: 'badges' }, backendBadges(b))),
    b.up ? null : h('p', { class: 'tone-bad down-reason' }, b.down_reason || 'down'),
    h('div', { class: 'metrics' },
      metric('queued', num(b.queued)),
      metric('retrying', num(b.retrying), b.retrying > 0 ? 'warn' : null),
      metric('in flight', num(b.in_flight)),
      metric('oldest pending', b.queued > 0 ? duration(b.lag_seconds) : '—', b.lag_seconds > 60 ? 'warn' : null),
      metric('applied', num(b.applied)),
      metric('failed', num(b.failed), b.failed > 0 ? 'warn' : null),
      metric('dead letters', num(b.dead_letters), b.dead_letters > 0 ? 'bad' : null),
      metric('verified by', b.verification || '—')),
    rateChart(b.applies_per_second, interval),
    lastError(b),
    b.house_keeping_error ? h('p', { class: 'tone-warn' }, 'house keeping: ', b.house_keeping_error) : null,
    drift.scanned_at_ms
      ? h('p', { class: 'muted drift' }, 'drift scan ', when(drift.scanned_at_ms), `: ${num(drift.backend_zones)} zones, ${num(drift.missing)} missing, ${num(drift.changed)} changed, ${num(drift.unknown)} unknown`,
        drift.error ? h('span', { class: 'tone-bad' }, ' — ' + drift.error) : null)
      : null);
}

function metric(label, value, tone) {
  return h('div', { class: ['metric', tone ? 'tone-' + tone : null] }, h('span', { class: 'value num' }, value), h('span', { class: 'label' }, label));
}

function pluginsTable(plugins, instances) {
  const rows = plugins.map((p) =>
    h('tr', { class: p.loaded ? null : 'row-bad' },
      h('td', null, p.name || h('span', { class: 'muted' }, '(unnamed)')),
      h('td', null, p.kind || '—'),
      h('td', { class: 'num' }, p.version || '—'),
      h('td', { class: 'num' }, p.abi || '—'),
      h('td', null, badge(p.loaded ? 'loaded' : 'refused')),
      h('td', { class: 'wrap' }, p.loaded ? h('span', { class: 'muted path' }, p.path) : [h('span', { class: 'tone-bad' }, p.reason || ''), h('br'), h('span', { class: 'muted path' }, p.path)])));
  const inst = instances.map((i) =>
    h('tr', null,
      h('td', null, i.name), h('td', null, i.kind), h('td', null, i.plugin),
      h('td', null, badge(i.state)),
      h('td', { class: 'wrap' }, i.error ? h('span', { class: 'tone-bad' }, i.error) : i.details ? h('span', { class: 'muted' }, describe(i.details)) : '')));
  return [
    h('h3', null, 'Instances'),
    instances.length ? table(['Name', 'Kind', 'Plugin', 'State', 'Details'], inst) : empty('No plugin instances are configured.'),
    h('h3', null, 'Plugin files'),
    plugins.length ? table(['Plugin', 'Kind', 'Version', 'ABI', 'State', 'Path / reason'], rows) : empty('No plugins found.'),
  ];
}

function describe(details) {
  return Object.entries(details)
    .filter(([, v]) => v === null || typeof v !== 'object')
    .map(([k, v]) => `${k.replace(/_/g, ' ')}: ${v}`)
    .join(', ');
}

export function clusterNodes(nodes) {
  if (!nodes || !nodes.length) return empty('No other members seen yet.');
  return table(['Node', 'Address', 'State', 'Incarnation', 'Last seen'], nodes.map((n) =>
    h('tr', null,
      h('td', null, n.node_id),
      h('td', { class: 'num' }, n.ip_address + (n.swim_port ? ':' + n.swim_port : '')),
      h('td', null, badge(n.state)),
      h('td', { class: 'num' }, num(n.incarnation)),
      h('td', { class: 'num' }, Date.parse(n.last_seen || '') > 0 ? when(Date.parse(n.last_seen), true) : '—'))));
}

function stateCards(st) {
  const reasons = st.reasons || [];
  const store = st.store || {};
  return [
    h('section', { class: 'card state-card' },
      h('h2', null, 'State'),
      h('div', { class: 'big-state' }, badge(st.status || 'unknown', { id: 'status-badge' })),
      reasons.length ? h('ul', { class: 'reasons' }, reasons.map((r) => h('li', null, r))) : h('p', { class: 'muted' }, 'Every backend is up; nothing to report.')),
    section('Store', kv([
      ['engine', store.engine || '—'],
      ['zones', h('span', { class: 'num' }, num(store.zones))],
      store.deleted_zones !== undefined && ['deleted zones', h('span', { class: 'num' }, num(store.deleted_zones))],
      store.location && ['location', h('span', { class: 'path' }, store.location)],
      store.error && ['error', h('span', { class: 'tone-bad' }, store.error)],
    ])),
    section('Daemon', kv([
      ['version', st.version || '—'],
      ['node', st.node_id || '—'],
      st.role && ['role', st.role],
      ['uptime', h('span', { class: 'num' }, duration(st.uptime_seconds))],
    ]))];
}

function clusterView(c) {
  return c ? [
    kv([['this node', c.node_id], ['address', c.address], ['active members', num((c.statistics || {}).nodes_active)]]),
    clusterNodes(c.nodes),
  ] : empty('Loading…');
}

export function overviewPage({ app }) {
  const top = h('div', { class: 'cards three' });
  const backends = h('div', { class: 'backend-grid', id: 'backends' });
  const plugins = h('div');
  const cluster = h('div');
  const clusterSection = section('Cluster', cluster);
  const el = h('div', { class: 'overview' },
    h('h1', null, 'Overview'),
    top,
    h('h2', { class: 'section-title' }, 'Backends'),
    backends,
    clusterSection,
    section('Plugins', plugins));
  clusterSection.hidden = true;
  let clusterData = null;

  function render(st) {
    if (!st) return;
    replace(top, stateCards(st));
    const list = st.backends || [];
    // Drawn again only when changed: links under the pointer stay the same elements.
    update(backends, list, () => (list.length ? list.map((b) => backendCard(b, b.rate_interval_seconds || st.rate_interval_seconds || 5)) : empty('No backends are running.')));
    update(plugins, [st.plugins, st.instances], () => pluginsTable(st.plugins || [], st.instances || []));
    clusterSection.hidden = !app.runs('swim');
    if (app.runs('swim')) update(cluster, clusterData, () => clusterView(clusterData));
  }

  async function loadCluster() {
    if (!app.runs('swim')) return;
    try {
      const c = await get('/api/v1/cluster');
      clusterData = c.cluster || null;
    } catch {
      clusterData = null;
    }
  }

  const off = app.onStatus((st) => {
    render(st);
    loadCluster().then(() => render(app.status));
  });
  render(app.status);

  return {
    el,
    title: 'Overview',
    usesStatus: true, // refreshed by the shell's status poll and on events
    async refresh() {
      await app.loadStatus();
      if (app.statusError) throw app.statusError;
    },
    dispose() {
      off();
    },
  };
}
