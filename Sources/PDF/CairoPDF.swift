import FileOutput
import Foundation
import Typeset

// Reading and writing PDFs at the level of objects: what `PDFConcatenation` and `PrintAllPart` share.

/// The output, buffered through `AtomicFile`, counting bytes for the cross-reference table.
struct PDFOutput {
    let file: AtomicFile
    private(set) var count = 0
    init(file: AtomicFile) { self.file = file }

    mutating func append(_ s: String) { try? append(bytes: Array(s.utf8)) }
    mutating func append(bytes: UnsafeRawBufferPointer) throws {
        guard bytes.count > 0 else { return }
        if !file.write(bytes.baseAddress!.assumingMemoryBound(to: UInt8.self), bytes.count) {
            throw OutputError(path: file.url.path, code: file.writeError)
        }
        count += bytes.count
    }
    mutating func append(bytes: [UInt8]) throws { try bytes.withUnsafeBytes { try append(bytes: $0) } }

    /// Checks the file ends with its trailer (every write went through) before it is committed.
    func finish() throws {
        guard String(decoding: file.tail, as: UTF8.self).hasSuffix("%%EOF\n") else {
            throw OutputError(path: file.url.path, code: file.writeError, detail: file.writeError == 0 ? "PDF 不完整（没有写完结尾 %%EOF），未保存" : "")
        }
    }
}

/// One PDF as cairo 1.16 writes it, mapped, with its objects found through its cross-reference table.
struct CairoPDF {
    let url: URL
    let data: Data
    /// In-use object numbers, in file order.
    let objects: [Int]
    /// Object number → its bytes' range (`N 0 obj` … up to the next object or the table).
    let ranges: [Int: Range<Int>]
    let catalog: Int, pages: Int, info: Int?
    /// The part's own catalog, page tree and info: the joined file has its own.
    var skipped: Set<Int> { Set([catalog, pages] + (info.map { [$0] } ?? [])) }

    init(url: URL) throws {
        try self.init(data: Data(contentsOf: url, options: .alwaysMapped), url: url)
    }

    init(data: Data, url: URL) throws {
        self.url = url
        self.data = data
        let tail = String(decoding: data.suffix(1024), as: UTF8.self)
        guard let sx = tail.range(of: "startxref", options: .backwards),
            let xref = Int(tail[sx.upperBound...].split(whereSeparator: \.isWhitespace).first ?? ""),
            xref > 0, xref < data.count
        else { throw Self.malformed(url, "no startxref") }
        // "xref\n0 N\n" then N entries of 20 bytes, then the trailer.
        let head = String(decoding: data[xref..<min(data.count, xref + 64)], as: UTF8.self)
        let lines = head.split(separator: "\n", maxSplits: 2)
        guard lines.count >= 2, lines[0].hasPrefix("xref"), let n = Int(lines[1].split(separator: " ").last ?? ""),
            lines[1].split(separator: " ").first == "0"
        else { throw Self.malformed(url, "no single cross-reference table") }
        let first = xref + lines[0].utf8.count + 1 + lines[1].utf8.count + 1
        guard first + 20 * n <= data.count else { throw Self.malformed(url, "truncated table") }
        var found: [(number: Int, offset: Int)] = []
        for k in 0..<n {
            let entry = String(decoding: data[(first + 20 * k)..<(first + 20 * k + 18)], as: UTF8.self)
            guard entry.hasSuffix("n") else { continue }
            guard let offset = Int(entry.prefix(10)), offset < xref else { throw Self.malformed(url, "bad entry \(k)") }
            found.append((k, offset))
        }
        found.sort { $0.offset < $1.offset }
        var ranges: [Int: Range<Int>] = [:]
        for (i, o) in found.enumerated() { ranges[o.number] = o.offset..<(i + 1 < found.count ? found[i + 1].offset : xref) }
        let trailer = String(decoding: data[(first + 20 * n)..<min(data.count, first + 20 * n + 256)], as: UTF8.self)
        func reference(_ key: String, in text: String) -> Int? {
            guard let r = text.range(of: key + " ") else { return nil }
            return Int(text[r.upperBound...].split(separator: " ").first ?? "")
        }
        guard let root = reference("/Root", in: trailer), let rootRange = ranges[root] else { throw Self.malformed(url, "no /Root") }
        let catalogText = String(decoding: data[rootRange], as: UTF8.self)
        guard let pages = reference("/Pages", in: catalogText), ranges[pages] != nil else { throw Self.malformed(url, "no /Pages") }
        self.objects = found.map(\.number)
        self.ranges = ranges
        self.catalog = root
        self.pages = pages
        self.info = reference("/Info", in: trailer)
    }

    static func malformed(_ url: URL, _ why: String) -> TypesetError {
        TypesetError.render(path: url.path, detail: "无法合并（不是 certpack 写出的 PDF：\(why)）")
    }
    func malformed(_ why: String) -> TypesetError { Self.malformed(url, why) }

    /// The page objects, in order, from the flat page tree.
    func kids() throws -> [Int] {
        let text = String(decoding: data[ranges[pages]!], as: UTF8.self)
        guard let open = text.range(of: "/Kids"), let a = text[open.upperBound...].firstIndex(of: "["),
            let b = text[a...].firstIndex(of: "]")
        else { throw malformed("no /Kids") }
        let words = text[text.index(after: a)..<b].split(whereSeparator: \.isWhitespace)
        return stride(from: 0, to: words.count - 2, by: 3).compactMap { Int(words[$0]) }
    }

    /// Writes object `old` with its number and every reference outside its stream renumbered; the
    /// stream's bytes are copied untouched.
    func copy(_ old: Int, renumbered number: [Int: Int], to out: inout PDFOutput) throws {
        let range = ranges[old]!
        guard let new = number[old] else { throw malformed("object \(old) not numbered") }
        try data.withUnsafeBytes { (all: UnsafeRawBufferPointer) in
            let bytes = UnsafeRawBufferPointer(rebasing: all[range])
            // The dictionary ends where `stream` begins (cairo writes ">>\nstream").
            let streamStart = PDFBytes.find(Array(">>\nstream".utf8), in: bytes).map { $0 + 2 } ?? bytes.count
            guard let header = PDFBytes.find(Array(" 0 obj".utf8), in: UnsafeRawBufferPointer(rebasing: bytes[0..<streamStart])) else {
                throw malformed("object \(old) has no header")
            }
            var head: [UInt8] = Array("\(new)".utf8)
            try Self.renumber(UnsafeRawBufferPointer(rebasing: bytes[header..<streamStart]), number, into: &head, url: url)
            try out.append(bytes: head)
            try out.append(bytes: UnsafeRawBufferPointer(rebasing: bytes[streamStart...]))
        }
    }

    /// The bytes of object `n` up to its stream, if any (`N 0 obj\n<< … >>`); empty when there is no such object.
    func dictionary(_ n: Int) -> [UInt8] {
        guard let range = ranges[n] else { return [] }
        return data.withUnsafeBytes { all in
            let bytes = UnsafeRawBufferPointer(rebasing: all[range])
            let end = PDFBytes.find(Self.streamKeyword, in: bytes).map { $0 + 2 } ?? bytes.count
            return Array(bytes[0..<end])
        }
    }
    private static let streamKeyword = Array(">>\nstream".utf8)

    /// The raw (still encoded) bytes of object `n`'s stream, by its `/Length` (direct or a reference).
    func stream(_ n: Int) throws -> [UInt8] {
        guard let range = ranges[n] else { throw malformed("object \(n) missing") }
        let head = dictionary(n)
        let length: Int?
        if let ref = PDFBytes.reference(after: "/Length", in: head[...]) {
            // `/Length 12 0 R`: the length is object 12's only number.
            let text = dictionary(ref)
            length = PDFBytes.find(Array(" obj".utf8), in: text[...]).flatMap { PDFBytes.integer(in: text[($0 + 4)...]) }
        } else {
            length = PDFBytes.integer(after: "/Length", in: head[...])
        }
        guard let length, head.count >= 2 else { throw malformed("object \(n) has no /Length") }
        return try data.withUnsafeBytes { all in
            let bytes = UnsafeRawBufferPointer(rebasing: all[range])
            // The dictionary ends with `>>`, then `\nstream`, then an end of line.
            var start = head.count + 7
            if start < bytes.count, bytes[start] == 0x0D { start += 1 }
            if start < bytes.count, bytes[start] == 0x0A { start += 1 }
            guard start + length <= bytes.count else { throw malformed("object \(n) is cut short") }
            return Array(bytes[start..<(start + length)])
        }
    }

    /// Copies `text`, turning every `N 0 R` into `number[N] 0 R`.
    static func renumber(_ bytes: UnsafeRawBufferPointer, _ number: [Int: Int], into out: inout [UInt8], url: URL) throws {
        var i = 0
        func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
        // `R` must end the token: followed by white space or a delimiter (`37 0 R]` is a reference).
        func isRegular(_ b: UInt8) -> Bool {
            !(b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 || b == 0x0C || b == 0x00) && !"()<>[]{}/%".utf8.contains(b)
        }
        while i < bytes.count {
            // A reference: digits (not preceded by a digit or '.'), " 0 R", then a delimiter.
            if isDigit(bytes[i]) && (i == 0 || !(isDigit(bytes[i - 1]) || bytes[i - 1] == 0x2E)) {
                var j = i
                var n = 0
                while j < bytes.count && isDigit(bytes[j]) {
                    n = n * 10 + Int(bytes[j] - 0x30)
                    j += 1
                }
                if j + 4 <= bytes.count, bytes[j] == 0x20, bytes[j + 1] == 0x30, bytes[j + 2] == 0x20, bytes[j + 3] == 0x52,
                    j + 4 == bytes.count || !isRegular(bytes[j + 4])
                {
                    guard let new = number[n] else { throw malformed(url, "reference to object \(n), which is not there") }
                    out.append(contentsOf: Array("\(new) 0 R".utf8))
                    i = j + 4
                    continue
                }
                out.append(contentsOf: bytes[i..<j])
                i = j
                continue
            }
            out.append(bytes[i])
            i += 1
        }
    }
}

/// Small readers of PDF dictionary bytes as cairo writes them (`/Key value`, white space between).
enum PDFBytes {
    static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 || b == 0x0C || b == 0x00 }
    static func isDelimiter(_ b: UInt8) -> Bool {
        b == 0x28 || b == 0x29 || b == 0x3C || b == 0x3E || b == 0x5B || b == 0x5D || b == 0x7B || b == 0x7D || b == 0x2F || b == 0x25
    }

    /// Where `needle` first starts in `hay` (an index of `hay`).
    static func find<Bytes: RandomAccessCollection>(_ needle: [UInt8], in hay: Bytes) -> Int? where Bytes.Element == UInt8, Bytes.Index == Int {
        guard !needle.isEmpty, hay.count >= needle.count else { return nil }
        var i = hay.startIndex
        let last = hay.endIndex - needle.count
        while i <= last {
            if hay[i] == needle[0] {
                var k = 1
                while k < needle.count && hay[i + k] == needle[k] { k += 1 }
                if k == needle.count { return i }
            }
            i += 1
        }
        return nil
    }

    /// Where the value of `/Key` starts (after the key and white space); the whole key only
    /// (`/Font` does not match `/FontFile3`).
    static func value(of key: String, in text: ArraySlice<UInt8>) -> Int? {
        let k = Array(key.utf8)
        var from = text.startIndex
        while let at = find(k, in: text[from...]) {
            var i = at + k.count
            if i == text.endIndex || isSpace(text[i]) || text[i] == 0x5B || text[i] == 0x3C || text[i] == 0x2F || text[i] == 0x28 {
                while i < text.endIndex && isSpace(text[i]) { i += 1 }
                return i
            }
            from = at + 1
        }
        return nil
    }

    /// The tokens (numbers, names, `[`, `]`, `<<`, `>>`, hex strings whole) of `text`, at most `limit`.
    static func tokens(_ text: ArraySlice<UInt8>, limit: Int = .max) -> [ArraySlice<UInt8>] {
        var out: [ArraySlice<UInt8>] = []
        var i = text.startIndex
        while i < text.endIndex && out.count < limit {
            let b = text[i]
            if isSpace(b) {
                i += 1
                continue
            }
            let start = i
            if b == 0x5B || b == 0x5D {
                i += 1
            } else if (b == 0x3C || b == 0x3E) && i + 1 < text.endIndex && text[i + 1] == b {
                i += 2
            } else if b == 0x3C {
                while i < text.endIndex && text[i] != 0x3E { i += 1 }
                i = min(i + 1, text.endIndex)
            } else {
                i += 1
                while i < text.endIndex && !isSpace(text[i]) && !isDelimiter(text[i]) { i += 1 }
            }
            out.append(text[start..<i])
        }
        return out
    }

    static func integer(in token: ArraySlice<UInt8>) -> Int? {
        var i = token.startIndex
        while i < token.endIndex && isSpace(token[i]) { i += 1 }
        var negative = false
        if i < token.endIndex && token[i] == 0x2D {
            negative = true
            i += 1
        }
        var v = 0
        var digits = 0
        while i < token.endIndex && token[i] >= 0x30 && token[i] <= 0x39 {
            v = v * 10 + Int(token[i] - 0x30)
            i += 1
            digits += 1
        }
        return digits > 0 ? (negative ? -v : v) : nil
    }

    /// The object number of `/Key N 0 R`.
    static func reference(after key: String, in text: ArraySlice<UInt8>) -> Int? {
        guard let at = value(of: key, in: text) else { return nil }
        let t = tokens(text[at...], limit: 3)
        guard t.count == 3, t[1].elementsEqual([0x30]), t[2].elementsEqual([0x52]) else { return nil }
        return integer(in: t[0])
    }

    /// The integer of `/Key N`.
    static func integer(after key: String, in text: ArraySlice<UInt8>) -> Int? {
        guard let at = value(of: key, in: text) else { return nil }
        return tokens(text[at...], limit: 1).first.flatMap { integer(in: $0) }
    }

    /// The `[ … ]` or `<< … >>` value of `/Key`, brackets included, balanced.
    static func group(after key: String, in text: ArraySlice<UInt8>) -> ArraySlice<UInt8>? {
        guard let i = value(of: key, in: text), i < text.endIndex else { return nil }
        let (open, close): (UInt8, UInt8) = text[i] == 0x5B ? (0x5B, 0x5D) : (0x3C, 0x3E)
        guard text[i] == open else { return nil }
        // Counting single brackets balances `<< … >>` (and any `<hex>` inside) just as well.
        var depth = 0
        var j = i
        while j < text.endIndex {
            if text[j] == open {
                depth += 1
            } else if text[j] == close {
                depth -= 1
                if depth == 0 { return text[i...j] }
            }
            j += 1
        }
        return nil
    }
}
