import FileOutput
import Foundation
import Rules
import Testing

@testable import Forms

@Suite("Writing a pack")
struct PackWritingTests {
    @Test("a pack into a folder that is a symlink is refused with its name")
    func packFolderSymlinkRefused() throws {
        let out = try temporaryFolder("packlink")
        let elsewhere = try temporaryFolder("elsewhere")
        defer {
            try? FileManager.default.removeItem(at: out)
            try? FileManager.default.removeItem(at: elsewhere)
        }
        let pack = try Pack.build(
            application: try example("new-odc-personal.yaml"), catalog: sharedCatalog, fonts: sharedFonts, library: sharedLibrary)
        let link = out.appendingPathComponent(pack.folderName)
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: elsewhere)
        #expect(throws: PackError.symlink(link.path)) { try pack.write(into: out, fonts: sharedFonts, overwrite: true) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: elsewhere.path).isEmpty)
    }

    @Test("a pack is complete only with its PDF, checklist and the digest of the same row")
    func completeness() throws {
        let out = try temporaryFolder("complete")
        defer { try? FileManager.default.removeItem(at: out) }
        let app = try example("new-odc-personal.yaml")
        let pack = try Pack.build(application: app, catalog: sharedCatalog, fonts: sharedFonts, library: sharedLibrary)
        #expect(!pack.isComplete(in: out))
        try pack.write(into: out, fonts: sharedFonts, overwrite: false)
        #expect(pack.isComplete(in: out))
        var other = app
        other.handler.mobile = "13900000000"
        let otherPack = try Pack.build(application: other, catalog: sharedCatalog, fonts: sharedFonts, library: sharedLibrary)
        #expect(!otherPack.isComplete(in: out), "made from other data")
        // A truncated PDF is not complete.
        let pdf = out.appendingPathComponent(pack.folderName).appendingPathComponent("申请材料.pdf")
        #expect(truncate(pdf.path, 1000) == 0)
        #expect(!pack.isComplete(in: out))
    }

    @Test("the row digest is SHA-256 of the application's canonical JSON")
    func sha256() {
        let hex = { (s: String) in SHA256.hex(Data(s.utf8)) }  // the one SHA-256 the row digest uses
        #expect(hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(hex(String(repeating: "a", count: 1000)) == "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3")
    }
}
