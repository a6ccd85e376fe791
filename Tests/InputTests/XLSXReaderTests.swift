import Foundation
import Rules
import Testing
import ZIPFoundation

@testable import Input

let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

/// Workbooks written by real spreadsheet programs (Fixtures/make-fixtures.py made them): the same rows
/// from openpyxl (inline strings, 1900 dates, the data on a second sheet named 批量) and from
/// LibreOffice Calc (shared strings with rich-text runs, 1904 dates, a calculated formula).
@Suite struct WorkbooksFromSpreadsheetPrograms {
    static let files = ["openpyxl-batch.xlsx", "libreoffice-batch.xlsx"]

    @Test(arguments: files) func cellsComeOutAsTheSpreadsheetShowsThem(_ name: String) throws {
        let sheet = try XLSXReader.read(url: fixtures.appendingPathComponent(name), preferring: "批量")
        #expect(sheet.rows.map(\.row) == [1, 2, 4, 5, 6], "the empty row 3 is skipped, the others keep Excel's numbers")
        func cell(_ row: Int, _ column: Int) -> XLSXReader.Cell? {
            sheet.rows.first { $0.row == row }?.cells.first { $0.column == column }
        }
        #expect(cell(2, 0)?.text == "深圳市南山区𠮷祥诊所有限公司", "rich-text runs joined, U+20BB7 intact")
        #expect(cell(2, 3)?.text == "王䶮")
        #expect(cell(2, 13)?.value == .date("2026-12-07"))
        #expect(cell(2, 14)?.value == .date("10:00"))
        #expect(cell(2, 16)?.value == .date("2026-12-01"))
        #expect(cell(2, 10)?.value == .number("1"))
        #expect(cell(2, 4)?.value == .text("440305198003121235"))
        #expect(cell(6, 4)?.isNumber == true, "the ID typed as a number stays a number")
    }

    @Test func theFirstSheetIsReadWhenNoneIsNamed批量() throws {
        let sheet = try XLSXReader.read(url: fixtures.appendingPathComponent("libreoffice-batch.xlsx"), preferring: "批量")
        #expect(sheet.name != "批量")
        #expect(try XLSXReader.sheetNames(url: fixtures.appendingPathComponent("openpyxl-batch.xlsx")) == ["封面", "批量"])
    }

    @Test func aFormulaIsReadByItsCachedValue() throws {
        let sheet = try XLSXReader.read(url: fixtures.appendingPathComponent("libreoffice-batch.xlsx"))
        #expect(sheet.rows.first { $0.row == 4 }?.cells.first { $0.column == 11 }?.text == "2", "=1+1 as LibreOffice calculated it")
    }

    @Test(arguments: files) func theRowsBecomeTheSameApplicationsAsFromCSV(_ name: String) throws {
        let records = try BatchInput.read(url: fixtures.appendingPathComponent(name))
        #expect(records.map(\.line) == [2, 4, 6])
        let kangning = try #require(records[0].application, "\(records[0].issues)")
        #expect(kangning.organization.name == "深圳市南山区𠮷祥诊所有限公司")
        #expect(kangning.organization.address.contains("䶮园"))
        #expect(kangning.legalRepresentative.name == "王䶮")
        #expect(kangning.visit?.date == CivilDate("2026-12-07"))
        #expect(kangning.visit?.time == "10:00")
        #expect(kangning.applicationDate == CivilDate("2026-12-01"))
        let renhe = try #require(records[1].application, "\(records[1].issues)")
        #expect(renhe.personalHolders.map(\.name) == ["王海峰", "赵敏"], "the continuation row on row 5 adds the second holder")
        #expect(renhe.certificates.personal?.years == 2)
        #expect(renhe.existingCertificate?.serial == "A1B2C3D4E5F60718")
    }

    @Test(arguments: files) func anIDStoredAsANumberIsRefusedOnceWithWhatToDo(_ name: String) throws {
        let records = try BatchInput.read(url: fixtures.appendingPathComponent(name))
        let anxin = records[2]
        #expect(anxin.application == nil)
        #expect(anxin.issues.count == 1, "one message, not also 'check digit wrong': \(anxin.issues)")
        let issue = try #require(anxin.issues.first)
        #expect(issue.line == 6)
        #expect(issue.column == "法定代表人证件号码")
        #expect(issue.message.contains("存成了数字") && issue.message.contains("文本"))
    }
}

@Suite struct ExcelValues {
    @Test func serialsAreDatesInBothDateSystems() {
        let date = NumberFormat(date: true)
        #expect(ExcelDate.text(serial: 1, format: date, date1904: false) == "1900-01-01")
        #expect(ExcelDate.text(serial: 60, format: date, date1904: false) == "1900-02-29", "Lotus's leap day, as Excel shows it")
        #expect(ExcelDate.text(serial: 61, format: date, date1904: false) == "1900-03-01")
        #expect(ExcelDate.text(serial: 46363, format: date, date1904: false) == "2026-12-07")
        #expect(ExcelDate.text(serial: 44901, format: date, date1904: true) == "2026-12-07")
        #expect(ExcelDate.text(serial: 0, format: date, date1904: true) == "1904-01-01")
        #expect(ExcelDate.text(serial: 0.4166666666667, format: NumberFormat(time: true), date1904: false) == "10:00")
        #expect(ExcelDate.text(serial: 46363.5, format: NumberFormat(date: true, time: true), date1904: false) == "2026-12-07 12:00")
    }

    @Test func numberFormatsAreToldApart() {
        #expect(NumberFormat.custom("yyyy\\-mm\\-dd").date)
        #expect(NumberFormat.custom("yyyy\"年\"m\"月\"d\"日\"").date)
        #expect(NumberFormat.custom("h:mm").time && !NumberFormat.custom("h:mm").date)
        #expect(NumberFormat.custom("General") == NumberFormat())
        #expect(NumberFormat.custom("0.00_);[Red](0.00)") == NumberFormat())
        #expect(NumberFormat.custom("\"day\" 0") == NumberFormat(), "letters in quotes are text")
        #expect(NumberFormat.builtIn(14).date && NumberFormat.builtIn(20).time && NumberFormat.builtIn(49) == NumberFormat())
    }

    @Test func numbersAreShownAsGeneralShowsThem() {
        #expect(ExcelNumber.text(1) == "1")
        #expect(ExcelNumber.text(13823456789) == "13823456789")
        #expect(ExcelNumber.text(0.1 + 0.2) == "0.3")
        #expect(ExcelNumber.text(440305198003121235) == "4.40305198003121E+17")
    }

    @Test func escapedCharactersAreRestored() {
        #expect(unescapeOOXML("a_x000D_b") == "a\rb")
        #expect(unescapeOOXML("_x_y") == "_x_y")
    }
}

/// Hostile workbooks are refused fast, with a message, never a crash, a hang or a memory blow-up.
@Suite struct HostileWorkbooks {
    static let contentTypes = #"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>"#
    static let workbook =
        #"<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="批量" sheetId="1" r:id="rId1"/></sheets></workbook>"#
    static let rels =
        #"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#

    /// A workbook whose parts are given; the sheet part as a provider of `size` bytes.
    static func workbook(sheetSize: Int, sheet: @escaping (Int64, Int) -> Data, workbookXML: String = workbook) throws -> Data {
        let archive = try Archive(accessMode: .create)
        for (path, text) in [("[Content_Types].xml", contentTypes), ("xl/workbook.xml", workbookXML), ("xl/_rels/workbook.xml.rels", rels)] {
            let d = Data(text.utf8)
            try archive.addEntry(with: path, type: .file, uncompressedSize: Int64(d.count), compressionMethod: .deflate) { p, n in
                d.subdata(in: Int(p)..<min(d.count, Int(p) + n))
            }
        }
        try archive.addEntry(
            with: "xl/worksheets/sheet1.xml", type: .file, uncompressedSize: Int64(sheetSize),
            compressionMethod: .deflate, bufferSize: 1 << 20
        ) { p, n in sheet(p, n) }
        return try #require(archive.data)
    }

    static func write(_ data: Data) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("certpack-hostile-\(UUID().uuidString).xlsx")
        try data.write(to: url)
        return url
    }

    /// Reads `url` and returns the refusal and how long it took.
    static func refusal(_ url: URL, limits: XLSXReader.Limits = .standard) -> (String, Double) {
        let start = Date()
        defer { try? FileManager.default.removeItem(at: url) }
        do {
            _ = try XLSXReader.read(url: url, limits: limits)
            return ("read without complaint", Date().timeIntervalSince(start))
        } catch {
            return ("\(error)", Date().timeIntervalSince(start))
        }
    }

    @Test func aZipBombIsRefusedByItsDeclaredSize() throws {
        // 80 MB of spaces (over the 64 MB a part may have), deflated to ~80 KB.
        let chunk = Data(repeating: 0x20, count: 1 << 20)
        let bomb = try Self.workbook(sheetSize: 80 << 20) { _, n in chunk.prefix(n) }
        #expect(bomb.count < 1 << 20)
        let (message, seconds) = Self.refusal(try Self.write(bomb))
        #expect(message.contains("过大") && message.contains("压缩炸弹"), "\(message)")
        #expect(seconds < 1)
    }

    @Test func aZipBombThatLiesAboutItsSizeIsStoppedAtTheSizeItDeclared() throws {
        let chunk = Data(repeating: 0x20, count: 1 << 20)
        var bomb = try Self.workbook(sheetSize: 32 << 20) { _, n in chunk.prefix(n) }
        // Declare 1000 bytes for the sheet in its local header and in the central directory.
        let name = Data("xl/worksheets/sheet1.xml".utf8)
        var patched = 0
        for (signature, sizeOffset, nameOffset) in [([0x50, 0x4B, 0x03, 0x04] as [UInt8], 22, 30), ([0x50, 0x4B, 0x01, 0x02], 24, 46)] {
            var from = bomb.startIndex
            while let r = bomb.range(of: Data(signature), in: from..<bomb.endIndex) {
                from = r.upperBound
                let at = r.lowerBound
                guard at + nameOffset + name.count <= bomb.endIndex, bomb[(at + nameOffset)..<(at + nameOffset + name.count)] == name else {
                    continue
                }
                bomb.replaceSubrange((at + sizeOffset)..<(at + sizeOffset + 4), with: [0xE8, 0x03, 0, 0])
                patched += 1
            }
        }
        #expect(patched == 2)
        let (message, seconds) = Self.refusal(try Self.write(bomb))
        #expect(message.contains("比声明的大小大"), "\(message)")
        #expect(seconds < 1)
    }

    @Test func billionLaughsIsRefusedBeforeParsing() throws {
        var entities = "<!ENTITY lol \"lol\">"
        for n in 1...9 { entities += "<!ENTITY lol\(n) \"" + String(repeating: "&lol\(n == 1 ? "" : String(n - 1));", count: 10) + "\">" }
        let laughs =
            "<?xml version=\"1.0\"?><!DOCTYPE workbook [\(entities)]><workbook><sheets><sheet name=\"&lol9;\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>"
        let sheet = Data("<worksheet/>".utf8)
        let book = try Self.workbook(sheetSize: sheet.count, sheet: { _, _ in sheet }, workbookXML: laughs)
        let (message, seconds) = Self.refusal(try Self.write(book))
        #expect(message.contains("DTD"), "\(message)")
        #expect(seconds < 1)
    }

    @Test func tooManyRowsOrAColumnTooFarAreRefusedWithAMessage() throws {
        let rows = (1...50).map { "<row r=\"\($0)\"><c r=\"A\($0)\" t=\"inlineStr\"><is><t>x</t></is></c></row>" }.joined()
        let tall = Data("<worksheet><sheetData>\(rows)</sheetData></worksheet>".utf8)
        var limits = XLSXReader.Limits()
        limits.rows = 20
        let (message, _) = Self.refusal(
            try Self.write(try Self.workbook(sheetSize: tall.count) { p, n in tall.subdata(in: Int(p)..<min(tall.count, Int(p) + n)) }),
            limits: limits)
        #expect(message.contains("超过 20 行"), "\(message)")

        let wide = Data("<worksheet><sheetData><row r=\"3\"><c r=\"ZZ3\"><v>1</v></c></row></sheetData></worksheet>".utf8)
        let (wideMessage, _) = Self.refusal(
            try Self.write(try Self.workbook(sheetSize: wide.count) { p, n in wide.subdata(in: Int(p)..<min(wide.count, Int(p) + n)) }))
        #expect(wideMessage.contains("第 3 行的 ZZ 列"), "\(wideMessage)")
    }

    @Test func aZipWithTooManyEntriesIsRefusedBeforeAnyIsRead() throws {
        let sheet = Data("<worksheet/>".utf8)
        var limits = XLSXReader.Limits()
        limits.entries = 3
        let (message, _) = Self.refusal(try Self.write(try Self.workbook(sheetSize: sheet.count) { _, _ in sheet }), limits: limits)
        #expect(message.contains("超过 3 个"), "\(message)")
    }

    @Test func aFileThatIsNotAZipIsNamedForWhatItIs() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("certpack-notzip-\(UUID().uuidString).xlsx")
        try Data("单位名称,统一社会信用代码\n".utf8).write(to: url)
        let (message, _) = Self.refusal(url)
        #expect(message.contains("不是有效的 .xlsx"), "\(message)")
    }
}

@Suite struct OtherSpreadsheetFormats {
    @Test(arguments: ["批量.xls", "批量.et", "批量.xlsb", "批量.numbers", "批量.ods"])
    func areRecognisedAndRefusedWithWhatToDo(_ name: String) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("certpack-kinds-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent(name)
        try Data([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0]).write(to: url)
        let error = #expect(throws: BatchFileError.self) { try BatchInput.read(url: url) }
        #expect(error?.detail.contains("另存为 .xlsx") == true, "\(String(describing: error))")
    }

    @Test func anOldExcelFileWithACSVNameIsKnownByItsBytes() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("certpack-kinds-\(UUID().uuidString).csv")
        defer { try? FileManager.default.removeItem(at: url) }
        try Data([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0]).write(to: url)
        #expect(SpreadsheetKind.of(url) == .legacyExcel)
    }
}

/// Cell types the fixtures do not all have: booleans, errors, formula strings, phonetic guides,
/// `_xHHHH_` escapes, cells without a reference, prefixed element names (as .NET writers make them).
@Test func everyCellTypeIsReadAsExcelShowsIt() throws {
    let parts: [(String, String)] = [
        (
            "xl/workbook.xml",
            #"<x:workbook xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><x:workbookPr date1904="1"/><x:sheets><x:sheet name="数据" sheetId="1" r:id="rId7"/></x:sheets></x:workbook>"#
        ),
        (
            "xl/_rels/workbook.xml.rels",
            #"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId7" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="/xl/worksheets/data.xml"/><Relationship Id="rId8" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="strings.xml"/><Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>"#
        ),
        (
            "xl/strings.xml",
            #"<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><r><t>王</t></r><r><t xml:space="preserve">䶮</t></r><rPh sb="0" eb="1"><t>ワン</t></rPh></si><si><t>第一行_x000A_第二行</t></si></sst>"#
        ),
        (
            "xl/styles.xml",
            #"<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts><numFmt numFmtId="170" formatCode="yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;"/></numFmts><cellStyleXfs><xf numFmtId="14"/></cellStyleXfs><cellXfs><xf numFmtId="0"/><xf numFmtId="170"/><xf numFmtId="49"/></cellXfs></styleSheet>"#
        ),
        (
            "xl/worksheets/data.xml",
            #"<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData><x:row><x:c t="s"><x:v>0</x:v></x:c><x:c t="s"><x:v>1</x:v></x:c><x:c t="b"><x:v>1</x:v></x:c><x:c t="e"><x:v>#N/A</x:v></x:c><x:c t="str"><x:f>A1&amp;"诊所"</x:f><x:v>王䶮诊所</x:v></x:c><x:c s="1"><x:v>44901</x:v></x:c><x:c s="2"><x:v>518057</x:v></x:c><x:c><x:f>1/0</x:f></x:c><x:c t="inlineStr"><x:is><x:t>𠮷</x:t></x:is></x:c></x:row></x:sheetData></x:worksheet>"#
        ),
    ]
    let archive = try Archive(accessMode: .create)
    for (path, text) in parts {
        let d = Data(text.utf8)
        try archive.addEntry(with: path, type: .file, uncompressedSize: Int64(d.count), compressionMethod: .deflate) { p, n in
            d.subdata(in: Int(p)..<min(d.count, Int(p) + n))
        }
    }
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("certpack-types-\(UUID().uuidString).xlsx")
    defer { try? FileManager.default.removeItem(at: url) }
    try #require(archive.data).write(to: url)
    let sheet = try XLSXReader.read(url: url)
    #expect(sheet.name == "数据")
    let cells = try #require(sheet.rows.first).cells
    #expect(sheet.rows.first?.row == 1)
    #expect(
        cells.map(\.value) == [
            .text("王䶮"), .text("第一行\n第二行"), .bool(true), .error("#N/A"), .text("王䶮诊所"),
            .date("2026-12-07"), .number("518057"), .text("𠮷"),
        ])
    #expect(cells.map(\.column) == [0, 1, 2, 3, 4, 5, 6, 8], "a formula never calculated is an empty cell")
}
