import FileOutput
import Foundation
import Typeset

// About 500 lines in one file on purpose: reading a pack's pages (matching codes to glyphs) and
// writing the part (objects, faces, widths, ToUnicode) share the part's state — object numbers,
// the faces embedded, their CIDs — and read as one algorithm; `CairoPDF` holds what is generic.

/// A run's share of 全部打印.pdf (a chunk of a batch), made from the run's packs as they were written
/// instead of by drawing their pages a second time.
///
/// Drawing a page again for 全部打印.pdf cost as much as drawing it for its pack: cairo formats every
/// coordinate again, replays every page twice, deflates it again. So a part takes each page's
/// content stream from the pack's PDF and changes nothing in it but the glyph codes:
/// - cairo numbers the glyphs of each PDF's font subsets in order of first use, so one glyph has a
///   different code in every pack. The part embeds each face once instead — the run's prepared face
///   (`PreparedFaces`: exactly the run's glyphs), written as it is, whose codes are its CIDs.
/// - Which glyph a pack's code stands for comes from matching the codes a page's content shows, in
///   order, with the glyphs its display list drew, in order (cairo draws every glyph it is given, in
///   that order). The width and the text (ToUnicode) of each glyph are the pack's own.
/// So the part shows exactly what the packs show, holds each face once, and costs an inflate, a scan
/// and a deflate per page.
///
/// A pack whose PDF does not match its pages that way (not written from these pages, a glyph drawn
/// from a whole face, anything unexpected) goes into the part with its own fonts: bigger, never wrong.
public final class PrintAllPart {
    private let file: AtomicFile
    private var out: PDFOutput
    private let faces: PreparedFaces
    /// Object offsets by number (1: catalog, 2: page tree).
    private var offsets: [Int: Int] = [:]
    private var nextNumber = 3
    private var kids: [Int] = []
    private var fonts: [Int: PartFont] = [:]  // by book face index
    public var pageCount: Int { kids.count }
    /// Packs that went in with their own fonts (for tests and benchmarks).
    public private(set) var packsWithOwnFonts = 0

    /// A part written to `url` for packs drawn with `faces`.
    public init(url: URL, faces: PreparedFaces) throws {
        file = try AtomicFile(url)
        out = PDFOutput(file: file)
        self.faces = faces
        out.append("%PDF-1.5\n%\u{B5}\u{ED}\u{AE}\u{FB}\n")
    }

    /// Adds the pages of the pack PDF at `pack`, which was drawn from `pages`.
    public func add(pack: URL, pages: [Page]) throws {
        try add(try CairoPDF(url: pack), pages: pages)
    }

    /// Adds the pages of a pack PDF given as its bytes (`of`: where it is, for messages), drawn from `pages`.
    public func add(pdf bytes: [UInt8], of url: URL, pages: [Page]) throws {
        try add(try CairoPDF(data: Data(bytes), url: url), pages: pages)
    }

    private func add(_ pdf: CairoPDF, pages: [Page]) throws {
        if let translated = translate(pdf, pages) {
            try write(translated)
        } else {
            try copyWithOwnFonts(pdf)
        }
    }

    /// Writes the shared fonts, the page tree and the trailer, checks the file is whole and renames it
    /// into place.
    public func finish() throws {
        for face in fonts.keys.sorted() { try writeFont(face) }
        try object(2, "<< /Type /Pages /Kids [" + kids.map { " \($0) 0 R" }.joined() + " ] /Count \(kids.count) >>")
        try object(1, "<< /Type /Catalog /Pages 2 0 R >>")
        let xref = out.count
        var table = "xref\n0 \(nextNumber)\n0000000000 65535 f \n"
        for n in 1..<nextNumber {
            guard let o = offsets[n] else { throw TypesetError.render(path: file.url.path, detail: "object \(n) was not written") }
            table += String(format: "%010d 00000 n \n", o)
        }
        out.append(table + "trailer\n<< /Size \(nextNumber) /Root 1 0 R >>\nstartxref\n\(xref)\n%%EOF\n")
        try out.finish()
        try file.commit()
    }

    // MARK: - A pack's pages, with the part's fonts

    /// One page of a pack, ready to be written with the part's fonts.
    private struct TranslatedPage {
        var content: [UInt8]
        /// Where each glyph code's four hex digits are in `content`, and the glyph's CID in its part font.
        var codes: [(digits: GlyphCode.Digits, cid: UInt16)]
        var mediaBox: ArraySlice<UInt8>
        var group: ArraySlice<UInt8>?
        var extGState: ArraySlice<UInt8>?
        /// Resource name → book face index.
        var fontNames: [(name: ArraySlice<UInt8>, face: Int)]
    }

    /// What a pack says about one glyph of a part font: its width and text (a ToUnicode hex string).
    private struct GlyphFacts {
        var width: Double
        var text: [UInt8]?
    }

    private struct Translation {
        var pages: [TranslatedPage] = []
        var glyphs: [Int: [UInt16: GlyphFacts]] = [:]  // face → CID → facts, for glyphs new to the part
        var descriptors: [Int: [UInt8]] = [:]  // face → the pack's FontDescriptor, for faces new to the part
    }

    /// The pack's pages with their codes matched to the part's fonts; nil when they do not match.
    private func translate(_ pdf: CairoPDF, _ pages: [Page]) -> Translation? {
        guard let kids = try? pdf.kids(), kids.count == pages.count else { return nil }
        // A pack with pictures (copy pages) keeps its own objects: its images, and its fonts with them.
        if pages.contains(where: \.hasImages) { return nil }
        var result = Translation()
        var fontRefs: [ArraySlice<UInt8>: Int] = [:]  // resource name → the pack's Type0 font
        var faceOfName: [ArraySlice<UInt8>: Int] = [:]
        // Codes whose glyph the part does not have yet, by resource name: code → (face, CID).
        var newCodes: [ArraySlice<UInt8>: [UInt16: (face: Int, cid: UInt16)]] = [:]
        // Every code's CID as first matched, by resource name: a code must stand for one glyph throughout.
        var cidOfCode: [ArraySlice<UInt8>: [Int32]] = [:]
        for (kid, page) in zip(kids, pages) {
            let dict = pdf.dictionary(kid)[...]
            guard let contents = PDFBytes.reference(after: "/Contents", in: dict),
                let resourcesRef = PDFBytes.reference(after: "/Resources", in: dict),
                let mediaBox = PDFBytes.group(after: "/MediaBox", in: dict)
            else { return nil }
            let resources = pdf.dictionary(resourcesRef)[...]
            // Only what cairo writes for these pages: fonts, and graphics states of opacity alone.
            let extGState = PDFBytes.group(after: "/ExtGState", in: resources)
            for t in PDFBytes.tokens(resources) where t.first == 0x2F {
                let known = Self.resourceKeys.contains(t) || t.starts(with: [0x2F, 0x66, 0x2D]) || t.starts(with: [0x2F, 0x61])
                guard known else { return nil }
            }
            var names: [ArraySlice<UInt8>] = []
            if let fontDict = PDFBytes.group(after: "/Font", in: resources) {
                let words = PDFBytes.tokens(fontDict.dropFirst(2).dropLast(2))
                guard words.count % 4 == 0 else { return nil }
                for k in stride(from: 0, to: words.count, by: 4) {
                    guard words[k].first == 0x2F, let ref = PDFBytes.integer(in: words[k + 1]) else { return nil }
                    if let known = fontRefs[words[k]] { guard known == ref else { return nil } } else { fontRefs[words[k]] = ref }
                    names.append(words[k])
                }
            }
            guard let raw = try? pdf.stream(contents),
                let content = raw.withUnsafeBytes({ Flate.decompress($0, sizeHint: raw.count * 6) }),
                let (shown, fontName) = Self.glyphCodes(in: content)
            else { return nil }
            // The fonts the page shows glyphs with, by resource name: each must be one of the page's resources.
            guard fontName.allSatisfy({ names.contains($0) }) else { return nil }
            // The glyphs the page drew, in order, as the part's fonts know them.
            var translated = TranslatedPage(
                content: content, codes: [], mediaBox: mediaBox,
                group: PDFBytes.group(after: "/Group", in: dict), extGState: extGState, fontNames: [])
            translated.codes.reserveCapacity(shown.count)
            var k = 0
            var pageFace = [Int](repeating: -1, count: fontName.count)
            var pageCIDs = fontName.map { cidOfCode[$0] ?? [] }
            for case let .glyphs(run) in page.items {
                guard let subset = faces.subset(run.face), let cids = cids(run.face) else { return nil }
                for g in run.glyphs {
                    guard k < shown.count, let id = subset.glyphMap[g.id], Int(id) < cids.count else { return nil }
                    let s = shown[k]
                    k += 1
                    // One resource name is one face throughout the pack.
                    if pageFace[s.font] != run.face {
                        guard pageFace[s.font] < 0 else { return nil }
                        if let known = faceOfName[fontName[s.font]] {
                            guard known == run.face else { return nil }
                        } else {
                            faceOfName[fontName[s.font]] = run.face
                        }
                        pageFace[s.font] = run.face
                    }
                    let cid = cids[Int(id)]
                    let code = Int(s.code)
                    if code >= pageCIDs[s.font].count { pageCIDs[s.font] += repeatElement(-1, count: code + 1 - pageCIDs[s.font].count) }
                    if pageCIDs[s.font][code] < 0 { pageCIDs[s.font][code] = Int32(cid) } else if pageCIDs[s.font][code] != Int32(cid) { return nil }
                    if !(fonts[run.face]?.has(cid) ?? false) { newCodes[fontName[s.font], default: [:]][s.code] = (run.face, cid) }
                    translated.codes.append((s.digits, cid))
                }
            }
            guard k == shown.count else { return nil }
            for (n, name) in fontName.enumerated() { cidOfCode[name] = pageCIDs[n] }
            translated.fontNames = names.compactMap { name in faceOfName[name].map { (name, $0) } }
            result.pages.append(translated)
        }
        // What the pack says of the glyphs the part does not have yet: their widths and text.
        for (name, codes) in newCodes {
            guard let ref = fontRefs[name], let font = PackFont(pdf, ref) else { return nil }
            for (code, glyph) in codes {
                guard let width = font.widths[code] else { return nil }
                let facts = GlyphFacts(width: width, text: font.text[code])
                if let known = result.glyphs[glyph.face]?[glyph.cid] { guard known.width == width else { return nil } }
                result.glyphs[glyph.face, default: [:]][glyph.cid] = facts
                if fonts[glyph.face] == nil && result.descriptors[glyph.face] == nil { result.descriptors[glyph.face] = font.descriptor }
            }
        }
        return result
    }

    private static let resourceKeys: Set<ArraySlice<UInt8>> = Set(["/ExtGState", "/Font", "/CA", "/ca"].map { Array($0.utf8)[...] })

    /// One glyph code shown by a content stream: its font (an index into the stream's font names),
    /// the code, and where its four hex digits are (cairo breaks long hex strings across lines, inside
    /// a code too).
    struct GlyphCode {
        typealias Digits = (Int32, Int32, Int32, Int32)
        var font: Int
        var code: UInt16
        var digits: Digits
    }

    /// Each glyph code a content stream shows, in order, and the font resource names they use. Nil
    /// for anything cairo does not write for these pages (a literal string in a text object, a code
    /// of other than two bytes).
    static func glyphCodes(in content: [UInt8]) -> (codes: [GlyphCode], fonts: [ArraySlice<UInt8>])? {
        var found: [GlyphCode] = []
        found.reserveCapacity(content.count / 8)
        var fonts: [ArraySlice<UInt8>] = []
        var font = -1
        var inText = false
        var dictDepth = 0
        var lastName = 0..<0
        let n = content.count
        @inline(__always) func isDelimiter(_ b: UInt8) -> Bool {
            b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 || b == 0x5B || b == 0x5D || b == 0x2F || b == 0x3C || b == 0x3E || b == 0x28
        }
        @inline(__always) func hex(_ b: UInt8) -> UInt16? {
            switch b {
            case 0x30...0x39: UInt16(b - 0x30)
            case 0x61...0x66: UInt16(b - 0x61 + 10)
            case 0x41...0x46: UInt16(b - 0x41 + 10)
            default: nil
            }
        }
        return content.withUnsafeBufferPointer { c -> (codes: [GlyphCode], fonts: [ArraySlice<UInt8>])? in
            var i = 0
            while i < n {
                let b = c[i]
                switch b {
                case 0x3C:  // <
                    if i + 1 < n && c[i + 1] == 0x3C {
                        dictDepth += 1
                        i += 2
                        continue
                    }
                    // A hex string: in a text object, outside any dictionary, it is glyph codes.
                    let glyphs = inText && dictDepth == 0
                    if glyphs && font < 0 { return nil }
                    var code: UInt16 = 0
                    var count = 0
                    var at: (Int32, Int32, Int32, Int32) = (0, 0, 0, 0)
                    i += 1
                    while i < n && c[i] != 0x3E {
                        if let v = hex(c[i]) {
                            code = code << 4 | v
                            switch count {
                            case 0: at.0 = Int32(i)
                            case 1: at.1 = Int32(i)
                            case 2: at.2 = Int32(i)
                            default: at.3 = Int32(i)
                            }
                            count += 1
                            if count == 4 {
                                if glyphs { found.append(GlyphCode(font: font, code: code, digits: at)) }
                                count = 0
                                code = 0
                            }
                        } else if !(c[i] == 0x0A || c[i] == 0x0D || c[i] == 0x20) {
                            return nil
                        }
                        i += 1
                    }
                    if glyphs && count != 0 { return nil }
                    i += 1
                case 0x3E:  // >>
                    if i + 1 < n && c[i + 1] == 0x3E {
                        dictDepth -= 1
                        i += 2
                    } else {
                        return nil
                    }
                case 0x28:  // a literal string: cairo writes glyphs in hex only
                    if inText { return nil }
                    var depth = 0
                    while i < n {
                        if c[i] == 0x5C {
                            i += 2
                            continue
                        }
                        if c[i] == 0x28 {
                            depth += 1
                        } else if c[i] == 0x29 {
                            depth -= 1
                            if depth == 0 { break }
                        }
                        i += 1
                    }
                    i += 1
                case 0x2F:  // a name
                    var j = i + 1
                    while j < n && !isDelimiter(c[j]) { j += 1 }
                    lastName = i..<j
                    i = j
                case 0x25:  // a comment
                    while i < n && c[i] != 0x0A && c[i] != 0x0D { i += 1 }
                default:
                    if isDelimiter(b) {
                        i += 1
                        continue
                    }
                    var j = i
                    while j < n && !isDelimiter(c[j]) { j += 1 }
                    // Operators that matter here: BT, ET, Tf.
                    if j - i == 2 {
                        let (a, d) = (c[i], c[i + 1])
                        if a == 0x42 && d == 0x54 {
                            inText = true
                        } else if a == 0x45 && d == 0x54 {
                            inText = false
                        } else if a == 0x54 && d == 0x66 {
                            let name = content[lastName]
                            if let k = fonts.firstIndex(of: name) {
                                font = k
                            } else {
                                fonts.append(name)
                                font = fonts.count - 1
                            }
                        }
                    }
                    i = j
                }
            }
            return (found, fonts)
        }
    }

    /// Writes a translated pack: every code replaced by its CID in the part's font, the pages pointing
    /// at the part's fonts.
    private func write(_ t: Translation) throws {
        for (face, glyphs) in t.glyphs {
            if fonts[face] == nil {
                guard let descriptor = t.descriptors[face] else { throw TypesetError.render(path: file.url.path, detail: "no font descriptor") }
                fonts[face] = PartFont(number: take(), descriptor: descriptor)
            }
            fonts[face]!.add(glyphs)
        }
        let hex: [UInt8] = Array("0123456789abcdef".utf8)
        for page in t.pages {
            var content = page.content
            for c in page.codes {
                content[Int(c.digits.0)] = hex[Int(c.cid >> 12) & 0xF]
                content[Int(c.digits.1)] = hex[Int(c.cid >> 8) & 0xF]
                content[Int(c.digits.2)] = hex[Int(c.cid >> 4) & 0xF]
                content[Int(c.digits.3)] = hex[Int(c.cid) & 0xF]
            }
            let stream = Flate.compress(content)
            let contents = take()
            try object(contents, "<< /Length \(stream.count) /Filter /FlateDecode >>", stream: stream)
            var resources = "<<"
            if let e = page.extGState { resources += " /ExtGState " + String(decoding: e, as: UTF8.self) }
            resources +=
                " /Font <<" + page.fontNames.map { " \(String(decoding: $0.name, as: UTF8.self)) \(fonts[$0.face]!.number) 0 R" }.joined() + " >> >>"
            let number = take()
            try object(
                number,
                "<< /Type /Page /Parent 2 0 R /MediaBox \(String(decoding: page.mediaBox, as: UTF8.self))"
                    + (page.group.map { " /Group " + String(decoding: $0, as: UTF8.self) } ?? "")
                    + " /Contents \(contents) 0 R /Resources \(resources) >>")
            kids.append(number)
        }
    }

    /// Copies every object of the pack but its catalog, page tree and info, renumbered, its pages
    /// hung on the part's page tree.
    private func copyWithOwnFonts(_ pdf: CairoPDF) throws {
        var number: [Int: Int] = [pdf.pages: 2]
        for old in pdf.objects where !pdf.skipped.contains(old) { number[old] = take() }
        for old in pdf.objects where !pdf.skipped.contains(old) {
            offsets[number[old]!] = out.count
            try pdf.copy(old, renumbered: number, to: &out)
        }
        kids += try pdf.kids().map {
            guard let n = number[$0] else { throw pdf.malformed("page \($0) missing") }
            return n
        }
        packsWithOwnFonts += 1
    }

    // MARK: - The part's fonts

    /// A face as the part embeds it: its Type0 font's number (taken when a page first uses it), the
    /// glyphs used with what the packs say of them, and a FontDescriptor to start from.
    private struct PartFont {
        var number: Int
        var descriptor: [UInt8]
        private(set) var glyphs: [UInt16: GlyphFacts] = [:]
        /// The CIDs in `glyphs`, as bits: looked up for every glyph of every page.
        private var known = [UInt64](repeating: 0, count: 1024)
        init(number: Int, descriptor: [UInt8]) {
            self.number = number
            self.descriptor = descriptor
        }
        func has(_ cid: UInt16) -> Bool { known[Int(cid) >> 6] & (1 << (UInt64(cid) & 63)) != 0 }
        /// Adds glyphs the part did not have (a glyph it has keeps what it was first told).
        mutating func add(_ new: [UInt16: GlyphFacts]) {
            for (cid, facts) in new where !has(cid) {
                glyphs[cid] = facts
                known[Int(cid) >> 6] |= 1 << (UInt64(cid) & 63)
            }
        }
    }

    private var cidCache: [Int: [UInt16]?] = [:]

    /// CID by glyph id of the prepared face `face`; nil when it cannot be embedded as it is.
    private func cids(_ face: Int) -> [UInt16]? {
        if let known = cidCache[face] { return known }
        let found = faces.subset(face).flatMap { blob in CFFCharset.cffTable(in: blob.bytes).flatMap { CFFCharset.cids(cff: $0) } }
        cidCache[face] = found
        return found
    }

    /// Writes face `face`: the prepared face's CFF, its descriptor, the CIDFont with the glyphs'
    /// widths, the ToUnicode map, and the Type0 font the pages point at.
    private func writeFont(_ face: Int) throws {
        guard let font = fonts[face], let blob = faces.subset(face), let cff = CFFCharset.cffTable(in: blob.bytes) else {
            throw TypesetError.render(path: file.url.path, detail: "face \(face) cannot be embedded")
        }
        let cids = font.glyphs.keys.sorted()
        // A subset tag from the glyphs, so the same chunk gives the same name.
        var hash: UInt64 = 0xcbf29ce484222325
        for c in cids { hash = (hash ^ UInt64(c)) &* 0x100000001b3 }
        var tag = ""
        for _ in 0..<6 {
            tag.append(Character(Unicode.Scalar(UInt8(65 + hash % 26))))
            hash /= 26
        }
        let d = font.descriptor[...]
        let nameAt = PDFBytes.value(of: "/FontName", in: d)
        let oldName = nameAt.flatMap { PDFBytes.tokens(d[$0...], limit: 1).first } ?? Array("/AAAAAA+Font".utf8)[...]
        let base = oldName.split(separator: 0x2B, maxSplits: 1).last.map { String(decoding: $0.drop { $0 == 0x2F }, as: UTF8.self) } ?? "Font"
        let name = tag + "+" + base

        let program = take()
        let stream = Flate.compress(Array(cff))
        try object(program, "<< /Subtype /CIDFontType0C /Length \(stream.count) /Filter /FlateDecode >>", stream: stream)
        // The pack's descriptor, with the new name and program.
        guard let open = PDFBytes.find(Array("<<".utf8), in: d), let nameAt, let fileAt = PDFBytes.value(of: "/FontFile3", in: d),
            let close = d.lastIndex(of: 0x3E)
        else {
            throw TypesetError.render(path: file.url.path, detail: "bad font descriptor")
        }
        let fileRef = PDFBytes.tokens(d[fileAt...], limit: 3)
        guard fileRef.count == 3, let fileEnd = fileRef.last?.endIndex else {
            throw TypesetError.render(path: file.url.path, detail: "bad font descriptor")
        }
        var parts: [(Int, Int, String)] = [(nameAt, oldName.endIndex, "/" + name), (fileAt, fileEnd, "\(program) 0 R")]
        parts.sort { $0.0 < $1.0 }
        var text = ""
        var at = open
        for (s, e, replacement) in parts {
            text += String(decoding: d[at..<s], as: UTF8.self) + replacement
            at = e
        }
        text += String(decoding: d[at...close], as: UTF8.self)
        let descriptor = take()
        try object(descriptor, text)

        // Widths: runs of consecutive CIDs.
        var w = ""
        var k = 0
        while k < cids.count {
            var e = k
            while e + 1 < cids.count && cids[e + 1] == cids[e] + 1 { e += 1 }
            w += " \(cids[k]) [" + cids[k...e].map { " " + Self.number(font.glyphs[$0]!.width) }.joined() + " ]"
            k = e + 1
        }
        let cidFont = take()
        try object(
            cidFont,
            "<< /Type /Font /Subtype /CIDFontType0 /BaseFont /\(name) /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >>"
                + " /FontDescriptor \(descriptor) 0 R /W [\(w) ] >>")

        let mapped = cids.compactMap { c in font.glyphs[c]!.text.map { (c, $0) } }
        var cmap =
            "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n/CIDSystemInfo\n<< /Registry (Adobe)\n   /Ordering (UCS)\n   /Supplement 0\n>> def\n"
            + "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n1 begincodespacerange\n<0000> <ffff>\nendcodespacerange\n"
        for start in stride(from: 0, to: mapped.count, by: 100) {
            let group = mapped[start..<min(mapped.count, start + 100)]
            cmap +=
                "\(group.count) beginbfchar\n" + group.map { String(format: "<%04x> ", $0.0) + String(decoding: $0.1, as: UTF8.self) + "\n" }.joined()
                + "endbfchar\n"
        }
        cmap += "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n"
        let toUnicode = take()
        let cmapStream = Flate.compress(Array(cmap.utf8))
        try object(toUnicode, "<< /Length \(cmapStream.count) /Filter /FlateDecode >>", stream: cmapStream)

        try object(
            font.number,
            "<< /Type /Font /Subtype /Type0 /BaseFont /\(name) /Encoding /Identity-H"
                + " /DescendantFonts [ \(cidFont) 0 R ] /ToUnicode \(toUnicode) 0 R >>")
    }

    /// A width as cairo writes it: an integer when it is one.
    static func number(_ v: Double) -> String {
        v == v.rounded() && abs(v) < 1e9 ? String(Int(v)) : String(v)
    }

    // MARK: - Writing objects

    private func take() -> Int {
        defer { nextNumber += 1 }
        return nextNumber
    }

    private func object(_ number: Int, _ dictionary: String, stream: [UInt8]? = nil) throws {
        offsets[number] = out.count
        out.append("\(number) 0 obj\n\(dictionary)\n")
        if let stream {
            out.append("stream\n")
            try out.append(bytes: stream)
            out.append("\nendstream\n")
        }
        out.append("endobj\n")
    }
}

/// What a pack PDF embeds for one font resource: widths and text by code, and its FontDescriptor.
private struct PackFont {
    var widths: [UInt16: Double] = [:]
    var text: [UInt16: [UInt8]] = [:]
    var descriptor: [UInt8]

    /// Reads the Type0 font object `ref` of `pdf` as cairo writes it; nil for anything else.
    init?(_ pdf: CairoPDF, _ ref: Int) {
        let type0 = pdf.dictionary(ref)[...]
        guard PDFBytes.find(Array("/Type0".utf8), in: type0) != nil, PDFBytes.find(Array("/Identity-H".utf8), in: type0) != nil,
            let descendants = PDFBytes.group(after: "/DescendantFonts", in: type0),
            let cidRef = PDFBytes.tokens(descendants.dropFirst(), limit: 1).first.flatMap({ PDFBytes.integer(in: $0) })
        else { return nil }
        let cidFont = pdf.dictionary(cidRef)[...]
        guard PDFBytes.find(Array("/CIDFontType0".utf8), in: cidFont) != nil,
            let descriptorRef = PDFBytes.reference(after: "/FontDescriptor", in: cidFont),
            let w = PDFBytes.group(after: "/W", in: cidFont)
        else { return nil }
        descriptor = pdf.dictionary(descriptorRef)
        guard PDFBytes.find(Array("/FontFile3".utf8), in: descriptor[...]) != nil else { return nil }
        // /W [ c [ w w … ] c1 c2 w … ]
        let words = PDFBytes.tokens(w.dropFirst().dropLast())
        func number(_ t: ArraySlice<UInt8>) -> Double? { Double(String(decoding: t, as: UTF8.self)) }
        var k = 0
        while k < words.count {
            guard let first = PDFBytes.integer(in: words[k]), first >= 0 else { return nil }
            if k + 1 < words.count, words[k + 1].first == 0x5B {
                var c = first
                k += 2
                while k < words.count, words[k].first != 0x5D {
                    guard c <= Int(UInt16.max), let v = number(words[k]) else { return nil }
                    widths[UInt16(c)] = v
                    c += 1
                    k += 1
                }
                k += 1
            } else {
                guard k + 2 < words.count, let last = PDFBytes.integer(in: words[k + 1]), last <= Int(UInt16.max), first <= last,
                    let v = number(words[k + 2])
                else { return nil }
                for c in first...last { widths[UInt16(c)] = v }
                k += 3
            }
        }
        if let toUnicode = PDFBytes.reference(after: "/ToUnicode", in: type0) {
            guard let raw = try? pdf.stream(toUnicode), let cmap = raw.withUnsafeBytes({ Flate.decompress($0) }) else { return nil }
            // `N beginbfchar <code> <text> … endbfchar`; cairo writes no ranges for these fonts.
            guard PDFBytes.find(Array("beginbfrange".utf8), in: cmap[...]) == nil else { return nil }
            var rest = cmap[...]
            let begin = Array("beginbfchar".utf8)
            let end = Array("endbfchar".utf8)
            while let b = PDFBytes.find(begin, in: rest) {
                guard let e = PDFBytes.find(end, in: rest[(b + begin.count)...]) else { return nil }
                let pairs = PDFBytes.tokens(rest[(b + begin.count)..<e])
                guard pairs.count % 2 == 0 else { return nil }
                for p in stride(from: 0, to: pairs.count, by: 2) {
                    guard pairs[p].first == 0x3C, pairs[p].last == 0x3E,
                        let code = UInt16(String(decoding: pairs[p].dropFirst().dropLast(), as: UTF8.self), radix: 16)
                    else { return nil }
                    text[code] = Array(pairs[p + 1])
                }
                rest = rest[(e + end.count)...]
            }
        }
    }
}
