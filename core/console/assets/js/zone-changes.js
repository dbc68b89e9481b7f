// The zone page's Changes card: two version pickers and their diff.

import { h, replace, update, empty, note, section } from './dom.js';
import { get } from './api.js';
import { diffLines } from './diff.js';

const CONTEXT = 3; // unchanged lines shown around each change

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

// Kept versions do not change: each one's text is fetched once.
function versionTexts(base) {
  const texts = new Map();
  return {
    set: (version, text) => texts.set(version, text),
    async get(version) {
      if (!texts.has(version)) {
        const v = await get(`${base}/versions/${version}`);
        texts.set(version, v.deleted ? '' : v.zone_text || '');
      }
      return texts.get(version);
    },
  };
}

function fillSelect(sel, versions, value, current) {
  update(sel, [versions.map((v) => [v.version, v.deleted]), current], () =>
    versions.map((v) => h('option', { value: String(v.version) }, `v${v.version}` + (v.deleted ? ' (deleted)' : '') + (v.version === current ? ' (current)' : ''))));
  sel.value = value === null ? '' : String(value);
}

export function changesCard(base) {
  const texts = versionTexts(base);
  let versions = [];
  let from = null, to = null, picked = false;
  let diffSeq = 0;
  let lastKey = '';

  const fromSel = h('select', { id: 'diff-from', 'aria-label': 'older version', onchange: () => { picked = true; from = Number(fromSel.value); showDiff(); } });
  const toSel = h('select', { id: 'diff-to', 'aria-label': 'newer version', onchange: () => { picked = true; to = Number(toSel.value); showDiff(); } });
  const summary = h('span', { class: 'muted', id: 'diff-summary' });
  const out = h('div', { id: 'diff' });
  const el = section('Changes', h('div', { class: 'toolbar' }, h('label', null, 'from ', fromSel), h('label', null, 'to ', toSel), summary), out);

  async function showDiff() {
    const mine = ++diffSeq;
    if (from === null || to === null) {
      replace(summary);
      replace(out, empty(versions.length < 2 ? 'Only one version is kept: nothing to compare.' : 'Pick two versions.'));
      return;
    }
    try {
      const [a, b] = await Promise.all([texts.get(from), texts.get(to)]);
      if (mine !== diffSeq) return;
      const { ops, approximate } = diffLines(a, b);
      const view = diffView(ops);
      replace(summary, h('span', { class: 'tone-ok' }, `+${view.added}`), ' ', h('span', { class: 'tone-bad' }, `−${view.removed}`),
        approximate ? ' (large change: lines compared as sets)' : '');
      replace(out, view.added || view.removed ? view.el : empty(`Versions ${from} and ${to} have the same records.`));
    } catch (e) {
      if (mine !== diffSeq) return;
      replace(out, note('Cannot compare: ' + e.message, 'bad'));
    }
  }

  // Keep what the operator picked while it is still kept; else previous -> current.
  function pick(z) {
    const kept = new Set(versions.map((v) => v.version));
    if (!picked || !kept.has(from) || !kept.has(to)) {
      picked = false;
      to = versions.length ? versions[0].version : null;
      from = versions.length > 1 ? versions[1].version : null;
    }
    fillSelect(fromSel, versions, from, z.version);
    fillSelect(toSel, versions, to, z.version);
  }

  async function show(z, list) {
    versions = list;
    if (!z.deleted && typeof z.zone_text === 'string') texts.set(z.version, z.zone_text);
    pick(z);
    const key = `${from}:${to}:${versions.length}`;
    if (key !== lastKey) {
      lastKey = key;
      await showDiff();
    }
  }

  return { el, show };
}
