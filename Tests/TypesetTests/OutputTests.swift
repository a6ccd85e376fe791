import Foundation
import Testing

@testable import Typeset

/// The specimen PDF read back by real PDF tools (poppler, qpdf).
@Suite(.serialized) struct SpecimenPDF {
    static func write(_ folder: URL) throws -> URL {
        let url = folder.appendingPathComponent("specimen.pdf")
        let writer = try PDFWriter(url: url, metadata: PDFMetadata(title: Specimen.title, author: "CertPack"), fonts: fonts)
        try writer.add(try Specimen.page(fonts: fonts))
        try writer.finish()
        return url
    }

    @Test func pdftotextFindsEveryStringWritten() throws {
        let pdf = try Self.write(try temporaryFolder())
        let text = try run("pdftotext", ["-layout", pdf.path, "-"]).out
        let flat = text.filter { !$0.isWhitespace }
        var expected = [Specimen.title, "深圳医保在线签约", Specimen.shrinking] + Specimen.ticks
        expected += Specimen.rows.flatMap { [$0.0, $0.1, $0.2, $0.3] }
        for s in expected {
            #expect(flat.contains(s.filter { !$0.isWhitespace }), "missing \(s)")
        }
        // Wrapped texts come back whole, in drawing order, once line breaks are removed.
        let raw = try run("pdftotext", ["-raw", pdf.path, "-"]).out.filter { !$0.isWhitespace }
        #expect(raw.contains(Specimen.paragraph.filter { !$0.isWhitespace }))
        #expect(raw.contains(Specimen.wrapping.filter { !$0.isWhitespace }))
        #expect(text.contains("✓"))
    }

    @Test func everyFontIsEmbeddedAsASubset() throws {
        let pdf = try Self.write(try temporaryFolder())
        let rows = try run("pdffonts", [pdf.path]).out.split(separator: "\n").dropFirst(2)
        #expect(!rows.isEmpty)
        for row in rows {
            let cols = row.split(separator: " ")
            // name type… encoding emb sub uni object ID: emb and sub are the 5th and 4th fields from the end
            #expect(cols[cols.count - 5] == "yes" && cols[cols.count - 4] == "yes", "\(row)")
        }
    }

    @Test func thePageIsA4AndQpdfFindsNoErrors() throws {
        let pdf = try Self.write(try temporaryFolder())
        let info = try run("pdfinfo", [pdf.path]).out
        #expect(info.contains("595.28 x 841.89 pts (A4)"))
        #expect(info.contains("Title:           \(Specimen.title)"))
        let check = try run("qpdf", ["--check", pdf.path])
        #expect(check.status == 0)
        #expect(check.out.contains("No syntax or stream encoding errors"))
    }

    @Test func twoRunsGiveByteIdenticalFiles() throws {
        let a = try Data(contentsOf: Self.write(try temporaryFolder()))
        let b = try Data(contentsOf: Self.write(try temporaryFolder()))
        #expect(a == b)
    }

    @Test func theFileIsReadableByItsOwnerOnly() throws {
        let pdf = try Self.write(try temporaryFolder())
        let mode = try FileManager.default.attributesOfItem(atPath: pdf.path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
    }

    @Test func anUnfinishedWriterLeavesNoFileBehind() throws {
        let folder = try temporaryFolder()
        do {
            let writer = try PDFWriter(url: folder.appendingPathComponent("x.pdf"), metadata: PDFMetadata(title: "x"), fonts: fonts)
            try writer.add(try Specimen.page(fonts: fonts))
            // dropped without finish(), as when a later page fails
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
    }

    @Test func aShortDocumentEmbedsHarfBuzzSubsetsThatStillReadBackAsText() throws {
        let folder = try temporaryFolder()
        let page = try Specimen.page(fonts: fonts)
        let small = folder.appendingPathComponent("subset.pdf")
        let writer = try PDFWriter(url: small, metadata: PDFMetadata(title: "subset"), fonts: fonts, embedding: .subsets(for: [page]))
        try writer.add(page)
        try writer.finish()
        let whole = try Self.write(folder)
        let smallSize = try Data(contentsOf: small).count
        let wholeSize = try Data(contentsOf: whole).count
        #expect(smallSize * 3 < wholeSize, "subset \(smallSize) B vs whole faces \(wholeSize) B")
        let text = try run("pdftotext", [small.path, "-"]).out
        for name in ["张堃", "李喆", "王赟", "刘䶮", "𠮷田", "a.b@c.cn", "91350100M000100Y43", "✓"] {
            #expect(text.contains(name), "missing \(name)")
        }
        #expect(try run("qpdf", ["--check", small.path]).status == 0)
    }

    @Test func thePNGPreviewIsDrawnFromTheSamePage() throws {
        let url = try temporaryFolder().appendingPathComponent("p.png")
        try PNGWriter.write(try Specimen.page(fonts: fonts), to: url, dpi: 80, fonts: fonts)
        let data = try Data(contentsOf: url)
        #expect(data.prefix(8) == Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
        // 80 dpi A4: 661 × 935 pixels (IHDR width/height, big-endian)
        let width = data[16..<20].reduce(0) { $0 << 8 | Int($1) }
        #expect(width == 661)
    }
}
