// 批量 page: upload → the server reads it with the CLI's batch reader → problems per row → make the
// good rows on the server (progress polled) → one .zip.
"use strict";

const $ = sel => document.querySelector(sel);
let job = null;

function status(text, bad) {
  const s = $("#batch-status");
  s.textContent = text || "";
  s.classList.toggle("bad", !!bad);
}

function cell(tr, text) { const td = document.createElement("td"); td.textContent = text; tr.append(td); }

$("#btn-upload").addEventListener("click", async () => {
  const file = $("#batch-file").files[0];
  if (!file) { status("请先选择文件。", true); return; }
  $("#problems").hidden = true;
  $("#make").hidden = true;
  status("正在上传并检查…");
  let r;
  try {
    r = await fetch("/api/batch?name=" + encodeURIComponent(file.name), {
      method: "POST", body: file, credentials: "same-origin",
      headers: { "Content-Type": "application/octet-stream", "X-CertPack": "1" },
    });
  } catch (e) { status("上传失败：" + e.message, true); return; }
  const j = await r.json().catch(() => ({ error: r.statusText }));
  if (!r.ok) { status(j.error || r.statusText, true); return; }
  job = j.job;
  status(`${j.file}：共 ${j.total} 家单位，${j.good} 家数据有效，${j.bad} 家有误。`, j.good === 0);
  const body = $("#problems tbody");
  body.innerHTML = "";
  for (const p of j.problems) {
    const tr = document.createElement("tr");
    cell(tr, `第 ${p.line} ${p.unit}`);
    cell(tr, p.name);
    cell(tr, p.column);
    cell(tr, p.message);
    body.append(tr);
  }
  $("#problems").hidden = j.problems.length === 0;
  $("#make").hidden = j.good === 0;
  $("#make-summary").textContent = j.bad ? `可先生成 ${j.good} 家数据有效的单位（有误的 ${j.bad} 家跳过，列在汇总中）。` : `全部 ${j.good} 家单位数据有效。`;
  $("#btn-run").textContent = `生成 ${j.good} 家单位的申请材料`;
  $("#btn-run").disabled = false;
  $("#progress-box").hidden = true;
  $("#done").hidden = true;
});

$("#btn-run").addEventListener("click", async () => {
  if (!job) return;
  $("#btn-run").disabled = true;
  const r = await fetch(`/api/batch/${job}/run`, { method: "POST", credentials: "same-origin", headers: { "X-CertPack": "1" } });
  const j = await r.json().catch(() => ({}));
  if (!r.ok) {
    status((j.error || r.statusText) + (r.headers.get("Retry-After") ? `（${r.headers.get("Retry-After")} 秒后再试）` : ""), true);
    $("#btn-run").disabled = false;
    return;
  }
  $("#progress-box").hidden = false;
  poll();
});

async function poll() {
  const r = await fetch(`/api/batch/${job}`, { credentials: "same-origin" });
  const j = await r.json().catch(() => ({}));
  if (!r.ok) { status(j.error || r.statusText, true); return; }
  $("#progress").max = Math.max(1, j.total);
  $("#progress").value = j.done;
  $("#progress-text").textContent = j.phase === "queued" ? "排队中…" : `已生成 ${j.done} / ${j.total} 家单位的申请材料`;
  if (j.phase === "failed") { status(j.error, true); return; }
  if (j.phase !== "done") { setTimeout(poll, 400); return; }
  $("#progress-text").textContent = `完成：${j.written} 家单位已生成，费用合计 ${j.feeTotal} 元` + (j.recorded === undefined ? "" : `；已记入机构库 ${j.recorded} 份申请`);
  $("#zip-link").href = j.download;
  $("#done").hidden = false;
}
