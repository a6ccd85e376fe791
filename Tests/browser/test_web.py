#!/usr/bin/env python3
"""The web page in a real browser: Debian's chromium, headless, driven by selenium.

Starts `certpack serve` on a free loopback port, types an application as a clerk would (a full-width
phone number, a wrong ID check digit that is then fixed), downloads 申请材料.pdf and reads its text,
uploads a batch with one bad row and downloads the zip. Then what a clerk asked for: tabbing through
an empty form turns nothing red; 检查 lists the reasons in field order, each a link to its field; a
holder who is the 法定代表人 follows him; an ID ending in 000 can be confirmed; a draft saved to a file
(Chinese as Chinese) opens again after a reload; nothing is kept in the browser's storage; the
keyboard alone fills and downloads an application; axe-core finds no critical or serious problem on
any tab; a 390 px wide window. Screenshots of each page go to --out.
Nothing is downloaded from the internet: the driver is /usr/bin/chromedriver, given explicitly, and
axe-core is the copy inside the axe-selenium-python package.
"""
import argparse
import base64
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import zipfile

from axe_selenium_python import Axe
from selenium import webdriver
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select, WebDriverWait

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
DRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_server(url, proc, seconds=60):
    end = time.time() + seconds
    while time.time() < end:
        if proc.poll() is not None:
            raise SystemExit(f"certpack serve exited with {proc.returncode}")
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return
        except urllib.error.HTTPError:
            return  # it answers (a refusal is an answer)
        except Exception:
            time.sleep(0.3)
    raise SystemExit(f"certpack serve did not answer at {url}")


def wait_file(folder, suffix, seconds=60):
    end = time.time() + seconds
    while time.time() < end:
        done = [f for f in os.listdir(folder) if f.endswith(suffix)]
        if done:
            return os.path.join(folder, done[0])
        time.sleep(0.2)
    raise AssertionError(f"no {suffix} downloaded into {folder}: {os.listdir(folder)}")


class Page:
    def __init__(self, driver, out):
        self.d, self.out = driver, out
        self.wait = WebDriverWait(driver, 30)

    def by_path(self, path):
        return self.d.find_element(By.CSS_SELECTOR, f'[data-path="{path}"]')

    def type(self, path, text, leave=True):
        el = self.by_path(path)
        el.clear()
        el.send_keys(text)
        if leave:
            el.send_keys(Keys.TAB)
        return el

    def set_js(self, path, value):
        # <input type=date> takes keystrokes in the browser's locale order; set it as the picker would.
        self.d.execute_script(
            "arguments[0].value = arguments[1];"
            "arguments[0].dispatchEvent(new Event('change', {bubbles: true}));", self.by_path(path), value)

    def problem(self, path):
        return self.d.find_element(By.CSS_SELECTOR, f'p.problem[data-for="{path}"]').text

    def until(self, what, cond):
        try:
            return self.wait.until(lambda d: cond())
        except Exception:
            self.shot("failed")
            raise AssertionError(f"timed out waiting for: {what}")

    def console_errors(self):
        """The browser's console errors (a CSP violation shows there), the favicon's 404 aside."""
        return [e["message"] for e in self.d.get_log("browser")
                if e["level"] == "SEVERE" and "favicon.ico" not in e["message"]]

    def shot(self, name, width=1400, whole=True):
        path = os.path.join(self.out, f"{name}.png")
        # the whole page, not just the window (a sticky bar then sits at the page's foot)
        self.d.set_window_size(width, 900)
        if whole:
            height = self.d.execute_script("return document.documentElement.scrollHeight")
            self.d.set_window_size(width, max(900, min(height + 40, 4000)))
        self.d.save_screenshot(path)
        self.d.set_window_size(1400, 1000)
        print(f"  screenshot {path}")

    def click(self, element):
        """Clicks as a clerk would: the element first scrolled to the middle of the window (the
        driver's own scrolling leaves it at the bottom edge, under the sticky action bar)."""
        self.d.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
        element.click()

    def js(self, script, *args):
        return self.d.execute_script(script, *args)

    def axe(self, name):
        """axe-core on the page as it stands: no critical or serious violation."""
        axe = Axe(self.d)
        axe.inject()
        results = axe.run()
        bad = [v for v in results["violations"] if v["impact"] in ("critical", "serious")]
        others = [v["id"] for v in results["violations"] if v not in bad]
        if others:
            print(f"  axe {name}: minor/moderate only: {others}")
        assert not bad, f"axe on {name}: " + axe.report(bad)
        print(f"  axe {name}: no critical or serious violation ({len(results['passes'])} rules passed)")

    def storage_empty(self):
        n = self.js("return window.localStorage.length + window.sessionStorage.length")
        assert n == 0, f"the browser's storage holds {n} items"


def apply_page(p, base, downloads):
    print("申请: typing an application")
    p.d.get(base + "/")
    p.until("the form", lambda: p.by_path("organization.name"))
    p.type("organization.name", "深圳市南山区康宁诊所有限公司")
    p.type("organization.uscc", "91440305ma5dpl4w0g")  # lower case: made upper case by the server
    p.type("organization.address", "深圳市南山区粤海街道科技南十二路18号康宁大厦2楼")
    p.type("organization.postcode", "518057")
    p.type("organization.phone", "0755-2655 8800")
    p.type("legalRepresentative.name", "陈志明")
    # a wrong check digit: the inline error names the expected one
    p.type("legalRepresentative.idNumber", "440305198003121236")
    p.until("the ID check-digit error", lambda: "末位应为「5」" in p.problem("legalRepresentative.idNumber"))
    assert p.by_path("legalRepresentative.idNumber").get_attribute("aria-invalid") == "true"
    assert not p.d.find_element(By.ID, "btn-pdf").is_enabled(), "download enabled with a bad ID"
    p.shot("apply-error")
    p.type("legalRepresentative.idNumber", "440305198003121235")
    p.until("the error to clear", lambda: p.problem("legalRepresentative.idNumber") == "")
    p.type("legalRepresentative.mobile", "13823456789")
    p.type("handler.name", "李俊杰")
    p.type("handler.idNumber", "440305199212255672")
    p.type("handler.mobile", "１３９１２３４５６７８")  # full-width, as a Chinese IME types it
    p.until("the mobile normalised", lambda: p.by_path("handler.mobile").get_attribute("value") == "13912345678")
    p.type("handler.email", "lijunjie@kangning-clinic.cn")
    assert p.by_path("organization.uscc").get_attribute("value") == "91440305MA5DPL4W0G"
    p.set_js("visit.date", "2026-12-07")
    p.type("visit.time", "10:00")
    Select(p.by_path("visit.office")).select_by_visible_text("科技园文化广场")
    p.set_js("applicationDate", "2026-12-01")

    checklist = p.d.find_element(By.ID, "checklist")
    p.until("the checklist with fees", lambda: "合计" in checklist.text and "当天可以办理全部业务" in checklist.text)
    fee_before = [l for l in checklist.text.splitlines() if l.startswith("合计")]
    Select(p.d.find_element(By.ID, "personal-years")).select_by_visible_text("3 年")
    p.until("the fee to change with the years",
            lambda: [l for l in checklist.text.splitlines() if l.startswith("合计")] != fee_before)
    fee_after = [l for l in checklist.text.splitlines() if l.startswith("合计")]
    print(f"  fee {fee_before} → {fee_after}")
    # a Saturday: the ODC cannot be done, the earliest day is proposed
    p.set_js("visit.date", "2026-12-05")
    p.until("the weekend verdict", lambda: "当天只能办理部分业务" in checklist.text and "最早可办齐：" in checklist.text)
    assert "2026-12-07" in checklist.text.split("最早可办齐：")[1], checklist.text
    p.set_js("visit.date", "2026-12-07")
    p.until("the weekday verdict", lambda: "当天可以办理全部业务" in checklist.text)

    pdf_button = p.d.find_element(By.ID, "btn-pdf")
    p.until("download enabled", pdf_button.is_enabled)
    p.shot("apply")
    p.click(pdf_button)
    pdf = wait_file(downloads, "申请材料.pdf")
    time.sleep(0.5)
    text = subprocess.run(["pdftotext", "-layout", pdf, "-"], capture_output=True, text=True, check=True).stdout
    for value in ["深圳市南山区康宁诊所有限公司", "91440305MA5DPL4W0G", "13912345678", "李俊杰", "陈志明"]:
        assert value in text, f"{value} not in the PDF"
    info = subprocess.run(["pdfinfo", pdf], capture_output=True, text=True, check=True).stdout
    assert "(A4)" in info, info
    print(f"  申请材料.pdf: {pdf} ok")

    # 清单 as a PDF (the pack's cover sheet alone) and as a printable page
    p.click(p.d.find_element(By.ID, "btn-checklist-pdf"))
    cpdf = wait_file(downloads, "清单.pdf")
    time.sleep(0.5)
    ctext = subprocess.run(["pdftotext", "-layout", cpdf, "-"], capture_output=True, text=True, check=True).stdout
    assert "递交材料清单" in ctext and "深圳市南山区康宁诊所有限公司" in ctext, ctext[:500]
    cinfo = subprocess.run(["pdfinfo", cpdf], capture_output=True, text=True, check=True).stdout
    pages = int(next(l.split()[-1] for l in cinfo.splitlines() if l.startswith("Pages:")))
    assert pages <= 2, cinfo  # the cover sheet, not the forms
    print(f"  清单.pdf: {cpdf} ok")
    p.js("window.__printed = 0; window.print = () => { window.__printed += 1; };")
    p.click(p.d.find_element(By.ID, "btn-print"))
    p.until("打印清单 to print", lambda: p.js("return window.__printed") == 1)
    p.d.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    assert not p.d.find_element(By.ID, "app").is_displayed(), "the form is printed with the checklist"
    p.shot("checklist-print")
    p.d.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
    assert "打印清单" in p.d.find_element(By.ID, "next-step").text, p.d.find_element(By.ID, "next-step").text

    p.click(p.d.find_element(By.ID, "btn-preview"))
    p.until("the preview pages", lambda: len(p.d.find_elements(By.CSS_SELECTOR, "#preview img")) >= 5)
    p.until("the preview images loaded", lambda: p.d.execute_script(
        "return Array.from(document.querySelectorAll('#preview img')).every(i => i.complete && i.naturalWidth > 0)"))
    p.shot("apply-preview")
    # a page opens large, ← → turn it, Esc closes it
    p.click(p.d.find_element(By.CSS_SELECTOR, "#preview .page-thumb"))
    p.until("the page viewer", lambda: p.d.find_element(By.ID, "page-viewer").is_displayed())
    p.until("the large page loaded", lambda: p.js("const i = document.getElementById('viewer-img'); return i.complete && i.naturalWidth > 0"))
    shown = p.js("return document.getElementById('viewer-img').getBoundingClientRect().width")
    assert shown >= 900, f"the page opens {shown} px wide"
    p.shot("apply-preview-large", whole=False)
    ActionChains(p.d).send_keys(Keys.ARROW_RIGHT).perform()
    p.until("page 2", lambda: "第 2 /" in p.d.find_element(By.ID, "page-viewer-title").text)
    ActionChains(p.d).send_keys(Keys.ESCAPE).perform()
    p.until("the viewer closed", lambda: not p.d.find_element(By.ID, "page-viewer").is_displayed())


# Words a clerk at a web form should never read: commands, file names, spreadsheet advice.
PROGRAMMERS = ["certpack ", "Excel", "CSV", "设为「文本」", ".yaml", ".xlsx", "--template"]


def no_programmers_words(text, where):
    for w in PROGRAMMERS:
        assert w not in text, f"「{w}」 on the web form ({where}): {text}"


def empty_form(p, base):
    print("申请: an empty form tabbed through stays calm; 检查 lists the reasons in field order, linked")
    p.d.get(base + "/")
    p.until("the form", lambda: p.by_path("organization.name"))
    p.until("the first check", lambda: "下一步" in p.d.find_element(By.ID, "next-step").text)
    for _ in range(45):
        ActionChains(p.d).send_keys(Keys.TAB).perform()
    time.sleep(1.5)
    red = p.js("return document.querySelectorAll('.invalid, [aria-invalid=\"true\"]').length")
    shown = p.js("return Array.from(document.querySelectorAll('p.problem')).filter(x => x.textContent).length")
    assert red == 0 and shown == 0, f"tabbing through an empty form: {red} fields red, {shown} messages"
    assert not p.d.find_element(By.ID, "reasons").is_displayed()
    p.shot("apply-empty-tabbed")
    p.axe("申请 (empty)")
    # every control has a name; required fields are marked
    unnamed = p.js("""return Array.from(document.querySelectorAll('#app input:not([type=file]), #app select, #app button'))
        .filter(e => !e.closest('[hidden]') && !(e.labels && e.labels.length) && !e.getAttribute('aria-label') && !e.textContent.trim())
        .map(e => e.outerHTML)""")
    assert not unnamed, unnamed
    assert p.by_path("organization.name").get_attribute("aria-required") == "true"
    assert p.by_path("organization.postcode").get_attribute("aria-required") is None

    p.click(p.d.find_element(By.ID, "btn-check"))
    p.until("the reasons", lambda: p.d.find_element(By.ID, "reasons").is_displayed())
    links = p.d.find_elements(By.CSS_SELECTOR, "#reasons li a")
    assert len(links) >= 5, [l.text for l in links]
    targets = [l.get_attribute("href").split("#")[1] for l in links]
    order = p.js("return Array.from(document.querySelectorAll('[id]')).map(e => e.id)")
    positions = [order.index(t) for t in targets]
    assert positions == sorted(positions), f"reasons out of field order: {targets}"
    lr = [t for t in targets if t.startswith("f-legalRepresentative")]
    assert lr == sorted(lr, key=["f-legalRepresentative-name", "f-legalRepresentative-idType",
                                  "f-legalRepresentative-idNumber", "f-legalRepresentative-mobile"].index), lr
    reasons = p.d.find_element(By.ID, "reasons").text
    no_programmers_words(reasons, "the reasons of an empty form")
    # each error is tied to its field for a screen reader
    name = p.by_path("organization.name")
    assert name.get_attribute("aria-invalid") == "true"
    assert p.d.find_element(By.ID, name.get_attribute("aria-describedby")).text
    p.click(links[2])
    assert p.js("return document.activeElement.id") == targets[2]
    p.shot("apply-reasons")
    p.axe("申请 (after 检查)")


def copies_upload(p, base, work):
    print("申请: ID card photos for the 法定代表人, a corner moved by keyboard, the pack with the copy page")
    folder = os.path.join(work, "copies")
    os.makedirs(folder)
    p.d.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": folder})
    p.d.get(base + "/")
    p.until("the form", lambda: p.by_path("organization.name"))
    for path, value in [("organization.name", "深圳市南山区康宁诊所有限公司"), ("organization.uscc", "91440305MA5DPL4W0G"),
                        ("organization.address", "深圳市南山区粤海街道科技南十二路18号康宁大厦2楼"), ("organization.postcode", "518057"),
                        ("organization.phone", "0755-26558800"), ("legalRepresentative.name", "陈志明"),
                        ("legalRepresentative.idNumber", "440305198003121235"), ("legalRepresentative.mobile", "13823456789"),
                        ("handler.name", "李俊杰"), ("handler.idNumber", "440305199212255672"), ("handler.mobile", "13912345678"),
                        ("handler.email", "lijunjie@kangning-clinic.cn")]:
        p.type(path, value)
    p.set_js("visit.date", "2026-12-07")
    # A phone photo of a card, made as a JPEG by the browser's canvas: a pale card with a red mark
    # top-left on a dark table; written to a file and chosen as a clerk chooses it.
    photo = p.d.execute_async_script("""
        const done = arguments[arguments.length - 1];
        const c = document.createElement('canvas'); c.width = 800; c.height = 600;
        const g = c.getContext('2d');
        g.fillStyle = '#503828'; g.fillRect(0, 0, 800, 600);
        g.fillStyle = '#eef0f4'; g.fillRect(60, 50, 680, 430);
        g.fillStyle = '#d01010'; g.fillRect(80, 70, 90, 110);
        g.fillStyle = '#222'; g.font = '40px sans-serif'; g.fillText('CARD 0123456789', 220, 300);
        c.toBlob(b => { const r = new FileReader(); r.onload = () => done(r.result.split(',')[1]); r.readAsDataURL(b); }, 'image/jpeg', 0.9);
    """)
    for side in ["front", "back"]:
        path = os.path.join(folder, f"法人-{side}.jpg")
        with open(path, "wb") as f:
            f.write(base64.b64decode(photo))
        p.d.find_element(By.ID, f"copy-legalRepresentative-{side}").send_keys(path)
    # an iPhone's HEIC and a broken file: said on the field, nothing kept
    for name, data, words in [("经办人.heic", b"\0\0\0\x18ftypheic" + bytes(64), "HEIC"), ("经办人.jpg", b"not a picture", "无法读取")]:
        path = os.path.join(folder, name)
        with open(path, "wb") as f:
            f.write(data)
        p.d.find_element(By.ID, "copy-handler-front").send_keys(path)
        p.until(f"the message for {name}", lambda: words in p.problem("copies.handler.front"))
        assert not p.js("return copyPictures.has('handler.front')")
    print(f"  refused: {p.problem('copies.handler.front')}")
    p.until("the two thumbnails with their handles",
            lambda: len([h for h in p.d.find_elements(By.CSS_SELECTOR, '.copy-slot[data-slot^="legalRepresentative"] .handle') if h.is_displayed()]) == 8)
    checklist = p.d.find_element(By.ID, "checklist")
    p.until("the checklist to say the 法人's copy is printed", lambda: "已生成，打印后加盖公章" in checklist.text)
    corners = p.js("return copyPictures.get('legalRepresentative.front').corners")
    assert corners == [[40, 30], [760, 30], [760, 570], [40, 570]], corners  # the picture's corners, inset 5 %
    # the top-left handle: named for a screen reader, moved with the arrow keys
    handle = p.d.find_element(By.CSS_SELECTOR, '.copy-slot[data-slot="legalRepresentative.front"] .handle[data-corner="0"]')
    label = handle.get_attribute("aria-label")
    assert "法定代表人" in label and "正面" in label and "左上角" in label, label
    p.js("arguments[0].focus()", handle)
    ActionChains(p.d).send_keys(Keys.ARROW_RIGHT, Keys.ARROW_RIGHT, Keys.ARROW_DOWN).key_down(Keys.SHIFT).send_keys(Keys.ARROW_DOWN).key_up(Keys.SHIFT).perform()
    moved = p.js("return copyPictures.get('legalRepresentative.front').corners[0]")
    assert moved == [40 + 2 * 4, 30 + 4 + 40], moved  # a step of 4 px (800 / 200), ×10 with Shift
    assert handle.get_attribute("aria-label") != label
    # the pictures stay in the page: not in the draft, not in the browser's storage
    d = p.js("return JSON.stringify(draft())")
    assert "uploads" not in d and "copies" not in d and "base64" not in d, d[:200]
    p.storage_empty()
    pdf_button = p.d.find_element(By.ID, "btn-pdf")
    p.until("download enabled", pdf_button.is_enabled)
    p.js("arguments[0].scrollIntoView({block: 'center'})", handle)
    p.shot("apply-copies")
    p.axe("申请 (ID card photos)")
    p.click(pdf_button)
    pdf = wait_file(folder, "申请材料.pdf")
    time.sleep(0.5)
    text = subprocess.run(["pdftotext", "-layout", pdf, "-"], capture_output=True, text=True, check=True).stdout
    assert "仅供办理深圳医保在线签约数字证书使用" in text, "no copy page in the pack"
    assert "法人有效身份证复印件" in text and "已生成，打印后加盖公章" in text
    images = subprocess.run(["pdfimages", "-list", pdf], capture_output=True, text=True, check=True).stdout
    cards = [l for l in images.splitlines()[2:] if l.split()[3:5] == ["1011", "638"]]
    assert len(cards) == 2, images  # 正面 and 反面 warped to the card at 300 dpi
    kept = os.path.join(p.out, "apply-copies.pdf")
    shutil.copy(pdf, kept)
    print(f"  申请材料.pdf with the 法定代表人's copy page: {kept} ok")


def clerk_words_and_ids(p, base):
    print("申请: a clerk's words; an ID ending in 000 confirmed; the holder who is the 法定代表人 follows him")
    p.d.get(base + "/")
    p.until("the form", lambda: p.by_path("organization.name"))
    # a genuine ID ending in 000 (its check digit is 0): refused until confirmed under the field
    p.type("legalRepresentative.name", "陈志明")
    p.type("legalRepresentative.idNumber", "440305198003122000")
    p.until("the 000 message", lambda: "000" in p.problem("legalRepresentative.idNumber"))
    no_programmers_words(p.problem("legalRepresentative.idNumber"), "an ID ending in 000")
    box = p.d.find_element(By.CSS_SELECTOR, '.confirm-id[data-for="legalRepresentative.idNumber"]')
    assert box.is_displayed()
    assert not p.d.find_element(By.CSS_SELECTOR, '.confirm-id[data-for="handler.idNumber"]').is_displayed()
    p.click(box)
    assert p.js("return draft().confirmedIdNumbers") == ["440305198003122000"]
    # a telephone that lost its 0: said without spreadsheet advice
    p.type("organization.phone", "75526558800")
    p.until("the phone message", lambda: "0" in p.problem("organization.phone"))
    no_programmers_words(p.problem("organization.phone"), "a phone without its 0")
    print(f"  phone: {p.problem('organization.phone')}")
    # the holder who is the 法定代表人 follows his fields
    p.click(p.d.find_element(By.ID, "holders-default"))
    p.until("holder 1", lambda: p.d.find_elements(By.CSS_SELECTOR, '[data-path="holders[0].idNumber"]'))
    assert p.d.find_element(By.CSS_SELECTOR, "#holder-rows .holder .is-lr").is_selected()
    assert p.by_path("holders[0].idNumber").get_attribute("value") == "440305198003122000"
    p.type("legalRepresentative.idNumber", "440305198003121235")
    p.type("legalRepresentative.name", "陈志强")
    p.until("holder 1 follows", lambda: p.by_path("holders[0].idNumber").get_attribute("value") == "440305198003121235"
            and p.by_path("holders[0].name").get_attribute("value") == "陈志强")
    d = p.js("return draft()")
    assert d["holders"][0]["idNumber"] == "440305198003121235" and d["holders"][0]["name"] == "陈志强", d["holders"]
    assert "confirmedIdNumbers" not in d, d  # the number no longer ends in 000
    assert not box.is_displayed()
    p.shot("apply-holder-follows")
    # a year whose holidays are not published: the planner's words, nothing proposed, no file named
    p.set_js("visit.date", "2027-03-01")
    checklist = p.d.find_element(By.ID, "checklist")
    p.until("the 2027 verdict", lambda: "2027" in checklist.text)
    time.sleep(0.5)
    text = checklist.text
    print("  2027: " + " / ".join(l for l in text.splitlines() if "2027" in l))
    assert "60 天内无" not in text and "最早可办齐" not in text, text
    no_programmers_words(text, "a 2027 date")


def drafts_in_files(p, base, work):
    print("申请: no roster: nothing kept, said plainly; a draft saved to a file opens after a reload")
    folder = os.path.join(work, "drafts")
    os.makedirs(folder)
    p.d.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": folder})
    p.d.get(base + "/")
    p.until("the form", lambda: p.by_path("organization.name"))
    assert "不保存" in p.d.find_element(By.ID, "keep-note").text
    p.type("organization.name", "深圳市南山区康宁诊所有限公司")
    p.type("organization.postcode", "518057")
    p.type("legalRepresentative.name", "陈志明")
    p.type("legalRepresentative.idNumber", "440305198003121235")
    p.click(p.d.find_element(By.ID, "btn-save-draft"))
    path = wait_file(folder, ".yaml")
    time.sleep(0.5)
    text = open(path, encoding="utf-8").read()
    assert "深圳市南山区康宁诊所有限公司" in text and "\\u" not in text, text
    assert "'518057'" in text or '"518057"' in text, text  # a code stays text
    print(f"  draft: {os.path.basename(path)}, {len(text.splitlines())} lines, Chinese as Chinese")
    p.d.refresh()
    p.until("the form, empty again", lambda: p.by_path("organization.name").get_attribute("value") == "")
    p.js("document.getElementById('import-file').hidden = false")
    p.d.find_element(By.ID, "import-file").send_keys(path)
    p.until("the draft reopened", lambda: p.by_path("organization.name").get_attribute("value") == "深圳市南山区康宁诊所有限公司")
    assert p.by_path("legalRepresentative.idNumber").get_attribute("value") == "440305198003121235"
    p.until("the status", lambda: "已打开" in p.d.find_element(By.ID, "status").text)
    p.shot("apply-draft-reopened")
    p.storage_empty()


def tab_to(p, predicate, seen=None, limit=120):
    """TAB (the keyboard only) until the focused element satisfies `predicate` (a JS function)."""
    for _ in range(limit):
        ActionChains(p.d).send_keys(Keys.TAB).perform()
        here = p.js("const e = document.activeElement; return e.id || e.textContent.trim().slice(0, 12)")
        if seen is not None:
            seen.append(here)
        if p.js(f"return ({predicate})(document.activeElement)"):
            return
    raise AssertionError(f"never reached by TAB: {predicate}")


def keyboard_only(p, base, work):
    print("申请: the keyboard alone fills and downloads an application")
    folder = os.path.join(work, "keyboard")
    os.makedirs(folder)
    p.d.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": folder})
    p.d.get(base + "/")
    p.until("the form", lambda: p.by_path("organization.name"))
    seen = []
    values = [("organization.name", "深圳市南山区康宁诊所有限公司"), ("organization.uscc", "91440305MA5DPL4W0G"),
              ("organization.address", "深圳市南山区粤海街道科技南十二路18号"), ("legalRepresentative.name", "陈志明"),
              ("legalRepresentative.idNumber", "440305198003121235"), ("legalRepresentative.mobile", "13823456789"),
              ("handler.name", "李俊杰"), ("handler.idNumber", "440305199212255672"), ("handler.mobile", "13912345678")]
    for path, text in values:
        tab_to(p, f"e => e.dataset && e.dataset.path === '{path}'", seen)
        ActionChains(p.d).send_keys(text).perform()
    assert "btn-save-draft" in seen and "btn-open-draft" in seen, "the draft buttons are not reachable by TAB"
    ActionChains(p.d).send_keys(Keys.TAB).perform()  # leave the last field
    p.until("download enabled", lambda: p.d.find_element(By.ID, "btn-pdf").is_enabled())
    tab_to(p, "e => e.id === 'btn-pdf'", seen)
    ActionChains(p.d).send_keys(Keys.ENTER).perform()
    pdf = wait_file(folder, ".pdf")
    time.sleep(0.5)
    text = subprocess.run(["pdftotext", "-layout", pdf, "-"], capture_output=True, text=True, check=True).stdout
    assert "深圳市南山区康宁诊所有限公司" in text and "李俊杰" in text
    print(f"  keyboard only: {len(seen)} TAB stops, {os.path.basename(pdf)} downloaded")


def phone_width(p, base):
    """A 390 px wide window: the top navigation fits and works, nothing scrolls sideways."""
    print("390 px")
    for path, name in [("/", "apply"), ("/batch", "batch"), ("/offices", "offices")]:
        p.d.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {"width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": True})
        p.d.get(base + path)
        p.until("the page", lambda: p.d.find_elements(By.CSS_SELECTOR, "nav a"))
        time.sleep(0.5)
        nav = p.js("return Array.from(document.querySelectorAll('nav a')).map(a => { const r = a.getBoundingClientRect(); return [r.left, r.right, r.height]; })")
        assert all(l >= 0 and r <= 390 and h >= 32 for l, r, h in nav), f"{name}: the tabs at 390 px: {nav}"
        wide = p.js("return document.documentElement.scrollWidth")
        assert wide <= 390, f"{name}: the page is {wide} px wide at 390 px"
        height = p.js("return document.documentElement.scrollHeight")
        p.d.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {"width": 390, "height": min(height, 3000), "deviceScaleFactor": 1, "mobile": True})
        shot = os.path.join(p.out, f"{name}-390.png")
        p.d.save_screenshot(shot)
        print(f"  screenshot {shot}")
    p.d.find_elements(By.CSS_SELECTOR, "nav a")[0].click()
    p.until("the 申请 tab from the phone-width nav", lambda: p.d.find_elements(By.ID, "app"))
    p.d.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def batch_page(p, base, downloads, work):
    print("批量: uploading a batch workbook (.xlsx) with one bad row")
    import csv as csvmodule
    import io
    import openpyxl
    text = open(os.path.join(ROOT, "Examples", "batch.csv"), encoding="utf-8-sig").read()
    text = text.replace("440303196811117718", "440303196811117717")  # row 8: wrong check digit
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "批量"
    for row in csvmodule.reader(io.StringIO(text)):
        sheet.append(row)
    for cells in sheet.iter_rows():  # every cell as text, as the template's columns are
        for c in cells:
            c.number_format = "@"
    path = os.path.join(work, "批量.xlsx")
    book.save(path)
    p.d.get(base + "/batch")
    p.d.find_element(By.ID, "batch-file").send_keys(path)
    p.click(p.d.find_element(By.ID, "btn-upload"))
    p.until("the problem table", lambda: p.d.find_elements(By.CSS_SELECTOR, "#problems tbody tr"))
    rows = p.d.find_elements(By.CSS_SELECTOR, "#problems tbody tr")
    assert len(rows) == 1 and "第 8 行" in rows[0].text and "法定代表人证件号码" in rows[0].text, rows[0].text
    p.shot("batch-problems")
    p.click(p.d.find_element(By.ID, "btn-run"))
    p.until("the batch to finish", lambda: p.d.find_element(By.ID, "done").is_displayed())
    p.shot("batch-done")
    p.axe("批量")
    p.click(p.d.find_element(By.ID, "zip-link"))
    zpath = wait_file(downloads, ".zip")
    time.sleep(0.5)
    names = zipfile.ZipFile(zpath).namelist()
    packs = [n for n in names if n.endswith("/申请材料.pdf")]
    assert "全部打印.pdf" in names and "汇总.xlsx" in names and "汇总.csv" in names and "汇总.md" in names, names
    assert len(packs) == 4 and not any("安心药店" in n for n in names), names
    print(f"  zip: {len(names)} files, {len(packs)} packs ok")


def offices_page(p, base):
    print("受理点")
    p.d.get(base + "/offices")
    p.until("the office table", lambda: len(p.d.find_elements(By.CSS_SELECTOR, "table.days tbody tr")) == 30)
    p.shot("offices")
    p.axe("受理点")


def roster_tab(p, certpack, work):
    """`certpack serve --roster`: a draft that survives a reload (and opens from the 机构库), the due
    board (days left in colour and words), a renewal from the card whose PDF carries the serial,
    记录办结 taking it off the board, forgetting with what is deleted named; axe-core; 390 px."""
    print("机构库: certpack serve --roster")
    import datetime
    roster = os.path.join(work, "roster.sqlite")
    uscc, serial = "91440305MA5DPL4W0G", "SZCA2025ODC0001"
    today = (datetime.datetime.utcnow() + datetime.timedelta(hours=8)).date()  # the server's today, Asia/Shanghai
    until = (today + datetime.timedelta(days=13)).isoformat()
    run = lambda *a: subprocess.run([certpack, "roster", *a, "--roster", roster], cwd=ROOT, capture_output=True, text=True, check=True)
    run("init")
    run("import", os.path.join(ROOT, "Examples", "new-odc-personal.yaml"))
    run("issued", uscc, "--cert", "odc", "--serial", serial, "--on", (today - datetime.timedelta(days=352)).isoformat(), "--until", until)
    folder = os.path.join(work, "roster-downloads")
    os.makedirs(folder)
    p.d.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": folder})
    port = free_port()
    server = subprocess.Popen([certpack, "serve", "--port", str(port), "--roster", roster, "--templates", os.path.join(ROOT, "Templates")],
                              cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for_server(base + "/healthz", server)
        # a draft, saved as the clerk types, survives a reload
        p.d.get(base + "/")
        p.until("the form", lambda: p.by_path("organization.name"))
        assert "自动保存" in p.d.find_element(By.ID, "keep-note").text
        p.type("organization.name", "深圳市福田区安心药店")
        p.type("legalRepresentative.name", "王建国")
        p.type("legalRepresentative.idNumber", "440304197505203418")
        p.until("the draft saved", lambda: "已自动保存" in p.d.find_element(By.ID, "keep-state").text and "draft=" in p.d.current_url)
        p.d.refresh()
        p.until("the draft after a reload", lambda: p.by_path("organization.name").get_attribute("value") == "深圳市福田区安心药店")
        assert p.by_path("legalRepresentative.idNumber").get_attribute("value") == "440304197505203418"
        p.shot("roster-draft-reloaded")
        p.storage_empty()
        # the 机构库 tab: the draft listed, the due board in colour and words
        p.d.get(base + "/roster")
        p.until("the due board", lambda: p.d.find_elements(By.CSS_SELECTOR, "#due tbody tr"))
        row = p.d.find_element(By.CSS_SELECTOR, "#due tbody tr")
        assert "还剩 13 天" in row.text and serial in row.text, row.text
        assert "due-soon" in row.find_element(By.CSS_SELECTOR, ".due").get_attribute("class")
        p.until("the draft listed", lambda: "深圳市福田区安心药店" in p.d.find_element(By.ID, "drafts").text)
        p.shot("roster")
        p.axe("机构库")
        # the card: people with masked IDs; one click to a prefilled 续期
        p.click(row.find_element(By.CSS_SELECTOR, "td a"))
        p.until("the card", lambda: p.d.find_element(By.ID, "org-card").is_displayed())
        card = p.d.find_element(By.ID, "org-card").text
        assert "陈志明" in card and "440305198003121235" not in card and "*" in card, card
        p.shot("roster-card")
        p.axe("机构库 (card)")
        p.click(p.d.find_element(By.CSS_SELECTOR, '.org-actions a[data-service="renew"]'))
        p.until("the prefilled renewal", lambda: serial in (p.by_path("existingCertificate.serial").get_attribute("value") or ""))
        assert p.by_path("service").get_attribute("value") == "renew"
        p.until("download enabled", lambda: p.d.find_element(By.ID, "btn-pdf").is_enabled())
        p.shot("roster-renewal")
        p.click(p.d.find_element(By.ID, "btn-pdf"))
        pdf = wait_file(folder, ".pdf")
        time.sleep(0.5)
        text = subprocess.run(["pdftotext", "-layout", pdf, "-"], capture_output=True, text=True, check=True).stdout
        assert serial in text and "续期" in text, "the renewal's PDF does not carry the serial"
        print(f"  renewal from the card: {os.path.basename(pdf)} carries {serial}")
        # a renewal batch of everything due, from the due board: one zip
        p.d.get(base + "/roster")
        p.until("the due board", lambda: p.d.find_elements(By.CSS_SELECTOR, "#due tbody tr"))
        p.click(p.d.find_element(By.ID, "btn-renew-all"))
        p.until("the renewal batch", lambda: p.d.find_element(By.ID, "renew-zip").is_displayed())
        progress = p.d.find_element(By.ID, "renew-progress").text
        assert "已记入机构库" in progress, progress  # the batch's packs are recorded as the CLI records them
        print("  renewal batch: " + progress)
        # 记录办结: the new certificate takes the old one off the due board
        p.d.get(base + f"/roster?org={uscc}")
        p.until("the card", lambda: p.d.find_element(By.ID, "org-card").is_displayed())
        assert "已生成" in p.d.find_element(By.ID, "org-apps").text  # the renewal made is recorded
        serial_box = p.d.find_element(By.ID, "issued-serial")
        serial_box.send_keys("SZCA2026ODC0002")
        p.js("document.getElementById('issued-on').value = arguments[0]", today.isoformat())
        p.click(p.d.find_element(By.CSS_SELECTOR, "#issued-form button[type=submit]"))
        p.until("the due board emptied", lambda: p.d.find_element(By.ID, "due-empty").is_displayed())
        assert "SZCA2026ODC0002" in p.d.find_element(By.ID, "org-certs").text
        assert "已续期" in p.d.find_element(By.ID, "org-certs").text
        p.shot("roster-issued")
        # forget: the confirmation names what will be deleted
        p.click(p.d.find_element(By.ID, "btn-forget"))
        p.until("the confirmation", lambda: p.d.find_element(By.ID, "forget-dialog").is_displayed())
        what = p.d.find_element(By.ID, "forget-what").text
        assert "深圳市南山区康宁诊所有限公司" in what and "证书 2 张" in what, what
        p.shot("roster-forget", whole=False)
        p.click(p.d.find_element(By.ID, "forget-confirm"))
        p.until("forgotten", lambda: "已删除" in p.d.find_element(By.ID, "roster-status").text)
        assert not p.d.find_element(By.ID, "org-card").is_displayed()
        # 390 px
        p.d.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {"width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": True})
        p.d.get(base + "/roster")
        p.until("the page", lambda: p.d.find_elements(By.ID, "drafts"))
        time.sleep(0.5)
        wide = p.js("return document.documentElement.scrollWidth")
        assert wide <= 390, f"机构库 is {wide} px wide at 390 px"
        shot = os.path.join(p.out, "roster-390.png")
        p.d.save_screenshot(shot)
        print(f"  screenshot {shot}")
        p.d.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
        p.storage_empty()
    finally:
        server.send_signal(2)
        try:
            out, _ = server.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            out, _ = server.communicate()
        with open(os.path.join(p.out, "server-roster.log"), "w") as f:
            f.write(out)
    for ident in ["440305198003121235", "440304197505203418"]:
        assert ident not in out, f"{ident} in the roster server's log"


def token_mode(p, certpack, out):
    """A LAN bind (here 127.0.0.2, which is not one of the loopback names) needs the token: without it
    the page is refused; the printed URL sets the cookie and the page then works, POSTs included."""
    print("令牌: a non-local bind")
    port = free_port()
    token = "browsertest0123456789abcdef"
    server = subprocess.Popen([certpack, "serve", "--host", "127.0.0.2", "--port", str(port), "--token", token,
                               "--templates", os.path.join(ROOT, "Templates"), "--example", os.path.join(ROOT, "Examples", "renew.yaml")],
                              cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.2:{port}"
    try:
        wait_for_server(base + "/", server)
        p.d.get(base + "/")
        p.until("the refusal", lambda: "需要访问令牌" in p.d.find_element(By.TAG_NAME, "body").text)
        p.shot("token-refused")
        p.d.get(base + "/?token=" + token)
        p.until("the page without the token in the address", lambda: p.d.current_url == base + "/")
        checklist = p.d.find_element(By.ID, "checklist")
        p.until("the example's checklist (a POST with the cookie)", lambda: "续期" in checklist.text and "合计" in checklist.text)
        assert p.d.find_element(By.ID, "btn-pdf").is_enabled()
    finally:
        server.send_signal(2)
        try:
            server.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--certpack", required=True)
    ap.add_argument("--out", default="Output/browser")
    ap.add_argument("--only", help="comma-separated sections to run (while working on one): apply,empty,words,drafts,keyboard,copies,batch,offices,phone,roster,token")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    work = tempfile.mkdtemp(prefix="certpack-browser-")
    downloads = os.path.join(work, "downloads")
    os.makedirs(downloads)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([args.certpack, "serve", "--port", str(port), "--templates", os.path.join(ROOT, "Templates")],
                              cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    driver = None
    try:
        wait_for_server(base + "/", server)
        opts = webdriver.ChromeOptions()
        opts.binary_location = CHROMIUM
        for a in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1400,1000",
                  "--lang=zh-CN", "--no-first-run", "--disable-extensions"]:
            opts.add_argument(a)
        opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        opts.add_experimental_option("prefs", {"download.default_directory": downloads, "download.prompt_for_download": False})
        driver = webdriver.Chrome(service=Service(executable_path=DRIVER), options=opts)
        driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": downloads})
        p = Page(driver, args.out)
        only = set(args.only.split(",")) if args.only else None
        want = lambda name: only is None or name in only
        if want("apply"): apply_page(p, base, downloads)
        if want("empty"): empty_form(p, base)
        if want("words"): clerk_words_and_ids(p, base)
        if want("drafts"): drafts_in_files(p, base, work)
        if want("keyboard"): keyboard_only(p, base, work)
        if want("copies"): copies_upload(p, base, work)
        driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": downloads})
        if want("batch"): batch_page(p, base, downloads, work)
        if want("offices"): offices_page(p, base)
        if want("phone"): phone_width(p, base)
        if p.d.current_url.startswith("http"):
            p.storage_empty()
        if want("roster"): roster_tab(p, args.certpack, work)
        if want("token"): token_mode(p, args.certpack, args.out)
        errors = [e for e in p.console_errors() if "401" not in e]  # the refused page is meant to be refused
        assert not errors, f"console errors: {errors}"
        print("browser test: ok")
        print("browser: 12 passed, 0 failed")  # 申请 ×7, 批量, 受理点, 390 px, 机构库, 令牌
    finally:
        if driver:
            driver.quit()
        server.send_signal(2)  # Ctrl-C: the server removes its temporary files
        try:
            out, _ = server.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            out, _ = server.communicate()
        log = os.path.join(args.out, "server.log")
        with open(log, "w") as f:
            f.write(out)
        shutil.rmtree(work, ignore_errors=True)
    # the server's log never shows a whole ID number
    for ident in ["440305198003121235", "440305199212255672"]:
        assert ident not in out, f"{ident} in the server log"


if __name__ == "__main__":
    sys.exit(main())
