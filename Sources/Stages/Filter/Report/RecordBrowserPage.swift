/// The record browser's page: plain HTML and JavaScript, no server, no network. Scripts are loaded
/// with `<script>` tags (which work from `file://`, unlike `fetch`).
enum RecordBrowserPage {
    static let html = #"""
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>lwdata records</title>
<style>
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 1.5rem auto; max-width: 1340px; padding: 0 1rem; color: #222; }
table { border-collapse: collapse; width: 100%; font-size: .9rem; }
th, td { text-align: left; padding: .25rem .5rem; border-bottom: 1px solid #eee; vertical-align: top; }
th { cursor: pointer; user-select: none; background: #fafafa; }
tr.row:hover { background: #f3f7fb; cursor: pointer; }
.rejected { color: #8a1c1c; }
#controls { display: flex; gap: .8rem; align-items: center; margin: .8rem 0; flex-wrap: wrap; }
#detail { border: 1px solid #ccd; border-radius: 6px; padding: 1rem; margin: 1rem 0; background: #fcfcff; }
.section { border-left: 3px solid #4e79a7; padding-left: .8rem; margin: 1rem 0; white-space: pre-wrap; }
.budget { font-size: .8rem; color: #555; }
mark.flag { background: #ffd6d6; }
.scores { font-size: .8rem; color: #333; }
</style>
</head>
<body>
<h1>lwdata records</h1>
<p><a href="index.html">charts</a> · click a column to sort, a row to read the record</p>
<div id="controls">
  <input id="filter" type="search" placeholder="filter: words of the instruction, an id, a reason" size="40">
  <select id="status"><option value="">kept and rejected</option><option value="kept">kept</option><option value="rejected">rejected</option></select>
  <label><input id="flagged" type="checkbox"> flagged only</label>
  <button id="prev">◀</button><span id="page"></span><button id="next">▶</button>
  <span id="count"></span>
</div>
<div id="detail" hidden></div>
<table><thead><tr>
  <th data-key="n">#</th><th data-key="instruction">instruction</th><th data-key="status">status</th><th data-key="recipe">recipe</th>
  <th data-key="required">required</th><th data-key="produced">produced</th><th data-key="sl">S_l</th><th data-key="sq">S_q</th><th data-key="flags">flags</th>
</tr></thead><tbody id="rows"></tbody></table>
<script>
const LW = { rows: [], chunks: {}, waiting: {}, view: [], page: 0, size: 100, sortKey: "n", sortUp: true };
const $ = id => document.getElementById(id);
const esc = s => String(s ?? "").replace(/[&<>"]/g, c => ({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;"}[c]));
LW.indexLoaded = rows => { LW.rows = rows; LW.refresh(); LW.openFromHash(); };
LW.chunkLoaded = (n, records) => { LW.chunks[n] = records; (LW.waiting[n] || []).forEach(f => f()); delete LW.waiting[n]; };
LW.load = (src) => { const s = document.createElement("script"); s.src = src; document.body.appendChild(s); };
LW.withChunk = (n, f) => {
  if (LW.chunks[n]) return f();
  (LW.waiting[n] = LW.waiting[n] || []).push(f);
  if (LW.waiting[n].length === 1) LW.load("records/chunk-" + n + ".js");
};
LW.refresh = () => {
  const q = $("filter").value.toLowerCase(), status = $("status").value, flagged = $("flagged").checked;
  LW.view = LW.rows.filter(r => (!status || r.status === status) && (!flagged || r.flags > 0)
    && (!q || [r.instruction, r.id, r.reason, r.stage].some(v => String(v ?? "").toLowerCase().includes(q))));
  const k = LW.sortKey, up = LW.sortUp ? 1 : -1;
  LW.view.sort((a, b) => (a[k] ?? -Infinity) < (b[k] ?? -Infinity) ? -up : (a[k] ?? -Infinity) > (b[k] ?? -Infinity) ? up : a.n - b.n);
  LW.page = Math.min(LW.page, Math.max(0, Math.ceil(LW.view.length / LW.size) - 1));
  LW.render();
};
LW.render = () => {
  const start = LW.page * LW.size, rows = LW.view.slice(start, start + LW.size);
  $("rows").innerHTML = rows.map(r => `<tr class="row ${r.status}" data-n="${r.n}"><td>${r.n + 1}</td><td>${esc(r.instruction)}</td>`
    + `<td>${r.status}${r.reason ? " · " + esc(r.stage) + "/" + esc(r.reason) : ""}</td><td>${esc(r.recipe)}</td><td>${esc(r.required)}</td>`
    + `<td>${esc(r.produced)}</td><td>${esc(r.sl)}</td><td>${esc(r.sq)}</td><td>${r.flags || ""}</td></tr>`).join("");
  $("page").textContent = ` page ${LW.page + 1} of ${Math.max(1, Math.ceil(LW.view.length / LW.size))} `;
  $("count").textContent = `${LW.view.length} of ${LW.rows.length} records`;
};
LW.highlight = (text, sentences) => {
  let html = esc(text);
  for (const s of sentences) { if (s) html = html.split(esc(s)).join(`<mark class="flag">${esc(s)}</mark>`); }
  return html;
};
LW.open = n => {
  const row = LW.rows[n];
  LW.withChunk(row.chunk, () => {
    const r = LW.chunks[row.chunk][n - row.chunk * LW.size];
    const checks = r.content_checks || {};
    const flagged = (checks.task_talk?.sentences || []).map(s => s.text)
      .concat((checks.coherence || []).flatMap(f => f.evidence || []));
    let html = `<h2 id="record-title">${esc(row.status)} record ${esc(r.id)}</h2><h3>Instruction</h3><p>${esc(r.instruction)}</p>`;
    if (r.reason) html += `<p class="rejected">rejected by ${esc(r.stage)}: <b>${esc(r.reason)}</b> — ${esc(r.detail)}</p>`;
    if (Array.isArray(r.plan) && r.plan.length) {
      html += "<h3>Plan</h3><ol>" + r.plan.map(p => `<li>${esc(p.main_point)} <span class="budget">(${p.word_count} words)</span></li>`).join("") + "</ol>";
    }
    const segments = r.quality?.segments || [];
    if (r.quality?.s_q !== undefined) html += `<p class="scores">judge ${esc(r.quality.judge)}: S_q ${r.quality.s_q}</p>`;
    if (flagged.length) html += `<p>${flagged.length} flagged sentence(s), highlighted below.</p>`;
    if (typeof r.response === "string") {
      html += "<h3>Answer</h3>" + LW.sections(r, segments).map(s => `<div class="section"><div class="budget">${s.label}</div>${LW.highlight(s.text, flagged)}</div>`).join("");
    }
    $("detail").innerHTML = html;
    $("detail").hidden = false;
    $("detail").scrollIntoView();
  });
};
LW.sections = (r, segments) => {
  const words = r.response.split(/\s+/).filter(Boolean);
  const steps = (r.step_words || []).filter(x => typeof x === "number");
  const plan = Array.isArray(r.plan) ? r.plan : [];
  // Sections follow the write steps' word counts; text whose words are not space-separated (CJK) shows whole.
  if (!steps.length || words.length < 0.8 * steps.reduce((a, b) => a + b, 0)) return [{ label: `${words.length} words`, text: r.response }];
  let at = 0;
  return steps.map((count, i) => {
    const text = words.slice(at, at + count).join(" ");
    const seg = segments.find(s => s.start_word <= at && at < s.start_word + s.words);
    const label = `section ${i + 1}: ${count} words written` + (plan[i] ? ` of ${plan[i].word_count} planned — ${esc(plan[i].main_point)}` : "")
      + (seg && seg.s_q !== undefined ? ` · judge S_q ${seg.s_q} (relevance ${seg.relevance}, coherence ${seg.coherence})` : "");
    at += count;
    return { label, text };
  });
};
LW.openFromHash = () => {
  const m = location.hash.match(/record=([^&]+)/);
  if (!m) return;
  const row = LW.rows.find(r => r.id === decodeURIComponent(m[1]) || String(r.n) === m[1]);
  if (row) LW.open(row.n);
};
document.querySelectorAll("th").forEach(th => th.onclick = () => {
  LW.sortUp = LW.sortKey === th.dataset.key ? !LW.sortUp : true; LW.sortKey = th.dataset.key; LW.refresh();
});
$("rows").onclick = e => { const tr = e.target.closest("tr"); if (tr) LW.open(Number(tr.dataset.n)); };
["filter", "status", "flagged"].forEach(id => $(id).oninput = () => { LW.page = 0; LW.refresh(); });
$("prev").onclick = () => { LW.page = Math.max(0, LW.page - 1); LW.render(); };
$("next").onclick = () => { LW.page = Math.min(Math.ceil(LW.view.length / LW.size) - 1, LW.page + 1); LW.render(); };
window.addEventListener("hashchange", LW.openFromHash);
LW.load("records/index.js");
</script>
</body>
</html>
"""#
}
