// 申请 page: the form is the application model (data-path = the model's field path). Every check and
// every normalisation is the server's (the CLI's own rules); this script only gathers the form, shows
// the answers and fetches the files. Nothing typed is kept in the browser (no localStorage, no
// sessionStorage, no cookies of its own): a draft is kept only in a file the clerk saves.
"use strict";

const form = document.getElementById("app");
const $ = (sel, root = document) => root.querySelector(sel);
const $$ = (sel, root = document) => Array.from(root.querySelectorAll(sel));
// A field's problem is shown once the clerk has typed in it and left it, or after 检查 (showAll):
// tabbing through an empty form turns nothing red.
const typed = new Set();    // paths typed in since they were last left
const touched = new Set();  // paths left after typing
let showAll = false;
let lastCheck = null;       // the last answer of /api/check (quick or full)
let previewJob = null;
let checkSeq = 0;
let previewedDraft = null;  // the draft (as JSON) the last preview showed
let downloadedDraft = null; // the draft (as JSON) of the last download
let quickTimer = null;

// ---- building the form -------------------------------------------------------------------

const slug = path => path.replace(/[^A-Za-z0-9]+/g, "-");

/// Which fields must be filled (marked ＊ and aria-required); the server's checks say the rest.
function isRequired(path) {
  if (/^(organization\.(name|uscc|address)|(legalRepresentative|handler|holders\[\d+\])\.(name|idNumber|mobile))$/.test(path)) return true;
  if (/^change\.items\[\d+\]\.(item|to)$/.test(path)) return true;
  return path === "existingCertificate.serial";
}

/// Gives every [data-path] control an id, its problem line (inside its .field, right under it, so
/// problems read in field order), aria-describedby and the required mark.
function wire(root = document) {
  for (const el of $$("[data-path]", root)) {
    const id = "f-" + slug(el.dataset.path);
    el.id = id;
    const box = el.closest(".field") || el.parentElement;
    let p = $(":scope > p.problem", box);
    if (!p) { p = document.createElement("p"); p.className = "problem"; box.append(p); }
    p.id = "e-" + slug(el.dataset.path);
    p.dataset.for = el.dataset.path;
    el.setAttribute("aria-describedby", p.id);
    if (!el.hasAttribute("aria-invalid")) el.setAttribute("aria-invalid", "false");
    const label = el.closest("label");
    // the label's words in one span, so that the required mark sits beside them
    let words = label && $(":scope > .label-text", label);
    if (label && !words) {
      words = document.createElement("span");
      words.className = "label-text";
      while (label.firstChild && label.firstChild !== el && label.firstChild.nodeType === Node.TEXT_NODE) words.append(label.firstChild);
      label.insertBefore(words, label.firstChild);
    }
    const mark = words && $(".req", words);
    if (isRequired(el.dataset.path)) {
      el.setAttribute("aria-required", "true");
      if (words && !mark) {
        const m = document.createElement("span");
        m.className = "req"; m.textContent = "＊"; m.setAttribute("aria-hidden", "true");
        words.append(m);
      }
    } else {
      el.removeAttribute("aria-required");
      if (mark) mark.remove();
    }
  }
  // a confirmation box belongs to the ID number above it
  for (const box of $$(".confirm-id", root)) {
    const input = box.closest(".field").querySelector('[data-field="idNumber"]');
    if (input) box.dataset.for = input.dataset.path;
  }
}

function personRow(container, prefix, who, withEmail, withTitle) {
  container.innerHTML = "";
  container.append($("#person-template").content.cloneNode(true));
  if (withEmail) container.insertAdjacentHTML("beforeend", '<div class="field"><label>电子邮箱<input data-field="email" data-label="电子邮箱" inputmode="email"></label></div>');
  if (withTitle) container.insertAdjacentHTML("beforeend", '<div class="field"><label>职务<input data-field="title" data-label="职务"></label></div>');
  for (const el of $$("[data-field]", container)) {
    el.dataset.path = prefix + "." + el.dataset.field;
    el.dataset.label = who + el.dataset.label;
  }
  wire(container);
}

for (const c of $$(".person")) personRow(c, c.dataset.prefix, c.dataset.who, c.dataset.email === "1", false);

function lrValues() {
  const lr = {};
  for (const el of $$('[data-path^="legalRepresentative."]')) lr[el.dataset.field] = el.value;
  return lr;
}

/// A holder who is the 法定代表人 follows the 法定代表人's fields: read-only here, copied on every change.
function followLR(row) {
  const linked = row.querySelector(".is-lr").checked;
  const lr = lrValues();
  for (const el of $$("[data-field]", row)) {
    if (el.dataset.field === "title") continue;
    if (linked) { if (lr[el.dataset.field] !== undefined) el.value = lr[el.dataset.field]; }
    if (el.tagName === "SELECT") el.disabled = linked; else el.readOnly = linked;
    el.classList.toggle("linked", linked);
  }
  const confirm = row.querySelector(".confirm-id");
  const lrConfirm = $('.confirm-id[data-for="legalRepresentative.idNumber"]');
  if (linked && confirm && lrConfirm) confirm.checked = lrConfirm.checked;
  syncConfirmBoxes();
}

function renumberHolders() {
  $$("#holder-rows .holder").forEach((row, i) => {
    const values = {};
    for (const el of $$("[data-field]", row)) values[el.dataset.field] = el.value;
    const confirmed = row.querySelector(".confirm-id") && row.querySelector(".confirm-id").checked;
    personRow(row.querySelector(".row"), `holders[${i}]`, `持有人${i + 1} `, false, true);
    for (const el of $$("[data-field]", row)) if (values[el.dataset.field] !== undefined) el.value = values[el.dataset.field];
    if (confirmed) row.querySelector(".confirm-id").checked = true;
    row.querySelector("h3").textContent = `持有人 ${i + 1}`;
    row.querySelector(".remove").setAttribute("aria-label", `删除持有人 ${i + 1}`);
    followLR(row);
  });
}

function addHolder(values, isLR) {
  const row = document.createElement("div");
  row.className = "holder";
  row.innerHTML = '<h3></h3><button type="button" class="small remove">删除</button>'
    + '<label class="check"><input type="checkbox" class="is-lr"> 即法定代表人（随上面法定代表人的信息自动填写）</label><div class="row"></div>';
  $("#holder-rows").append(row);
  row.querySelector(".remove").addEventListener("click", () => { row.remove(); renumberHolders(); changed(); });
  row.querySelector(".is-lr").checked = !!isLR;
  row.querySelector(".is-lr").addEventListener("change", () => { followLR(row); changed(); });
  renumberHolders();
  if (values) fillPerson(row, values);
  followLR(row);
  return row;
}

function fillPerson(row, p) {
  for (const el of $$("[data-field]", row)) { if (p[el.dataset.field] !== undefined && p[el.dataset.field] !== null) el.value = p[el.dataset.field]; }
}

function renumberChanges() {
  $$("#change-rows .change").forEach((row, i) => {
    for (const el of $$("[data-field]", row)) {
      el.dataset.path = `change.items[${i}].${el.dataset.field}`;
      el.dataset.label = `变更事项${i + 1} ${el.dataset.short}`;
    }
    row.querySelector(".remove").setAttribute("aria-label", `删除变更事项 ${i + 1}`);
    wire(row);
  });
}

function addChange(values) {
  const row = document.createElement("div");
  row.className = "change row";
  row.innerHTML = `
    <div class="field"><label>事项<input data-field="item" data-short="事项" list="change-items" placeholder="单位名称"></label></div>
    <div class="field"><label>变更前<input data-field="from" data-short="变更前"></label></div>
    <div class="field"><label>变更后<input data-field="to" data-short="变更后"></label></div>
    <button type="button" class="small remove">删除</button>`;
  $("#change-rows").append(row);
  row.querySelector(".remove").addEventListener("click", () => { row.remove(); renumberChanges(); changed(); });
  if (values) for (const el of $$("[data-field]", row)) el.value = values[el.dataset.field] || "";
  renumberChanges();
}
document.body.insertAdjacentHTML("beforeend",
  '<datalist id="change-items"><option value="单位名称"><option value="单位地址"><option value="法定代表人"><option value="经办人"></datalist>');

$("#add-holder").addEventListener("click", () => {
  const row = addHolder();
  $("#holders-default").checked = false;
  syncVisibility();
  changed();
  row.querySelector("[data-field=name]").focus();
});
$("#add-change").addEventListener("click", () => { addChange(); changed(); $("#change-rows .change:last-child input").focus(); });

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
    // the first holder starts as the legal representative (the default holder), and follows him
    addHolder({ title: "法定代表人" }, true);
  }
  syncConfirmBoxes();
}

/// 「号码确以 000 结尾，已核对原件」 shows under an ID number that ends in 000 (issue 16).
function syncConfirmBoxes() {
  for (const box of $$(".confirm-id")) {
    const input = box.closest(".field").querySelector('[data-field="idNumber"]');
    const ends = !!input && /000$/.test(input.value.trim());
    box.closest("label").hidden = !ends;
    if (!ends) box.checked = false;
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

/// The ID numbers the clerk confirmed end in 000 (ticked under a visible field).
function confirmedIdNumbers() {
  const out = [];
  for (const box of $$(".confirm-id")) {
    const input = box.closest(".field").querySelector('[data-field="idNumber"]');
    if (box.checked && visible(box) && input && visible(input)) {
      const v = input.value.trim().toUpperCase();
      if (v && !out.includes(v)) out.push(v);
    }
  }
  return out;
}

function draft() {
  const d = { organization: {}, legalRepresentative: {}, handler: {}, certificates: {} };
  for (const el of $$("[data-path]")) {
    // a holder who is the 法定代表人 has disabled selects: they still carry his values
    if (!visible(el) || (el.disabled && !el.classList.contains("linked"))) continue;
    setPath(d, el.dataset.path, el.value);
  }
  if ($("#cert-odc").checked) d.certificates.odc = { years: 1 };
  if ($("#cert-personal").checked) d.certificates.personal = { years: Number($("#personal-years").value) };
  if (!$("#cert-personal").checked || $("#holders-default").checked) delete d.holders;
  if (d.service === "new" && d.existingCertificate) delete d.existingCertificate;
  const confirmed = confirmedIdNumbers();
  if (confirmed.length) d.confirmedIdNumbers = confirmed;
  return d;
}

function fill(app) {
  $("#cert-odc").checked = !!(app.certificates && app.certificates.odc);
  $("#cert-personal").checked = !!(app.certificates && app.certificates.personal);
  if (app.certificates && app.certificates.personal) $("#personal-years").value = String(app.certificates.personal.years);
  $$("#holder-rows .holder").forEach(r => r.remove());
  $$("#change-rows .change").forEach(r => r.remove());
  const holders = app.holders || [];
  $("#holders-default").checked = holders.length === 0;
  const lr = app.legalRepresentative || {};
  holders.forEach(h => addHolder(h, !!h.idNumber && h.idNumber === lr.idNumber && h.name === lr.name));
  ((app.change && app.change.items) || []).forEach(c => addChange(c));
  for (const el of $$("[data-path]")) {
    const v = getPath(app, el.dataset.path);
    if (v !== undefined && v !== null) el.value = String(v);
    else if (el.tagName !== "SELECT" || el.dataset.path === "visit.office") el.value = "";
  }
  syncVisibility();
  const confirmed = app.confirmedIdNumbers || [];
  for (const box of $$(".confirm-id")) {
    const input = box.closest(".field").querySelector('[data-field="idNumber"]');
    box.checked = !!input && confirmed.includes(input.value.trim().toUpperCase());
  }
  $$("#holder-rows .holder").forEach(followLR);
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

/// The whole draft checked by the server: `full` runs the run's layout too (检查, and before a
/// download); otherwise only the data checks and the checklist (as fields are left).
async function check(full) {
  const seq = ++checkSeq;
  let r;
  const sent = draft();
  try { r = await post(full ? "/api/check" : "/api/check?quick=1", sent); } catch (e) { status("无法连接服务器，请确认 CertPack 仍在运行。", true); return null; }
  if (seq !== checkSeq) return null;  // a newer check is on its way
  if (!r.ok) { status(await errorText(r), true); return null; }
  const result = await r.json();
  lastCheck = result;
  applyNormalized(result.application, sent);
  showProblems(result.problems);
  renderChecklist(result.checklist);
  updateActions();
  return result;
}

function scheduleQuickCheck() {
  clearTimeout(quickTimer);
  quickTimer = setTimeout(() => check(false), 250);
}

async function errorText(r) {
  try { const j = await r.json(); return j.error || r.statusText; } catch { return `${r.status} ${r.statusText}`; }
}

/// The server's normalised values into the boxes: only where the box still holds what was sent
/// (an answer never overwrites what the clerk typed since).
function applyNormalized(app, sent) {
  for (const el of $$("[data-path]")) {
    if (el === document.activeElement || el.tagName === "SELECT" || el.type === "date" || el.readOnly) continue;
    if (getPath(sent, el.dataset.path) !== el.value) continue;
    const v = getPath(app, el.dataset.path);
    if (typeof v === "string" && v !== el.value) el.value = v;
  }
  $$("#holder-rows .holder").forEach(followLR);
}

/// Leaving a field after typing: that field and its cheap neighbours (the other fields of its group
/// the clerk has already left) are checked at once; the whole draft follows, without the layout.
async function leaveField(el) {
  const path = el.dataset.path;
  touched.add(path);
  const group = el.closest(".person, .row, fieldset");
  const context = {};
  const neighbours = {};
  const parent = path.split(".").slice(0, -1).join(".");
  for (const other of $$("[data-path]", group)) {
    if (other === el) continue;
    const p = other.dataset.path;
    if (p.split(".").slice(0, -1).join(".") === parent && other.dataset.field) context[other.dataset.field] = other.value;
    if (touched.has(p)) neighbours[p] = other.value;
  }
  const value = el.value;
  try {
    const r = await post("/api/field", { field: path, value, context, neighbours, confirmedIdNumbers: confirmedIdNumbers() });
    if (r.ok) {
      const j = await r.json();
      if (el.value !== value) return;  // typed again since: that answer is on its way
      if (el !== document.activeElement && j.value !== el.value && !el.readOnly) el.value = j.value;
      showFieldProblem(path, j.problem);
      for (const [p, m] of Object.entries(j.neighbours || {})) showFieldProblem(p, m);
      if (path.startsWith("legalRepresentative.")) $$("#holder-rows .holder").forEach(followLR);
    }
  } catch (e) { /* the whole check below says what is wrong with the connection */ }
  syncConfirmBoxes();
  scheduleQuickCheck();
}

// ---- problems ----------------------------------------------------------------------------

/// Where a problem without an input of its own is shown and linked to.
const anchors = { certificates: "#cert-odc", channel: '[data-path="channel"]', holders: "#holders-default",
                  change: "#add-change", "change.items": "#add-change", application: '[data-path="service"]', layout: "#btn-check" };

function controlFor(field) {
  return $(`[data-path="${CSS.escape(field)}"]`) || (anchors[field] && $(anchors[field])) || null;
}

function labelFor(field) {
  const el = $(`[data-path="${CSS.escape(field)}"]`);
  if (el) return el.dataset.label;
  return { certificates: "证书", channel: "办理方式", holders: "持有人", change: "变更事项", "change.items": "变更事项",
           application: "申请", layout: "排版" }[field] || "申请";
}

function isShown(field) { return showAll || touched.has(field); }

function showFieldProblem(field, message) {
  const line = $(`p.problem[data-for="${CSS.escape(field)}"]`);
  const input = $(`[data-path="${CSS.escape(field)}"]`);
  const shown = isShown(field) && !!message;
  if (line) line.textContent = shown ? message : "";
  if (input) {
    input.classList.toggle("invalid", shown);
    input.setAttribute("aria-invalid", shown ? "true" : "false");
  }
}

/// In the order of the form (not the order the checks ran in).
function inFieldOrder(problems) {
  const ordered = problems.map((p, i) => ({ p, i, el: controlFor(p.field) }));
  ordered.sort((a, b) => {
    if (a.el && b.el && a.el !== b.el) return a.el.compareDocumentPosition(b.el) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1;
    if (!a.el !== !b.el) return a.el ? 1 : -1;  // problems of the whole application first
    return a.i - b.i;
  });
  return ordered.map(x => x.p);
}

function showProblems(problems) {
  const byField = new Map();
  for (const p of problems) { if (!byField.has(p.field)) byField.set(p.field, []); byField.get(p.field).push(p.message); }
  for (const line of $$("p.problem[data-for]")) showFieldProblem(line.dataset.for, (byField.get(line.dataset.for) || []).join("；"));
  const box = $("#reasons");
  const ul = $("ul", box);
  ul.innerHTML = "";
  for (const p of inFieldOrder(problems)) {
    const li = document.createElement("li");
    const target = controlFor(p.field);
    const text = `${labelFor(p.field)}：${p.message}`;
    if (target) {
      const a = document.createElement("a");
      a.href = "#" + (target.id || "");
      a.textContent = text;
      a.addEventListener("click", e => {
        e.preventDefault();
        target.scrollIntoView({ block: "center" });
        target.focus();
      });
      li.append(a);
    } else li.textContent = text;
    ul.append(li);
  }
  // the list shows after 检查 (or a download tried); before, the action bar counts what is left
  box.hidden = problems.length === 0 || !showAll;
}

// ---- the action bar: the next step named -------------------------------------------------

function updateActions() {
  const ok = !!(lastCheck && lastCheck.renderable);
  const now = JSON.stringify(draft());
  for (const id of ["#btn-preview", "#btn-pdf", "#btn-md", "#btn-checklist-pdf", "#btn-print"]) $(id).disabled = !ok;
  const n = lastCheck ? lastCheck.problems.length : 0;
  let next, primary;
  if (!lastCheck) { next = "下一步：填写下列各项"; primary = "#btn-check"; }
  else if (!ok) {
    next = showAll ? `下一步：改正 ${n} 处问题（点问题可跳到该项）` : `下一步：填写或改正 ${n} 项，然后点「检查」`;
    primary = "#btn-check";
  } else if (previewedDraft !== now && downloadedDraft !== now) { next = "下一步：预览，逐页核对"; primary = "#btn-preview"; }
  else if (downloadedDraft !== now) { next = "下一步：下载申请材料，打印后签字盖章"; primary = "#btn-pdf"; }
  else { next = "下一步：打印清单，按清单带齐材料到受理点"; primary = "#btn-print"; }
  $("#next-step").textContent = next;
  for (const b of $$(".actionbar-buttons button")) b.classList.toggle("primary", "#" + b.id === primary);
}

// ---- the checklist beside the form -------------------------------------------------------

const statusWords = { complete: "当天可以办理全部业务", partial: "当天只能办理部分业务", none: "当天无法办理",
                      uncertain: "当天能否办理需先电话确认", notCovered: "该年节假日安排尚未公布，无法确认当天能否办理" };

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
    // The earliest day only when the planner found one: nothing is proposed that it cannot know.
    if (v.complete || v.proposal) {
      const earliest = v.complete ? `${v.date}${v.office ? " " + v.office : ""}` :
        `${v.proposal.date} ${v.proposal.office}${v.proposal.time ? " " + v.proposal.time : ""}${v.proposal.makeUpDay ? "（调休上班日）" : ""}`;
      const e = el("p", "earliest");
      e.append(el("span", "", "最早可办齐："), el("strong", "", earliest));
      box.append(e);
    }
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
  const caption = el("caption", "visually-hidden", "费用");
  fees.append(caption);
  const body = el("tbody");
  for (const f of c.fees.items) {
    const tr = el("tr");
    tr.append(el("td", "", f.label), el("td", "amount", f.amount == null ? "未公布" : `${f.amount} 元`));
    body.append(tr);
  }
  const total = el("tr", "total");
  total.append(el("td", "", "合计"), el("td", "amount", c.fees.total == null ? "待深圳CA确认" : `${c.fees.total} 元`));
  body.append(total);
  fees.append(body);
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

/// Before anything is made: the whole check with the layout, every problem shown.
async function fullCheck() {
  showAll = true;
  const result = await check(true);
  if (result && !result.renderable) {
    status("数据有误，尚不能生成：请先改正下列问题。", true);
    $("#reasons").focus();
  }
  return !!(result && result.renderable);
}

async function download(url, name, button, after) {
  const draftNow = JSON.stringify(draft());
  if (!(await fullCheck())) return;
  button.disabled = true;
  status(`正在生成 ${name}…`);
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
    if (after) after(draftNow);
  } catch (e) {
    status("下载失败，请重试。", true);
  } finally {
    updateActions();
  }
}

$("#btn-check").addEventListener("click", async () => {
  status("正在检查…");
  if (await fullCheck()) status("检查通过：可以预览和下载。");
});
$("#btn-pdf").addEventListener("click", e => download("/api/pdf" + (withRoster && draftId ? `?draft=${draftId}` : ""), "申请材料.pdf", e.currentTarget, d => {
  downloadedDraft = d;
  if (withRoster) {
    // the application is now recorded in the roster, and its draft gone
    draftId = null; savedDraft = JSON.stringify(draft());
    history.replaceState(null, "", "/");
    $("#keep-state").textContent = "已记入机构库（申请记录），草稿已删除。";
  }
}));
$("#btn-md").addEventListener("click", e => download("/api/checklist.md", "清单.md", e.currentTarget));
$("#btn-checklist-pdf").addEventListener("click", e => download("/api/checklist.pdf", "清单.pdf", e.currentTarget));
$("#btn-print").addEventListener("click", async () => {
  // the print stylesheet keeps only the checklist, on A4
  if (await fullCheck()) window.print();
});
$("#btn-save-draft").addEventListener("click", async e => {
  const button = e.currentTarget;
  button.disabled = true;
  try {
    const r = await post("/api/yaml", draft());
    if (!r.ok) { status(await errorText(r), true); return; }
    const org = ($('[data-path="organization.name"]').value || "").trim().replace(/[\\/:*?"<>|\s]+/g, "_").slice(0, 40);
    const name = `申请草稿${org ? "-" + org : ""}.yaml`;
    saveBlob(await r.blob(), name);
    status(`草稿已保存为 ${name}（在浏览器的「下载」文件夹中）。下次点「打开草稿文件」选它即可接着填。`);
  } catch (err) {
    status("保存失败，请重试。", true);
  } finally { button.disabled = false; }
});
$("#btn-open-draft").addEventListener("click", () => $("#import-file").click());

$("#btn-preview").addEventListener("click", async e => {
  const button = e.currentTarget;
  const draftNow = JSON.stringify(draft());
  if (!(await fullCheck())) return;
  button.disabled = true;
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
      const open = el("button", "page-thumb");
      open.type = "button";
      open.setAttribute("aria-label", `放大查看第 ${i + 1} 页`);
      const img = el("img");
      img.src = src;
      img.alt = `第 ${i + 1} 页`;
      open.append(img);
      open.addEventListener("click", () => openViewer(j.pages, i));
      fig.append(open, el("figcaption", "", `第 ${i + 1} / ${j.pages.length} 页`));
      box.append(fig);
    });
    previewedDraft = draftNow;
    status(`预览：${j.pages.length} 页（与 PDF 同一排版）。点一页可放大查看。`);
  } catch (err) {
    status("预览失败，请重试。", true);
  } finally {
    updateActions();
  }
});

// the page viewer: one page large, ←/→ to turn, Esc to close
let viewerPages = [], viewerAt = 0, viewerOpener = null;
function showViewerPage() {
  $("#viewer-img").src = viewerPages[viewerAt];
  $("#viewer-img").alt = `第 ${viewerAt + 1} 页（共 ${viewerPages.length} 页）`;
  $("#page-viewer-title").textContent = `预览 · 第 ${viewerAt + 1} / ${viewerPages.length} 页`;
  $("#viewer-prev").disabled = viewerAt === 0;
  $("#viewer-next").disabled = viewerAt === viewerPages.length - 1;
}
function openViewer(pages, i) {
  viewerPages = pages; viewerAt = i; viewerOpener = document.activeElement;
  showViewerPage();
  $("#page-viewer").showModal();
  $("#viewer-close").focus();
}
$("#viewer-prev").addEventListener("click", () => { if (viewerAt > 0) { viewerAt--; showViewerPage(); } });
$("#viewer-next").addEventListener("click", () => { if (viewerAt < viewerPages.length - 1) { viewerAt++; showViewerPage(); } });
$("#viewer-close").addEventListener("click", () => $("#page-viewer").close());
$("#page-viewer").addEventListener("close", () => { if (viewerOpener) viewerOpener.focus(); });
$("#page-viewer").addEventListener("keydown", e => {
  if (e.key === "ArrowLeft") $("#viewer-prev").click();
  if (e.key === "ArrowRight") $("#viewer-next").click();
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
  status(`已打开 ${file.name}。${j.note || ""}`);
  check(false);
});

// ---- events ------------------------------------------------------------------------------

form.addEventListener("input", e => {
  const path = e.target.dataset && e.target.dataset.path;
  if (path) typed.add(path);
  if (path && path.startsWith("legalRepresentative.")) $$("#holder-rows .holder").forEach(followLR);
  if (e.target.dataset && e.target.dataset.field === "idNumber") syncConfirmBoxes();
});
form.addEventListener("focusout", e => {
  const path = e.target.dataset && e.target.dataset.path;
  // only a field the clerk typed in: tabbing through an empty form checks nothing, turns nothing red
  if (path && typed.has(path)) { typed.delete(path); leaveField(e.target); }
});
form.addEventListener("change", e => {
  if (e.target.type === "file") return;
  const path = e.target.dataset && e.target.dataset.path;
  if (path && (e.target.tagName === "SELECT" || e.target.type === "date")) { touched.add(path); }
  if (e.target.classList.contains("confirm-id")) {
    // the LR's confirmation carries over to a holder who is the LR
    $$("#holder-rows .holder").forEach(followLR);
  }
  syncVisibility();
  if (path && path.startsWith("legalRepresentative.")) $$("#holder-rows .holder").forEach(followLR);
  changed();
});
form.addEventListener("submit", e => e.preventDefault());

function changed() { scheduleQuickCheck(); updateActions(); scheduleDraftSave(); }

// ---- drafts in the roster (`certpack serve --roster`): saved as the clerk types ------------

const withRoster = form.dataset.roster === "1";
let draftId = null, draftTimer = null, savedDraft = null, saving = false;

function scheduleDraftSave() {
  if (!withRoster) return;
  clearTimeout(draftTimer);
  draftTimer = setTimeout(saveDraft, 800);
}

async function saveDraft() {
  const d = draft(), text = JSON.stringify(d);
  if (text === savedDraft) return;
  if (saving) { scheduleDraftSave(); return; }
  // an untouched form is not a draft
  if (!draftId && !$$("input[data-path]").some(el => el.value.trim() && el.type !== "date")) return;
  saving = true;
  try {
    const r = await post("/api/drafts", { id: draftId, application: d });
    const j = await r.json();
    if (!r.ok) { $("#keep-state").textContent = "草稿未能保存：" + (j.error || r.statusText); return; }
    draftId = j.id;
    savedDraft = text;
    history.replaceState(null, "", `/?draft=${draftId}`);
    const t = new Date(j.updatedAt);
    $("#keep-state").textContent = `草稿已自动保存（${isNaN(t) ? j.updatedAt : t.toTimeString().slice(0, 5)}）`;
  } catch (e) {
    $("#keep-state").textContent = "草稿未能保存：无法连接服务器";
  } finally { saving = false; }
}

form.addEventListener("input", scheduleDraftSave);

async function openFrom(url, note) {
  const r = await fetch(url, { credentials: "same-origin" });
  const j = await r.json().catch(() => ({}));
  if (!r.ok) { status(j.error || r.statusText, true); return false; }
  fill(j.application);
  if (j.id) { draftId = j.id; savedDraft = JSON.stringify(draft()); }
  showAll = !!j.id;
  status(note(j));
  return true;
}

syncVisibility();
wire();
(async () => {
  const q = new URLSearchParams(location.search);
  if (withRoster && q.get("draft")) {
    await openFrom(`/api/drafts/${encodeURIComponent(q.get("draft"))}`, j => `已打开草稿「${j.title || "未命名"}」（${j.updatedAt}）。`);
  } else if (withRoster && q.get("roster")) {
    const ok = await openFrom(`/api/roster/org/${encodeURIComponent(q.get("roster"))}/application?service=${encodeURIComponent(q.get("service") || "renew")}`,
                              j => j.note || "已按机构库填好，请核对。");
    if (ok) { scheduleDraftSave(); }
  } else if (form.dataset.example) {
    // `certpack serve --example FILE`: open with that application filled in.
    await openFrom("/api/example", () => "");
  }
  check(false);
})();
