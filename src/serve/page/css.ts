export const PAGE_CSS = `
:root{--err:#c62828;--warn:#d97706;--info:#2563eb;--ink:#1f2937;--mute:#6b7280;--line:#e5e7eb;--bg:#f8fafc;--ok:#16a34a}
*{box-sizing:border-box}
[hidden]{display:none !important}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--ink);background:var(--bg)}
header.top{display:flex;gap:14px;align-items:baseline;padding:10px 20px;background:#1f2937;color:#f9fafb}
header.top .brand{color:#fbbf24;font-weight:700;font-size:18px;text-decoration:none}
header.top .sub{color:#cbd5e1}
main{max-width:1180px;margin:0 auto;padding:16px 20px 40px}
h1{font-size:22px;margin:4px 0}
h2{font-size:16px;margin:0 0 10px}
.card{background:#fff;border:1px solid var(--line);border-radius:8px;padding:14px 16px;margin:14px 0}
.sub{color:var(--mute)}
.err{color:var(--err)}
.row{display:flex;gap:10px;align-items:center;flex-wrap:wrap}
.row h2{margin:0;flex:1}
input,textarea,button{font:inherit}
input[type=search],#name{padding:5px 8px;border:1px solid #cbd5e1;border-radius:5px;min-width:260px}
#name{flex:1}
button,.button{display:inline-block;padding:5px 14px;border:1px solid #1d4ed8;border-radius:5px;background:#2563eb;color:#fff;cursor:pointer}
button:disabled{opacity:.5;cursor:default}
button.plain{background:#fff;color:var(--ink);border-color:#cbd5e1}
button.danger{background:#fff;color:var(--err);border-color:#f5c2c0}
button.danger.armed{background:var(--err);color:#fff}
.drop{border:2px dashed #cbd5e1;border-radius:8px;padding:18px;text-align:center;background:var(--bg)}
.drop.over{border-color:var(--info);background:#e0ecff}
.chosen{list-style:none;padding:0;margin:8px 0;display:flex;flex-wrap:wrap;gap:6px}
.chosen li{background:var(--bg);border:1px solid var(--line);border-radius:12px;padding:1px 10px;font-size:13px}
.progress,.state{display:flex;gap:10px;align-items:center;margin:10px 0}
progress{width:320px;height:14px}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;vertical-align:top;padding:6px 8px;border-bottom:1px solid var(--line)}
th{font-size:12px;text-transform:uppercase;letter-spacing:.03em;color:var(--mute);font-weight:600}
td.when{white-space:nowrap}
.badges{display:flex;gap:6px;flex-wrap:wrap}
.badge{display:inline-block;padding:1px 9px;border-radius:11px;font-weight:600;font-size:12.5px;border:1px solid transparent}
.badge.sev-error{background:#fdecea;color:var(--err);border-color:#f5c2c0}
.badge.sev-warning{background:#fef3c7;color:#92400e;border-color:#fcd34d}
.badge.sev-info{background:#e0ecff;color:#1e40af;border-color:#bfd3fe}
.badge.zero{opacity:.4}
.status-failed{color:var(--err);font-weight:600}
.status-done{color:var(--ok)}
.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12.5px}
ul.notes{margin:4px 0 8px;padding-left:18px}
ul.notes li{white-space:pre-wrap}
.note-form{display:flex;gap:8px;align-items:flex-start;margin-top:6px}
.note-form textarea{flex:1;padding:5px 8px;border:1px solid #cbd5e1;border-radius:5px;resize:vertical}
iframe#a-report{width:100%;height:80vh;border:1px solid var(--line);border-radius:6px;background:#fff}
.links a{color:#1d4ed8}
`;
