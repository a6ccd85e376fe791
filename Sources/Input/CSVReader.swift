import Foundation

/// RFC 4180 CSV as spreadsheets write it: fields separated by commas, quoted with `"` when they hold
/// commas, quotes (doubled) or line breaks; rows ended by CRLF or LF.
///
/// Read as Excel reads it: a stray quote inside an unquoted field is kept as a character, and text
/// after a closing quote is appended to the field, so a hand-edited cell such as `康宁"诊所"` is
/// one row's problem (if any), not the whole file's. Only a quote that is never closed stops the file.
public enum CSVReader {
    /// One record. `row` is the row number the spreadsheet shows (the header is row 1, a blank line
    /// is a row, a cell with line breaks is still one row); `line` is the text line it starts on.
    public struct Row: Equatable, Sendable {
        public var row: Int
        public var line: Int
        public var fields: [String]
        public init(row: Int, line: Int, fields: [String]) {
            self.row = row
            self.line = line
            self.fields = fields
        }
    }

    public struct Malformed: Error, CustomStringConvertible, Equatable {
        /// The spreadsheet row and the text line where the problem starts.
        public var row: Int
        public var line: Int
        public var detail: String
        public var description: String { row == line ? "第 \(row) 行：\(detail)" : "第 \(row) 行（文本第 \(line) 行）：\(detail)" }
    }

    /// Splits `text` into rows of fields. Blank lines are skipped (but counted as rows).
    /// `separator` is `,` for CSV and TAB for Excel's 「文本文件（制表符分隔）」 and 「Unicode 文本」.
    public static func parse(_ text: String, separator: Unicode.Scalar = ",") throws -> [Row] {
        var rows: [Row] = []
        var field = ""
        var fields: [String] = []
        var line = 1
        var lineStart = 1
        var row = 1
        var quoted = false
        var wasQuoted = false
        var iterator = text.unicodeScalars.makeIterator()
        var pending: Unicode.Scalar? = nil

        func endRow() {
            fields.append(field)
            if !(fields.count == 1 && fields[0].isEmpty && !wasQuoted) { rows.append(Row(row: row, line: lineStart, fields: fields)) }
            fields = []
            field = ""
            wasQuoted = false
            row += 1
        }

        while let c = pending ?? iterator.next() {
            pending = nil
            if quoted {
                if c == "\"" {
                    let next = iterator.next()
                    if next == "\"" {
                        field.unicodeScalars.append("\"")
                    } else {
                        quoted = false
                        pending = next
                    }
                } else {
                    if c == "\n" { line += 1 }
                    field.unicodeScalars.append(c)
                }
                continue
            }
            switch c {
            case "\"":
                // Opens a quoted field at the start of a cell; anywhere else it is a literal quote (as Excel reads it).
                if field.isEmpty && !wasQuoted {
                    quoted = true
                    wasQuoted = true
                } else {
                    field.unicodeScalars.append(c)
                }
            case separator:
                fields.append(field)
                field = ""
                wasQuoted = false
            case "\r":
                let next = iterator.next()
                if next != "\n" { pending = next }
                endRow()
                line += 1
                lineStart = line
            case "\n":
                endRow()
                line += 1
                lineStart = line
            default:
                field.unicodeScalars.append(c)
            }
        }
        if quoted {
            throw Malformed(row: row, line: lineStart, detail: "引号未闭合：以 \" 开头的单元格直到文件结尾都没有结束的 \"，请检查这一行")
        }
        if !field.isEmpty || !fields.isEmpty || wasQuoted { endRow() }
        return rows
    }

    /// The separator of a file: TAB when its first line has TABs and no comma (tab-separated text), else `,`.
    public static func separator(of text: String) -> Unicode.Scalar {
        let firstLine = text.unicodeScalars.prefix { $0 != "\n" && $0 != "\r" }
        let tabs = firstLine.filter { $0 == "\t" }.count
        let commas = firstLine.filter { $0 == "," }.count
        return tabs > 0 && tabs > commas ? "\t" : ","
    }

    /// Quotes a field when it needs it.
    public static func escape(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
