import Foundation
import Input
import Rules
import Typeset

/// What became of one organisation of a batch.
public struct BatchResult: Sendable {
    public enum Status: Sendable {
        /// The pack was written.
        case written(PackFiles)
        /// The data has problems; nothing was written for it.
        case invalid([BatchIssue])
        /// The data was fine but the pack could not be made (a value that does not fit, a character no font has).
        case failed(String)
    }
    public var record: BatchRecord
    /// What the summary needs of the pack's checklist (kept instead of the checklist itself, so a
    /// long batch holds a few numbers per organisation, not its whole checklist).
    public var figures: PackFigures?
    public var status: Status

    public var succeeded: Bool { if case .written = status { true } else { false } }
}

/// Makes every pack of a batch, in parallel, and one printable PDF of them all in input order.
///
/// Packs are laid out and written by all cores at once; `全部打印.pdf` is written by one thread that
/// takes finished packs in input order from a bounded window, so memory stays flat however long the
/// batch: at most `window` packs' pages are held at a time.
public struct BatchRun: Sendable {
    public var catalog: Catalog
    public var fonts: FontBook
    public var library: FormLibrary
    public var output: URL
    public var overwrite: Bool
    public var workers: Int
    /// Packs laid out ahead of the one being appended to 全部打印.pdf.
    public var window: Int
    /// `--resume`: a pack already complete and made from the same row (`Pack.isComplete`) is kept,
    /// not written again; every other pack is (re)written. Its pages still go into 全部打印.pdf.
    public var resume = false

    public static let printAllName = "全部打印.pdf"

    public init(catalog: Catalog, fonts: FontBook, library: FormLibrary, output: URL, overwrite: Bool,
                workers: Int = ProcessInfo.processInfo.activeProcessorCount) {
        self.catalog = catalog; self.fonts = fonts; self.library = library; self.output = output
        self.overwrite = overwrite; self.workers = max(1, workers); self.window = max(4, 4 * workers)
    }

    /// The files this batch would replace (without `overwrite`, the run refuses when there are any).
    public func existingOutputs(_ records: [BatchRecord]) -> [String] {
        let fm = FileManager.default
        var found: [String] = []
        let all = output.appendingPathComponent(Self.printAllName)
        if fm.fileExists(atPath: all.path) { found.append(all.path) }
        for r in records {
            guard let app = r.application else { continue }
            let pdf = output.appendingPathComponent(Pack.folderName(for: app.organization)).appendingPathComponent("申请材料.pdf")
            if fm.fileExists(atPath: pdf.path) { found.append(pdf.path) }
        }
        return found
    }

    /// Runs the batch. `progress(done, total)` is called from the writing thread after each record.
    /// Returns one result per record, in input order, the pages in 全部打印.pdf, and why 全部打印.pdf
    /// could not be written (disk full…) — then it is not there, and the packs still are.
    /// 全部打印.pdf holds only packs that are on disk: a pack's pages are appended after it is written.
    public func run(_ records: [BatchRecord], progress: @escaping @Sendable (Int, Int) -> Void = { _, _ in }) throws -> (results: [BatchResult], printAllPages: Int, printAllError: Error?) {
        try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let queue = Handoff(count: records.count, window: window)
        let this = self
        // Two records writing the same pack folder would overwrite each other: the later one is refused.
        var firstByFolder: [String: Int] = [:], sameFolderAs: [Int: Int] = [:]
        for (i, r) in records.enumerated() {
            guard let app = r.application, r.issues.isEmpty else { continue }
            let folder = Pack.folderName(for: app.organization)
            if let first = firstByFolder[folder] { sameFolderAs[i] = records[first].line } else { firstByFolder[folder] = i }
        }
        let sameFolder = sameFolderAs
        // The writer of 全部打印.pdf: appends finished packs in input order.
        let printAll = try PDFWriter(url: output.appendingPathComponent(Self.printAllName),
                                     metadata: PDFMetadata(title: "全部打印 — 深圳医保在线签约数字证书申请材料", author: "CertPack"), fonts: fonts)
        let writerDone = DispatchSemaphore(value: 0)
        let writerError = Box<Error?>(nil)
        let results = Box<[BatchResult?]>(Array(repeating: nil, count: records.count))
        Thread.detachNewThread {
            for i in 0..<records.count {
                let (result, pages) = queue.take(i)
                do { if writerError.value == nil { try printAll.add(contentsOf: pages) } } catch { writerError.value = error }
                results.value[i] = result
                queue.release()
                progress(i + 1, records.count)
            }
            writerDone.signal()
        }
        DispatchQueue.concurrentPerform(iterations: min(workers, max(1, records.count))) { _ in
            while let i = queue.next() {
                let (result, pages) = sameFolder[i].map { first in
                    (BatchResult(record: records[i], figures: nil, status: .failed(
                        "与第 \(first) 行是同一单位，申请材料会写进同一个文件夹；一家单位只写一次，多位持证人见 --help")), [Page]())
                } ?? this.make(records[i])
                queue.put(i, result, pages)
            }
        }
        writerDone.wait()
        if let error = writerError.value { return (results.value.map { $0! }, 0, error) }
        let count = printAll.pageCount
        if count > 0 {  // an empty PDF is no use to a printer; the writer removes its temporary
            do { try printAll.finish() } catch { return (results.value.map { $0! }, 0, error) }
        }
        return (results.value.map { $0! }, count, nil)
    }

    /// Lays out and writes one organisation's pack.
    private func make(_ record: BatchRecord) -> (BatchResult, [Page]) {
        guard let app = record.application, record.issues.isEmpty else {
            return (BatchResult(record: record, figures: nil, status: .invalid(record.issues)), [])
        }
        do {
            let pack = try Pack.build(application: app, catalog: catalog, fonts: fonts, library: library)
            if resume && pack.isComplete(in: output) {
                let folder = output.appendingPathComponent(pack.folderName, isDirectory: true)
                let files = PackFiles(folder: folder, pdf: folder.appendingPathComponent("申请材料.pdf"),
                                      checklist: folder.appendingPathComponent("清单.md"), pageCount: pack.pages.count)
                return (BatchResult(record: record, figures: PackFigures(pack.checklist), status: .written(files)), pack.pages)
            }
            let files = try pack.write(into: output, fonts: fonts, overwrite: overwrite || resume)
            return (BatchResult(record: record, figures: PackFigures(pack.checklist), status: .written(files)), pack.pages)
        } catch {
            return (BatchResult(record: record, figures: nil, status: .failed("\(error)")), [])
        }
    }
}

/// Hands finished packs from the workers to the in-order writer, never more than `window` ahead.
private final class Handoff: @unchecked Sendable {
    private let condition = NSCondition()
    private var ready: [Int: (BatchResult, [Page])] = [:]
    private var nextIndex = 0
    private var slots: Int
    private let count: Int

    init(count: Int, window: Int) { self.count = count; self.slots = window }

    /// The next record to make, once a slot in the window is free; nil when all are taken.
    func next() -> Int? {
        condition.lock(); defer { condition.unlock() }
        while slots == 0 && nextIndex < count { condition.wait() }
        guard nextIndex < count else { return nil }
        slots -= 1
        nextIndex += 1
        return nextIndex - 1
    }

    func put(_ i: Int, _ result: BatchResult, _ pages: [Page]) {
        condition.lock(); ready[i] = (result, pages); condition.broadcast(); condition.unlock()
    }

    /// Waits for record `i`.
    func take(_ i: Int) -> (BatchResult, [Page]) {
        condition.lock(); defer { condition.unlock() }
        while ready[i] == nil { condition.wait() }
        return ready.removeValue(forKey: i)!
    }

    /// The writer is done with a record: its slot is free.
    func release() {
        condition.lock(); slots += 1; condition.broadcast(); condition.unlock()
    }
}

/// A value shared between threads that take turns (guarded by the Handoff's ordering).
private final class Box<T>: @unchecked Sendable {
    var value: T
    init(_ value: T) { self.value = value }
}
