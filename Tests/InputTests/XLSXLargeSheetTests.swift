import Foundation
import Testing
import ZIPFoundation

@testable import Input

/// A sheet whose XML is larger than libxml2 takes in one piece (10 MB: some 40 000 rows, as a roster
/// of 20 000 organisations exports) is read, not refused as invalid XML.
@Test func aSheetOfMoreThanTenMegabytesOfXMLIsRead() throws {
    let row: [XLSXWorkbook.Value?] = (0..<30).map { .text("深圳市南山区科技路\($0)号康宁大厦") }
    let rows = Array(repeating: row, count: 12_000)
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("certpack-large-\(UUID().uuidString).xlsx")
    defer { try? FileManager.default.removeItem(at: url) }
    let data = try XLSXWorkbook(sheets: [XLSXWorkbook.Sheet(name: "批量", rows: rows)]).data()
    try data.write(to: url)
    let sheetXML = try Archive(data: data, accessMode: .read).filter { $0.path.hasPrefix("xl/worksheets/") }.map(\.uncompressedSize).max() ?? 0
    #expect(sheetXML > 10 << 20)
    var limits = XLSXReader.Limits()
    limits.rows = 50_000
    let sheet = try XLSXReader.read(url: url, limits: limits)
    #expect(sheet.rows.count == 12_000)
    #expect(sheet.rows.last?.cells.count == 30)
}
