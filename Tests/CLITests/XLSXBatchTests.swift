import Foundation
import Testing

/// The .xlsx side of `certpack batch`: the template a clerk fills in Excel, read back through the
/// same rows → applications path as CSV; 汇总.xlsx. openpyxl (installed by `make test-deps`) plays
/// the spreadsheet program.
@Suite(.serialized) struct XLSXBatches {
    /// Checks the template as a spreadsheet program sees it, then fills it with the rows of a CSV.
    static let fillScript = #"""
        import csv, datetime, sys
        import openpyxl
        from openpyxl.utils import get_column_letter
        template, source, out = sys.argv[1:4]
        wb = openpyxl.load_workbook(template)
        assert wb.sheetnames == ["批量", "示例", "说明"], wb.sheetnames
        ws = wb["批量"]
        header = [c.value for c in ws[1]]
        assert ws.freeze_panes == "A2", ws.freeze_panes
        assert all(c.font.b for c in ws[1]), "bold header"
        for h in ["统一社会信用代码", "邮政编码", "单位电话", "法定代表人证件号码", "法定代表人手机", "经办人证件号码",
                  "经办人手机", "原证书序列号", "持证人证件号码", "持证人手机"]:
            fmt = ws.column_dimensions[get_column_letter(header.index(h) + 1)].number_format
            assert fmt == "@", (h, fmt)
        assert ws.column_dimensions["A"].number_format != "@"
        lists = {}
        for dv in ws.data_validations.dataValidation:
            for rng in str(dv.sqref).split():
                lists[header[openpyxl.utils.cell.column_index_from_string(rng.split(":")[0].rstrip("0123456789")) - 1]] = dv.formula1
        for h in ["业务类型", "办理方式", "受理点", "法定代表人证件类型", "经办人证件类型", "持证人证件类型", "机构证书年限", "法人证书年限"]:
            assert h in lists, (h, lists)
        assert "介质补办" in lists["业务类型"] and "科技园文化广场" in lists["受理点"], lists
        missing = [c.coordinate for c in ws[1] if c.comment is None or not c.comment.text.startswith(c.value)]
        assert not missing, missing
        assert wb["示例"].max_row == 3 and "说明" in wb.sheetnames
        rows = list(csv.reader(open(source, encoding="utf-8-sig")))
        assert rows[0] == header, (rows[0], header)
        for r, row in enumerate(rows[1:], start=2):
            for c, v in enumerate(row, start=1):
                if v == "":
                    continue
                h = header[c - 1]
                if h in ("机构证书年限", "法人证书年限"):
                    ws.cell(row=r, column=c, value=int(v))
                elif h == "办理日期":
                    ws.cell(row=r, column=c, value=datetime.date.fromisoformat(v)).number_format = "yyyy-mm-dd"
                else:
                    ws.cell(row=r, column=c, value=v)
        wb.save(out)
        print("ok")
        """#

    /// Reads 汇总.xlsx: the code column is text, the totals come last.
    static let summaryScript = #"""
        import sys, openpyxl
        wb = openpyxl.load_workbook(sys.argv[1])
        ws = wb["汇总"]
        rows = [[c.value for c in r] for r in ws.iter_rows()]
        assert rows[0][:3] == ["行号", "单位名称", "统一社会信用代码"], rows[0]
        assert all(isinstance(r[2], str) and len(r[2]) == 18 for r in rows[1:-1]), [r[2] for r in rows]
        assert rows[-1][1] == "合计" and isinstance(rows[-1][5], (int, float)), rows[-1]
        assert "到访安排" in wb.sheetnames
        print(len(rows) - 2)
        """#

    @Test func theFilledTemplateGivesTheSamePacksAsTheSameRowsInCSV() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let template = folder.appendingPathComponent("批量.xlsx")
        let made = try run(certpack, ["batch", "--template", template.path])
        #expect(made.status == 0, "\(made.err)")

        let csv = folder.appendingPathComponent("批量.csv")
        try Data(batchCSV(count: 3).utf8).write(to: csv)
        let script = folder.appendingPathComponent("fill.py")
        try Data(Self.fillScript.utf8).write(to: script)
        let filled = folder.appendingPathComponent("填好的批量.xlsx")
        let fill = try run("python3", [script.path, template.path, csv.path, filled.path])
        #expect(fill.status == 0 && fill.out.contains("ok"), "\(fill.err)")

        let fromXLSX = folder.appendingPathComponent("xlsx")
        let fromCSV = folder.appendingPathComponent("csv")
        let a = try run(certpack, ["batch", filled.path, "-o", fromXLSX.path])
        let b = try run(certpack, ["batch", csv.path, "-o", fromCSV.path])
        #expect(a.status == 0, "\(a.err)")
        #expect(b.status == 0, "\(b.err)")
        let packs = files(under: fromXLSX).filter { $0.hasSuffix(".pdf") || $0.hasSuffix("清单.md") }
        #expect(packs.count == 7, "3 packs × (PDF + 清单) + 全部打印.pdf: \(packs)")
        #expect(packs == files(under: fromCSV).filter { $0.hasSuffix(".pdf") || $0.hasSuffix("清单.md") })
        for name in packs {
            let x = try Data(contentsOf: fromXLSX.appendingPathComponent(name))
            let c = try Data(contentsOf: fromCSV.appendingPathComponent(name))
            #expect(x.elementsEqual(c), "\(name) differs")
        }

        let summary = folder.appendingPathComponent("summary.py")
        try Data(Self.summaryScript.utf8).write(to: summary)
        let read = try run("python3", [summary.path, fromXLSX.appendingPathComponent("汇总.xlsx").path])
        #expect(read.status == 0 && read.out.hasPrefix("3"), "\(read.err)")
    }

    @Test func theTemplateReadBackUnchangedHasNoRowsAndTheExampleIsNotRead() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let template = folder.appendingPathComponent("批量.xlsx")
        #expect(try run(certpack, ["batch", "--template", template.path]).status == 0)
        let check = try run(certpack, ["batch", template.path, "--check"])
        #expect(check.status == 2)
        #expect(check.err.contains("没有数据行"), "\(check.err)")
        let again = try run(certpack, ["batch", "--template", template.path])
        #expect(again.status == 2 && again.err.contains("已存在"), "an existing file is kept without --force")
    }

    @Test func aCSVTemplateNameWritesTheHeaderRow() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let csv = folder.appendingPathComponent("批量.csv")
        #expect(try run(certpack, ["batch", "--template", csv.path]).status == 0)
        let data = try Data(contentsOf: csv)
        #expect(data.starts(with: [0xEF, 0xBB, 0xBF]))
        #expect(String(decoding: data.dropFirst(3), as: UTF8.self).hasPrefix("单位名称,统一社会信用代码,"))
    }

    @Test(arguments: ["批量.xls", "批量.numbers", "批量.ods"])
    func otherSpreadsheetFormatsAreRefusedWithWhatToDo(_ name: String) throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent(name)
        try Data([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]).write(to: file)
        let r = try run(certpack, ["batch", file.path, "--check"])
        #expect(r.status == 2)
        #expect(r.err.contains("另存为 .xlsx"), "\(r.err)")
    }
}
