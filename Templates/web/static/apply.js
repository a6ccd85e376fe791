// 申请 page: the form is the application model (data-path = the model's field path). Every check and
// every normalisation is the server's (POST /api/check, the CLI's own rules); this script only
// gathers the form, shows the answers and fetches the files.
"use strict";

const form = document.getElementById("app");
const $ = (sel, root = document) => root.querySelector(sel);
const $$ = (sel, root = document) => Array.from(root.querySelectorAll(sel));
const touched = new Set();
let showAll = false;
let lastCheck = null;
let previewJob = null;
let checkSeq = 0;

// ---- building the form -------------------------------------------------------------------

function personRow(container, prefix, who, withEmail, withTitle) {
  container.innerHTML = "";
  container.append($("#person-template").content.cloneNode(true));
  if (withEmail) container.insertAdjacentHTML("beforeend", '<label>电子邮箱<input data-field="email" data-label="电子邮箱" inputmode="email"></label>');
  if (withTitle) container.insertAdjacentHTML("beforeend", '<label>职务<input data-field="title" data-label="职务"></label>');
  for (const el of $$("[data-field]", container)) {
    el.dataset.path = prefix + "." + el.dataset.field;
    el.dataset.label = who + el.dataset.label;
    const p = document.createElement("p");
    p.className = "problem";
    p.dataset.for = el.dataset.path;
    container.after(p);
  }
}

function problemsAfter(container) {
  // remove the problem lines that belonged to a removed row
  let n = container.nextElementSibling;
  while (n && n.classList.contains("problem")) { const next = n.nextElementSibling; n.remove(); n = next; }
}

for (const c of $$(".person")) personRow(c, c.dataset.prefix, c.dataset.who, c.dataset.email === "1", false);

function renumberHolders() {
  $$("#holder-rows .holder").forEach((row, i) => {
    problemsAfter(row.querySelector(".row"));
    const values = $$("[data-field]", row).map(el => el.value);
    personRow(row.querySelector(".row"), `holders[${i}]`, `持有人${i + 1} `, false, true);
    $$("[data-field]", row).forEach((el, j) => { if (values[j] !== undefined) el.value = values[j]; });
    row.querySelector("h4").textContent = `持有人 ${i + 1}`;
  });
}

function addHolder(values) {
  const row = document.createElement("div");
  row.className = "holder";
  row.innerHTML = '<h4></h4><button type="button" class="small remove">删除</button><div class="row"></div>';
  $("#holder-rows").append(row);
  row.querySelector(".remove").addEventListener("click", () => { problemsAfter(row.querySelector(".row")); row.remove(); renumberHolders(); check(); });
  renumberHolders();
  if (values) fillPerson(row, values);
  return row;
}

function fillPerson(row, p) {
  for (const el of $$("[data-field]", row)) { if (p[el.dataset.field] !== undefined) el.value = p[el.dataset.field]; }
}

function renumberChanges() {
  $$("#change-rows .change").forEach((row, i) => {
    for (const el of $$("[data-field]", row)) {
      el.dataset.path = `change.items[${i}].${el.dataset.field}`;
      el.dataset.label = `变更事项${i + 1} ${el.dataset.short}`;
    }
    $$(".problem", row).forEach((p, j) => { p.dataset.for = `change.items[${i}].${["item", "from", "to"][j]}`; });
  });
}

function addChange(values) {
  const row = document.createElement("div");
  row.className = "change row";
  row.innerHTML = `
    <label>事项<input data-field="item" data-short="事项" list="change-items" placeholder="单位名称"></label>
    <label>变更前<input data-field="from" data-short="变更前"></label>
    <label>变更后<input data-field="to" data-short="变更后"></label>
    <button type="button" class="small remove">删除</button>
    <p class="problem"></p><p class="problem"></p><p class="problem"></p>`;
  $("#change-rows").append(row);
  row.querySelector(".remove").addEventListener("click", () => { row.remove(); renumberChanges(); check(); });
  if (values) for (const el of $$("[data-field]", row)) el.value = values[el.dataset.field] || "";
  renumberChanges();
}
document.body.insertAdjacentHTML("beforeend",
  '<datalist id="change-items"><option value="单位名称"><option value="单位地址"><option value="法定代表人"><option value="经办人"></datalist>');

$("#add-holder").addEventListener("click", () => { addHolder(); $("#holders-default").checked = false; syncVisibility(); check(); });
$("#add-change").addEventListener("click", () => { addChange(); check(); });

function syncVisibility() {
  const service = $('[data-path="service"]').value;
  $("#change-set").hidden = service !== "change";
  if (service === "change" && $$("#change-rows .change").length === 0) addChange();
  $("#serial-row").hidden = service === "new";
  const personal = $("#cert-personal").checked;
  $("#personal-years").disabled = !personal;
  $("#holders-set").hidden = !personal;
  const own = !$("#holders-default").checked;
  $("#holder-rows").hidden = !own;
  $("#add-holder").hidden = !own;
  if (own && $$("#holder-rows .holder").length === 0) {
    // the first holder starts as the legal representative, the default holder
    const lr = {};
    for (const el of $$('[data-path^="legalRepresentative."]')) lr[el.dataset.path.split(".")[1]] = el.value;
    lr.title = "法定代表人";
    addHolder(lr);
  }
}

// ---- the draft: the form as the application model ----------------------------------------

function setPath(obj, path, value) {
  const keys = path.replace(/\[(\d+)\]/g, ".$1").split(".");
  let node = obj;
  keys.forEach((k, i) => {
    const last = i === keys.length - 1;
    const nextIsIndex = !last && /^\d+$/.test(keys[i + 1]);
    if (last) node[k] = value;
    else { if (node[k] === undefined) node[k] = nextIsIndex ? [] : {}; node = node[k]; }
  });
}

function getPath(obj, path) {
  return path.replace(/\[(\d+)\]/g, ".$1").split(".").reduce((o, k) => (o == null ? undefined : o[k]), obj);
}

function visible(el) { return !el.closest("[hidden]"); }

function draft() {
  const d = { organization: {}, legalRepresentative: {}, handler: {}, certificates: {} };
  for (const el of $$("[data-path]")) {
    if (!visible(el) || el.disabled) continue;
    setPath(d, el.dataset.path, el.value);
  }
  if ($("#cert-odc").checked) d.certificates.odc = { years: 1 };
  if ($("#cert-personal").checked) d.certificates.personal = { years: Number($("#personal-years").value) };
  if (!$("#cert-personal").checked || $("#holders-default").checked) delete d.holders;
  if (d.service === "new" && d.existingCertificate) delete d.existingCertificate;
  return d;
}

function fill(app) {
  $("#cert-odc").checked = !!(app.certificates && app.certificates.odc);
  $("#cert-personal").checked = !!(app.certificates && app.certificates.personal);
  if (app.certificates && app.certificates.personal) $("#personal-years").value = String(app.certificates.personal.years);
  $$("#holder-rows .holder").forEach(r => { problemsAfter(r.querySelector(".row")); r.remove(); });
  $$("#change-rows .change").forEach(r => r.remove());
  const holders = app.holders || [];
  $("#holders-default").checked = holders.length === 0;
  holders.forEach(h => addHolder(h));
  ((app.change && app.change.items) || []).forEach(c => addChange(c));
  for (const el of $$("[data-path]")) {
    const v = getPath(app, el.dataset.path);
    if (v !== undefined && v !== null) el.value = String(v);
    else if (el.tagName !== "SELECT" || el.dataset.path === "visit.office") el.value = "";
  }
  syncVisibility();
}

// ---- talking to the server ---------------------------------------------------------------

async function post(url, body, raw) {
  return fetch(url, {
    method: "POST",
    headers: { "Content-Type": raw ? "application/octet-stream" : "application/json", "X-CertPack": "1" },
    body: raw ? body : JSON.stringify(body),
    credentials: "same-origin",
  });
}

function status(text, bad) {
  const s = $("#status");
  s.textContent = text || "";
  s.classList.toggle("bad", !!bad);
}

async function check() {
  const seq = ++checkSeq;
  let r;
  try { r = await post("/api/check", draft()); } catch (e) { status("无法连接服务器：" + e.message, true); return; }
  if (seq !== checkSeq) return;  // a newer check is on its way
  if (!r.ok) { status(await errorText(r), true); return; }
  const result = await r.json();
  lastCheck = result;
  applyNormalized(result.application);
  showProblems(result.problems);
  renderChecklist(result.checklist);
  const ok = result.renderable;
  for (const id of ["#btn-preview", "#btn-pdf", "#btn-md"]) $(id).disabled = !ok;
}

async function errorText(r) {
  try { const j = await r.json(); return j.error || r.statusText; } catch { return `${r.status} ${r.statusText}`; }
}

function applyNormalized(app) {
  for (const el of $$("[data-path]")) {
    if (el === document.activeElement || el.tagName === "SELECT" || el.type === "date") continue;
    const v = getPath(app, el.dataset.path);
    if (typeof v === "string" && v !== el.value) el.value = v;
  }
}

function labelFor(field) {
  const el = $(`[data-path="${CSS.escape(field)}"]`);
  if (el) return el.dataset.label;
  return { certificates: "证书", channel: "办理方式", holders: "持有人", change: "变更事项", "change.items": "变更事项", application: "申请" }[field] || field;
}

function showProblems(problems) {
  const byField = new Map();
  for (const p of problems) { if (!byField.has(p.field)) byField.set(p.field, []); byField.get(p.field).push(p.message); }
  for (const line of $$(".problem")) {
    const field = line.dataset.for;
    const messages = byField.get(field) || [];
    const shown = showAll || touched.has(field) || !$(`[data-path="${CSS.escape(field)}"]`);
    line.textContent = shown ? messages.join("；") : "";
    const input = $(`[data-path="${CSS.escape(field)}"]`);
    if (input) {
      input.classList.toggle("invalid", shown && messages.length > 0);
      input.setAttribute("aria-invalid", shown && messages.length > 0 ? "true" : "false");
    }
  }
  const box = $("#reasons");
  const ul = $("ul", box);
  ul.innerHTML = "";
  for (const p of problems) {
    const li = document.createElement("li");
    li.textContent = `${labelFor(p.field)}：${p.message}`;
    ul.append(li);
  }
  box.hidden = problems.length === 0;
}

// ---- the checklist beside the form -------------------------------------------------------

const statusWords = { complete: "当天可以办理全部业务", partial: "当天只能办理部分业务", none: "当天无法办理", notCovered: "该日期的节假日安排未收录" };

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

function renderChecklist(c) {
  const box = $("#checklist");
  box.innerHTML = "";
  box.append(el("h2", "", "办理清单"));
  if (!c) { box.append(el("p", "muted", "填写业务与证书后显示。")); return; }
  if (c.organization) box.append(el("p", "org", c.organization));
  box.append(el("p", "lead", `${c.serviceLabel} · ${c.channel === "online" ? "网上办理" : "现场办理"}`));
  const certs = el("ul", "certs");
  for (const k of c.certificates) certs.append(el("li", "", `${k.label} ${k.years} 年${k.holders ? ` × ${k.holders} 人` : ""}`));
  box.append(certs);

  const v = c.visit;
  if (v) {
    box.append(el("h3", "", c.channel === "online" ? "网上提交" : "到访"));
    const verdict = el("div", `verdict ${v.status}`);
    verdict.append(el("strong", "", `${v.date}${v.time ? " " + v.time : ""}${v.office ? " · " + v.office : ""}`));
    verdict.append(el("div", "", statusWords[v.status] || v.status));
    for (const n of v.notes) verdict.append(el("div", "note", n));
    box.append(verdict);
    const earliest = v.complete ? `${v.date}${v.office ? " " + v.office : ""}` :
      v.proposal ? `${v.proposal.date} ${v.proposal.office}${v.proposal.time ? " " + v.proposal.time : ""}${v.proposal.makeUpDay ? "（调休上班日）" : ""}` : "60 天内无";
    const e = el("p", "earliest");
    e.append(el("span", "", "最早可办齐："), el("strong", "", earliest));
    box.append(e);
    if (v.expectedCompletion) box.append(el("p", "", `预计办结：${v.expectedCompletion}`));
  }

  box.append(el("h3", "", "要带的材料"));
  const docs = el("ol", "docs");
  for (const d of c.documents) {
    const li = el("li");
    li.append(el("span", "", d.title));
    li.append(el("span", "count", ` × ${d.count}`));
    if (d.stamp) li.append(el("span", "tag", "加盖公章"));
    for (const n of d.notes) li.append(el("div", "note", n));
    docs.append(li);
  }
  box.append(docs);

  box.append(el("h3", "", "费用"));
  const fees = el("table", "fees");
  for (const f of c.fees.items) {
    const tr = el("tr");
    tr.append(el("td", "", f.label), el("td", "amount", f.amount == null ? "未公布" : `${f.amount} 元`));
    fees.append(tr);
  }
  const total = el("tr", "total");
  total.append(el("td", "", "合计"), el("td", "amount", c.fees.total == null ? "待深圳CA确认" : `${c.fees.total} 元`));
  fees.append(total);
  box.append(fees);
  if (c.fees.payment) box.append(el("p", "note", `对公转账：${c.fees.payment.company}，${c.fees.payment.bank}，账号 ${c.fees.payment.account}`));

  if (c.warnings.length) {
    box.append(el("h3", "", "注意"));
    const w = el("ul", "warnings");
    for (const x of c.warnings) w.append(el("li", "", x));
    box.append(w);
  }
}

// ---- files -------------------------------------------------------------------------------

function saveBlob(blob, name) {
  const a = document.createElement("a");
  a.href = URL.createObjectURL(blob);
  a.download = name;
  document.body.append(a);
  a.click();
  setTimeout(() => { URL.revokeObjectURL(a.href); a.remove(); }, 10000);
}

async function download(url, name, button) {
  showAll = true;
  await check();
  if (url !== "/api/yaml" && !(lastCheck && lastCheck.renderable)) { status("数据有误，未生成：请先改正下列问题。", true); return; }
  button.disabled = true;
  status("正在生成…");
  try {
    const r = await post(url, draft());
    if (!r.ok) {
      const j = await r.json().catch(() => ({}));
      if (j.problems) showProblems(j.problems);
      status((j.error || r.statusText) + (r.headers.get("Retry-After") ? `（${r.headers.get("Retry-After")} 秒后重试）` : ""), true);
      return;
    }
    saveBlob(await r.blob(), name);
    status(`已下载 ${name}`);
  } catch (e) {
    status("下载失败：" + e.message, true);
  } finally {
    button.disabled = url !== "/api/yaml" && !(lastCheck && lastCheck.renderable);
  }
}

$("#btn-pdf").addEventListener("click", e => download("/api/pdf", "申请材料.pdf", e.target));
$("#btn-md").addEventListener("click", e => download("/api/checklist.md", "清单.md", e.target));
$("#btn-print").addEventListener("click", () => window.print());  // the print stylesheet keeps only the checklist
$("#btn-yaml").addEventListener("click", e => download("/api/yaml", "申请数据.yaml", e.target));

$("#btn-preview").addEventListener("click", async e => {
  showAll = true;
  e.target.disabled = true;
  status("正在生成预览…");
  try {
    const r = await post("/api/preview" + (previewJob ? `?previous=${previewJob}` : ""), draft());
    const j = await r.json();
    if (!r.ok) { if (j.problems) showProblems(j.problems); status(j.error || r.statusText, true); return; }
    previewJob = j.job;
    const box = $("#preview");
    box.innerHTML = "";
    j.pages.forEach((src, i) => {
      const fig = el("figure");
      const img = el("img");
      img.src = src;
      img.alt = `第 ${i + 1} 页`;
      fig.append(img, el("figcaption", "", `第 ${i + 1} / ${j.pages.length} 页`));
      box.append(fig);
    });
    status(`预览：${j.pages.length} 页（与 PDF 同一排版）`);
  } catch (err) {
    status("预览失败：" + err.message, true);
  } finally {
    e.target.disabled = !(lastCheck && lastCheck.renderable);
  }
});

$("#import-file").addEventListener("change", async e => {
  const file = e.target.files[0];
  if (!file) return;
  const r = await post("/api/import?name=" + encodeURIComponent(file.name), await file.arrayBuffer(), true);
  const j = await r.json();
  e.target.value = "";
  if (!r.ok) { status(j.error, true); return; }
  fill(j.application);
  showAll = true;
  status(`已导入 ${file.name}`);
  check();
});

// ---- events ------------------------------------------------------------------------------

form.addEventListener("focusout", e => {
  const path = e.target.dataset && e.target.dataset.path;
  if (path) { touched.add(path); check(); }
});
form.addEventListener("change", e => {
  if (e.target.dataset && e.target.dataset.path) touched.add(e.target.dataset.path);
  if (e.target.type === "file") return;
  syncVisibility();
  check();
});
form.addEventListener("submit", e => e.preventDefault());

syncVisibility();
if (form.dataset.example) {
  // `certpack serve --example FILE`: open with that application filled in.
  fetch("/api/example", { credentials: "same-origin" }).then(r => r.json()).then(j => { fill(j.application); check(); });
} else {
  check();
}
