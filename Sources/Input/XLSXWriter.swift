import Foundation
import ZIPFoundation

/// A workbook to write as .xlsx (Office Open XML, as Excel 2007+, LibreOffice, WPS and openpyxl read
/// it): sheets of text and number cells, with the few things a form to fill needs: a bold frozen
/// header, columns formatted as text (`@`, so Excel keeps 0755… and 18-digit IDs as typed), column
/// widths sized to the content, dropdown lists (data validation) and notes (comments) on cells.
/// Cells out, no domain knowledge. The same workbook gives the same bytes (fixed zip dates).
public struct XLSXWorkbook: Sendable {
    public enum Value: Sendable, Equatable {
        case text(String)
        case number(Double)
    }

    /// A dropdown list on the cells of one column, rows `rows` (1-based, as Excel numbers them).
    public struct ListValidation: Sendable {
        public var column: Int
        public var rows: ClosedRange<Int>
        public var values: [String]
        /// Stop (refuse other values) or only warn.
        public var strict: Bool
        public init(column: Int, rows: ClosedRange<Int>, values: [String], strict: Bool = true) {
            self.column = column
            self.rows = rows
            self.values = values
            self.strict = strict
        }
    }

    public struct Note: Sendable {
        public var row: Int
        public var column: Int
        public var text: String
        public init(row: Int, column: Int, text: String) {
            self.row = row
            self.column = column
            self.text = text
        }
    }

    public struct Sheet: Sendable {
        public var name: String
        /// Row by row from row 1; nil is an empty cell.
        public var rows: [[Value?]]
        /// Rows (1-based) written bold: the header.
        public var boldRows: Set<Int> = []
        /// Keep the first `frozenRows` rows in view when scrolling.
        public var frozenRows = 0
        /// Columns (0-based) whose every cell is formatted as text (`@`), also the ones typed later.
        public var textColumns: Set<Int> = []
        /// Wrap long text in these columns.
        public var wrapColumns: Set<Int> = []
        /// Column widths in characters; columns not given are sized to their content.
        public var widths: [Int: Double] = [:]
        public var validations: [ListValidation] = []
        public var notes: [Note] = []
        public init(name: String, rows: [[Value?]]) {
            self.name = name
            self.rows = rows
        }
    }

    public var sheets: [Sheet]
    public init(sheets: [Sheet]) { self.sheets = sheets }

    /// The .xlsx file.
    public func data() throws -> Data {
        let archive = try Archive(accessMode: .create)
        var parts: [(String, String)] = [
            ("[Content_Types].xml", contentTypes),
            (
                "_rels/.rels",
                """
                <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>
                """
            ),
            ("xl/workbook.xml", workbookXML),
            ("xl/_rels/workbook.xml.rels", workbookRels),
            ("xl/styles.xml", Self.styles),
        ]
        var commentsIndex = 0
        for (n, sheet) in sheets.enumerated() {
            var legacy: String? = nil
            if !sheet.notes.isEmpty {
                commentsIndex += 1
                legacy = "rId1"
                parts.append(
                    (
                        "xl/worksheets/_rels/sheet\(n + 1).xml.rels",
                        """
                        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                        <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/vmlDrawing" Target="../drawings/vmlDrawing\(commentsIndex).vml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments" Target="../comments\(commentsIndex).xml"/></Relationships>
                        """
                    ))
                parts.append(("xl/comments\(commentsIndex).xml", Self.comments(sheet.notes)))
                parts.append(("xl/drawings/vmlDrawing\(commentsIndex).vml", Self.vml(sheet.notes)))
            }
            parts.append(("xl/worksheets/sheet\(n + 1).xml", Self.worksheet(sheet, legacyDrawing: legacy)))
        }
        let date = Date(timeIntervalSince1970: 1_767_225_600)  // 2026-01-01: the same bytes every time
        for (path, text) in parts {
            let bytes = Data(text.utf8)
            try archive.addEntry(
                with: path, type: .file, uncompressedSize: Int64(bytes.count), modificationDate: date,
                compressionMethod: .deflate
            ) { position, size in
                bytes.subdata(in: Int(position)..<min(bytes.count, Int(position) + size))
            }
        }
        guard let data = archive.data else { throw XLSXReader.Unreadable(detail: "无法生成 .xlsx") }
        return data
    }

    // MARK: - Parts

    private var contentTypes: String {
        var s = """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Default Extension="vml" ContentType="application/vnd.openxmlformats-officedocument.vmlDrawing"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>
            """
        var c = 0
        for (n, sheet) in sheets.enumerated() {
            s +=
                "<Override PartName=\"/xl/worksheets/sheet\(n + 1).xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>"
            if !sheet.notes.isEmpty {
                c += 1
                s +=
                    "<Override PartName=\"/xl/comments\(c).xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml\"/>"
            }
        }
        return s + "</Types>"
    }

    private var workbookXML: String {
        var s = """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><workbookPr/><bookViews><workbookView activeTab="0"/></bookViews><sheets>
            """
        for (n, sheet) in sheets.enumerated() {
            s += "<sheet name=\"\(Self.escape(sheet.name))\" sheetId=\"\(n + 1)\" r:id=\"rId\(n + 1)\"/>"
        }
        return s + "</sheets></workbook>"
    }

    private var workbookRels: String {
        var s = """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
            """
        for n in sheets.indices {
            s +=
                "<Relationship Id=\"rId\(n + 1)\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet\(n + 1).xml\"/>"
        }
        s +=
            "<Relationship Id=\"rId\(sheets.count + 1)\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/>"
        return s + "</Relationships>"
    }

    /// Cell styles: 0 plain, 1 bold, 2 text (@), 3 bold text, 4 wrapped, 5 wrapped text.
    private static let styles = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><fonts count="2"><font><sz val="11"/><name val="等线"/><family val="2"/><charset val="134"/></font><font><b/><sz val="11"/><name val="等线"/><family val="2"/><charset val="134"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="6"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/><xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="49" fontId="1" fillId="0" borderId="0" xfId="0" applyNumberFormat="1" applyFont="1"/><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1"><alignment wrapText="1" vertical="top"/></xf><xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1" applyAlignment="1"><alignment wrapText="1" vertical="top"/></xf></cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>
        """

    private static func style(bold: Bool, text: Bool, wrap: Bool) -> Int {
        if wrap { return text ? 5 : 4 }
        return (bold ? 1 : 0) + (text ? 2 : 0)
    }

    /// The width of a text in Excel's character units: CJK and other wide characters count two.
    static func displayWidth(_ s: String) -> Int {
        s.split(separator: "\n").map { line in line.unicodeScalars.reduce(0) { $0 + ($1.value >= 0x1100 ? 2 : 1) } }.max() ?? 0
    }

    private static func worksheet(_ sheet: Sheet, legacyDrawing: String?) -> String {
        let columnCount = max(sheet.rows.map(\.count).max() ?? 0, (sheet.textColumns.max() ?? -1) + 1)
        var s = """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
            """
        if sheet.frozenRows > 0 {
            let top = "A\(sheet.frozenRows + 1)"
            s +=
                "<sheetViews><sheetView workbookViewId=\"0\"><pane ySplit=\"\(sheet.frozenRows)\" topLeftCell=\"\(top)\" activePane=\"bottomLeft\" state=\"frozen\"/><selection pane=\"bottomLeft\" activeCell=\"\(top)\" sqref=\"\(top)\"/></sheetView></sheetViews>"
        } else {
            s += "<sheetViews><sheetView workbookViewId=\"0\"/></sheetViews>"
        }
        if columnCount > 0 {
            s += "<cols>"
            for c in 0..<columnCount {
                let width =
                    sheet.widths[c]
                    ?? {
                        let content =
                            sheet.rows.compactMap { row -> Int? in
                                guard c < row.count, let v = row[c] else { return nil }
                                switch v {
                                case let .text(t): return displayWidth(t)
                                case let .number(d): return ExcelNumber.text(d).count
                                }
                            }.max() ?? 0
                        return Double(min(max(content + 2, 8), 60))
                    }()
                let st = style(bold: false, text: sheet.textColumns.contains(c), wrap: sheet.wrapColumns.contains(c))
                s += "<col min=\"\(c + 1)\" max=\"\(c + 1)\" width=\"\(width)\" customWidth=\"1\"" + (st == 0 ? "" : " style=\"\(st)\"") + "/>"
            }
            s += "</cols>"
        }
        s += "<sheetData>"
        for (r, row) in sheet.rows.enumerated() {
            s += "<row r=\"\(r + 1)\">"
            for (c, value) in row.enumerated() {
                guard let value else { continue }
                let ref = XLSXWorkbook.reference(row: r + 1, column: c)
                let st = style(bold: sheet.boldRows.contains(r + 1), text: sheet.textColumns.contains(c), wrap: sheet.wrapColumns.contains(c))
                let sAttr = st == 0 ? "" : " s=\"\(st)\""
                switch value {
                case let .text(t):
                    let space = t.first?.isWhitespace == true || t.last?.isWhitespace == true ? " xml:space=\"preserve\"" : ""
                    s += "<c r=\"\(ref)\"\(sAttr) t=\"inlineStr\"><is><t\(space)>\(escape(t))</t></is></c>"
                case let .number(d):
                    s += "<c r=\"\(ref)\"\(sAttr)><v>\(ExcelNumber.text(d))</v></c>"
                }
            }
            s += "</row>"
        }
        s += "</sheetData>"
        if !sheet.validations.isEmpty {
            s += "<dataValidations count=\"\(sheet.validations.count)\">"
            for v in sheet.validations {
                let range = reference(row: v.rows.lowerBound, column: v.column) + ":" + reference(row: v.rows.upperBound, column: v.column)
                let list = "\"" + v.values.joined(separator: ",") + "\""
                s +=
                    "<dataValidation type=\"list\" errorStyle=\"\(v.strict ? "stop" : "warning")\" allowBlank=\"1\" showInputMessage=\"1\" showErrorMessage=\"1\" sqref=\"\(range)\"><formula1>\(escape(list))</formula1></dataValidation>"
            }
            s += "</dataValidations>"
        }
        s += "<pageMargins left=\"0.7\" right=\"0.7\" top=\"0.75\" bottom=\"0.75\" header=\"0.3\" footer=\"0.3\"/>"
        if let legacyDrawing { s += "<legacyDrawing r:id=\"\(legacyDrawing)\"/>" }
        return s + "</worksheet>"
    }

    private static func comments(_ notes: [Note]) -> String {
        var s = """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <comments xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><authors><author>CertPack</author></authors><commentList>
            """
        for n in notes {
            s +=
                "<comment ref=\"\(reference(row: n.row, column: n.column))\" authorId=\"0\"><text><t xml:space=\"preserve\">\(escape(n.text))</t></text></comment>"
        }
        return s + "</commentList></comments>"
    }

    /// The legacy drawing Excel needs to show notes: one hidden text box per note.
    private static func vml(_ notes: [Note]) -> String {
        var s = """
            <xml xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" xmlns:x="urn:schemas-microsoft-com:office:excel"><o:shapelayout v:ext="edit"><o:idmap v:ext="edit" data="1"/></o:shapelayout><v:shapetype id="_x0000_t202" coordsize="21600,21600" o:spt="202" path="m,l,21600r21600,l21600,xe"><v:stroke joinstyle="miter"/><v:path gradientshapeok="t" o:connecttype="rect"/></v:shapetype>
            """
        for (i, n) in notes.enumerated() {
            s +=
                "<v:shape id=\"_x0000_s\(1025 + i)\" type=\"#_x0000_t202\" style=\"position:absolute;margin-left:80pt;margin-top:2pt;width:180pt;height:80pt;z-index:\(i + 1);visibility:hidden\" fillcolor=\"#ffffe1\" o:insetmode=\"auto\"><v:fill color2=\"#ffffe1\"/><v:shadow on=\"t\" color=\"black\" obscured=\"t\"/><v:path o:connecttype=\"none\"/><v:textbox style=\"mso-direction-alt:auto\"><div style=\"text-align:left\"></div></v:textbox><x:ClientData ObjectType=\"Note\"><x:MoveWithCells/><x:SizeWithCells/><x:Anchor>\(n.column + 1), 15, \(n.row - 1), 2, \(n.column + 4), 15, \(n.row + 4), 16</x:Anchor><x:AutoFill>False</x:AutoFill><x:Row>\(n.row - 1)</x:Row><x:Column>\(n.column)</x:Column></x:ClientData></v:shape>"
        }
        return s + "</xml>"
    }

    /// "B3" for row 3, column 1.
    public static func reference(row: Int, column: Int) -> String {
        var n = column + 1
        var letters = ""
        while n > 0 {
            let r = (n - 1) % 26
            letters = String(UnicodeScalar(UInt8(65 + r))) + letters
            n = (n - 1) / 26
        }
        return letters + "\(row)"
    }

    /// XML text and attribute escaping; characters XML 1.0 cannot hold are dropped.
    static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for u in s.unicodeScalars {
            switch u {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "\t", "\n", "\r": out.unicodeScalars.append(u)
            default: if u.value >= 0x20 && u.value != 0xFFFE && u.value != 0xFFFF { out.unicodeScalars.append(u) }
            }
        }
        return out
    }
}
