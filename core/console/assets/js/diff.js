// A line diff of two zone texts: the longest common subsequence of their lines, after the
// common head and tail are set aside. Ops: {op: ' ' | '-' | '+', text, a, b} (a/b: line
// numbers in the old/new text, 1-based, where the line is in it).

const MAX_CELLS = 4e6; // the table's size limit (16 MB); beyond it, an approximate diff

export function diffLines(oldText, newText) {
  const a = splitLines(oldText);
  const b = splitLines(newText);
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length, endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const out = [];
  for (let i = 0; i < start; i++) out.push({ op: ' ', text: a[i], a: i + 1, b: i + 1 });
  const midA = a.slice(start, endA);
  const midB = b.slice(start, endB);
  const approximate = (midA.length + 1) * (midB.length + 1) > MAX_CELLS;
  const mid = approximate ? bySet(midA, midB) : lcs(midA, midB);
  for (const d of mid) out.push({ op: d.op, text: d.text, a: d.a >= 0 ? d.a + start + 1 : null, b: d.b >= 0 ? d.b + start + 1 : null });
  for (let i = endA, j = endB; i < a.length; i++, j++) out.push({ op: ' ', text: a[i], a: i + 1, b: j + 1 });
  return { ops: out, approximate };
}

function splitLines(text) {
  if (!text) return [];
  const lines = String(text).split(/\r?\n/);
  if (lines.length && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

function lcs(a, b) {
  const n = a.length, m = b.length;
  const w = m + 1;
  // len[i*w + j]: LCS length of a[i..] and b[j..]
  const len = new Uint32Array((n + 1) * w);
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      len[i * w + j] = a[i] === b[j] ? len[(i + 1) * w + j + 1] + 1 : Math.max(len[(i + 1) * w + j], len[i * w + j + 1]);
    }
  }
  const out = [];
  let i = 0, j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) {
      out.push({ op: ' ', text: a[i], a: i++, b: j++ });
    } else if (len[(i + 1) * w + j] >= len[i * w + j + 1]) {
      out.push({ op: '-', text: a[i], a: i++, b: -1 });
    } else {
      out.push({ op: '+', text: b[j], a: -1, b: j++ });
    }
  }
  while (i < n) out.push({ op: '-', text: a[i], a: i++, b: -1 });
  while (j < m) out.push({ op: '+', text: b[j], a: -1, b: j++ });
  return out;
}

// Very large changes: lines only in the old text are removed, lines only in the new added.
function bySet(a, b) {
  const inA = new Set(a), inB = new Set(b);
  const out = [];
  a.forEach((t, i) => out.push(inB.has(t) ? { op: ' ', text: t, a: i, b: -1 } : { op: '-', text: t, a: i, b: -1 }));
  b.forEach((t, j) => {
    if (!inA.has(t)) out.push({ op: '+', text: t, a: -1, b: j });
  });
  return out;
}
