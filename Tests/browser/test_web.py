#!/usr/bin/env python3
"""The web page in a real browser: Debian's chromium, headless, driven by selenium.

Starts `certpack serve` on a free loopback port, types an application as a clerk would (a full-width
phone number, a wrong ID check digit that is then fixed), downloads 申请材料.pdf and reads its text,
uploads a batch with one bad row and downloads the zip. Screenshots of each page go to --out.
Nothing is downloaded from the internet: the driver is /usr/bin/chromedriver, given explicitly.
"""
import argparse
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

from selenium import webdriver
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

    def shot(self, name):
        path = os.path.join(self.out, f"{name}.png")
        # the whole page, not just the window
        self.d.set_window_size(1400, 900)
        height = self.d.execute_script("return document.documentElement.scrollHeight")
        self.d.set_window_size(1400, max(900, min(height + 40, 4000)))
        self.d.save_screenshot(path)
        print(f"  screenshot {path}")


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
    pdf_button.click()
    pdf = wait_file(downloads, "申请材料.pdf")
    time.sleep(0.5)
    text = subprocess.run(["pdftotext", "-layout", pdf, "-"], capture_output=True, text=True, check=True).stdout
    for value in ["深圳市南山区康宁诊所有限公司", "91440305MA5DPL4W0G", "13912345678", "李俊杰", "陈志明"]:
        assert value in text, f"{value} not in the PDF"
    info = subprocess.run(["pdfinfo", pdf], capture_output=True, text=True, check=True).stdout
    assert "(A4)" in info, info
    print(f"  申请材料.pdf: {pdf} ok")

    p.d.find_element(By.ID, "btn-preview").click()
    p.until("the preview pages", lambda: len(p.d.find_elements(By.CSS_SELECTOR, "#preview img")) >= 5)
    p.until("the preview images loaded", lambda: p.d.execute_script(
        "return Array.from(document.querySelectorAll('#preview img')).every(i => i.complete && i.naturalWidth > 0)"))
    p.shot("apply-preview")


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
    p.d.find_element(By.ID, "btn-upload").click()
    p.until("the problem table", lambda: p.d.find_elements(By.CSS_SELECTOR, "#problems tbody tr"))
    rows = p.d.find_elements(By.CSS_SELECTOR, "#problems tbody tr")
    assert len(rows) == 1 and "第 8 行" in rows[0].text and "法定代表人证件号码" in rows[0].text, rows[0].text
    p.shot("batch-problems")
    p.d.find_element(By.ID, "btn-run").click()
    p.until("the batch to finish", lambda: p.d.find_element(By.ID, "done").is_displayed())
    p.shot("batch-done")
    p.d.find_element(By.ID, "zip-link").click()
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
        apply_page(p, base, downloads)
        batch_page(p, base, downloads, work)
        offices_page(p, base)
        token_mode(p, args.certpack, args.out)
        errors = [e for e in p.console_errors() if "401" not in e]  # the refused page is meant to be refused
        assert not errors, f"console errors: {errors}"
        print("browser test: ok")
        print("browser: 4 passed, 0 failed")  # 申请, 批量, 受理点, 令牌
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
