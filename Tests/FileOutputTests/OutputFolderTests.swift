import Foundation
import Testing

@testable import FileOutput

@Suite("The output folder")
struct OutputFolderTests {
    @Test("one run at a time: a second lock on the folder is refused at once, and free again after")
    func lock() throws {
        let dir = try temporaryFolder("lock").appendingPathComponent("out")
        var first: OutputFolder? = try OutputFolder(dir)
        #expect(first?.previousRunInterrupted == false)
        do {
            _ = try OutputFolder(dir)
            Issue.record("a second lock was granted")
        } catch {
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
        let pack = dir.appendingPathComponent("pack")
        let kept = dir.appendingPathComponent("kept")
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
        do {
            _ = try OutputFolder(file)
            Issue.record("a file was taken for a folder")
        } catch {
            #expect("\(error)".contains("输出路径是一个文件"))
        }
    }
}
