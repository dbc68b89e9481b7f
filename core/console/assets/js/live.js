// Live updates: the daemon's server-sent events (GET /api/v1/events), read with fetch so the
// Authorization header goes along (EventSource cannot send it). Reconnects after the
// server's retry delay (2 s unless it says otherwise) with Last-Event-ID; while the stream is
// not open the console polls instead.

import { authHeaders, onAuthChange } from './api.js';

const PATH = '/api/v1/events';
const SILENCE_MS = 45000; // keepalives come every 15 s: this much silence is a dead stream

// Splits the stream into events (the WHATWG event-stream rules: lines end in CR, LF or CRLF;
// ':' starts a comment; a blank line dispatches).
export class SseParser {
  constructor(onEvent, onRetry) {
    this.onEvent = onEvent;
    this.onRetry = onRetry;
    this.buffer = '';
    this.reset();
    this.lastId = null;
  }

  reset() {
    this.type = '';
    this.data = '';
    this.hasData = false;
  }

  push(text) {
    let chunk = this.buffer + text;
    // A CR at the end may be the first half of a CRLF: keep it for the next chunk.
    let held = '';
    if (chunk.endsWith('\r')) {
      held = '\r';
      chunk = chunk.slice(0, -1);
    }
    const lines = chunk.split(/\r\n|\r|\n/);
    this.buffer = lines.pop() + held;
    for (const line of lines) this.line(line);
  }

  line(line) {
    if (line === '') {
      if (this.hasData) this.onEvent({ type: this.type || 'message', data: this.data.replace(/\n$/, ''), id: this.lastId });
      this.reset();
      return;
    }
    if (line.startsWith(':')) return; // comment: a keepalive
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') {
      this.data += value + '\n';
      this.hasData = true;
    } else if (field === 'event') {
      this.type = value;
    } else if (field === 'id') {
      if (!value.includes('\0')) this.lastId = value;
    } else if (field === 'retry') {
      if (/^\d+$/.test(value)) this.onRetry(Number(value));
    }
  }
}

// The page's one stream (startLive runs once): its handlers, connection and timer.
const stream = {
  retryMs: 2000,
  failures: 0,
  lastId: null,
  ctrl: null,
  timer: null,
  stopped: false, // the page was hidden away (pagehide)
  paused: false, // the tab is hidden
};

function schedule(ms) {
  clearTimeout(stream.timer);
  if (!stream.stopped && !stream.paused) stream.timer = setTimeout(connect, ms);
}

async function connect() {
  clearTimeout(stream.timer);
  if (stream.ctrl) stream.ctrl.abort();
  const mine = (stream.ctrl = new AbortController());
  const resp = await open(mine);
  if (!resp) return;
  stream.failures = 0;
  stream.onState('live');
  stream.onOpen();
  await read(resp, mine);
  if (stream.ctrl !== mine || stream.stopped || stream.paused) return; // replaced by a newer connection, or paused
  stream.onState('polling');
  schedule(stream.retryMs);
}

// null: no stream to read (a retry is scheduled where one makes sense).
async function open(mine) {
  const headers = { Accept: 'text/event-stream', ...authHeaders() };
  if (stream.lastId !== null) headers['Last-Event-ID'] = stream.lastId;
  stream.onState(stream.failures ? 'polling' : 'connecting');
  let resp;
  try {
    resp = await fetch(PATH, { headers, signal: mine.signal, cache: 'no-store', credentials: 'same-origin' });
  } catch {
    if (!mine.signal.aborted) backOff(true);
    return null;
  }
  const type = resp.headers.get('Content-Type') || '';
  if (resp.ok && resp.body && type.startsWith('text/event-stream')) return resp;
  mine.abort();
  // Not served (an older daemon): poll, and do not ask again (each refusal is logged).
  if (resp.status === 404 || resp.status === 405 || (resp.ok && !type.startsWith('text/event-stream'))) {
    stream.onState('unsupported');
    return null;
  }
  // 401: wait for a sign-in (onAuthChange reconnects); otherwise try again later.
  backOff(resp.status !== 401);
  return null;
}

function eventParser() {
  const parser = new SseParser(
    (ev) => {
      stream.lastId = ev.id;
      let data = {};
      try {
        data = ev.data ? JSON.parse(ev.data) : {};
      } catch {
        data = { raw: ev.data };
      }
      stream.onEvent({ type: ev.type, data, id: ev.id });
    },
    (ms) => (stream.retryMs = Math.min(Math.max(ms, 500), 60000)),
  );
  parser.lastId = stream.lastId;
  return parser;
}

async function read(resp, mine) {
  const parser = eventParser();
  const reader = resp.body.pipeThrough(new TextDecoderStream()).getReader();
  let watchdog = setTimeout(() => mine.abort(), SILENCE_MS);
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      clearTimeout(watchdog);
      watchdog = setTimeout(() => mine.abort(), SILENCE_MS);
      parser.push(value);
    }
  } catch {
    // cut off, or aborted by the watchdog: connect() reconnects
  } finally {
    clearTimeout(watchdog);
  }
}

// Back off while the stream stays unavailable: 2 s, 4 s, ... at most 30 s.
function backOff(retry) {
  stream.failures++;
  stream.onState('polling');
  if (retry) schedule(Math.min(stream.retryMs * 2 ** Math.min(stream.failures - 1, 4), 30000));
}

// A hidden tab closes its stream and opens it again when shown (onOpen then refreshes):
// browsers give all tabs together a handful of connections per server, and streams held by
// hidden tabs would leave none for the visible one.
function onVisibilityChange() {
  if (document.visibilityState === 'hidden') {
    stream.paused = true;
    clearTimeout(stream.timer);
    if (stream.ctrl) stream.ctrl.abort();
  } else if (stream.paused) {
    stream.paused = false;
    connect();
  }
}

function onPageHide() {
  stream.stopped = true;
  if (stream.ctrl) stream.ctrl.abort();
}

// Back from the back/forward cache: open the stream again.
function onPageShow(e) {
  if (!e.persisted) return;
  stream.stopped = false;
  connect();
}

// onEvent({type, data, id}); onState('connecting' | 'live' | 'polling' | 'unsupported');
// onOpen() after each (re)connect (events may have been missed meanwhile).
export function startLive({ onEvent, onState, onOpen }) {
  Object.assign(stream, { onEvent, onState, onOpen });
  // New credentials: reconnect so the stream carries them.
  onAuthChange(() => {
    stream.failures = 0;
    connect();
  });
  document.addEventListener('visibilitychange', onVisibilityChange);
  window.addEventListener('pagehide', onPageHide);
  window.addEventListener('pageshow', onPageShow);
  if (document.visibilityState === 'hidden') stream.paused = true; // opened in the background
  else connect();
}
