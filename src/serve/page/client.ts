/**
 * The page's script, served as /app.js (the page's CSP allows 'self' scripts
 * only: no inline script, no eval). Text from uploads and traces is written
 * with textContent only — never innerHTML. It talks to the same API as any
 * client, and to nothing but this server.
 */
export const PAGE_JS = String.raw`'use strict';
(function () {
  var $ = function (id) { return document.getElementById(id); };
  var SEVERITIES = ['error', 'warning', 'info'];
  var view = { id: null, timer: null, reportLoaded: false, data: null };

  function el(tag, attrs) {
    var e = document.createElement(tag);
    if (attrs) for (var k in attrs) {
      if (k === 'text') e.textContent = attrs[k];
      else if (k === 'class') e.className = attrs[k];
      else e.setAttribute(k, attrs[k]);
    }
    for (var i = 2; i < arguments.length; i++) {
      var c = arguments[i];
      if (c === null || c === undefined) continue;
      e.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
    }
    return e;
  }
  function clear(e) { while (e.firstChild) e.removeChild(e.firstChild); }
  function bytes(n) {
    if (n < 1024) return n + ' B';
    if (n < 1048576) return (n / 1024).toFixed(1) + ' KB';
    return (n / 1048576).toFixed(1) + ' MB';
  }
  function when(iso) {
    var d = new Date(iso);
    return isNaN(d.getTime()) ? iso : d.toLocaleString();
  }
  function badges(counts) {
    var box = el('span', { class: 'badges' });
    SEVERITIES.forEach(function (s) {
      var n = (counts && counts[s]) || 0;
      box.appendChild(el('span', { class: 'badge sev-' + s + (n ? '' : ' zero'), text: n + ' ' + s }));
    });
    return box;
  }

  function api(method, url, body) {
    var init = { method: method, credentials: 'same-origin', headers: {} };
    if (body !== undefined) { init.headers['content-type'] = 'application/json'; init.body = JSON.stringify(body); }
    return fetch(url, init).then(function (r) {
      if (r.status === 401) { location.href = '/login'; throw new Error('sign in first'); }
      if (r.status === 204) return null;
      return r.json().then(function (data) {
        if (!r.ok) throw new Error((data && data.error && data.error.message) || ('HTTP ' + r.status));
        return data;
      });
    });
  }

  // ---- upload ----
  var chosen = [];
  function choose(files) {
    chosen = Array.prototype.slice.call(files);
    var ul = $('chosen');
    clear(ul);
    chosen.forEach(function (f) { ul.appendChild(el('li', { text: f.name + ' · ' + bytes(f.size) })); });
    $('upload-btn').disabled = chosen.length === 0;
    $('up-error').hidden = true;
  }
  function upload() {
    if (!chosen.length) return;
    var form = new FormData();
    var name = $('name').value.trim();
    if (name) form.append('name', name);
    chosen.forEach(function (f) { form.append('files', f, f.name); });
    var xhr = new XMLHttpRequest();
    xhr.open('POST', '/api/analyses');
    xhr.responseType = 'json';
    $('up').hidden = false;
    $('up-error').hidden = true;
    $('upload-btn').disabled = true;
    $('up-bar').value = 0;
    $('up-text').textContent = 'uploading…';
    xhr.upload.onprogress = function (e) {
      if (!e.lengthComputable) return;
      var pct = Math.floor((e.loaded / e.total) * 100);
      $('up-bar').value = pct;
      $('up-text').textContent = 'uploading ' + pct + '% (' + bytes(e.loaded) + ' of ' + bytes(e.total) + ')';
    };
    xhr.onload = function () {
      var data = xhr.response;
      if (xhr.status === 202 && data && data.id) {
        $('up-bar').value = 100;
        $('up-text').textContent = 'uploaded';
        choose([]);
        $('name').value = '';
        $('files').value = '';
        $('up').hidden = true;
        location.hash = '#/a/' + data.id;
      } else if (xhr.status === 401) {
        location.href = '/login';
      } else {
        uploadFailed((data && data.error && data.error.message) || ('the server answered ' + xhr.status));
      }
    };
    xhr.onerror = function () { uploadFailed('the upload did not reach the server'); };
    xhr.send(form);
  }
  function uploadFailed(msg) {
    $('up').hidden = true;
    $('up-error').textContent = 'Upload failed: ' + msg;
    $('up-error').hidden = false;
    $('upload-btn').disabled = chosen.length === 0;
  }

  // ---- list ----
  var searchTimer = null;
  function loadList() {
    var q = $('search').value.trim();
    return api('GET', '/api/analyses' + (q ? '?q=' + encodeURIComponent(q) : '')).then(function (data) {
      var tbody = $('list').tBodies[0];
      clear(tbody);
      data.analyses.forEach(function (a) {
        var del = el('button', { type: 'button', class: 'danger', text: 'Delete' });
        del.addEventListener('click', function () {
          if (!del.classList.contains('armed')) {
            del.classList.add('armed');
            del.textContent = 'Delete for good?';
            setTimeout(function () { del.classList.remove('armed'); del.textContent = 'Delete'; }, 4000);
            return;
          }
          api('DELETE', '/api/analyses/' + a.id).then(loadList, showListError);
        });
        var inputs = a.inputs.length === 1 ? a.inputs[0] : a.inputs.length + ' inputs';
        tbody.appendChild(el('tr', { 'data-id': a.id },
          el('td', null, el('a', { href: '#/a/' + a.id, class: 'open', text: a.name })),
          el('td', { class: 'when', text: when(a.created) }),
          el('td', { title: a.inputs.join('\n'), text: inputs }),
          el('td', null, a.status === 'done' ? badges(a.counts) : null),
          el('td', { class: 'status-' + a.status, text: a.status }),
          el('td', null, del)));
      });
      $('list-empty').hidden = data.analyses.length > 0;
      $('list-empty').textContent = q ? 'No analysis is named like that.' : 'No analyses yet.';
    }, showListError);
  }
  function showListError(e) {
    $('list-empty').hidden = false;
    $('list-empty').textContent = 'Could not load the list: ' + e.message;
  }

  // ---- one analysis ----
  function openAnalysis(id) {
    stopPolling();
    view = { id: id, timer: null, reportLoaded: false, data: null };
    $('a-name').textContent = '…';
    $('a-sub').textContent = '';
    $('a-done').hidden = true;
    $('a-error').hidden = true;
    $('a-state').hidden = false;
    $('a-text').textContent = 'loading…';
    $('a-report').removeAttribute('src');
    poll();
  }
  function stopPolling() {
    if (view.timer) clearTimeout(view.timer);
    view.timer = null;
  }
  function poll() {
    var id = view.id;
    api('GET', '/api/analyses/' + id).then(function (a) {
      if (view.id !== id) return;
      view.data = a;
      showAnalysis(a);
      if (a.status === 'queued' || a.status === 'running') view.timer = setTimeout(poll, 400);
    }, function (e) {
      if (view.id !== id) return;
      $('a-state').hidden = true;
      $('a-error').textContent = e.message;
      $('a-error').hidden = false;
    });
  }
  function progressText(a) {
    var p = a.progress;
    if (a.status === 'queued') return p && p.position ? 'waiting for a worker (' + p.position + ' in line)' : 'waiting for a worker';
    if (!p) return 'analysing…';
    var parts = ['inputs read ' + p.inputs_done + ' of ' + p.inputs_total];
    if (p.current) parts.push('reading ' + p.current.name + (p.current.format ? ' (' + p.current.format + ')' : '') + (p.current.size ? ' ' + Math.floor((p.current.bytes / p.current.size) * 100) + '%' : ' ' + bytes(p.current.bytes)));
    parts.push(p.detectors_done ? 'detectors done' : (p.inputs_done === p.inputs_total ? 'running detectors' : 'detectors waiting'));
    return parts.join(' · ');
  }
  function showAnalysis(a) {
    $('a-name').textContent = a.name;
    $('a-sub').textContent = 'uploaded ' + when(a.created) + ' · ' + a.files.length + ' input' + (a.files.length === 1 ? '' : 's') + (a.remark ? ' · ' + a.remark : '');
    if (a.status === 'failed') {
      $('a-state').hidden = true;
      $('a-error').textContent = 'The analysis failed: ' + (a.error ? a.error.code + ': ' + a.error.message : 'unknown reason');
      $('a-error').hidden = false;
      return;
    }
    if (a.status !== 'done') {
      var p = a.progress;
      var bar = $('a-bar');
      if (p && p.inputs_total) bar.value = Math.min(99, Math.round(((p.inputs_done + (p.current && p.current.size ? p.current.bytes / p.current.size : 0)) / (p.inputs_total + 1)) * 100));
      else bar.removeAttribute('value');
      $('a-text').textContent = progressText(a);
      return;
    }
    $('a-state').hidden = true;
    $('a-done').hidden = false;
    var badgeBox = $('a-badges');
    clear(badgeBox);
    var counts = a.counts || {};
    badgeBox.appendChild(badges(counts));
    if (a.input_errors) badgeBox.appendChild(el('span', { class: 'err', text: a.input_errors + ' input' + (a.input_errors === 1 ? '' : 's') + ' could not be read (see the report)' }));
    $('a-report-link').href = a.url;
    $('a-md-link').href = a.markdown_url;
    $('a-pm-link').href = a.postmortem_url;
    var files = $('a-files');
    clear(files);
    a.files.forEach(function (f, i) {
      if (i) files.appendChild(document.createTextNode(', '));
      files.appendChild(el('a', { href: f.url, download: '', text: f.name }));
    });
    showNotes(a);
    if (!view.reportLoaded) { $('a-report').src = a.url; view.reportLoaded = true; }
  }
  function noteItem(n) {
    return el('li', null, n.text, ' ', el('span', { class: 'sub', text: '— ' + when(n.created) }));
  }
  function showNotes(a) {
    var ul = $('a-notes');
    clear(ul);
    a.notes.analysis.forEach(function (n) { ul.appendChild(noteItem(n)); });
    var findings = (a.result && a.result.findings) || [];
    var tbody = $('a-findings').tBodies[0];
    clear(tbody);
    $('a-nofindings').hidden = findings.length > 0;
    $('a-findings').hidden = findings.length === 0;
    findings.forEach(function (f) {
      var list = el('ul', { class: 'notes' });
      (a.notes.findings[f.id] || []).forEach(function (n) { list.appendChild(noteItem(n)); });
      var text = el('textarea', { rows: '1', maxlength: '4000', placeholder: 'A note on this finding', required: '' });
      var form = el('form', { class: 'note-form' }, text, el('button', { type: 'submit', class: 'plain', text: 'Add note' }));
      form.addEventListener('submit', function (ev) {
        ev.preventDefault();
        addNote(text.value, f.id);
      });
      tbody.appendChild(el('tr', { 'data-finding': f.id },
        el('td', null, el('span', { class: 'badge sev-' + f.severity, text: f.severity })),
        el('td', null, el('div', { text: f.title }), el('div', { class: 'sub mono', text: f.detector + ' · ' + f.id })),
        el('td', null, list, form)));
    });
  }
  function addNote(text, finding) {
    text = text.trim();
    if (!text || !view.id) return;
    var id = view.id;
    var body = { text: text };
    if (finding) body.finding = finding;
    api('POST', '/api/analyses/' + id + '/notes', body).then(function () {
      if (view.id !== id) return;
      $('a-note-text').value = '';
      return api('GET', '/api/analyses/' + id).then(function (a) {
        view.data = a;
        showNotes(a);
        $('a-report').src = a.url + '?notes=' + (a.notes.analysis.length + Object.keys(a.notes.findings).length) + '-' + Date.now();
      });
    }).catch(function (e) {
      $('a-error').textContent = 'The note was not saved: ' + e.message;
      $('a-error').hidden = false;
    });
  }

  // ---- routing ----
  function route() {
    var m = /^#\/a\/([A-Za-z0-9_-]{22})$/.exec(location.hash);
    if (m) {
      $('home').hidden = true;
      $('analysis').hidden = false;
      openAnalysis(m[1]);
    } else {
      stopPolling();
      view.id = null;
      $('analysis').hidden = true;
      $('home').hidden = false;
      loadList();
    }
  }

  document.addEventListener('DOMContentLoaded', function () {
    $('files').addEventListener('change', function () { choose($('files').files); });
    $('upload-btn').addEventListener('click', upload);
    var drop = $('drop');
    ['dragenter', 'dragover'].forEach(function (t) {
      drop.addEventListener(t, function (e) { e.preventDefault(); drop.classList.add('over'); });
    });
    ['dragleave', 'drop'].forEach(function (t) {
      drop.addEventListener(t, function () { drop.classList.remove('over'); });
    });
    drop.addEventListener('drop', function (e) {
      e.preventDefault();
      if (e.dataTransfer && e.dataTransfer.files.length) choose(e.dataTransfer.files);
    });
    $('search').addEventListener('input', function () {
      clearTimeout(searchTimer);
      searchTimer = setTimeout(loadList, 200);
    });
    $('a-note-form').addEventListener('submit', function (e) {
      e.preventDefault();
      addNote($('a-note-text').value);
    });
    window.addEventListener('hashchange', route);
    route();
  });
})();
`;
