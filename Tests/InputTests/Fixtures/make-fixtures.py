#!/usr/bin/env python3
"""Makes the .xlsx fixtures of Tests/InputTests (committed; CI never runs this).

  openpyxl-batch.xlsx     written by openpyxl: sheet 封面 first, then 批量 (the one read); 1900 dates
  libreoffice-batch.xlsx  the same rows in a 1904-date workbook, saved again by LibreOffice Calc
                          (soffice --headless --convert-to xlsx), with a formula it calculates

Both hold: shared strings, a rich-text cell, dates and a time as Excel serials, an empty row,
a continuation row (second holder), a number-typed ID (refused), rare characters (𠮷 U+20BB7,
䶮 U+4DAE). Run from anywhere: python3 make-fixtures.py (needs openpyxl and, for the second,
LibreOffice: apt-get install libreoffice-calc-nogui).
"""
import datetime, os, shutil, subprocess, sys, tempfile
import openpyxl
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from openpyxl.utils.datetime import CALENDAR_MAC_1904

HERE = os.path.dirname(os.path.abspath(__file__))
HEADER = ["单位名称", "统一社会信用代码", "单位地址", "法定代表人姓名", "法定代表人证件号码", "法定代表人手机",
          "经办人姓名", "经办人证件号码", "经办人手机", "业务类型", "机构证书年限", "法人证书年限", "原证书序列号",
          "办理日期", "办理时间", "受理点", "填表日期", "持证人姓名", "持证人证件号码", "持证人手机", "持证人职务", "备注（自用）"]


def rows(formula):
    """The data rows by header, with Excel row numbers: 2, 4, 5 (continuation), 6; row 3 is empty."""
    name = CellRichText([TextBlock(InlineFont(b=True), "深圳市南山区"), "𠮷祥诊所有限公司"])
    return {
        2: {"单位名称": name, "统一社会信用代码": "91440305MA5DPL4W0G", "单位地址": "深圳市南山区科技南十二路18号䶮园2楼",
            "法定代表人姓名": "王䶮", "法定代表人证件号码": "440305198003121235", "法定代表人手机": "13823456789",
            "经办人姓名": "李俊杰", "经办人证件号码": "440305199212255672", "经办人手机": "13912345678",
            "业务类型": "新办", "机构证书年限": 1, "法人证书年限": 1,
            "办理日期": datetime.date(2026, 12, 7), "办理时间": datetime.time(10, 0), "受理点": "科技园文化广场",
            "填表日期": datetime.date(2026, 12, 1), "备注（自用）": "已电话确认"},
        4: {"单位名称": "深圳市福田区仁和药房连锁有限公司", "统一社会信用代码": "91440304MA5EXK7C0C", "单位地址": "深圳市福田区福华路88号仁和大厦1楼",
            "法定代表人姓名": "王海峰", "法定代表人证件号码": "440304197506082134", "法定代表人手机": "13600001111",
            "经办人姓名": "赵敏", "经办人证件号码": "44030419880115342X", "经办人手机": "13600002222",
            "业务类型": "续期", "机构证书年限": 1, "法人证书年限": "=1+1" if formula else 2, "原证书序列号": "A1B2C3D4E5F60718",
            "办理日期": datetime.date(2026, 12, 8), "办理时间": datetime.time(10, 0), "受理点": "龙岗受理点",
            "填表日期": datetime.date(2026, 12, 1),
            "持证人姓名": "王海峰", "持证人证件号码": "440304197506082134", "持证人手机": "13600001111", "持证人职务": "法定代表人"},
        5: {"统一社会信用代码": "91440304MA5EXK7C0C",
            "持证人姓名": "赵敏", "持证人证件号码": "44030419880115342X", "持证人手机": "13600002222", "持证人职务": "药房经理"},
        6: {"单位名称": "深圳市罗湖区安心药店", "统一社会信用代码": "92440303MA5H0K1L2E", "单位地址": "深圳市罗湖区东门中路2002号",
            "法定代表人姓名": "周建国", "法定代表人证件号码": 440303196811117718, "法定代表人手机": "13400006666",
            "经办人姓名": "郑芳", "经办人证件号码": "44030319900707882X", "经办人手机": "13400007777",
            "业务类型": "介质补办", "机构证书年限": 1, "法人证书年限": 1,
            "办理日期": datetime.date(2026, 12, 11), "受理点": "科技园文化广场"},
    }


def fill(ws, formula):
    ws.append(HEADER)
    for r, values in rows(formula).items():
        for c, h in enumerate(HEADER, start=1):
            if h in values:
                cell = ws.cell(row=r, column=c, value=values[h])
                if isinstance(values[h], datetime.date):
                    cell.number_format = "yyyy-mm-dd"
                elif isinstance(values[h], datetime.time):
                    cell.number_format = "h:mm"


def openpyxl_fixture(path):
    wb = openpyxl.Workbook()
    wb.active.title = "封面"
    wb.active["A1"] = "这张工作表不是数据：CertPack 读名为「批量」的工作表"
    fill(wb.create_sheet("批量"), formula=False)
    wb.save(path)


def libreoffice_fixture(path):
    wb = openpyxl.Workbook()
    wb.epoch = CALENDAR_MAC_1904
    fill(wb.active, formula=True)
    with tempfile.TemporaryDirectory() as tmp:
        source = os.path.join(tmp, "source.xlsx")
        wb.save(source)
        out = os.path.join(tmp, "out")
        subprocess.run(["soffice", "--headless", "--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", out, source],
                       check=True, stdout=subprocess.DEVNULL)
        shutil.copy(os.path.join(out, "source.xlsx"), path)


if __name__ == "__main__":
    openpyxl_fixture(os.path.join(HERE, "openpyxl-batch.xlsx"))
    if shutil.which("soffice"):
        libreoffice_fixture(os.path.join(HERE, "libreoffice-batch.xlsx"))
    else:
        print("soffice not found: libreoffice-batch.xlsx not remade", file=sys.stderr)
