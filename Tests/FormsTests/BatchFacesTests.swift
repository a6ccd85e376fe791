import Foundation
import Input
import Rules
import Testing
import Typeset
@testable import Forms

/// A batch prepares its faces once from the characters it announces (`BatchRun.characters`); a
/// glyph outside them is drawn from the whole face (right, but a whole face embedded). These pin
/// that the announcement is complete, so packs stay small.
@Suite struct BatchFaces {
    /// Every non-ASCII character of the string literals in the code that writes page text.
    static func literalCharacters() throws -> Set<Character> {
        var found = Set<Character>()
        for folder in ["Sources/Rules", "Sources/Input", "Sources/Forms"] {
            let root = repoRoot.appendingPathComponent(folder)
            for case let path as String in FileManager.default.enumerator(atPath: root.path)! where path.hasSuffix(".swift") {
                let text = try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
                for line in text.split(separator: "\n") {
                    let parts = line.split(separator: "\"", omittingEmptySubsequences: false)
                    for (i, part) in parts.enumerated() where i % 2 == 1 {
                        for c in part where c.unicodeScalars.first!.value > 0x7E { found.insert(c) }
                    }
                }
            }
        }
        return found
    }

    @Test func everyCharacterTheCodeWritesIsAnnounced() throws {
        let announced = Set(BatchRun.codeText)
        let missing = try Self.literalCharacters().subtracting(announced)
        #expect(missing.isEmpty, "add to BatchRun.codeText: \(String(missing.sorted()))")
    }

    @Test func everyExamplePackInABatchIsDrawnFromThePreparedFaces() throws {
        let names = try exampleNames()
        let records = try names.enumerated().map { n, name in
            BatchRecord(line: n + 2, name: name, uscc: "", application: try example(name), issues: [])
        }
        let characters = BatchRun.characters(of: records, library: sharedLibrary, catalog: sharedCatalog)
        let faces = sharedFonts.prepareFaces(for: characters.unicodeScalars)
        let folder = try temporaryFolder("faces")
        defer { try? FileManager.default.removeItem(at: folder) }
        for record in records {
            let pack = try Pack.build(application: record.application!, catalog: sharedCatalog, fonts: sharedFonts, library: sharedLibrary)
            let files = try pack.write(into: folder, fonts: sharedFonts, overwrite: true, faces: faces)
            let size = try FileManager.default.attributesOfItem(atPath: files.pdf.path)[.size] as? Int ?? 0
            #expect(size < 110_000, "\(record.name): \(size) bytes — a whole face embedded?")
        }
        #expect(faces.unpreparedRuns == 0, "glyph runs drawn from a whole face: a character the batch did not announce")
    }
}
