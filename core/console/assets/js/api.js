// The JSON API on this origin, with the operator's credentials when they signed in.
// Credentials live in sessionStorage (this tab only, gone when it closes) and go out as
// HTTP Basic on every request; the server sends no WWW-Authenticate to script requests, so a
// 401 never opens the browser's own prompt: the console asks with its own form.

const KEY = 'dadns.console.auth';

let auth = load();
const authListeners = new Set();
let prompt = async () => false; // set by the sign-in UI: (message) => Promise<boolean>

function load() {
  try {
    const saved = JSON.parse(sessionStorage.getItem(KEY) || 'null');
    if (saved && typeof saved.user === 'string' && typeof saved.token === 'string') return saved;
  } catch {
    // a damaged entry: signed out
  }
  return null;
}

function basicToken(user, password) {
  const bytes = new TextEncoder().encode(user + ':' + password);
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}

export const signedInAs = () => (auth ? auth.user : null);

export function signIn(user, password) {
  auth = { user, token: basicToken(user, password) };
  sessionStorage.setItem(KEY, JSON.stringify(auth));
  authListeners.forEach((fn) => fn(auth.user));
}

export function signOut() {
  auth = null;
  sessionStorage.removeItem(KEY);
  authListeners.forEach((fn) => fn(null));
}

export function onAuthChange(fn) {
  authListeners.add(fn);
  return () => authListeners.delete(fn);
}

export function setSignInPrompt(fn) {
  prompt = fn;
}

export function authHeaders() {
  return auth ? { Authorization: 'Basic ' + auth.token } : {};
}

export class ApiError extends Error {
  constructor(status, message, data) {
    super(message);
    this.status = status;
    this.data = data;
  }
}

// A read the server refused without credentials (http.public_status: false).
export class AuthRequired extends ApiError {}

function messageOf(status, data) {
  if (data && typeof data === 'object' && typeof data.error === 'string') return data.error;
  if (typeof data === 'string' && data.trim()) return data.trim().slice(0, 300);
  return 'HTTP ' + status;
}

// Any call: resolves to {status, ok, data} whatever the status; rejects only when the server
// could not be reached.
export async function request(path, { method = 'GET', body, contentType, signal } = {}) {
  const headers = { Accept: 'application/json', 'X-Requested-With': 'dadns-console', ...authHeaders() };
  if (body !== undefined) headers['Content-Type'] = contentType || 'text/plain; charset=utf-8';
  let resp;
  try {
    resp = await fetch(path, { method, headers, body, signal, cache: 'no-store', credentials: 'same-origin', redirect: 'error' });
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    throw new ApiError(0, 'cannot reach the daemon (' + e.message + ')');
  }
  const type = resp.headers.get('Content-Type') || '';
  let data = null;
  try {
    data = type.includes('json') ? await resp.json() : await resp.text();
  } catch {
    data = null;
  }
  return { status: resp.status, ok: resp.ok, data };
}

// A read: the answer's JSON, or an ApiError (AuthRequired for 401).
export async function get(path, opts) {
  const r = await request(path, opts);
  if (r.status === 401) throw new AuthRequired(401, messageOf(401, r.data), r.data);
  if (!r.ok) throw new ApiError(r.status, messageOf(r.status, r.data), r.data);
  return r.data;
}

// A change: always needs credentials. Without any the sign-in form opens first (no request
// bound to be refused); a 401 opens it again and the change is retried after sign-in.
// accept: statuses besides 2xx that carry an answer to show (e.g. a drift scan's 409/502).
export async function mutate(method, path, { body, contentType, accept = [] } = {}) {
  let message = 'Sign in to make changes.';
  for (;;) {
    if (!auth && !(await prompt(message))) throw new ApiError(0, 'not signed in: nothing was changed');
    const r = await request(path, { method, body, contentType });
    if (r.status === 401) {
      signOut();
      message = 'The server refused these credentials (' + messageOf(401, r.data) + '). Sign in again.';
      continue;
    }
    if (r.ok || accept.includes(r.status)) return r;
    throw new ApiError(r.status, messageOf(r.status, r.data), r.data);
  }
}

export const enc = encodeURIComponent;
