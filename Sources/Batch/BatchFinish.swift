import FileOutput
import Forms
import Foundation
import Input
import Rules

#if canImport(Glibc)
    import Glibc
#endif

/// What a finished batch left in its folder (`BatchRun.finish`): the summary, and which of
/// 全部打印.pdf and 汇总 are there.
public struct BatchOutcome {
    public var results: [BatchResult]
    public var summary: BatchSummary
    /// The pages of 全部打印.pdf; 0 when it is not there (no pack was made, or `printAllError`).
    public var printAllPages: Int
    /// Why 全部打印.pdf could not be made (disk full, a part missing…); it is then not there.
    public var printAllError: Error?
    /// Why 汇总.csv/.md/.xlsx could not be written; none of them is then there.
    public var summaryError: Error?

    /// The packs written, each with the application it was made from: what a roster records.
    public var packsMade: [(application: Application, pdf: URL)] {
        results.compactMap { r in
            guard case let .written(files) = r.status, let app = r.record.application else { return nil }
            return (app, files.pdf)
        }
    }
}

extension BatchRun {
    /// 汇总.csv, 汇总.md and 汇总.xlsx.
    public static let summaryNames = ["汇总.csv", "汇总.md", "汇总.xlsx"]

    /// The last step of every batch, the same for `certpack batch` and the web page. What workers
    /// that died left is swept (temporaries, a pack folder holding nothing else). 全部打印.pdf and 汇总
    /// describe what is on disk or are not there at all: 全部打印.pdf is removed when it could not be
    /// made whole or would hold no page, and the three 汇总 files are written together or all removed
    /// — a file of an earlier run is never left to tell another story.
    public func finish(_ made: (results: [BatchResult], printAllPages: Int, printAllError: Error?)) -> BatchOutcome {
        let packFolders = made.results.compactMap { $0.record.application.map { Pack.folderName(for: $0.organization) } }
        OutputFolder.removeStaleTemporaries(in: [""] + packFolders, under: output)
        if made.printAllError != nil || made.printAllPages == 0 {
            unlink(output.appendingPathComponent(Self.printAllName).path)
        }
        let summary = BatchSummary(made.results)
        let files = Self.summaryNames.map { output.appendingPathComponent($0) }
        var summaryError: Error?
        do {
            try AtomicFile.write([
                (files[0], Data(summary.csv.utf8)), (files[1], Data(summary.markdown.utf8)),
                (files[2], try summary.xlsx.data()),
            ])
        } catch {
            summaryError = error
            for f in files { unlink(f.path) }
        }
        return BatchOutcome(
            results: made.results, summary: summary, printAllPages: made.printAllError == nil ? made.printAllPages : 0,
            printAllError: made.printAllError, summaryError: summaryError)
    }
}
