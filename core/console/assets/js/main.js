// The console's shell: header, hash routes, the shared status poll and live updates.

import { h, replace, update, badge } from './dom.js';
import { get, AuthRequired, onAuthChange, signedInAs, signOut } from './api.js';
import { authControl, signInForm } from './ui.js';
import { startLive } from './live.js';
import { overviewPage } from './overview.js';
import { zonesPage } from './zones.js';
import { zonePage } from './zone.js';
import { backendsPage } from './backends.js';
import { hostsPage } from './hosts.js';
import { clusterPage } from './cluster.js';

const POLL_MS = 2000;
const THROTTLE_MS = 500;
const SIGNIN_READS = 'This daemon shows its state to signed-in operators only.';

// Calls fn at most once per ms (first call at once, later ones folded into one trailing
// call), never two at a time.
export function throttle(fn, ms) {
  let last = 0, timer = null, running = false, again = false;
  async function run() {
    timer = null;
    if (running) {
      again = true;
      return;
    }
    running = true;
    last = Date.now();
    try {
      await fn();
    } finally {
      running = false;
      if (again) {
        again = false;
        schedule();
      }
    }
  }
  function schedule() {
    if (timer) return;
    timer = setTimeout(run, Math.max(0, last + ms - Date.now()));
  }
  schedule.cancel = () => {
    clearTimeout(timer);
    timer = null;
    again = false;
  };
  return schedule;
}

// ---- shared state: the last /api/v1/status answer ----

const app = {
  status: null,
  statusError: null,
  authNeeded: false,
  live: 'connecting',
  statusListeners: new Set(),
  // Which optional sections exist: a running instance of the plugin.
  runs(plugin) {
    const list = (this.status && this.status.instances) || [];
    return list.some((i) => i.plugin === plugin && i.state === 'running');
  },
  onStatus(fn) {
    this.statusListeners.add(fn);
    return () => this.statusListeners.delete(fn);
  },
};

let statusInFlight = null;
app.loadStatus = function loadStatus() {
  if (!statusInFlight) {
    statusInFlight = get('/api/v1/status')
      .then((st) => {
        app.status = st;
        app.statusError = null;
        app.authNeeded = false;
      })
      .catch((e) => {
        app.statusError = e;
        if (e instanceof AuthRequired) app.authNeeded = true;
      })
      .finally(() => {
        statusInFlight = null;
        renderHeader();
        if (app.authNeeded && page) showSignIn(SIGNIN_READS);
        app.statusListeners.forEach((fn) => fn(app.status, app.statusError));
      });
  }
  return statusInFlight;
};

// ---- header ----

const navLinks = [
  ['/', 'Overview', null],
  ['/zones', 'Zones', null],
  ['/backends', 'Backends', null],
  ['/hosts', 'Hosts', 'hosts'],
  ['/cluster', 'Cluster', 'swim'],
];

const nav = h('nav', { class: 'nav', 'aria-label': 'sections' });
const stateSlot = h('a', { class: 'overall', href: '#/', title: 'overall state' });
const liveSlot = h('span', { class: 'live', id: 'live', title: 'live updates' });

function currentPath() {
  return (location.hash.replace(/^#/, '') || '/').split('?')[0];
}

function renderHeader() {
  const path = currentPath();
  const links = navLinks.filter(([, , plugin]) => !plugin || app.runs(plugin));
  update(nav, [path, links.map(([href]) => href)], () => links.map(([href, label]) => {
    const active = href === '/' ? path === '/' : path === href || path.startsWith(href + '/');
    return h('a', { href: '#' + href, class: active ? 'active' : null, 'aria-current': active ? 'page' : null }, label);
  }));
  if (app.statusError) {
    stateSlot.title = app.statusError.message;
    update(stateSlot, app.authNeeded ? 'auth' : 'down', () => badge(app.authNeeded ? 'sign-in needed' : 'unreachable', { id: 'overall-state' }));
  } else if (app.status) {
    const reasons = app.status.reasons || [];
    stateSlot.title = reasons.length ? reasons.join('\n') : 'all backends up, nothing to report';
    update(stateSlot, app.status.status || 'unknown', () => badge(app.status.status || 'unknown', { id: 'overall-state' }));
  }
  const liveText = { live: 'live', connecting: 'connecting', polling: 'polling', unsupported: 'polling' }[app.live] || app.live;
  liveSlot.dataset.state = app.live;
  liveSlot.title = app.live === 'live' ? 'live: changes arrive as events' : 'no event stream: refreshing every 2 s';
  replace(liveSlot, h('span', { class: 'dot' }), liveText);
}

const header = h('header', { class: 'top' },
  h('a', { class: 'brand', href: '#/' }, h('img', { src: '/console/icon.svg', alt: '', width: 20, height: 20 }), 'dadns'),
  nav,
  h('div', { class: 'spacer' }),
  liveSlot, stateSlot, authControl());

// ---- pages ----

const routes = [
  [/^\/$/, overviewPage],
  [/^\/zones$/, zonesPage],
  [/^\/zones\/(.+)$/, zonePage],
  [/^\/backends$/, backendsPage],
  [/^\/hosts$/, hostsPage],
  [/^\/cluster$/, clusterPage],
];

const banner = h('div', { class: 'banner', role: 'status' });
const pageSlot = h('div', { class: 'page' });
const main = h('main', null, banner, pageSlot);

let page = null;
let pageRefresh = null;

function showError(e) {
  if (!e) return replace(banner);
  replace(banner, h('div', { class: 'alert' }, e.status ? `HTTP ${e.status}: ` : '', e.message));
}

function showSignIn(message) {
  const user = signedInAs();
  if (user) {
    // Signed in, and reads are still refused: these credentials are wrong.
    message = `The server refused the credentials of ${user}. Sign in again.`;
    signOut();
  }
  if (page && page.dispose) page.dispose();
  page = null;
  replace(pageSlot, h('div', { class: 'signin-page' }, signInForm({ message })));
  const input = pageSlot.querySelector('input');
  if (input) input.focus();
}

async function refreshPage() {
  const mine = page;
  if (!mine) return;
  try {
    await mine.refresh();
    if (mine === page) showError(null);
  } catch (e) {
    if (mine !== page) return;
    if (e instanceof AuthRequired) showSignIn(SIGNIN_READS);
    else showError(e);
  }
}

function mount() {
  if (page && page.dispose) page.dispose();
  if (pageRefresh) pageRefresh.cancel();
  showError(null);
  const raw = location.hash.replace(/^#/, '') || '/';
  const q = raw.indexOf('?');
  const path = q < 0 ? raw : raw.slice(0, q);
  const params = new URLSearchParams(q < 0 ? '' : raw.slice(q + 1));
  let found = null;
  for (const [re, make] of routes) {
    const m = path.match(re);
    if (m) {
      found = { make, args: m.slice(1).map((x) => { try { return decodeURIComponent(x); } catch { return x; } }) };
      break;
    }
  }
  renderHeader();
  if (!found) {
    page = null;
    replace(pageSlot, h('section', { class: 'card' }, h('h1', null, 'Not found'), h('p', null, 'No page at ', h('code', null, raw), '. ', h('a', { href: '#/' }, 'Go to the overview.'))));
    return;
  }
  const refresher = throttle(refreshPage, THROTTLE_MS);
  pageRefresh = refresher;
  page = found.make({ app, params, args: found.args, reload: () => refresher() });
  replace(pageSlot, page.el);
  document.title = (page.title || 'dadns') + ' · dadns console';
  pageRefresh();
}

// ---- polling and live events ----

function visible() {
  return document.visibilityState === 'visible';
}

setInterval(() => {
  if (!visible() || (app.authNeeded && !page)) return;
  app.loadStatus();
  // Without the event stream every page refreshes on the poll; some pages show what no event
  // announces (cluster membership) and always do.
  if (page && !page.usesStatus && pageRefresh && (app.live !== 'live' || page.poll)) pageRefresh();
}, POLL_MS);

const statusRefresh = throttle(() => app.loadStatus(), THROTTLE_MS);

startLive({
  onState(state) {
    app.live = state;
    renderHeader();
  },
  onOpen() {
    // Events may have been missed while the stream was closed.
    if (pageRefresh) pageRefresh();
  },
  onEvent(ev) {
    if (!visible()) return; // a hidden tab catches up when it is shown again
    statusRefresh();
    if (!page || !pageRefresh || page.usesStatus) return;
    if (ev.type === 'reset' || !page.wants || page.wants(ev)) pageRefresh();
  },
});

document.addEventListener('visibilitychange', () => {
  if (visible()) {
    app.loadStatus();
    if (pageRefresh) pageRefresh();
  }
});
window.addEventListener('hashchange', mount);
onAuthChange((user) => {
  // Signed in after a refused read: show the page again.
  if (user && (app.authNeeded || !page)) {
    app.authNeeded = false;
    app.loadStatus();
    mount();
  }
});

document.body.prepend(header, main);
app.loadStatus();
mount();
