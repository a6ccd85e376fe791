import Forms
import Foundation
import Testing

@testable import Batch

/// `BatchRun.finish`, the last step of every batch (the CLI's and the web page's): 全部打印.pdf and 汇总
/// describe what is on disk or are not there at all.
@Suite struct BatchFinishTests {
    static let tools = try! PackTools.load(templates: repoRoot.appendingPathComponent("Templates"))

    static func run(into folder: URL) -> BatchRun {
        BatchRun(catalog: tools.catalog, fonts: tools.fonts, library: tools.library, output: folder, overwrite: true)
    }

    @Test func aPrintAllOfAnEarlierRunIsRemovedWhenThisOneMadeNoneAnd汇总IsWrittenWhole() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let old = folder.appendingPathComponent(BatchRun.printAllName)
        try Data("%PDF- an earlier run's".utf8).write(to: old)
        let outcome = Self.run(into: folder).finish((results: [], printAllPages: 0, printAllError: nil))
        #expect(!FileManager.default.fileExists(atPath: old.path))
        #expect(outcome.summaryError == nil && outcome.printAllError == nil)
        #expect(try Data(contentsOf: folder.appendingPathComponent("汇总.csv")) == Data(outcome.summary.csv.utf8))
        #expect(try Data(contentsOf: folder.appendingPathComponent("汇总.md")) == Data(outcome.summary.markdown.utf8))
        #expect(try Data(contentsOf: folder.appendingPathComponent("汇总.xlsx")) == outcome.summary.xlsx.data())
    }

    @Test func aPrintAllThatCouldNotBeMadeIsNotLeftBehind() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let old = folder.appendingPathComponent(BatchRun.printAllName)
        try Data("%PDF- an earlier run's".utf8).write(to: old)
        struct DiskFull: Error {}
        let outcome = Self.run(into: folder).finish((results: [], printAllPages: 12, printAllError: DiskFull()))
        #expect(!FileManager.default.fileExists(atPath: old.path))
        #expect(outcome.printAllPages == 0)
        #expect(outcome.printAllError is DiskFull)
    }

    @Test func when汇总CannotBeWrittenNoneOfItsFilesIsThere() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        for name in ["汇总.csv", "汇总.md"] { try Data("an earlier run's".utf8).write(to: folder.appendingPathComponent(name)) }
        // A folder where 汇总.xlsx should go: it cannot be replaced by a file.
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("汇总.xlsx"), withIntermediateDirectories: false)
        let outcome = Self.run(into: folder).finish((results: [], printAllPages: 0, printAllError: nil))
        #expect(outcome.summaryError != nil)
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("汇总.csv").path))
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("汇总.md").path))
    }
}
