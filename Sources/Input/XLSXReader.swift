import Foundation
import Rules
import ZIPFoundation

#if canImport(FoundationXML)
    import FoundationXML
#endif

// About 570 lines in one file on purpose: the limits on the zip, the parsers of its parts (workbook,
// relationships, shared strings, styles, the sheet) and the number formats are one reader's and
// share its limits and its refusals (`Unreadable`); each part on its own is short.

/// Reads one sheet of an Office Open XML workbook (.xlsx) into rows of cells, as the spreadsheet
/// program shows them: shared and inline strings (rich-text runs joined), numbers, booleans, dates and
/// times (by the cell's number format, 1900 or 1904 date system), formulas by their cached value.
/// Cells in, cells out: what the cells mean is the caller's business.
///
/// The zip is read with ZIPFoundation and the XML with FoundationXML's `XMLParser`. A workbook is
/// untrusted input: the zip's size and entry count, each part's declared and actual uncompressed size,
/// and the sheet's rows and columns are limited; a part with a DTD (`<!DOCTYPE`, entities) is refused
/// before it is parsed. Every refusal is an `XLSXReader.Unreadable` in Chinese, never a crash.
public enum XLSXReader {
    /// How much of a workbook is read before it is refused.
    public struct Limits: Sendable {
        /// The .xlsx file itself.
        public var fileBytes: Int = 32 << 20
        /// Entries in the zip (a workbook has a few dozen).
        public var entries: Int = 2000
        /// One XML part, uncompressed.
        public var partBytes: Int = 64 << 20
        /// All the parts read, uncompressed.
        public var totalBytes: Int = 128 << 20
        /// Rows that hold a value.
        public var rows: Int = 20_000
        /// Columns: a cell with a value further right is refused.
        public var columns: Int = 256
        public init() {}
        public static let standard = Limits()
    }

    /// A cell's value as stored.
    public enum Value: Equatable, Sendable {
        case text(String)
        /// A number, written as the spreadsheet shows it in the General format (up to 15 significant digits).
        case number(String)
        /// A number formatted as a date or time: `YYYY-MM-DD`, `HH:MM` or `YYYY-MM-DD HH:MM`.
        case date(String)
        case bool(Bool)
        /// An error value such as `#N/A`.
        case error(String)
    }

    public struct Cell: Equatable, Sendable {
        /// 0 for column A.
        public var column: Int
        public var value: Value
        /// The value as text.
        public var text: String {
            switch value {
            case let .text(s), let .number(s), let .date(s), let .error(s): s
            case let .bool(b): b ? "TRUE" : "FALSE"
            }
        }
        public var isNumber: Bool { if case .number = value { true } else { false } }
    }

    /// A row that holds at least one value; `row` is the number Excel shows (1 for the first).
    public struct Row: Equatable, Sendable {
        public var row: Int
        /// Cells with a value, left to right.
        public var cells: [Cell]
    }

    public struct Sheet: Sendable {
        public var name: String
        public var rows: [Row]
    }

    /// A workbook that cannot be read, and why (in Chinese).
    public struct Unreadable: Error, CustomStringConvertible, Equatable {
        public var detail: String
        public var description: String { detail }
    }

    /// The names of the sheets, in the workbook's order.
    public static func sheetNames(url: URL, limits: Limits = .standard) throws -> [String] {
        let book = try Book(url: url, limits: limits)
        return try book.sheets().map(\.name)
    }

    /// Reads the sheet named `preferred` if there is one, else the first sheet.
    public static func read(url: URL, preferring preferred: String? = nil, limits: Limits = .standard) throws -> Sheet {
        let book = try Book(url: url, limits: limits)
        let sheets = try book.sheets()
        guard let chosen = sheets.first(where: { $0.name == preferred }) ?? sheets.first else {
            throw Unreadable(detail: "工作簿中没有工作表")
        }
        let styles = try book.part(book.related("styles") ?? "xl/styles.xml", optional: true).map { try StylesParser.parse($0) } ?? .init()
        let strings =
            try book.part(book.related("sharedStrings") ?? "xl/sharedStrings.xml", optional: true)
            .map { try SharedStringsParser.parse($0) } ?? []
        guard let data = try book.part(chosen.path, optional: false) else { throw Unreadable(detail: "找不到工作表「\(chosen.name)」") }
        let rows = try SheetParser.parse(data, strings: strings, styles: styles, date1904: book.date1904, limits: limits)
        return Sheet(name: chosen.name, rows: rows)
    }

    // MARK: - The zip

    /// The workbook's zip and its directory parts (workbook.xml and its relationships).
    private final class Book {
        let archive: Archive
        let limits: Limits
        var read = 0
        var date1904 = false
        var relationships: [(id: String, type: String, target: String)] = []
        var sheetList: [(name: String, rid: String)] = []

        init(url: URL, limits: Limits) throws {
            self.limits = limits
            // The one safe open: a FIFO or a device is refused before the zip library opens the path.
            let size: Int
            do { size = try InputFile.check(url, limit: .max) } catch let e as InputFile.Refusal {
                throw Unreadable(detail: e.reason)
            }
            if size > limits.fileBytes {
                throw Unreadable(detail: "文件过大（\(size >> 20) MB，上限 \(limits.fileBytes >> 20) MB）")
            }
            // ZIPFoundation looks for the end record byte by byte back from the end: on a large file
            // that is not a zip that takes seconds. A zip starts with PK\3\4 and ends within 64 KB of its end record.
            guard Self.looksLikeZip(url, size: size) else {
                throw Unreadable(detail: "不是有效的 .xlsx 文件（不是 zip 格式）；请在 Excel 中另存为 .xlsx")
            }
            do { archive = try Archive(url: url, accessMode: .read) } catch {
                throw Unreadable(detail: "不是有效的 .xlsx 文件（无法作为 zip 打开）；请在 Excel 中另存为 .xlsx")
            }
            var count = 0
            for _ in archive {
                count += 1
                if count > limits.entries { throw Unreadable(detail: "zip 中的文件过多（超过 \(limits.entries) 个），不像是 Excel 工作簿") }
            }
            guard let workbook = try part("xl/workbook.xml", optional: true) else {
                throw Unreadable(detail: "不是 Excel 工作簿（zip 中没有 xl/workbook.xml）；请在 Excel 中另存为 .xlsx")
            }
            let parsed = try WorkbookParser.parse(workbook)
            sheetList = parsed.sheets
            date1904 = parsed.date1904
            if let rels = try part("xl/_rels/workbook.xml.rels", optional: true) {
                relationships = try RelationshipsParser.parse(rels)
            }
        }

        static func looksLikeZip(_ url: URL, size: Int) -> Bool {
            guard let h = try? FileHandle(forReadingFrom: url) else { return false }
            defer { try? h.close() }
            guard let head = try? h.read(upToCount: 4), head.elementsEqual([0x50, 0x4B, 0x03, 0x04]) else { return false }
            let tail = min(size, 65_535 + 22)
            guard (try? h.seek(toOffset: UInt64(size - tail))) != nil, let end = try? h.read(upToCount: tail) else { return false }
            return end.range(of: Data([0x50, 0x4B, 0x05, 0x06])) != nil
        }

        /// The sheets with the zip path of each.
        func sheets() throws -> [(name: String, path: String)] {
            sheetList.map { s in
                let target = relationships.first { $0.id == s.rid }?.target ?? "worksheets/sheet1.xml"
                return (s.name, Self.resolve(target))
            }
        }

        /// The part a relationship of the workbook points to, by the last word of its type.
        func related(_ type: String) -> String? {
            relationships.first { $0.type.hasSuffix("/" + type) }.map { Self.resolve($0.target) }
        }

        /// A relationship target, relative to xl/ unless absolute.
        static func resolve(_ target: String) -> String {
            target.hasPrefix("/") ? String(target.dropFirst()) : "xl/" + target
        }

        /// The bytes of one part, within its declared size and the limits; nil when absent and optional.
        func part(_ path: String, optional: Bool) throws -> Data? {
            guard let entry = archive[path] else {
                if optional { return nil }
                throw Unreadable(detail: "工作簿不完整（缺少 \(path)）")
            }
            let declared = Int(clamping: entry.uncompressedSize)
            if declared > limits.partBytes || read + declared > limits.totalBytes {
                throw Unreadable(detail: "工作簿中的 \(path) 解压后过大（\(declared >> 20) MB，上限 \(limits.partBytes >> 20) MB），可能是恶意的压缩炸弹")
            }
            var data = Data()
            data.reserveCapacity(declared)
            do {
                _ = try archive.extract(entry, skipCRC32: false) { chunk in
                    // A zip may lie about sizes: stop as soon as it inflates past what it declared.
                    if data.count + chunk.count > declared { throw Unreadable(detail: "工作簿中的 \(path) 解压后比声明的大小大，可能是恶意的压缩炸弹") }
                    data.append(chunk)
                }
            } catch let e as Unreadable { throw e } catch {
                throw Unreadable(detail: "工作簿已损坏（\(path) 无法解压）；请在 Excel 中重新另存为 .xlsx")
            }
            read += data.count
            return data
        }
    }
}

// MARK: - XML parts

/// The common part of every part parser: element names without their namespace prefix, and a
/// refusal of DTDs and entity declarations before and during parsing.
private class PartParser: NSObject, XMLParserDelegate {
    var failure: XLSXReader.Unreadable?
    var text = ""
    var collecting = false

    /// Parses `data` with this delegate; throws what the delegate or the parser found wrong.
    func run(_ data: Data, part: String) throws {
        if data.starts(with: [0xFF, 0xFE]) || data.starts(with: [0xFE, 0xFF]) || data.starts(with: [0x3C, 0x00]) || data.starts(with: [0x00, 0x3C]) {
            throw XLSXReader.Unreadable(detail: "工作簿中的 \(part) 是 UTF-16 编码，无法读取；请在 Excel 中另存为 .xlsx")
        }
        // No part of a workbook has a DTD; one that does may expand entities (billion laughs) or fetch files.
        for marker in ["<!DOCTYPE", "<!ENTITY"] where data.range(of: Data(marker.utf8)) != nil {
            throw XLSXReader.Unreadable(detail: "工作簿中的 \(part) 含有 DTD（\(marker)），Excel 不会写这样的文件，拒绝读取")
        }
        // From a stream, so libxml2 gets the part in small chunks: one chunk of more than 10 MB (a
        // sheet of some 40 000 rows) is refused by its lookup limit as "not valid XML".
        let parser = XMLParser(stream: InputStream(data: data))
        parser.shouldResolveExternalEntities = false
        parser.shouldProcessNamespaces = false
        parser.delegate = self
        let ok = parser.parse()
        if let failure { throw failure }
        if !ok {
            let line = parser.lineNumber
            throw XLSXReader.Unreadable(detail: "工作簿中的 \(part) 不是有效的 XML（第 \(line) 行）；请在 Excel 中重新另存为 .xlsx")
        }
    }

    func fail(_ parser: XMLParser, _ detail: String) {
        if failure == nil { failure = XLSXReader.Unreadable(detail: detail) }
        parser.abortParsing()
    }

    static func local(_ name: String) -> Substring {
        name.lastIndex(of: ":").map { name[name.index(after: $0)...] } ?? name[...]
    }

    /// An attribute by local name (`r:id` and `id` under any prefix).
    static func attribute(_ attributes: [String: String], _ name: String) -> String? {
        if let v = attributes[name] { return v }
        return attributes.first { local($0.key) == name[...] }?.value
    }

    // Overridden by each part; declared here so that XMLParser sees them through the protocol.
    func parser(
        _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]
    ) {}
    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {}
    func parser(_ parser: XMLParser, foundCharacters string: String) { if collecting { text += string } }
    func parser(_ parser: XMLParser, foundInternalEntityDeclarationWithName name: String, value: String?) {
        fail(parser, "工作簿含有实体声明，拒绝读取")
    }
    func parser(_ parser: XMLParser, foundExternalEntityDeclarationWithName name: String, publicID: String?, systemID: String?) {
        fail(parser, "工作簿含有外部实体，拒绝读取")
    }
}

/// xl/workbook.xml: the sheets in order, and the date system.
private final class WorkbookParser: PartParser {
    var sheets: [(name: String, rid: String)] = []
    var date1904 = false

    static func parse(_ data: Data) throws -> (sheets: [(name: String, rid: String)], date1904: Bool) {
        let p = WorkbookParser()
        try p.run(data, part: "xl/workbook.xml")
        return (p.sheets, p.date1904)
    }

    override func parser(
        _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]
    ) {
        switch Self.local(elementName) {
        case "sheet":
            if let name = attributes["name"], let rid = Self.attribute(attributes, "id") { sheets.append((name, rid)) }
        case "workbookPr":
            let v = (attributes["date1904"] ?? "").lowercased()
            date1904 = v == "1" || v == "true"
        default: break
        }
    }
}

/// A .rels part: relationship id, type and target.
private final class RelationshipsParser: PartParser {
    var found: [(id: String, type: String, target: String)] = []

    static func parse(_ data: Data) throws -> [(id: String, type: String, target: String)] {
        let p = RelationshipsParser()
        try p.run(data, part: "xl/_rels/workbook.xml.rels")
        return p.found
    }

    override func parser(
        _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]
    ) {
        guard Self.local(elementName) == "Relationship", let id = attributes["Id"], let target = attributes["Target"] else { return }
        found.append((id, attributes["Type"] ?? "", target))
    }
}

/// What a cell's style says about how to show a number: as is, as a date, a time, or both.
struct NumberFormat: Equatable {
    var date = false
    var time = false

    /// Built-in formats (ECMA-376 18.8.30, with the Chinese locale's 27–36 and 50–58).
    static func builtIn(_ id: Int) -> NumberFormat {
        switch id {
        case 14...17, 27...31, 36, 50...54, 57, 58: NumberFormat(date: true)
        case 18...21, 32...35, 45...47, 55, 56: NumberFormat(time: true)
        case 22: NumberFormat(date: true, time: true)
        default: NumberFormat()
        }
    }

    /// A custom format code: dates have y or d; times have h or s, outside quotes, escapes and
    /// [colour]/[locale] brackets ([h] and [mm] elapsed times count as times).
    static func custom(_ code: String) -> NumberFormat {
        var f = NumberFormat()
        let section = (code.split(separator: ";", omittingEmptySubsequences: false).first ?? "").lowercased()
            .replacingOccurrences(of: "general", with: "")  // LibreOffice names General as a custom format
        var quoted = false
        var escaped = false
        var bracket = false
        for c in section {
            if escaped {
                escaped = false
                continue
            }
            if quoted {
                if c == "\"" { quoted = false }
                continue
            }
            if bracket {
                if c == "]" { bracket = false } else if c == "h" || c == "s" { f.time = true }
                continue
            }
            switch c {
            case "\"": quoted = true
            case "\\", "_", "*": escaped = true
            case "[": bracket = true
            case "y", "d": f.date = true
            case "h", "s": f.time = true
            default: break
            }
        }
        return f
    }
}

/// xl/styles.xml: the number format of each cell style (`s` of a cell).
private final class StylesParser: PartParser {
    var custom: [Int: String] = [:]
    var formatIDs: [Int] = []
    var inCellXfs = false

    struct Styles { var formats: [NumberFormat] = [] }

    static func parse(_ data: Data) throws -> Styles {
        let p = StylesParser()
        try p.run(data, part: "xl/styles.xml")
        return Styles(formats: p.formatIDs.map { id in p.custom[id].map(NumberFormat.custom) ?? NumberFormat.builtIn(id) })
    }

    override func parser(
        _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]
    ) {
        switch Self.local(elementName) {
        case "numFmt":
            if let id = attributes["numFmtId"].flatMap(Int.init), let code = attributes["formatCode"] { custom[id] = code }
        case "cellXfs": inCellXfs = true
        case "xf" where inCellXfs: formatIDs.append(attributes["numFmtId"].flatMap(Int.init) ?? 0)
        default: break
        }
    }

    override func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
        if Self.local(elementName) == "cellXfs" { inCellXfs = false }
    }
}

/// Excel escapes characters XML cannot hold as `_xHHHH_` (and a literal `_x` as `_x005F_x`).
func unescapeOOXML(_ s: String) -> String {
    guard s.contains("_x") else { return s }
    var out = ""
    var rest = s[...]
    while let r = rest.range(of: "_x") {
        out += rest[..<r.lowerBound]
        let after = rest[r.upperBound...]
        let hex = after.prefix(4)
        if hex.count == 4, after.dropFirst(4).first == "_", let code = UInt32(hex, radix: 16), let scalar = Unicode.Scalar(code) {
            out.unicodeScalars.append(scalar)
            rest = after.dropFirst(5)
        } else {
            out += "_x"
            rest = after
        }
    }
    return out + rest
}

/// xl/sharedStrings.xml: every `<si>`, its text and the text of its rich-text runs, without the
/// phonetic guides (`<rPh>`) that Japanese and Chinese Excel add.
private final class SharedStringsParser: PartParser {
    var strings: [String] = []
    var current = ""
    var phonetic = false

    static func parse(_ data: Data) throws -> [String] {
        let p = SharedStringsParser()
        try p.run(data, part: "xl/sharedStrings.xml")
        return p.strings
    }

    override func parser(
        _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]
    ) {
        switch Self.local(elementName) {
        case "si": current = ""
        case "rPh": phonetic = true
        case "t" where !phonetic:
            collecting = true
            text = ""
        default: break
        }
    }

    override func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
        switch Self.local(elementName) {
        case "t" where collecting:
            current += text
            collecting = false
        case "rPh": phonetic = false
        case "si": strings.append(unescapeOOXML(current))
        default: break
        }
    }
}

/// A worksheet's `<sheetData>`: rows of cells, typed by `t` and the style's number format.
private final class SheetParser: PartParser {
    let strings: [String]
    let styles: StylesParser.Styles
    let date1904: Bool
    let limits: XLSXReader.Limits
    var rows: [XLSXReader.Row] = []
    var rowNumber = 0
    var cells: [XLSXReader.Cell] = []
    // The cell being read.
    var column = -1
    var type = "n"
    var style = 0
    var value: String?
    var inline = ""
    var inInline = false
    var phonetic = false

    init(strings: [String], styles: StylesParser.Styles, date1904: Bool, limits: XLSXReader.Limits) {
        self.strings = strings
        self.styles = styles
        self.date1904 = date1904
        self.limits = limits
    }

    static func parse(_ data: Data, strings: [String], styles: StylesParser.Styles, date1904: Bool, limits: XLSXReader.Limits) throws -> [XLSXReader
        .Row]
    {
        let p = SheetParser(strings: strings, styles: styles, date1904: date1904, limits: limits)
        try p.run(data, part: "工作表")
        return p.rows
    }

    /// "AB12" → 27 (0-based column), nil when there are no letters; past 3 letters, 2^20.
    static func column(of reference: String) -> Int? {
        var n = 0
        var letters = 0
        for u in reference.utf8 {
            guard u >= 65 && u <= 90 || u >= 97 && u <= 122 else { break }
            n = n * 26 + Int((u | 0x20) - 96)
            letters += 1
            if letters > 3 { return 1 << 20 }  // past XFD: refused if it holds a value
        }
        return letters == 0 ? nil : n - 1
    }

    static func columnName(_ index: Int) -> String {
        var n = index + 1
        var s = ""
        while n > 0 {
            let r = (n - 1) % 26
            s = String(UnicodeScalar(UInt8(65 + r))) + s
            n = (n - 1) / 26
        }
        return s
    }

    override func parser(
        _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]
    ) {
        switch Self.local(elementName) {
        case "row":
            let r = attributes["r"].flatMap(Int.init) ?? rowNumber + 1
            guard r > rowNumber, r <= 1_048_576 else { return fail(parser, "工作表的行号有误（第 \(r) 行），请在 Excel 中重新另存为 .xlsx") }
            rowNumber = r
            cells = []
            column = -1
        case "c":
            column = attributes["r"].flatMap(Self.column(of:)) ?? min(column + 1, 1 << 20)
            type = attributes["t"] ?? "n"
            style = attributes["s"].flatMap(Int.init) ?? 0
            value = nil
            inline = ""
        case "v":
            collecting = true
            text = ""
        case "is": inInline = true
        case "rPh": phonetic = true
        case "t" where inInline && !phonetic:
            collecting = true
            text = ""
        default: break
        }
    }

    override func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
        switch Self.local(elementName) {
        case "v":
            value = text
            collecting = false
        case "t" where collecting:
            inline += text
            collecting = false
        case "rPh": phonetic = false
        case "is":
            inInline = false
            value = inline
        case "c":
            guard let cell = makeCell() else { return }
            if column >= limits.columns {
                return fail(parser, "第 \(rowNumber) 行的 \(Self.columnName(min(column, 16383))) 列有内容，超出了 \(limits.columns) 列的上限；请删去多余的列")
            }
            cells.append(cell)
        case "row":
            guard !cells.isEmpty else { return }
            if rows.count >= limits.rows {
                return fail(parser, "工作表超过 \(limits.rows) 行，请分成几个文件")
            }
            cells.sort { $0.column < $1.column }
            rows.append(XLSXReader.Row(row: rowNumber, cells: cells))
        default: break
        }
    }

    /// The cell just read, or nil when it holds no value.
    func makeCell() -> XLSXReader.Cell? {
        guard let raw = value else { return nil }
        let v: XLSXReader.Value
        switch type {
        case "s":
            guard let i = Int(raw.trimmingCharacters(in: .whitespaces)), i >= 0, i < strings.count else { return nil }
            v = .text(strings[i])
        case "inlineStr", "str": v = .text(unescapeOOXML(raw))
        case "b": v = .bool(raw.trimmingCharacters(in: .whitespaces) == "1" || raw.lowercased() == "true")
        case "e": v = .error(raw)
        case "d": v = .date(String(raw.prefix(10)))  // ISO 8601 (strict OOXML): the date part
        default:
            let trimmed = raw.trimmingCharacters(in: .whitespaces)
            guard let number = Double(trimmed) else { return trimmed.isEmpty ? nil : .init(column: column, value: .text(trimmed)) }
            let format = style >= 0 && style < styles.formats.count ? styles.formats[style] : NumberFormat()
            if format.date || format.time, let shown = ExcelDate.text(serial: number, format: format, date1904: date1904) {
                v = .date(shown)
            } else {
                v = .number(ExcelNumber.text(number))
            }
        }
        if case let .text(s) = v, s.isEmpty { return nil }
        return XLSXReader.Cell(column: column, value: v)
    }
}

/// A number as Excel's General format shows it: integers whole up to 15 digits, else 15 significant digits.
enum ExcelNumber {
    static func text(_ d: Double) -> String {
        if d == d.rounded(), abs(d) < 1e15 { return String(format: "%.0f", d) }
        return String(format: "%.15g", d).uppercased()
    }
}

/// Excel date serials: days since 1899-12-30 (the 1900 system, whose day 60 is the 1900-02-29 that
/// never was) or since 1904-01-01; the fraction is the time of day.
enum ExcelDate {
    static func text(serial: Double, format: NumberFormat, date1904: Bool) -> String? {
        guard serial >= 0, serial < 2_958_466 else { return nil }  // up to 9999-12-31
        var days = Int(serial.rounded(.down))
        var seconds = Int(((serial - Double(days)) * 86_400).rounded())
        if seconds >= 86_400 {
            days += 1
            seconds -= 86_400
        }
        let time = String(format: "%02d:%02d", seconds / 3600, seconds % 3600 / 60)
        if !format.date { return time }
        let (y, m, d): (Int, Int, Int)
        if !date1904 && days == 60 {
            (y, m, d) = (1900, 2, 29)
        } else {
            // Day 0 of the 1900 system is 1899-12-30 for days after the phantom leap day, 12-31 before it.
            let epoch = date1904 ? CivilDate(year: 1904, month: 1, day: 1)! : CivilDate(year: 1899, month: 12, day: days < 60 ? 31 : 30)!
            let date = epoch.adding(days: days)
            (y, m, d) = (date.year, date.month, date.day)
        }
        let date = String(format: "%04d-%02d-%02d", y, m, d)
        return format.time && seconds != 0 ? date + " " + time : date
    }
}
