/**
 * The page at `/`: upload, progress, the list of analyses, one analysis with
 * its notes and report. Static markup; the script (/app.js) fills it from the
 * API. Nothing from an upload or a trace is ever in this markup.
 */
export const PAGE_HTML = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>faultline</title>
<link rel="icon" href="/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/app.css">
<script src="/app.js" defer></script>
</head>
<body>
<header class="top"><a href="#/" class="brand">faultline</a><span class="sub">evidence in, findings out — for the postmortem</span></header>
<main>
<section id="home">
  <section id="upload" class="card">
    <h2>New analysis</h2>
    <div id="drop" class="drop" tabindex="0">
      <p><b>Drop trace files here</b> — strace logs, pcap/pcapng captures, curl output, app logs; several at once, or one .tar/.tgz/.zip</p>
      <p><label class="button">Choose files…<input type="file" id="files" multiple hidden></label></p>
    </div>
    <ul id="chosen" class="chosen"></ul>
    <div class="row">
      <label for="name">Name</label>
      <input id="name" maxlength="200" placeholder="optional, e.g. checkout 502s on 5 Dec" autocomplete="off">
      <button id="upload-btn" type="button" disabled>Upload and analyse</button>
    </div>
    <div id="up" class="progress" hidden><progress id="up-bar" max="100" value="0"></progress> <span id="up-text"></span></div>
    <p id="up-error" class="err" hidden></p>
  </section>
  <section id="past" class="card">
    <div class="row"><h2>Past analyses</h2><input id="search" type="search" placeholder="Search by name" autocomplete="off"></div>
    <table id="list"><thead><tr><th>Name</th><th>When</th><th>Inputs</th><th>Findings</th><th>Status</th><th></th></tr></thead><tbody></tbody></table>
    <p id="list-empty" class="sub" hidden>No analyses yet.</p>
  </section>
</section>
<section id="analysis" hidden>
  <p><a href="#/">← All analyses</a></p>
  <h1 id="a-name"></h1>
  <div id="a-sub" class="sub"></div>
  <div id="a-state" class="state"><progress id="a-bar" max="100"></progress> <span id="a-text"></span></div>
  <p id="a-error" class="err" hidden></p>
  <div id="a-done" hidden>
    <div id="a-badges" class="badges"></div>
    <p class="links"><a id="a-report-link" target="_blank" rel="noopener">Open the report</a> · <a id="a-md-link" target="_blank" rel="noopener">Markdown</a> · <a id="a-pm-link" target="_blank" rel="noopener">Postmortem draft</a> · inputs: <span id="a-files"></span></p>
    <section class="card">
      <h2>Notes for the postmortem</h2>
      <ul id="a-notes" class="notes"></ul>
      <form id="a-note-form" class="note-form"><textarea id="a-note-text" rows="2" maxlength="4000" placeholder="A note on this analysis: root cause, ticket, what was ruled out…" required></textarea><button type="submit">Add note</button></form>
    </section>
    <section class="card">
      <h2>Findings</h2>
      <p id="a-nofindings" class="sub" hidden>No findings.</p>
      <table id="a-findings"><thead><tr><th>Severity</th><th>Finding</th><th>Notes</th></tr></thead><tbody></tbody></table>
    </section>
    <section class="card">
      <h2>Report</h2>
      <iframe id="a-report" title="report" sandbox="allow-scripts"></iframe>
    </section>
  </div>
</section>
</main>
</body>
</html>
`;

export const FAVICON_SVG = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" height="16" rx="3" fill="#1f2937"/><path d="M2 11h3l2-6 2 8 2-4h3" fill="none" stroke="#f59e0b" stroke-width="1.6"/></svg>';
