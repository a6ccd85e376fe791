import Foundation
import Rules
import Testing
import Typeset

@testable import Forms
@testable import PDF

/// 全部打印.pdf is made from the packs' own pages (`PrintAllPart`): it must show exactly what the packs
/// show — same pixels, same text — with each face embedded once.
@Suite struct PrintAllPartPages {
    /// The example packs, written as a batch chunk writes them.
    private func writtenExamples(in folder: URL) throws -> (packs: [Pack], pdfs: [URL], faces: PreparedFaces) {
        let packs = try exampleNames().map {
            try Pack.build(application: example($0), catalog: sharedCatalog, fonts: sharedFonts, library: sharedLibrary)
        }
        let faces = sharedFonts.prepareFaces(for: packs.flatMap(\.pages))
        let pdfs = try packs.map { try $0.write(into: folder, fonts: sharedFonts, overwrite: true, faces: faces).pdf }
        return (packs, pdfs, faces)
    }

    /// Every page rendered at 50 dpi, as PNG bytes, in order.
    private func rendered(_ pdf: URL, in folder: URL, _ tag: String) throws -> [Data] {
        let prefix = folder.appendingPathComponent("render-\(tag)").path
        #expect(try run("pdftoppm", ["-r", "50", "-png", pdf.path, prefix]).status == 0)
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
            .filter { $0.hasPrefix("render-\(tag)-") && $0.hasSuffix(".png") }.sorted()
        return try names.map { try Data(contentsOf: folder.appendingPathComponent($0)) }
    }

    @Test func theAllInOnePrintShowsEveryPackPageAsThePackDoesWithEachFaceOnce() throws {
        let folder = try temporaryFolder("part")
        defer { try? FileManager.default.removeItem(at: folder) }
        let (packs, pdfs, faces) = try writtenExamples(in: folder)
        let url = folder.appendingPathComponent("part.pdf")
        let part = try PrintAllPart(url: url, faces: faces)
        for (pack, pdf) in zip(packs, pdfs) { try part.add(pack: pdf, pages: pack.pages) }
        try part.finish()
        #expect(part.packsWithOwnFonts == 0, "every pack's codes were matched to the part's fonts")
        #expect(part.pageCount == packs.reduce(0) { $0 + $1.pages.count })
        #expect(try run("qpdf", ["--check", url.path]).status == 0)

        let all = try rendered(url, in: folder, "all")
        var expected: [Data] = []
        for (k, pdf) in pdfs.enumerated() { expected += try rendered(pdf, in: folder, "pack\(k)") }
        #expect(all.count == expected.count)
        for (n, (a, b)) in zip(all, expected).enumerated() { #expect(a.elementsEqual(b), "page \(n + 1) looks different in 全部打印.pdf") }

        let allText = try run("pdftotext", ["-layout", url.path, "-"]).output
        let packText = try pdfs.map { try run("pdftotext", ["-layout", $0.path, "-"]).output }.joined()
        #expect(allText == packText, "the same text, searchable and copyable")

        // One embedded font per face used, not one per pack.
        let fontLines = try run("pdffonts", [url.path]).output.split(separator: "\n").dropFirst(2)
        #expect(fontLines.count == 2, "serif and sans, once each: \(fontLines)")
        #expect(fontLines.allSatisfy { $0.contains("CID Type 0C") && $0.contains(" yes yes yes ") })
    }

    @Test func aPackThatDoesNotMatchItsPagesGoesInWithItsOwnFonts() throws {
        let folder = try temporaryFolder("part-own")
        defer { try? FileManager.default.removeItem(at: folder) }
        let (packs, pdfs, faces) = try writtenExamples(in: folder)
        let (a, b) = try #require(zip(packs, pdfs).first { $0.0.pages.count == packs[0].pages.count && $0.1 != pdfs[0] }.map { ($0.1, packs[0]) })
        let url = folder.appendingPathComponent("part.pdf")
        let part = try PrintAllPart(url: url, faces: faces)
        try part.add(pack: a, pages: b.pages)  // another pack's pages: the codes cannot match
        try part.finish()
        #expect(part.packsWithOwnFonts == 1)
        #expect(try run("qpdf", ["--check", url.path]).status == 0)
        let shown = try rendered(url, in: folder, "own")
        let expected = try rendered(a, in: folder, "a")
        #expect(shown.count == expected.count)
        for (x, y) in zip(shown, expected) { #expect(x.elementsEqual(y), "the pack as it is, with its own fonts") }
    }
}
