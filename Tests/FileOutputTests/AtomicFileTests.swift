import Foundation
import Testing

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
        let real = folder.appendingPathComponent("real")
        let link = folder.appendingPathComponent("link")
        try FileManager.default.createDirectory(at: real, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: real)
        #expect(throws: OutputError.self) { try AtomicFile.write(Data("x".utf8), to: link.appendingPathComponent("a.md")) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: real.path).isEmpty)
    }
}
