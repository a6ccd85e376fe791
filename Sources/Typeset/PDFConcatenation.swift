import Foundation

/// Joins PDFs that `PDFWriter` wrote, page after page, into one: how a batch's processes, each
/// drawing its share of 全部打印.pdf, make one file to print.
///
/// The parts are streamed through: each object is copied as it is (streams neither decoded nor
/// recompressed), with its object number moved and its references renumbered; only the objects'
/// offsets are held in memory, so joining costs a fraction of drawing and memory stays flat however
/// many pages. (libqpdf joined the same parts correctly, but held every object of the result in
/// memory: 170 MB for 7000 pages, and it grows with the batch.) It reads what cairo 1.16 writes —
/// one classic cross-reference table, a flat page tree, references only outside streams — and
/// refuses anything else; the tests check the result with qpdf.
public enum PDFConcatenation {
    /// Writes the pages of `parts`, in order, to `url` (atomically, owner-only, checked whole).
    /// Returns the number of pages.
    @discardableResult
    public static func write(_ parts: [URL], to url: URL, metadata: PDFMetadata) throws -> Int {
        let file = try AtomicFile(url)
        var out = Output(file: file)
        // Objects 1–3 are ours (catalog, page tree, info); each part's objects follow, renumbered.
        var offsets: [Int] = [0, 0, 0]
        var kids: [Int] = []
        out.append("%PDF-1.5\n%\u{B5}\u{ED}\u{AE}\u{FB}\n")
        for part in parts {
            let pdf = try CairoPDF(url: part)
            var number: [Int: Int] = [:]
            for old in pdf.objects where !pdf.skipped.contains(old) {
                number[old] = offsets.count + 1 + number.count
            }
            number[pdf.pages] = 2  // the pages' /Parent becomes the joined page tree
            for old in pdf.objects where !pdf.skipped.contains(old) {
                offsets.append(out.count)
                try pdf.copy(old, renumbered: number, to: &out)
            }
            kids += try pdf.kids().map { guard let n = number[$0] else { throw pdf.malformed("page \($0) missing") }; return n }
        }
        offsets[0] = out.count
        out.append("1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n")
        offsets[1] = out.count
        out.append("2 0 obj\n<< /Type /Pages /Kids [" + kids.map { " \($0) 0 R" }.joined() + " ] /Count \(kids.count) >>\nendobj\n")
        offsets[2] = out.count
        out.append("3 0 obj\n<< /Title \(pdfText(metadata.title)) /Author \(pdfText(metadata.author)) /Creator \(pdfText(metadata.creator))"
                   + " /CreationDate (D:\(pdfDate(metadata.date))) /ModDate (D:\(pdfDate(metadata.date))) >>\nendobj\n")
        let xref = out.count
        var table = "xref\n0 \(offsets.count + 1)\n0000000000 65535 f \n"
        for o in offsets { table += String(format: "%010d 00000 n \n", o) }
        out.append(table + "trailer\n<< /Size \(offsets.count + 1) /Root 1 0 R /Info 3 0 R >>\nstartxref\n\(xref)\n%%EOF\n")
        try out.finish()
        try file.commit()
        return kids.count
    }

    /// A PDF string for any text: UTF-16BE with its byte-order mark, in hex.
    static func pdfText(_ s: String) -> String {
        "<FEFF" + s.utf16.map { String(format: "%04X", $0) }.joined() + ">"
    }

    /// `2026-01-01T00:00:00` → `20260101000000`.
    static func pdfDate(_ iso: String) -> String { String(iso.filter(\.isNumber).prefix(14)) }
}

/// The output, buffered through `AtomicFile`, counting bytes for the cross-reference table.
private struct Output {
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
private struct CairoPDF {
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
        self.url = url
        data = try Data(contentsOf: url, options: .alwaysMapped)
        let tail = String(decoding: data.suffix(1024), as: UTF8.self)
        guard let sx = tail.range(of: "startxref", options: .backwards),
              let xref = Int(tail[sx.upperBound...].split(whereSeparator: \.isWhitespace).first ?? ""),
              xref > 0, xref < data.count else { throw Self.malformed(url, "no startxref") }
        // "xref\n0 N\n" then N entries of 20 bytes, then the trailer.
        let head = String(decoding: data[xref..<min(data.count, xref + 64)], as: UTF8.self)
        let lines = head.split(separator: "\n", maxSplits: 2)
        guard lines.count >= 2, lines[0].hasPrefix("xref"), let n = Int(lines[1].split(separator: " ").last ?? ""),
              lines[1].split(separator: " ").first == "0" else { throw Self.malformed(url, "no single cross-reference table") }
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
              let b = text[a...].firstIndex(of: "]") else { throw malformed("no /Kids") }
        let words = text[text.index(after: a)..<b].split(whereSeparator: \.isWhitespace)
        return stride(from: 0, to: words.count - 2, by: 3).compactMap { Int(words[$0]) }
    }

    /// Writes object `old` with its number and every reference outside its stream renumbered; the
    /// stream's bytes are copied untouched.
    func copy(_ old: Int, renumbered number: [Int: Int], to out: inout Output) throws {
        let range = ranges[old]!
        guard let new = number[old] else { throw malformed("object \(old) not numbered") }
        try data.withUnsafeBytes { (all: UnsafeRawBufferPointer) in
            let bytes = UnsafeRawBufferPointer(rebasing: all[range])
            // The dictionary ends where `stream` begins (cairo writes ">>\nstream").
            let streamStart = Self.find(Array(">>\nstream".utf8), in: bytes).map { $0 + 2 } ?? bytes.count
            guard let header = Self.find(Array(" 0 obj".utf8), in: UnsafeRawBufferPointer(rebasing: bytes[0..<streamStart])) else {
                throw malformed("object \(old) has no header")
            }
            var head: [UInt8] = Array("\(new)".utf8)
            try Self.renumber(UnsafeRawBufferPointer(rebasing: bytes[header..<streamStart]), number, into: &head, url: url)
            try out.append(bytes: head)
            try out.append(bytes: UnsafeRawBufferPointer(rebasing: bytes[streamStart...]))
        }
    }

    static func find(_ needle: [UInt8], in hay: UnsafeRawBufferPointer) -> Int? {
        guard hay.count >= needle.count else { return nil }
        var i = 0
        let last = hay.count - needle.count
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

    /// Copies `text`, turning every `N 0 R` into `number[N] 0 R`.
    static func renumber(_ bytes: UnsafeRawBufferPointer, _ number: [Int: Int], into out: inout [UInt8], url: URL) throws {
        var i = 0
        func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
        while i < bytes.count {
            // A reference: digits (not preceded by a digit or '.'), " 0 R", then a delimiter.
            if isDigit(bytes[i]) && (i == 0 || !(isDigit(bytes[i - 1]) || bytes[i - 1] == 0x2E)) {
                var j = i
                var n = 0
                while j < bytes.count && isDigit(bytes[j]) { n = n * 10 + Int(bytes[j] - 0x30); j += 1 }
                if j + 4 <= bytes.count, bytes[j] == 0x20, bytes[j + 1] == 0x30, bytes[j + 2] == 0x20, bytes[j + 3] == 0x52,
                   j + 4 == bytes.count || !(bytes[j + 4] >= 0x41 && bytes[j + 4] <= 0x7A) {
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
