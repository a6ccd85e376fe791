import Foundation

/// RFC 4180 CSV as spreadsheets write it: fields separated by commas, quoted with `"` when they hold
/// commas, quotes (doubled) or line breaks; rows ended by CRLF or LF.
public enum CSVReader {
    /// One record and the spreadsheet line it starts on (1-based, the header is line 1).
    public struct Row: Equatable, Sendable {
        public var line: Int
        public var fields: [String]
    }

    public struct Malformed: Error, CustomStringConvertible, Equatable {
        public var line: Int
        public var detail: String
        public var description: String { "line \(line): \(detail)" }
    }

    /// Splits `text` into rows of fields. Blank lines are skipped.
    public static func parse(_ text: String) throws -> [Row] {
        var rows: [Row] = []
        var field = ""
        var fields: [String] = []
        var line = 1, rowStart = 1
        var quoted = false, wasQuoted = false
        var iterator = text.unicodeScalars.makeIterator()
        var pending: Unicode.Scalar? = nil

        func endRow() {
            fields.append(field)
            if !(fields.count == 1 && fields[0].isEmpty && !wasQuoted) { rows.append(Row(line: rowStart, fields: fields)) }
            fields = []; field = ""; wasQuoted = false
        }

        while let c = pending ?? iterator.next() {
            pending = nil
            if quoted {
                if c == "\"" {
                    let next = iterator.next()
                    if next == "\"" { field.unicodeScalars.append("\"") } else { quoted = false; pending = next }
                } else {
                    if c == "\n" { line += 1 }
                    field.unicodeScalars.append(c)
                }
                continue
            }
            switch c {
            case "\"":
                if field.isEmpty && !wasQuoted { quoted = true; wasQuoted = true }
                else { throw Malformed(line: line, detail: "a quote inside an unquoted field; quote the whole field and double the quote (\"\")") }
            case ",":
                fields.append(field); field = ""; wasQuoted = false
            case "\r":
                let next = iterator.next()
                if next != "\n" { pending = next }
                endRow(); line += 1; rowStart = line
            case "\n":
                endRow(); line += 1; rowStart = line
            default:
                if wasQuoted { throw Malformed(line: line, detail: "text after a closing quote") }
                field.unicodeScalars.append(c)
            }
        }
        if quoted { throw Malformed(line: rowStart, detail: "a quoted field is never closed") }
        if !field.isEmpty || !fields.isEmpty || wasQuoted { endRow() }
        return rows
    }

    /// Quotes a field when it needs it.
    public static func escape(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
