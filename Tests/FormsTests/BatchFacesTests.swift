import Foundation
import Rules
import Testing
import Typeset

@testable import Forms

/// A batch cuts its faces once per chunk, to exactly the glyphs of the chunk's pages (`PreparedFaces`):
/// every glyph is found there, and the packs stay as small as packs cut one by one.
@Suite struct BatchFaces {
    @Test func packsDrawnFromFacesCutForTheirChunkNeedNoWholeFaceAndStaySmall() throws {
        let packs = try exampleNames().map {
            try Pack.build(application: example($0), catalog: sharedCatalog, fonts: sharedFonts, library: sharedLibrary)
        }
        let faces = sharedFonts.prepareFaces(for: packs.flatMap(\.pages))
        let folder = try temporaryFolder("faces")
        defer { try? FileManager.default.removeItem(at: folder) }
        for pack in packs {
            let files = try pack.write(into: folder, fonts: sharedFonts, overwrite: true, faces: faces)
            let size = try FileManager.default.attributesOfItem(atPath: files.pdf.path)[.size] as? Int ?? 0
            #expect(size < 110_000, "\(pack.folderName): \(size) bytes — a whole face embedded?")
            let text = try run("pdftotext", ["-raw", files.pdf.path, "-"]).output
            #expect(text.contains(pack.application.organization.uscc), "the text is there, as glyphs mapped back to it")
        }
        #expect(faces.unpreparedRuns == 0, "every glyph of the pages is in the faces cut for them")
    }
}
