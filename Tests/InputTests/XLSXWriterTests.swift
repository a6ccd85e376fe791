import Foundation
import Testing
import ZIPFoundation

@testable import Input

/// A workbook written by `XLSXWorkbook` reads back cell for cell (the writer behind the template and 汇总.xlsx).
@Test func aWrittenWorkbookReadsBackCellForCell() throws {
    var sheet = XLSXWorkbook.Sheet(
        name: "批量",
        rows: [
            [.text("单位名称"), .text("编号"), .text("金额")],
            [.text("𠮷祥 & <诊所> \"甲\""), .text("0755"), .number(300)],
            [nil, .text(" 前后有空格 "), .number(1.5)],
        ])
    sheet.textColumns = [1]
    sheet.notes = [.init(row: 1, column: 0, text: "营业执照上的名称")]
    sheet.validations = [.init(column: 1, rows: 2...10, values: ["甲", "乙"])]
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("certpack-w-\(UUID().uuidString).xlsx")
    defer { try? FileManager.default.removeItem(at: url) }
    let data = try XLSXWorkbook(sheets: [sheet, .init(name: "说明", rows: [[.text("说明")]])]).data()
    #expect(try XLSXWorkbook(sheets: [sheet]).data() == XLSXWorkbook(sheets: [sheet]).data(), "the same workbook, the same bytes")
    try data.write(to: url)
    let back = try XLSXReader.read(url: url)
    #expect(back.name == "批量")
    #expect(back.rows.map { $0.cells.map(\.text) } == [["单位名称", "编号", "金额"], ["𠮷祥 & <诊所> \"甲\"", "0755", "300"], [" 前后有空格 ", "1.5"]])
    #expect(back.rows[2].cells.map(\.column) == [1, 2])
}

/// `XLSXWorkbook` as Excel reads it: cell references, escaping, frozen header rows, text columns,
/// dropdown lists and notes, seen in the parts it writes.
@Suite struct XLSXWriterTests {
    /// The text of part `path` of a workbook.
    static func part(_ path: String, of data: Data) throws -> String {
        let archive = try Archive(data: data, accessMode: .read)
        let entry = try #require(archive[path], "no part \(path)")
        var out = Data()
        _ = try archive.extract(entry) { out.append($0) }
        return String(decoding: out, as: UTF8.self)
    }

    @Test func cellReferencesCountColumnsFromZeroAndRowsFromOne() {
        #expect(XLSXWorkbook.reference(row: 1, column: 0) == "A1")
        #expect(XLSXWorkbook.reference(row: 1, column: 25) == "Z1")
        #expect(XLSXWorkbook.reference(row: 2, column: 26) == "AA2")
        #expect(XLSXWorkbook.reference(row: 10, column: 701) == "ZZ10")
        #expect(XLSXWorkbook.reference(row: 3, column: 702) == "AAA3")
    }

    @Test func textIsEscapedAndCharactersXMLCannotHoldAreDropped() {
        #expect(XLSXWorkbook.escape("A&B <c> \"d\"") == "A&amp;B &lt;c&gt; &quot;d&quot;")
        #expect(XLSXWorkbook.escape("a\u{1}b") == "ab")
    }

    @Test func aFrozenHeaderTextColumnsAListAndANoteAreWrittenAsExcelReadsThem() throws {
        var sheet = XLSXWorkbook.Sheet(name: "汇总", rows: [[.text("代码"), .text("数")], [.text("0755"), .number(3)]])
        sheet.frozenRows = 1
        sheet.boldRows = [1]
        sheet.textColumns = [0]
        sheet.validations = [.init(column: 1, rows: 2...5, values: ["甲", "乙"], strict: false)]
        sheet.notes = [.init(row: 1, column: 0, text: "18 位 & 文本")]
        let data = try XLSXWorkbook(sheets: [sheet]).data()
        let xml = try Self.part("xl/worksheets/sheet1.xml", of: data)
        #expect(xml.contains("<pane ySplit=\"1\" topLeftCell=\"A2\" activePane=\"bottomLeft\" state=\"frozen\"/>"))
        #expect(xml.contains("<dataValidation type=\"list\" errorStyle=\"warning\""))
        #expect(xml.contains("sqref=\"B2:B5\""))
        #expect(xml.contains("<formula1>&quot;甲,乙&quot;</formula1>"), "the list, quoted as Excel wants it")
        // The text column's cells carry the text number format (49) so Excel keeps 0755 as typed.
        let styles = try Self.part("xl/styles.xml", of: data)
        #expect(styles.contains("numFmtId=\"49\""))
        #expect(xml.contains("<c r=\"A2\" s=\"2\" t=\"inlineStr\"><is><t>0755</t></is></c>"))
        #expect(try Self.part("xl/comments1.xml", of: data).contains("18 位 &amp; 文本"))
    }
}
