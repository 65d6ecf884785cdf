/**
 * index.html's own stylesheet and script, inlined and allowed by hash in the
 * page's Content-Security-Policy. The tables are written on the server, so
 * the page reads without script; the script only sorts and filters. It reads
 * values from the JSON data block `#fb-data` (never parses trace text out of
 * the DOM), writes text with textContent only, and uses no eval, innerHTML
 * or network.
 */
export const INDEX_CSS = `
:root{--err:#c62828;--warn:#d97706;--info:#2563eb;--ink:#1f2937;--mute:#6b7280;--line:#e5e7eb;--bg:#f8fafc}
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--ink);background:#fff}
main{max-width:1400px;margin:0 auto;padding:18px 20px 40px}
h1{font-size:22px;margin:0 0 4px}
h2{font-size:17px;margin:26px 0 8px;padding-bottom:4px;border-bottom:1px solid var(--line)}
.sub{color:var(--mute)}
.badges{display:flex;gap:8px;flex-wrap:wrap;margin:10px 0}
.badge{display:inline-block;padding:2px 10px;border-radius:12px;font-weight:600;font-size:13px;border:1px solid var(--line);background:var(--bg)}
.badge.sev-error,.badge.st-failed,.badge.st-partial{background:#fdecea;color:var(--err);border-color:#f5c2c0}
.badge.sev-warning{background:#fef3c7;color:#92400e;border-color:#fcd34d}
.badge.sev-info{background:#e0ecff;color:#1e40af;border-color:#bfd3fe}
.badge.zero{opacity:.45}
.notice{padding:8px 12px;border-radius:6px;margin:8px 0;background:#fff7ed;border:1px solid #fed7aa;border-left:4px solid var(--warn)}
.filters{display:none;gap:10px;flex-wrap:wrap;align-items:end;margin:8px 0 10px;font-size:13px}
.js .filters{display:flex}
.filters label{display:flex;flex-direction:column;gap:2px;color:var(--mute);font-size:12px}
.filters input,.filters select{font:inherit;font-size:13px;padding:3px 6px;border:1px solid #cbd5e1;border-radius:4px;min-width:150px;color:var(--ink)}
.filters button{font:inherit;font-size:12px;padding:3px 10px;border:1px solid #cbd5e1;background:#fff;border-radius:4px;cursor:pointer}
.count{color:var(--mute);font-size:13px;margin-left:auto}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;vertical-align:top;padding:5px 8px;border-bottom:1px solid var(--line);font-size:13px}
th{font-size:12px;text-transform:uppercase;letter-spacing:.03em;color:var(--mute);font-weight:600;white-space:nowrap;position:sticky;top:0;background:#fff}
.js th[data-k]{cursor:pointer}
.js th[data-k]:hover{color:var(--ink)}
th[aria-sort=ascending]::after{content:" ▲"}
th[aria-sort=descending]::after{content:" ▼"}
td.num{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}
td.name{word-break:break-word;min-width:180px}
td.err{color:var(--err);max-width:420px;word-break:break-word}
.st-failed,.st-partial{color:var(--err);font-weight:600}
.st-no-traces{color:var(--mute)}
.sev{font-weight:600}
.sev.error{color:var(--err)}
.sev.warning{color:#b45309}
.sev.info{color:var(--info)}
.zero{color:#c0c4cc}
.nw{white-space:nowrap}
.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12.5px;word-break:break-all}
button.pick{font:inherit;border:0;background:none;padding:0;color:inherit;text-align:left;cursor:pointer;border-bottom:1px dotted #94a3b8}
button.pick:hover{color:var(--info)}
a{color:#1d4ed8}
tr[hidden]{display:none}
footer{margin-top:30px;color:var(--mute);font-size:12px}
`;

export const INDEX_SCRIPT = `(function(){
'use strict';
document.documentElement.classList.add('js');
var data=JSON.parse(document.getElementById('fb-data').textContent);
function $(id){return document.getElementById(id);}
function cmp(a,b){
  if(a===b)return 0;
  if(a===null||a===undefined||a==='')return 1;
  if(b===null||b===undefined||b==='')return -1;
  if(typeof a==='number'&&typeof b==='number')return a-b;
  return String(a).localeCompare(String(b),undefined,{numeric:true});
}
function sortable(table,rows){
  var tbody=table.tBodies[0];
  var trs=Array.prototype.slice.call(tbody.rows);
  var heads=table.tHead.rows[0].cells;
  Array.prototype.forEach.call(heads,function(th){
    var k=th.getAttribute('data-k');
    if(!k)return;
    th.tabIndex=0;
    function go(){
      var dir=th.getAttribute('aria-sort')==='ascending'?-1:1;
      Array.prototype.forEach.call(heads,function(h){h.removeAttribute('aria-sort');});
      th.setAttribute('aria-sort',dir===1?'ascending':'descending');
      var order=trs.map(function(tr,i){return i;});
      order.sort(function(i,j){var c=cmp(rows[i][k],rows[j][k]);return c===0?i-j:(dir*c);});
      var frag=document.createDocumentFragment();
      order.forEach(function(i){frag.appendChild(trs[i]);});
      tbody.appendChild(frag);
    }
    th.addEventListener('click',go);
    th.addEventListener('keydown',function(e){if(e.key==='Enter'||e.key===' '){e.preventDefault();go();}});
  });
  return trs;
}
function fill(select,values){
  values.forEach(function(v){var o=document.createElement('option');o.value=v;o.textContent=v;select.appendChild(o);});
}
function uniq(rows,k){
  var seen={};var out=[];
  rows.forEach(function(r){var v=r[k];if(v!==null&&v!==undefined&&v!==''&&!Object.prototype.hasOwnProperty.call(seen,v)){seen[v]=1;out.push(v);}});
  return out.sort(cmp);
}
function plural(n,w){return n+' '+w+(n===1?'':'s');}

/* cases */
var caseRows=sortable($('cases'),data.cases);
var cq=$('case-q'),cs=$('case-status');
fill(cs,uniq(data.cases,'status'));
function filterCases(){
  var q=cq.value.trim().toLowerCase(),st=cs.value,shown=0;
  data.cases.forEach(function(c,i){
    var ok=(!q||c.name.toLowerCase().indexOf(q)>=0)&&(!st||c.status===st);
    caseRows[i].hidden=!ok;if(ok)shown++;
  });
  $('case-count').textContent=shown+' of '+plural(data.cases.length,'case');
}
cq.addEventListener('input',filterCases);cs.addEventListener('change',filterCases);
filterCases();

/* findings across cases */
var fRows=sortable($('findings'),data.findings);
var fd=$('f-detector'),fs=$('f-severity'),fv=$('f-server'),fu=$('f-url'),fc=$('f-case');
fill(fd,uniq(data.findings,'detector'));
fill(fs,['error','warning','info'].filter(function(s){return data.findings.some(function(f){return f.severity===s;});}));
fill(fv,uniq(data.findings,'server'));
function filterFindings(){
  var d=fd.value,s=fs.value,v=fv.value,u=fu.value.trim().toLowerCase(),c=fc.value.trim().toLowerCase(),shown=0,cases={};
  data.findings.forEach(function(f,i){
    var ok=(!d||f.detector===d)&&(!s||f.severity===s)&&(!v||f.server===v)&&(!u||(f.url||'').toLowerCase().indexOf(u)>=0)&&(!c||f.case.toLowerCase().indexOf(c)>=0);
    fRows[i].hidden=!ok;if(ok){shown++;cases[f.case]=1;}
  });
  $('f-count').textContent=plural(shown,'finding')+' in '+plural(Object.keys(cases).length,'case')+(data.findingsTotal>data.findings.length?' (of the first '+data.findings.length+' of '+data.findingsTotal+')':'');
}
[fd,fs,fv].forEach(function(el){el.addEventListener('change',filterFindings);});
[fu,fc].forEach(function(el){el.addEventListener('input',filterFindings);});
$('f-clear').addEventListener('click',function(){fd.value='';fs.value='';fv.value='';fu.value='';fc.value='';filterFindings();});
/* a detector, server or URL in a row filters by it: "every case with a curl 56 from this server" is one click */
$('findings').addEventListener('click',function(e){
  var b=e.target.closest('button.pick');if(!b)return;
  var tr=b.closest('tr');var f=data.findings[Number(tr.getAttribute('data-i'))];var k=b.getAttribute('data-pick');
  if(k==='detector')fd.value=f.detector;else if(k==='server')fv.value=f.server;else if(k==='url')fu.value=f.url;else if(k==='case')fc.value=f.case;
  filterFindings();
});
filterFindings();
})();`;
