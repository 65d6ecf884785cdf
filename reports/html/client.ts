/**
 * The page's own stylesheet and script, inlined and allowed by hash in the
 * page's Content-Security-Policy. The script only adds zoom/pan, hover cards,
 * highlighting and copy buttons: without it (mail and wiki viewers strip
 * scripts) the SVG, the <title> hover texts and the evidence are all there.
 *
 * The script reads its figures from the JSON data block `#fl-data` (never
 * from trace text in the DOM), writes text with textContent only, and uses no
 * eval, innerHTML or network.
 */
import { AXIS_H, LABEL_W } from './layout.js';
import { MAX_ZOOM } from './scene.js';
import { LABEL_CHAR_W } from './svg.js';
import { colorCss } from './colors.js';

export const CSS = `
:root{--err:#c62828;--warn:#d97706;--info:#2563eb;--ink:#1f2937;--mute:#6b7280;--line:#e5e7eb;--bg:#f8fafc;--hl:#fde68a}
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--ink);background:#fff}
main{max-width:1320px;margin:0 auto;padding:18px 20px 40px}
h1{font-size:22px;margin:0 0 4px}
h2{font-size:17px;margin:26px 0 8px;padding-bottom:4px;border-bottom:1px solid var(--line)}
code,pre,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12.5px}
pre{margin:4px 0;padding:6px 8px;background:var(--bg);border:1px solid var(--line);border-radius:4px;white-space:pre-wrap;word-break:break-all}
.sub{color:var(--mute)}
.badges{display:flex;gap:8px;flex-wrap:wrap;margin:10px 0}
.badge{display:inline-block;padding:2px 10px;border-radius:12px;font-weight:600;font-size:13px;border:1px solid transparent}
.badge.sev-error{background:#fdecea;color:var(--err);border-color:#f5c2c0}
.badge.sev-warning{background:#fef3c7;color:#92400e;border-color:#fcd34d}
.badge.sev-info{background:#e0ecff;color:#1e40af;border-color:#bfd3fe}
.badge.zero{opacity:.45}
.notice{padding:8px 12px;border-radius:6px;margin:8px 0;background:var(--bg);border:1px solid var(--line)}
.notice.redacted{border-left:4px solid #16a34a}
.notice.unredacted{border-left:4px solid var(--err);background:#fdecea}
.notice.fail{border-left:4px solid var(--err)}
.notice.tried{border-left:4px solid var(--warn)}
ul.notes{margin:6px 0;padding-left:20px;color:#374151}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;vertical-align:top;padding:5px 8px;border-bottom:1px solid var(--line)}
th{font-size:12px;text-transform:uppercase;letter-spacing:.03em;color:var(--mute);font-weight:600}
table.inputs td{font-size:13px}
td.num{text-align:right;white-space:nowrap}
.st-error,.st-partial{color:var(--err);font-weight:600}
.timeline{position:relative}
.toolbar{display:none;gap:6px;align-items:center;margin:6px 0;font-size:13px}
.js .toolbar{display:flex;flex-wrap:wrap}
.toolbar button,button.copy,.more-rows button{font:inherit;font-size:12px;padding:2px 9px;border:1px solid #cbd5e1;background:#fff;border-radius:4px;cursor:pointer}
.toolbar button:hover,button.copy:hover,.more-rows button:hover{background:#f1f5f9}
.toolbar .hint{color:var(--mute);margin-left:8px}
#fl-view{font-variant-numeric:tabular-nums;font-weight:600}
.svgwrap{overflow-x:auto;border:1px solid var(--line);border-radius:6px;background:#fff}
svg.tl{display:block;user-select:none}
.js svg.tl .plot{cursor:grab}
svg.tl text{font-size:11.5px;fill:var(--ink)}
svg.tl text.bh{font-weight:600;font-size:12px}
svg.tl text.bh .sub,svg.tl text .sub{fill:var(--mute);font-weight:400}
svg.tl text.ll{fill:#374151}
svg.tl text.sum{fill:var(--mute);font-style:italic}
svg.tl .agg{fill:#7c3aed}
svg.tl text.tick{font-size:11px;fill:#4b5563;text-anchor:middle}
svg.tl text.tick.wall{fill:var(--mute);font-size:10.5px}
svg.tl .axis-bg{fill:#fff}
svg.tl line.grid{stroke:#eef0f3;stroke-width:1;vector-effect:non-scaling-stroke}
svg.tl .row{fill:transparent}
svg.tl .row:nth-of-type(even){fill:#fafbfc}
svg.tl .row.has-f{fill:#fffbeb}
svg.tl .row.hl{fill:var(--hl)}
svg.tl text.ll.hl{font-weight:700;fill:#000}
svg.tl .bh-bg{fill:#f1f5f9}
svg.tl .fo-bg{fill:#fcfcfd}
svg.tl rect,svg.tl line{vector-effect:non-scaling-stroke}
svg.tl rect.s{stroke-width:1;shape-rendering:crispEdges}
svg.tl rect.d{stroke:none;opacity:.55}
${colorCss()}
svg.tl line.m{stroke-width:2.5;stroke-linecap:round}
svg.tl rect.fb{fill-opacity:.16;stroke-width:1.5;stroke-dasharray:3 2}
svg.tl rect.fo{stroke-width:1.5;fill-opacity:.8;cursor:pointer}
svg.tl rect.fb.sel,svg.tl rect.fo.sel{fill-opacity:.35;stroke-width:3;stroke-dasharray:none}
svg.tl rect.fo.pt{stroke-width:5}
svg.tl rect.fb.pt{stroke-width:3;stroke-dasharray:none}
details.fold{margin:8px 0;border:1px solid var(--line);border-radius:6px}
details.fold>summary{padding:6px 10px;cursor:pointer;background:var(--bg)}
details.group{margin:8px 0;border:1px solid var(--line);border-radius:6px}
details.group>summary{padding:6px 10px;cursor:pointer;background:var(--bg)}
table.groups td{font-size:13px}
#tried h3{font-size:14px;margin:14px 0 4px;font-weight:600}
table.tried{table-layout:fixed}
table.tried th:nth-child(1){width:30%}table.tried th:nth-child(2){width:2em}table.tried th:nth-child(3){width:30%}table.tried th:nth-child(4){width:13%}
table.tried td{font-size:13px;overflow-wrap:anywhere}
table.tried td.who{border-right:1px solid var(--line);max-width:420px;overflow-wrap:anywhere}
table.tried td.mark{width:1.5em;color:#16a34a;font-weight:700}
table.tried tr.bad td.mark,table.tried tr.bad td.oc{color:var(--err);font-weight:600}
table.tried div.env{margin-top:2px;color:var(--mute)}
ul.checked li{margin:4px 0}
svg.tl text.fl{font-size:10px;fill:#1f2937;pointer-events:none;paint-order:stroke;stroke:#fff;stroke-width:3px;stroke-linejoin:round}
p.facts{margin:6px 0;font-size:13px;line-height:1.7;overflow-wrap:anywhere}
p.facts{color:var(--mute)}
p.facts b,p.facts abbr{font-weight:600;color:var(--ink)}
p.facts abbr{text-decoration:underline dotted;cursor:help}
.where a{color:inherit}
details.fold .svgwrap{border:0;border-top:1px solid var(--line);border-radius:0}
table.findings tbody.finding>tr.row{cursor:pointer}
table.findings tbody.finding>tr.row:hover{background:#f8fafc}
table.findings tbody.finding>tr.row:focus-visible{outline:2px solid #2563eb;outline-offset:-2px}
table.findings tbody.finding.sel>tr{background:#fffbeb}
table.findings tbody.finding.sel>tr.row td:first-child{box-shadow:inset 4px 0 0 #f59e0b}
table.findings td.title{font-weight:500}
table.findings td.time{white-space:nowrap;font-variant-numeric:tabular-nums;font-size:12.5px}
table.findings tr.ev>td{border-bottom:1px solid #d1d5db;padding-top:0}
table.findings tr.row>td{border-bottom:0}
.sevtag{font-size:11px;font-weight:700;padding:1px 6px;border-radius:3px;color:#fff}
.sevtag.sev-error{background:var(--err)}
.sevtag.sev-warning{background:var(--warn)}
.sevtag.sev-info{background:var(--info)}
.ev details>summary{cursor:pointer;color:#374151;font-size:13px}
.ev .explain{margin:6px 0;color:#374151}
.ev ol{margin:4px 0 6px;padding-left:22px}
.ev li{margin:4px 0}
.ev .where{color:var(--mute);font-size:12.5px}
.ev .where b{color:var(--ink);font-weight:600}
.ev dl{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px;margin:6px 0;font-size:12.5px}
.ev dt{color:var(--mute)}
.ev dd{margin:0;word-break:break-word}
.ev dd dl{margin:0;padding-left:8px;border-left:2px solid var(--line)}
.ev dd ol{margin:0;padding-left:18px}
.ws{margin:6px 0;display:flex;gap:8px;align-items:center;flex-wrap:wrap;font-size:13px}
.ws code{background:var(--bg);border:1px solid var(--line);padding:2px 6px;border-radius:4px}
button.copy{display:none}
.js button.copy{display:inline-block}
#fl-card{position:fixed;z-index:10;max-width:560px;padding:7px 10px;background:#111827;color:#f9fafb;border-radius:6px;font:12px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;white-space:pre-wrap;word-break:break-all;pointer-events:none;box-shadow:0 4px 14px rgba(0,0,0,.25);display:none}
#fl-card.on{display:block}
svg.tl rect.brush{fill:#3b82f6;fill-opacity:.15;stroke:#3b82f6}
footer{margin-top:30px;color:var(--mute);font-size:12px}
`;

export const SCRIPT = `(function () {
'use strict';
var doc = document, root = doc.documentElement;
root.classList.add('js');
doc.querySelectorAll('[data-js]').forEach(function (e) { e.hidden = false; });
var data = JSON.parse(doc.getElementById('fl-data').textContent);
var W = data.plotW, SPAN = data.span, AXIS_H = ${AXIS_H}, LABEL_W = ${LABEL_W}, MAX_ZOOM = ${MAX_ZOOM};
var v0 = 0, v1 = SPAN;
var flabels = Array.prototype.slice.call(doc.querySelectorAll('svg.tl text.fl'));
var NS = 'http://www.w3.org/2000/svg';
var zooms = doc.querySelectorAll('g.zoom'), axes = doc.querySelectorAll('g.axis');
var viewEl = doc.getElementById('fl-view');
var dtf = null;
if (data.clock === 'absolute') {
  try { dtf = new Intl.DateTimeFormat('en-GB', { timeZone: data.tz, hourCycle: 'h23', hour: '2-digit', minute: '2-digit', second: '2-digit' }); } catch (e) { dtf = null; }
}
function pad(n, w) { var s = String(n); while (s.length < w) s = '0' + s; return s; }
function frac(f, d) { if (d <= 0) return ''; var m = Math.pow(10, d); return '.' + pad(Math.min(Math.round(f * m), m - 1), d); }
function wall(t, d) {
  var m = Math.pow(10, d); t = Math.round(t * m) / m;
  if (!isFinite(t)) return '';
  if (data.clock === 'absolute' && dtf) { var w = Math.floor(t); if (Math.abs(w) > 8.64e12) return ''; return dtf.format(new Date(w * 1000)) + frac(t - w, d); }
  if (data.clock === 'time-of-day') {
    var day = ((t % 86400) + 86400) % 86400, s = Math.floor(day);
    return pad(Math.floor(s / 3600), 2) + ':' + pad(Math.floor((s % 3600) / 60), 2) + ':' + pad(s % 60, 2) + frac(day - s, d);
  }
  return '';
}
function fix(n, d) { var s = n.toFixed(d); return s.indexOf('.') >= 0 ? s.replace(/0+$/, '').replace(/\\.$/, '') : s; }
function dur(d) {
  var a = Math.abs(d);
  if (a < 1e-3) return fix(d * 1e6, 0) + ' \\u00b5s';
  if (a < 1) return fix(d * 1e3, a < 0.01 ? 2 : 1) + ' ms';
  return fix(d, a < 10 ? 3 : 2) + ' s';
}
function ticks(a, b, count) {
  var step = (b - a) / count, p = Math.pow(10, Math.floor(Math.log(step) / Math.LN10)), e = step / p;
  step = (e >= 7.0710678 ? 10 : e >= 3.1622777 ? 5 : e >= 1.4142136 ? 2 : 1) * p;
  var out = [], i = Math.ceil(a / step - 1e-9), j = Math.floor(b / step + 1e-9);
  for (; i <= j; i++) out.push(i * step);
  return { values: out, step: step };
}
function mk(tag, attrs, text) {
  var e = doc.createElementNS(NS, tag);
  for (var k in attrs) e.setAttribute(k, attrs[k]);
  if (text != null) e.textContent = text;
  return e;
}
function xOf(v) { return ((v - v0) / (v1 - v0)) * W; }
function render() {
  var k = SPAN / (v1 - v0), tx = (-v0 / SPAN) * W * k, i;
  for (i = 0; i < zooms.length; i++) zooms[i].setAttribute('transform', 'translate(' + tx + ',0) scale(' + k + ',1)');
  var tk = ticks(v0, v1, 10), d = Math.min(6, Math.max(0, Math.ceil(-Math.log(tk.step) / Math.LN10 - 1e-9)));
  for (i = 0; i < axes.length; i++) {
    var g = axes[i], h = +g.getAttribute('data-h');
    while (g.childNodes.length > 1) g.removeChild(g.lastChild);
    var prev = '';
    tk.values.forEach(function (v) {
      var x = xOf(v);
      g.appendChild(mk('line', { 'class': 'grid', x1: x, x2: x, y1: AXIS_H - 4, y2: h }));
      if (x > W - 24) return;
      g.appendChild(mk('text', { 'class': 'tick', x: x, y: 16 }, fix(v, d) + ' s'));
      var w = wall(data.t0 + v, Math.min(6, d + 1));
      if (w.indexOf('.') >= 0) w = w.replace(/0+$/, '').replace(/\\.$/, '');
      var shown = prev && w.length > 6 && w.slice(0, 6) === prev.slice(0, 6) ? w.slice(5) : w;
      prev = w;
      if (w) g.appendChild(mk('text', { 'class': 'tick wall', x: x, y: 32 }, shown));
    });
  }
  // finding labels: beside their bar when it is in view and the row has room
  var ends = {}, next = {}, rows = {};
  // the next bar in each row at this zoom: a label right of its bar must end before it
  flabels.forEach(function (t) {
    var i = +t.getAttribute('data-f'), f = data.findings[i], r = t.getAttribute('data-r');
    if (f && f.s != null) (rows[r] = rows[r] || []).push({ i: i, x: xOf(f.s) });
  });
  for (var r in rows) { rows[r].sort(function (p, q) { return p.x - q.x; }); rows[r].forEach(function (m, k) { next[m.i] = k + 1 < rows[r].length ? rows[r][k + 1].x : W; }); }
  flabels.forEach(function (t) {
    var f = data.findings[+t.getAttribute('data-f')], r = t.getAttribute('data-r');
    if (!f || f.s == null) return;
    var e = f.e != null ? f.e : f.s, x0 = xOf(f.s), x1 = Math.max(xOf(e), x0 + 2), w = t.textContent.length * ${LABEL_CHAR_W}, end = ends[r] == null ? -1e9 : ends[r];
    // right of the bar, or else left of it
    var x = x1 + 3, fits = x1 >= 0 && x0 <= W && x >= end && x + w <= Math.min(W, next[+t.getAttribute('data-f')] - 2);
    if (!fits) { x = x0 - 3 - w; fits = x1 >= 0 && x0 <= W && x >= Math.max(end, 0); }
    if (fits) ends[r] = Math.max(x + w, x1) + 6;
    t.setAttribute('x', x);
    t.setAttribute('visibility', fits ? 'visible' : 'hidden');
  });
  var a = wall(data.t0 + v0, 3), b = wall(data.t0 + v1, 3);
  viewEl.textContent = fix(v0, 3) + ' s \\u2013 ' + fix(v1, 3) + ' s' + (a ? ' (' + a + ' \\u2013 ' + b + ')' : '') + ', ' + dur(v1 - v0) + ' shown';
  root.setAttribute('data-view', v0 + ' ' + v1);
}
function setView(a, b) {
  var minW = SPAN / MAX_ZOOM;
  if (b - a < minW) { var c = (a + b) / 2; a = c - minW / 2; b = c + minW / 2; }
  if (b - a > SPAN) { a = 0; b = SPAN; }
  if (a < 0) { b -= a; a = 0; }
  if (b > SPAN) { a -= b - SPAN; b = SPAN; }
  v0 = Math.max(0, a); v1 = Math.min(SPAN, b);
  render();
}
function zoomAt(factor, frac) {
  var w = v1 - v0, c = v0 + frac * w, nw = w * factor;
  setView(c - frac * nw, c - frac * nw + nw);
}
function plotFrac(svg, clientX) {
  var r = svg.getBoundingClientRect();
  var x = (clientX - r.left) * (svg.viewBox.baseVal.width / r.width) - LABEL_W;
  return Math.max(0, Math.min(1, x / W));
}
doc.querySelectorAll('[data-z]').forEach(function (b) {
  b.addEventListener('click', function () {
    var z = b.getAttribute('data-z');
    if (z === 'in') zoomAt(0.5, 0.5); else if (z === 'out') zoomAt(2, 0.5);
    else if (z === 'left') setView(v0 - (v1 - v0) * 0.25, v1 - (v1 - v0) * 0.25);
    else if (z === 'right') setView(v0 + (v1 - v0) * 0.25, v1 + (v1 - v0) * 0.25);
    else setView(0, SPAN);
  });
});
doc.addEventListener('keydown', function (e) {
  var t = e.target && e.target.tagName;
  if (t === 'INPUT' || t === 'TEXTAREA' || e.ctrlKey || e.metaKey || e.altKey) return;
  if (e.key === '+' || e.key === '=') zoomAt(0.5, 0.5);
  else if (e.key === '-' || e.key === '_') zoomAt(2, 0.5);
  else if (e.key === '0') setView(0, SPAN);
});
var drag = null, dragged = false;
doc.querySelectorAll('svg.tl').forEach(function (svg) {
  svg.addEventListener('wheel', function (e) {
    var f = plotFrac(svg, e.clientX);
    if (e.ctrlKey || e.metaKey || e.altKey) { e.preventDefault(); zoomAt(e.deltaY > 0 ? 1.25 : 0.8, f); }
    else if (Math.abs(e.deltaX) > Math.abs(e.deltaY)) { e.preventDefault(); var w = v1 - v0, dv = (e.deltaX / W) * w; setView(v0 + dv, v1 + dv); }
  }, { passive: false });
  svg.addEventListener('dblclick', function (e) { zoomAt(e.shiftKey ? 2 : 0.5, plotFrac(svg, e.clientX)); });
  svg.addEventListener('mousedown', function (e) {
    if (e.button !== 0) return;
    var r = svg.getBoundingClientRect(), sy = (e.clientY - r.top) * (svg.viewBox.baseVal.height / r.height);
    if ((e.clientX - r.left) * (svg.viewBox.baseVal.width / r.width) < LABEL_W) return;
    var f = plotFrac(svg, e.clientX);
    dragged = false;
    drag = { svg: svg, x: e.clientX, f: f, a: v0, b: v1, brush: sy < AXIS_H, moved: false, rect: null };
    e.preventDefault();
  });
});
doc.addEventListener('mousemove', function (e) {
  if (!drag) return;
  var r = drag.svg.getBoundingClientRect(), scale = drag.svg.viewBox.baseVal.width / r.width;
  var dx = (e.clientX - drag.x) * scale;
  if (Math.abs(dx) > 2) drag.moved = true;
  if (!drag.moved) return;
  if (drag.brush) {
    var f = plotFrac(drag.svg, e.clientX), lo = Math.min(f, drag.f) * W, hi = Math.max(f, drag.f) * W;
    if (!drag.rect) { drag.rect = mk('rect', { 'class': 'brush', y: 0, height: AXIS_H - 4 }); drag.svg.querySelector('g.axis').appendChild(drag.rect); }
    drag.rect.setAttribute('x', lo); drag.rect.setAttribute('width', hi - lo);
  } else {
    var dv = (-dx / W) * (drag.b - drag.a);
    setView(drag.a + dv, drag.b + dv);
  }
});
doc.addEventListener('mouseup', function (e) {
  if (!drag) return;
  var d = drag; drag = null; dragged = d.moved;
  if (d.brush && d.moved) {
    var f = plotFrac(d.svg, e.clientX), lo = Math.min(f, d.f), hi = Math.max(f, d.f), w = d.b - d.a;
    if (d.rect && d.rect.parentNode) d.rect.parentNode.removeChild(d.rect);
    if (hi - lo > 0.002) setView(d.a + lo * w, d.a + hi * w); else render();
  }
});

// Hover cards: the text of the element's <title>, moved out on first hover so the browser's own tooltip does not double it.
var card = doc.getElementById('fl-card');
function tipOf(t) {
  while (t && t !== doc && !(t.namespaceURI === NS && t.tagName !== 'svg' && (t.getAttribute('data-tip') != null || hasTitle(t)))) t = t.parentNode;
  if (!t || t === doc || t.tagName === 'svg') return null;
  if (t.getAttribute('data-tip') == null) {
    var ti = hasTitle(t);
    t.setAttribute('data-tip', ti.textContent);
    t.removeChild(ti);
  }
  return t.getAttribute('data-tip');
}
function hasTitle(t) {
  for (var c = t.firstChild; c; c = c.nextSibling) if (c.nodeType === 1 && c.tagName === 'title') return c;
  return null;
}
doc.addEventListener('mouseover', function (e) {
  if (drag) return;
  var tip = tipOf(e.target);
  if (!tip) { card.classList.remove('on'); return; }
  card.textContent = tip;
  card.classList.add('on');
});
doc.addEventListener('mousemove', function (e) {
  if (!card.classList.contains('on')) return;
  var x = e.clientX + 14, y = e.clientY + 14, r = card.getBoundingClientRect();
  if (x + r.width > window.innerWidth - 8) x = Math.max(8, e.clientX - r.width - 14);
  if (y + r.height > window.innerHeight - 8) y = Math.max(8, e.clientY - r.height - 14);
  card.style.left = x + 'px'; card.style.top = y + 'px';
});
doc.addEventListener('mouseleave', function () { card.classList.remove('on'); });

// Evidence kept in a <template> (big reports) joins the page when its <details> first opens.
function unfold(det) {
  for (var c = det.firstElementChild; c; c = c.nextElementSibling) {
    if (c.tagName === 'TEMPLATE') { det.replaceChild(c.content.cloneNode(true), c); wire(det); return; }
  }
}
doc.addEventListener('toggle', function (e) { if (e.target.open) unfold(e.target); }, true);

// A long findings table lists its first rows; the others wait in <template class="more-rows">
// pieces, brought in in order (so the table keeps the findings' order) by the buttons, by
// selecting a finding, or by a link to one.
var table = doc.getElementById('findings-table'), moreNote = doc.querySelector('div.more-rows');
function moreRows(pieces) {
  var t;
  while (pieces-- > 0 && (t = doc.querySelector('template.more-rows'))) {
    var bodies = Array.prototype.slice.call(t.content.children);
    table.appendChild(t.content);
    t.parentNode.removeChild(t);
    bodies.forEach(function (b) { wireFinding(b); wire(b); });
  }
  if (!moreNote) return;
  var left = doc.querySelectorAll('template.more-rows'), listed = +moreNote.getAttribute('data-listed');
  var shown = table.querySelectorAll('tbody.finding').length;
  if (!left.length) { moreNote.parentNode.removeChild(moreNote); moreNote = null; return; }
  var next = left[0].content.children.length;
  moreNote.querySelector('.more-say').textContent = shown.toLocaleString('en') + ' of ' + listed.toLocaleString('en') + ' findings are listed.';
  moreNote.querySelector('[data-more="1"]').textContent = 'Show ' + next.toLocaleString('en') + ' more';
}
if (moreNote) {
  moreNote.querySelector('[data-more="1"]').addEventListener('click', function () { moreRows(1); });
  moreNote.querySelector('[data-more="all"]').addEventListener('click', function () { moreRows(Infinity); });
}
// The row of finding i, brought into the page first when it waits in a template.
function bring(i) {
  var id = 'finding-' + i, body = doc.getElementById(id);
  if (body) return body;
  var pieces = doc.querySelectorAll('template.more-rows');
  for (var k = 0; k < pieces.length; k++) {
    if (pieces[k].content.getElementById(id)) { moreRows(k + 1); return doc.getElementById(id); }
  }
  // an info finding collapsed under its group: bring the group's rows into the page first
  doc.querySelectorAll('details.group').forEach(function (g) {
    var t = g.querySelector('template');
    if (!body && t && t.content.getElementById(id)) { g.open = true; unfold(g); body = doc.getElementById(id); }
  });
  return body;
}
// A link to a finding (the summary's, a related finding's, a note's): its row is there before the browser follows it.
doc.addEventListener('click', function (e) {
  var a = e.target.closest && e.target.closest('a[href^="#finding-"]');
  if (a) bring(+a.getAttribute('href').slice(9));
}, true);

// Selecting a finding: highlight its lanes and bands, zoom to its time, open its evidence.
function clearSel() {
  doc.querySelectorAll('.hl,.sel').forEach(function (n) { n.classList.remove('hl'); n.classList.remove('sel'); });
}
function select(i, fromTimeline) {
  var f = data.findings[i];
  if (!f) return;
  clearSel();
  var first = null;
  f.rows.forEach(function (key) {
    var row = doc.getElementById('row-' + key);
    if (!row) return;
    row.classList.add('hl');
    doc.querySelectorAll('text[data-row="' + key + '"]').forEach(function (t) { t.classList.add('hl'); });
    var fold = row.closest('details');
    if (fold) fold.open = true;
    if (!first) first = row;
  });
  doc.querySelectorAll('[data-f="' + i + '"]').forEach(function (n) { n.classList.add('sel'); });
  var body = bring(i);
  if (body) {
    var lazy = body.querySelector('details');
    if (lazy) unfold(lazy);
    var grp = body.closest('details.group');
    if (grp) grp.open = true;
    body.classList.add('sel');
    var det = body.querySelector('details');
    if (det) det.open = true;
  }
  if (f.s != null) {
    var e = f.e != null ? f.e : f.s, pad = Math.max((e - f.s) * 0.6, SPAN * 0.002, 1e-6);
    setView(f.s - pad, e + pad);
  }
  if (fromTimeline) { if (body) body.scrollIntoView({ block: 'center' }); }
  else if (first) first.scrollIntoView({ block: 'center' });
}
function wireFinding(body) {
  var i = +body.getAttribute('data-f');
  var row = body.querySelector('tr.row');
  row.addEventListener('click', function (e) {
    if (e.target.closest('a,button,summary')) return;
    select(i, false);
  });
  row.addEventListener('keydown', function (e) {
    if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); select(i, false); }
  });
}
function wire(root) {
root.querySelectorAll('[data-js]').forEach(function (e) { e.hidden = false; });
root.querySelectorAll('tbody.finding').forEach(wireFinding);
root.querySelectorAll('svg [data-f]').forEach(function (n) {
  n.addEventListener('click', function (e) { if (dragged) { dragged = false; return; } select(+n.getAttribute('data-f'), true); e.stopPropagation(); });
});
root.querySelectorAll('button.copy').forEach(function (b) {
  b.addEventListener('click', function () {
    var text = b.getAttribute('data-copy'), done = function () { var o = b.textContent; b.textContent = 'Copied'; setTimeout(function () { b.textContent = o; }, 1200); };
    if (navigator.clipboard && navigator.clipboard.writeText) navigator.clipboard.writeText(text).then(done, function () { selectText(b); });
    else selectText(b);
  });
});
}
wire(doc);
function selectText(b) {
  var code = b.previousElementSibling;
  if (!code) return;
  var range = doc.createRange(); range.selectNodeContents(code);
  var sel = window.getSelection(); sel.removeAllRanges(); sel.addRange(range);
}
// opened at a finding's address (report.html#finding-N): its row is brought in first
if (/^#finding-[0-9]+$/.test(location.hash)) { var at = bring(+location.hash.slice(9)); if (at) at.scrollIntoView(); }
// open on the incident: the precisely timed findings (Reset shows everything)
if (data.focus && (data.focus.a > 0 || data.focus.b < SPAN)) setView(data.focus.a, data.focus.b); else render();
})();
`;
