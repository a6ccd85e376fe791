// 机构库 page: search, the due board, an organisation's card (one click to a prefilled 申请),
// 记录办结, forgetting an organisation, and the drafts. Every record is the server's (Roster); ID
// numbers arrive masked: the full number is only ever in the 申请 form.
"use strict";

const $ = (sel, root = document) => root.querySelector(sel);
const $$ = (sel, root = document) => Array.from(root.querySelectorAll(sel));
let current = null;  // the card shown

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined && text !== null) e.textContent = text;
  return e;
}

function status(text, bad) {
  const s = $("#roster-status");
  s.textContent = text || "";
  s.classList.toggle("bad", !!bad);
}

async function getJSON(url) {
  const r = await fetch(url, { credentials: "same-origin" });
  const j = await r.json().catch(() => ({}));
  if (!r.ok) throw new Error(j.error || `${r.status} ${r.statusText}`);
  return j;
}

async function postJSON(url, body) {
  const r = await fetch(url, {
    method: "POST", credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-CertPack": "1" },
    body: JSON.stringify(body || {}),
  });
  const j = await r.json().catch(() => ({}));
  if (!r.ok) throw new Error(j.error || `${r.status} ${r.statusText}`);
  return j;
}

/// Days left, in colour AND in words (never colour alone).
function daysCell(cert) {
  const td = el("td", "days-left");
  if (!cert || cert.daysLeft === null || cert.daysLeft === undefined) { td.textContent = "—"; return td; }
  const d = cert.daysLeft;
  const badge = el("span", "due " + (d < 0 ? "due-over" : d <= 30 ? "due-soon" : d <= 90 ? "due-near" : "due-ok"),
    d < 0 ? `已过期 ${-d} 天` : d === 0 ? "今天到期" : `还剩 ${d} 天`);
  td.append(badge);
  if (cert.estimated) td.append(el("span", "muted", "（估算）"));
  return td;
}

/// 2026-12-02T07:57:47Z → 2026-12-02 15:57 (the browser's clock: Beijing time at the agency).
function localTime(stamp) {
  const t = new Date(stamp);
  if (isNaN(t)) return stamp;
  const two = n => String(n).padStart(2, "0");
  return `${t.getFullYear()}-${two(t.getMonth() + 1)}-${two(t.getDate())} ${two(t.getHours())}:${two(t.getMinutes())}`;
}

function certLabel(c) { return c.label + (c.holderName ? "" : ""); }

function orgLink(uscc, name) {
  const a = el("a", "", name);
  a.href = `/roster?org=${encodeURIComponent(uscc)}`;
  a.addEventListener("click", e => { e.preventDefault(); openCard(uscc); });
  return a;
}

function applyHref(uscc, service) { return `/?roster=${encodeURIComponent(uscc)}&service=${service}`; }

// ---- lists -------------------------------------------------------------------------------

// Lists come a page at a time (the server says how many there are in all); 「显示更多」 appends the next page.
let dueShown = 0, listShown = 0, lastQuery = "";

function moreLine(where, shown, total, [whole, counter], onMore) {
  const p = $(where);
  p.innerHTML = "";
  if (total <= shown) { p.hidden = true; return; }
  p.hidden = false;
  p.append(el("span", "", `共 ${total} ${whole}，显示前 ${shown} ${counter}。`));
  const b = el("button", "small", "显示更多");
  b.type = "button";
  b.addEventListener("click", onMore);
  p.append(b);
}

async function loadDue(more) {
  const j = await getJSON("/api/roster/due" + (more ? `?offset=${dueShown}` : ""));
  const body = $("#due tbody");
  if (!more) { body.innerHTML = ""; dueShown = 0; }
  for (const e of j.entries) {
    const tr = el("tr");
    tr.append(daysCell(e.certificate));
    const org = el("td"); org.append(orgLink(e.uscc, e.name)); tr.append(org);
    tr.append(el("td", "", certLabel(e.certificate)));
    tr.append(el("td", "mono", e.certificate.serial || "—"));
    tr.append(el("td", "", e.certificate.validUntil || "—"));
    const act = el("td");
    const a = el("a", "button small", "续期");
    a.href = applyHref(e.uscc, "renew");
    a.setAttribute("aria-label", `为${e.name}续期`);
    act.append(a);
    tr.append(act);
    body.append(tr);
  }
  dueShown += j.entries.length;
  $("#due").hidden = j.total === 0;
  $("#renew-all").hidden = j.total === 0;
  $("#due-empty").hidden = j.total !== 0;
  moreLine("#due-more", dueShown, j.total, ["张证书", "张"], () => loadDue(true));
}

async function search(q, more) {
  if (!more) { lastQuery = q || ""; listShown = 0; }
  const j = await getJSON("/api/roster?q=" + encodeURIComponent(lastQuery) + (more ? `&offset=${listShown}` : ""));
  const body = $("#results tbody");
  if (!more) body.innerHTML = "";
  for (const e of j.entries) {
    const tr = el("tr");
    const org = el("td"); org.append(orgLink(e.uscc, e.name)); tr.append(org);
    tr.append(el("td", "mono", e.uscc));
    tr.append(el("td", "", e.legalRepresentative || "—"));
    const c = el("td");
    if (e.certificate) {
      c.append(el("span", "", `${e.certificate.label} ${e.certificate.validUntil || ""} `));
      c.append(daysCell(e.certificate).firstChild);
    } else c.textContent = "—";
    tr.append(c);
    body.append(tr);
  }
  listShown += j.entries.length;
  $("#results-card").hidden = false;
  moreLine("#results-more", listShown, j.total, ["家单位", "家"], () => search(lastQuery, true));
  if (!more) status(j.total ? (j.total > listShown ? `共 ${j.total} 家单位，显示前 ${listShown} 家；可查找名称、代码或人员缩小范围。` : `找到 ${j.total} 家单位。`) : "没有找到。");
}

async function loadDrafts() {
  const j = await getJSON("/api/drafts");
  const body = $("#drafts tbody");
  body.innerHTML = "";
  for (const d of j.drafts) {
    const tr = el("tr");
    const name = el("td");
    const a = el("a", "", d.title || "（未填单位名称）");
    a.href = `/?draft=${d.id}`;
    name.append(a);
    tr.append(name, el("td", "", localTime(d.updatedAt)));
    const act = el("td");
    const del = el("button", "small", "删除");
    del.type = "button";
    del.setAttribute("aria-label", `删除草稿 ${d.title || d.id}`);
    del.addEventListener("click", async () => {
      if (!confirm(`删除草稿「${d.title || d.id}」？`)) return;
      try { await postJSON(`/api/drafts/${d.id}/delete`); loadDrafts(); } catch (e) { status(e.message, true); }
    });
    act.append(del);
    tr.append(act);
    body.append(tr);
  }
  $("#drafts").hidden = j.drafts.length === 0;
  $("#drafts-empty").hidden = j.drafts.length !== 0;
}

// ---- the card ----------------------------------------------------------------------------

async function openCard(uscc) {
  let c;
  try { c = await getJSON("/api/roster/org/" + encodeURIComponent(uscc)); } catch (e) { status(e.message, true); return; }
  current = c;
  history.replaceState(null, "", `/roster?org=${encodeURIComponent(uscc)}`);
  const o = c.organisation;
  $("#org-title").textContent = o.name;
  const lines = [`统一社会信用代码 ${o.uscc}`];
  if (o.address) lines.push(o.address);
  if (o.phone) lines.push(`电话 ${o.phone}`);
  if (c.earlierNames.length) lines.push("曾用名：" + c.earlierNames.map(n => `${n.name}（至 ${n.until}）`).join("、"));
  $("#org-lines").textContent = lines.join(" · ");
  for (const a of $$(".org-actions a")) a.href = applyHref(o.uscc, a.dataset.service);

  const people = $("#org-people tbody");
  people.innerHTML = "";
  for (const p of c.people) {
    const tr = el("tr", p.until ? "past" : "");
    tr.append(el("td", "", p.name), el("td", "", p.role + (p.title && p.role !== p.title ? `（${p.title}）` : "")),
              el("td", "mono", p.idMasked), el("td", "mono", p.mobileMasked || "—"), el("td", "", p.since), el("td", "", p.until || "至今"));
    people.append(tr);
  }
  const certs = $("#org-certs tbody");
  certs.innerHTML = "";
  for (const x of c.certificates) {
    const tr = el("tr", x.status === "有效" ? "" : "past");
    tr.append(el("td", "", x.label), el("td", "mono", x.serial || "—"), el("td", "", x.issuedOn || "—"),
              el("td", "", (x.validUntil || "—") + (x.estimated ? "（估算）" : "")));
    tr.append(x.status === "有效" ? daysCell(x) : el("td", "", "—"));
    tr.append(el("td", "", x.status));
    certs.append(tr);
  }
  if (!c.certificates.length) { const tr = el("tr"); const td = el("td", "muted", "尚无证书记录"); td.colSpan = 6; tr.append(td); certs.append(tr); }
  const apps = $("#org-apps tbody");
  apps.innerHTML = "";
  for (const a of c.applications) {
    const tr = el("tr");
    tr.append(el("td", "", a.madeOn), el("td", "", a.serviceLabel), el("td", "", a.state));
    apps.append(tr);
  }
  if (!c.applications.length) { const tr = el("tr"); const td = el("td", "muted", "尚无申请记录"); td.colSpan = 3; tr.append(td); apps.append(tr); }

  const kind = $("#issued-kind");
  kind.innerHTML = "";
  for (const k of c.issuable) {
    const opt = el("option", "", k.label);
    opt.value = k.value;
    kind.append(opt);
  }
  $("#issued-error").textContent = "";
  $("#org-card").hidden = false;
  $("#org-card").focus();
}

$("#issued-form").addEventListener("submit", async e => {
  e.preventDefault();
  if (!current) return;
  const serial = $("#issued-serial").value.trim(), on = $("#issued-on").value;
  const error = $("#issued-error");
  if (!serial || !on) {
    error.textContent = !serial ? "请填写证书序列号（见证书或Ukey）" : "请填写签发日期";
    (!serial ? $("#issued-serial") : $("#issued-on")).focus();
    return;
  }
  try {
    const j = await postJSON(`/api/roster/org/${encodeURIComponent(current.organisation.uscc)}/issued`,
      { kind: $("#issued-kind").value, serial, issuedOn: on, validUntil: $("#issued-until").value || null });
    error.textContent = "";
    $("#issued-serial").value = ""; $("#issued-until").value = "";
    status(`已记录：${j.certificate.label} ${j.certificate.serial}，有效期至 ${j.certificate.validUntil}${j.certificate.estimated ? "（估算）" : ""}。`);
    await Promise.all([openCard(current.organisation.uscc), loadDue()]);
  } catch (err) {
    error.textContent = err.message;
  }
});

$("#btn-forget").addEventListener("click", async () => {
  if (!current) return;
  let j;
  try { j = await getJSON(`/api/roster/org/${encodeURIComponent(current.organisation.uscc)}/forget`); } catch (e) { status(e.message, true); return; }
  $("#forget-what").textContent = j.summary;
  $("#forget-dialog").showModal();
  $("#forget-cancel").focus();
});
$("#forget-cancel").addEventListener("click", () => $("#forget-dialog").close());
$("#forget-confirm").addEventListener("click", async () => {
  const uscc = current.organisation.uscc;
  try {
    const j = await postJSON(`/api/roster/org/${encodeURIComponent(uscc)}/forget`, { confirm: uscc });
    $("#forget-dialog").close();
    $("#org-card").hidden = true;
    current = null;
    history.replaceState(null, "", "/roster");
    status(j.message);
    await Promise.all([loadDue(), loadDrafts()]);
    if (!$("#results-card").hidden) await search($("#search").value);
  } catch (e) {
    $("#forget-dialog").close();
    status(e.message, true);
  }
});

// what the roster recorded of a finished batch: the cards list these applications as 已生成
function recordedNote(s) {
  if (s.recorded === undefined) return "";
  return s.recorded === s.written ? `已记入机构库（${s.recorded} 份申请）。` : `已记入机构库 ${s.recorded} 份，另有 ${s.written - s.recorded} 份未能记入（见服务器日志）。`;
}

// a renewal batch of everything due: made as an uploaded batch is, one zip
$("#btn-renew-all").addEventListener("click", async e => {
  const button = e.currentTarget, progress = $("#renew-progress");
  button.disabled = true;
  $("#renew-zip").hidden = true;
  try {
    const j = await postJSON("/api/roster/renewals");
    if (j.good === 0) { progress.textContent = `没有可生成的续期申请：${j.problems.map(p => `${p.name}：${p.message}`).join("；")}`; return; }
    progress.textContent = `${j.good} 家单位可续期${j.bad ? `，${j.bad} 家信息不足（${j.problems.map(p => p.name).join("、")}）` : ""}，正在生成…`;
    await postJSON(`/api/batch/${j.job}/run`);
    for (;;) {
      await new Promise(r => setTimeout(r, 400));
      const s = await getJSON(`/api/batch/${j.job}`);
      if (s.phase === "failed") { progress.textContent = s.error; return; }
      if (s.phase === "done") {
        progress.textContent = `完成：${s.written} 家单位的续期申请材料已生成，费用合计 ${s.feeTotal} 元。` + recordedNote(s);
        $("#renew-zip").href = s.download;
        $("#renew-zip").hidden = false;
        return;
      }
      progress.textContent = `已生成 ${s.done} / ${s.total} 家单位的续期申请材料`;
    }
  } catch (err) { progress.textContent = err.message; } finally { button.disabled = false; }
});

$("#btn-import").addEventListener("click", () => $("#import-roster").click());
$("#import-roster").addEventListener("change", async e => {
  const file = e.target.files[0];
  if (!file) return;
  const list = $("#import-problems");
  list.innerHTML = ""; list.hidden = true;
  status(`正在导入 ${file.name}…`);
  const r = await fetch("/api/roster/import?name=" + encodeURIComponent(file.name), {
    method: "POST", credentials: "same-origin", headers: { "Content-Type": "application/octet-stream", "X-CertPack": "1" },
    body: await file.arrayBuffer(),
  });
  e.target.value = "";
  const j = await r.json().catch(() => ({}));
  if (!r.ok) {
    status(j.error || r.statusText, true);
    for (const p of j.problems || []) list.append(el("li", "", p));
    list.hidden = !(j.problems || []).length;
    return;
  }
  status(j.message);
  await loadDue();
  if (!$("#results-card").hidden) await search($("#search").value);
});

$("#search-form").addEventListener("submit", e => { e.preventDefault(); search($("#search").value); });
$("#btn-all").addEventListener("click", () => { $("#search").value = ""; search(""); });

(async () => {
  try {
    await Promise.all([loadDue(), loadDrafts()]);
    const org = new URLSearchParams(location.search).get("org");
    if (org) await openCard(org);
  } catch (e) { status(e.message, true); }
})();
