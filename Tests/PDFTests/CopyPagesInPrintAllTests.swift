import Foundation
import Images
import Rules
import Testing
import Typeset

@testable import Forms
@testable import PDF

/// A pack with copy pages (pictures) in 全部打印.pdf: PrintAllPart cannot translate its pages (they hold
/// images), so the pack goes in with its own objects — its images and fonts — and still shows what it shows.
@Suite struct CopyPagesInPrintAll {
    /// The example applicant with both ID cards as scans, written into `folder`.
    private func applicantWithCopies(in folder: URL) throws -> Application {
        var b = PixelBuffer(width: 1011, height: 638, fill: 0xEEF0F4)
        for y in 40..<140 { for x in 40..<140 { b[x, y] = 0xD01010 } }
        let scan = try JPEG.encode(b, quality: 85)
        for name in ["f.jpg", "b.jpg"] { try Data(scan).write(to: folder.appendingPathComponent(name)) }
        var app = try example("new-odc-personal.yaml")
        let card = IDCardImages(front: CopyImage(file: "f.jpg"), back: CopyImage(file: "b.jpg"))
        app.copies = Copies(legalRepresentative: card, handler: card).resolved(against: folder)
        return app
    }

    private func imageCount(_ pdf: URL) throws -> Int {
        try run("pdfimages", ["-list", pdf.path]).output.split(separator: "\n").dropFirst(2).count
    }

    private func squeeze(_ s: String) -> String { String(s.unicodeScalars.filter { !$0.properties.isWhitespace }.map(Character.init)) }

    @Test func aPackWithCopiesGoesIntoTheAllInOnePrintWithItsImages() throws {
        let folder = try temporaryFolder("copies-part")
        defer { try? FileManager.default.removeItem(at: folder) }
        let packs = [
            try Pack.build(application: try applicantWithCopies(in: folder), catalog: sharedCatalog, fonts: sharedFonts, library: sharedLibrary),
            try Pack.build(application: try example("renew.yaml"), catalog: sharedCatalog, fonts: sharedFonts, library: sharedLibrary),
        ]
        let faces = sharedFonts.prepareFaces(for: packs.flatMap(\.pages))
        let out = folder.appendingPathComponent("out")
        let pdfs = try packs.map { try $0.write(into: out, fonts: sharedFonts, overwrite: true, faces: faces).pdf }
        let url = folder.appendingPathComponent("part.pdf")
        let part = try PrintAllPart(url: url, faces: faces)
        for (pack, pdf) in zip(packs, pdfs) { try part.add(pack: pdf, pages: pack.pages) }
        try part.finish()
        #expect(part.packsWithOwnFonts == 1, "the pack with pictures keeps its own objects; the other is translated")
        #expect(try run("qpdf", ["--check", url.path]).status == 0)
        #expect(try imageCount(url) == 4)
        // The same pages, pixel for pixel, as the packs.
        func render(_ pdf: URL, _ tag: String) throws -> [Data] {
            let prefix = folder.appendingPathComponent("r-\(tag)").path
            #expect(try run("pdftoppm", ["-r", "30", "-png", pdf.path, prefix]).status == 0)
            return try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasPrefix("r-\(tag)-") }.sorted()
                .map { try Data(contentsOf: folder.appendingPathComponent($0)) }
        }
        let all = try render(url, "all")
        let each = try render(pdfs[0], "a") + render(pdfs[1], "b")
        #expect(all.count == each.count && all == each)
        #expect(squeeze(try run("pdftotext", [url.path, "-"]).output).contains(CopyPages.restriction))
    }
}
