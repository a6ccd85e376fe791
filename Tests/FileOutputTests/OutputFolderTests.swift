import Foundation
@testable import Forms
import Rules
import Testing
@testable import Typeset
@testable import FileOutput

@Suite("Writing files that never lie")
struct WritingFilesTests {
    @Test("a symlink planted at a temporary's name is never written through, and its target is untouched")
    func plantedSymlinkAtATemporaryName() throws {
        let folder = try temporaryFolder("atomic")
        defer { try? FileManager.default.removeItem(at: folder) }
        let target = folder.appendingPathComponent("victim")
        try Data("keep me".utf8).write(to: target)
        let planted = ".清单.md" + AtomicFile.marker + "1-planted"
        try FileManager.default.createSymbolicLink(atPath: folder.appendingPathComponent(planted).path, withDestinationPath: target.path)
        let dir = open(folder.path, O_RDONLY | O_DIRECTORY)
        defer { close(dir) }
        #expect(AtomicFile.openExclusive(in: dir, planted) == -1)
        #expect(errno == EEXIST)
        #expect(try String(contentsOf: target, encoding: .utf8) == "keep me")
    }

    @Test("a file is only under its name once committed, owner-only; a symlink at the name is replaced, not followed")
    func commitReplacesTheLinkNotItsTarget() throws {
        let folder = try temporaryFolder("atomic")
        defer { try? FileManager.default.removeItem(at: folder) }
        let target = folder.appendingPathComponent("victim")
        try Data("keep me".utf8).write(to: target)
        let url = folder.appendingPathComponent("清单.md")
        try FileManager.default.createSymbolicLink(at: url, withDestinationURL: target)
        let file = try AtomicFile(url)
        try file.write(Data("new".utf8))
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent(file.temporaryName).path))
        try file.commit()
        #expect(try String(contentsOf: url, encoding: .utf8) == "new")
        #expect(try String(contentsOf: target, encoding: .utf8) == "keep me")
        let mode = try FileManager.default.attributesOfItem(atPath: url.path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() == ["victim", "清单.md"])
    }

    @Test("a folder that is a symlink is refused: nothing is written through it")
    func symlinkFolderRefused() throws {
        let folder = try temporaryFolder("atomic")
        defer { try? FileManager.default.removeItem(at: folder) }
        let real = folder.appendingPathComponent("real"), link = folder.appendingPathComponent("link")
        try FileManager.default.createDirectory(at: real, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: real)
        #expect(throws: OutputError.self) { try AtomicFile.write(Data("x".utf8), to: link.appendingPathComponent("a.md")) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: real.path).isEmpty)
    }

    @Test("a pack into a folder that is a symlink is refused with its name")
    func packFolderSymlinkRefused() throws {
        let out = try temporaryFolder("packlink"), elsewhere = try temporaryFolder("elsewhere")
        defer { try? FileManager.default.removeItem(at: out); try? FileManager.default.removeItem(at: elsewhere) }
        let pack = try Pack.build(application: try example("new-odc-personal.yaml"), catalog: sharedCatalog, fonts: sharedFonts, library: sharedLibrary)
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
        let hex = { (s: String) in RowDigest.sha256(Array(s.utf8)).map { String(format: "%02x", $0) }.joined() }
        #expect(hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(hex(String(repeating: "a", count: 1000)) == "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3")
    }
}

@Suite("The output folder")
struct OutputFolderTests {
    @Test("one run at a time: a second lock on the folder is refused at once, and free again after")
    func lock() throws {
        let dir = try temporaryFolder("lock").appendingPathComponent("out")
        var first: OutputFolder? = try OutputFolder(dir)
        #expect(first?.previousRunInterrupted == false)
        do { _ = try OutputFolder(dir); Issue.record("a second lock was granted") } catch {
            #expect("\(error)".contains("另一个 certpack 正在写入 \(dir.path)"))
        }
        first = nil  // the run ends without finish(): as if killed
        let second = try OutputFolder(dir)
        #expect(second.previousRunInterrupted, "the next run knows the last one did not finish")
        second.finish()
        withExtendedLifetime(first) {}
    }

    @Test("stale temporaries of dead runs are removed, and a pack folder holding nothing else")
    func staleTemporaries() throws {
        let dir = try temporaryFolder("stale")
        let folder = try OutputFolder(dir)
        let pack = dir.appendingPathComponent("pack"), kept = dir.appendingPathComponent("kept")
        try FileManager.default.createDirectory(at: pack, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: kept, withIntermediateDirectories: true)
        try Data().write(to: pack.appendingPathComponent(".申请材料.pdf.partial-999999-abc"))
        try Data().write(to: kept.appendingPathComponent(".清单.md.partial-1-x"))
        try Data("pdf".utf8).write(to: kept.appendingPathComponent("申请材料.pdf"))
        try Data().write(to: dir.appendingPathComponent(".全部打印.pdf.partial-2-y"))
        #expect(folder.removeStaleTemporaries(in: ["", "pack", "kept"]) == 3)
        #expect(!FileManager.default.fileExists(atPath: pack.path))
        #expect(try FileManager.default.contentsOfDirectory(atPath: kept.path) == ["申请材料.pdf"])
    }

    @Test("an output path that is a file is said in words")
    func outputIsAFile() throws {
        let file = try temporaryFolder("file").appendingPathComponent("f")
        try Data("x".utf8).write(to: file)
        do { _ = try OutputFolder(file); Issue.record("a file was taken for a folder") } catch {
            #expect("\(error)".contains("输出路径是一个文件"))
        }
    }
}

@Suite("ID numbers masked in free text")
struct MaskingTests {
    @Test("ID numbers are masked wherever they are in a message; 统一社会信用代码 and phone numbers are not")
    func masking() {
        #expect(maskIDNumbers(in: "「440305198003121235」≠「440305199212255672」") == "「440305********1235」≠「440305********5672」")
        #expect(maskIDNumbers(in: "idNumber: 44030519800312123X,") == "idNumber: 440305********123X,")
        #expect(maskIDNumbers(in: "校验位不对：440305198003121230") == "校验位不对：440305********1230", "a mistyped number too")
        #expect(maskIDNumbers(in: "440305800312123") == "440305*****2123", "the old 15-digit format")
        for kept in ["91440305MA5DPL4W0G-深圳市南山区康宁诊所有限公司", "13823456789", "154 739 697 600 74", "ID 440305198003121235999"] {
            #expect(maskIDNumbers(in: kept) == kept)
        }
    }
}
