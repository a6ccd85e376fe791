"use strict";
// The pictures for the copy pages (营业执照, 身份证正面/反面): chosen on the 申请 page, held in this
// page's memory only (never localStorage, sessionStorage, a draft or a draft file), and sent with a
// download or a preview with the four corners of the card as the clerk placed them.

const copyCorners = ["左上角", "右上角", "右下角", "左下角"];
/// slot → { file: File, width, height, corners: [[x, y] × 4] } in the upright picture's pixels
const copyPictures = new Map();

function copySlotLabel(slot) {
  const box = document.querySelector(`.copy-slot[data-slot="${CSS.escape(slot)}"]`);
  const group = box && box.closest(".copies");
  const who = group ? (group.getAttribute("aria-label") || "").replace(/图片（可选）$/, "") : "";
  return `${who} ${box ? box.querySelector("label").textContent : slot}`.trim();
}

function placeHandle(slot) {
  const p = copyPictures.get(slot);
  const box = document.querySelector(`.copy-slot[data-slot="${CSS.escape(slot)}"] .crop`);
  if (!p || !box) return;
  const handles = box.querySelectorAll(".handle");
  p.corners.forEach(([x, y], i) => {
    const h = handles[i];
    h.style.left = `${(100 * x) / p.width}%`;
    h.style.top = `${(100 * y) / p.height}%`;
    h.setAttribute("aria-label", `${copySlotLabel(slot)}：${copyCorners[i]}，位置 ${Math.round((100 * x) / p.width)}%、${Math.round((100 * y) / p.height)}%`);
  });
  box.querySelector("polygon").setAttribute("points", p.corners.map(([x, y]) => `${(100 * x) / p.width},${(100 * y) / p.height}`).join(" "));
}

function moveCorner(slot, i, x, y) {
  const p = copyPictures.get(slot);
  p.corners[i] = [Math.round(Math.min(p.width, Math.max(0, x))), Math.round(Math.min(p.height, Math.max(0, y)))];
  placeHandle(slot);
}

function showPicture(slotBox, file) {
  const slot = slotBox.dataset.slot;
  const crop = slotBox.querySelector(".crop");
  const problem = slotBox.querySelector(".problem");
  problem.textContent = "";
  if (!/^image\/(jpeg|png)$/.test(file.type) && !/\.(jpe?g|png)$/i.test(file.name)) {
    // The server refuses these too (HEIC with what to do); said here before anything is sent.
    problem.textContent = /\.(heic|heif)$/i.test(file.name)
      ? "这是 HEIC/HEIF 照片（苹果手机的默认格式），不支持。请把照片存为 JPEG 后再选。"
      : "只能使用 JPEG 或 PNG 图片。";
    slotBox.querySelector(".copy-file").value = "";
    return;
  }
  const url = URL.createObjectURL(file);
  const img = new Image();
  img.alt = `${copySlotLabel(slot)}（已选图片）`;
  img.onload = () => {
    const w = img.naturalWidth, h = img.naturalHeight, inset = 0.05;
    copyPictures.set(slot, { file, width: w, height: h,
      corners: [[w * inset, h * inset], [w * (1 - inset), h * inset], [w * (1 - inset), h * (1 - inset)], [w * inset, h * (1 - inset)]].map(c => c.map(Math.round)) });
    crop.innerHTML = "";
    const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
    svg.setAttribute("viewBox", "0 0 100 100");
    svg.setAttribute("preserveAspectRatio", "none");
    svg.setAttribute("aria-hidden", "true");
    svg.append(document.createElementNS("http://www.w3.org/2000/svg", "polygon"));
    crop.append(img, svg);
    copyCorners.forEach((name, i) => {
      const handle = document.createElement("button");
      handle.type = "button";
      handle.className = "handle";
      handle.dataset.corner = String(i);
      handle.setAttribute("aria-describedby", "copy-handle-help");
      handle.addEventListener("keydown", e => {
        const p = copyPictures.get(slot);
        const step = Math.max(1, Math.round(Math.max(p.width, p.height) / 200)) * (e.shiftKey ? 10 : 1);
        const d = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step] }[e.key];
        if (!d) return;
        e.preventDefault();
        moveCorner(slot, i, p.corners[i][0] + d[0], p.corners[i][1] + d[1]);
      });
      handle.addEventListener("pointerdown", e => {
        handle.setPointerCapture(e.pointerId);
        handle.focus();
        e.preventDefault();
      });
      handle.addEventListener("pointermove", e => {
        if (!handle.hasPointerCapture(e.pointerId)) return;
        const r = img.getBoundingClientRect(), p = copyPictures.get(slot);
        moveCorner(slot, i, ((e.clientX - r.left) / r.width) * p.width, ((e.clientY - r.top) / r.height) * p.height);
      });
      crop.append(handle);
    });
    crop.hidden = false;
    slotBox.querySelector(".copy-remove").hidden = false;
    placeHandle(slot);
    scheduleQuickCheck();
  };
  img.onerror = () => {
    URL.revokeObjectURL(url);
    problem.textContent = "图片无法读取（文件损坏或不是 JPEG/PNG），请重新选择。";
    slotBox.querySelector(".copy-file").value = "";
  };
  img.src = url;
}

function removePicture(slotBox) {
  const slot = slotBox.dataset.slot;
  copyPictures.delete(slot);
  const crop = slotBox.querySelector(".crop");
  const img = crop.querySelector("img");
  if (img) URL.revokeObjectURL(img.src);
  crop.innerHTML = "";
  crop.hidden = true;
  slotBox.querySelector(".copy-remove").hidden = true;
  slotBox.querySelector(".copy-file").value = "";
  slotBox.querySelector(".problem").textContent = "";
  scheduleQuickCheck();
}

for (const slotBox of document.querySelectorAll(".copy-slot")) {
  const input = slotBox.querySelector(".copy-file");
  input.addEventListener("change", () => {
    if (input.files && input.files[0]) showPicture(slotBox, input.files[0]);
    else removePicture(slotBox);
  });
  slotBox.querySelector(".copy-remove").addEventListener("click", () => { removePicture(slotBox); input.focus(); });
}

function readBase64(file) {
  return new Promise((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => resolve(String(r.result).replace(/^data:[^,]*,/, ""));
    r.onerror = () => reject(r.error);
    r.readAsDataURL(file);
  });
}

/// The pictures as the server takes them beside a draft (`uploads`), or undefined when none.
async function copyUploads() {
  if (copyPictures.size === 0) return undefined;
  const out = {};
  for (const [slot, p] of copyPictures) out[slot] = { data: await readBase64(p.file), corners: p.corners.flat() };
  return out;
}

/// The documents the pictures chosen make (an ID card: both sides), as /api/check takes them.
function copyDocuments() {
  const out = [];
  if (copyPictures.has("businessLicence")) out.push("businessLicence");
  for (const who of ["legalRepresentative", "handler"]) {
    if (copyPictures.has(`${who}.front`) && copyPictures.has(`${who}.back`)) out.push(who);
  }
  return out;
}
