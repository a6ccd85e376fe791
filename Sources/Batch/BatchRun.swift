import FileOutput
import Forms
import Foundation
import Input
import PDF
import Rules
import Typeset

/// What became of one organisation of a batch.
public struct BatchResult: Sendable {
    public enum Status: Sendable {
        /// The pack was written.
        case written(PackFiles)
        /// The data has problems; nothing was written for it.
        case invalid([BatchIssue])
        /// The data was fine but the pack could not be made (a value that does not fit, a character no
        /// font has, a file that could not be written).
        case failed(String)
    }
    public var record: BatchRecord
    /// What the summary needs of the pack's checklist (kept instead of the checklist itself, so a
    /// long batch holds a few numbers per organisation, not its whole checklist).
    public var figures: PackFigures?
    public var status: Status

    public var succeeded: Bool { if case .written = status { true } else { false } }
}

/// Makes every pack of a batch, and one printable PDF of them all in input order.
///
/// The design answers two facts about cairo 1.16 (see `PreparedFaces` for the first in detail):
/// - Two threads of one process drawing text can deadlock inside cairo's glyph cache. So no process
///   of a batch ever draws on two threads: the packs are made by worker processes (`workers` of
///   them), each drawing on its one thread; with one job, on the calling thread of this process.
/// - Font work per document cost more than the drawing: a HarfBuzz subset and new FreeType faces with
///   cold glyph caches per pack, and cairo copying and parsing the whole embedded face for every PDF.
///   So a chunk of packs is laid out first and the faces are cut once, to exactly the glyphs of the
///   chunk's pages; every pack of the chunk and its part of 全部打印.pdf are drawn with them.
///
/// - Drawing a page a second time for 全部打印.pdf cost as much as drawing it for its pack. So the
///   part of 全部打印.pdf is made from the packs' own pages as written (`PrintAllPart`), with each
///   face embedded once per chunk.
/// - Waiting for the disk (a sync per file) left a worker's core idle. So a pack's files are synced
///   and renamed on a thread of their own (`PackCommitter`) while the next pack is drawn.
///
/// The records to make are cut into chunks of consecutive records (the cut depends on the number of
/// records only). A chunk is made by one process: it lays each pack out once, cuts the faces, draws
/// and writes each pack, and adds its pages to the chunk's part of 全部打印.pdf; `PDFConcatenation`
/// then joins the parts in order.
/// So every page is laid out and drawn once, no page waits for another process, and the same input
/// gives the same bytes whatever the number of workers.
///
/// A worker is this program started again (`workerCommand`), fed one chunk per line on its standard
/// input and answering one line per pack and per chunk on its standard output (`BatchWorker`). When
/// the coordinator dies, the workers' input closes and they stop.
public struct BatchRun: Sendable {
    public var catalog: Catalog
    public var fonts: FontBook
    public var library: FormLibrary
    public var output: URL
    public var overwrite: Bool
    public var workers: Int
    /// How to start a worker process (the executable and its arguments); nil makes every pack here.
    public var workerCommand: [String]?
    /// A batch with no pack finished for this long reports it (`stalled`).
    public var stallSeconds: Double = 60
    /// `--resume`: a pack already complete and made from the same row (`Pack.isComplete`) is kept,
    /// not written again; every other pack is (re)written. Its pages still go into 全部打印.pdf.
    public var resume = false

    public static let printAllName = "全部打印.pdf"
    static let printAllMetadata = PDFMetadata(title: "全部打印 — 深圳医保在线签约数字证书申请材料", author: "CertPack")

    public init(
        catalog: Catalog, fonts: FontBook, library: FormLibrary, output: URL, overwrite: Bool,
        workers: Int = ProcessInfo.processInfo.activeProcessorCount, workerCommand: [String]? = nil
    ) {
        self.catalog = catalog
        self.fonts = fonts
        self.library = library
        self.output = output
        self.overwrite = overwrite
        self.workers = max(1, workers)
        self.workerCommand = workerCommand
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

    /// Runs the batch. `progress(done, total)` is called after each organisation (from any thread);
    /// `stalled(seconds, done, total)` when no organisation has finished for `stallSeconds`.
    /// Returns one result per record, in input order, the pages in 全部打印.pdf, and why 全部打印.pdf
    /// could not be written (disk full…) — then it is not there, and the packs still are.
    /// 全部打印.pdf holds only packs that are on disk: when a pack's files cannot be put in place, it is not written.
    /// Every caller then hands the answer to `finish` (汇总, and what 全部打印.pdf must not leave behind).
    public func run(
        _ records: [BatchRecord],
        progress: @escaping @Sendable (Int, Int) -> Void = { _, _ in },
        stalled: @escaping @Sendable (Int, Int, Int) -> Void = { _, _, _ in }
    ) throws -> (results: [BatchResult], printAllPages: Int, printAllError: Error?) {
        // A character no font has is the row's data problem, under its column (as --check says it).
        let records = Preflight.unprintable(records, fonts: fonts)
        let fm = FileManager.default
        try fm.createDirectory(at: output, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let plan = BatchPlan(records)
        Self.removeStaleParts(in: output)
        let parts = output.appendingPathComponent(Self.partsPrefix + "\(getpid())", isDirectory: true)
        try? fm.removeItem(at: parts)
        try fm.createDirectory(at: parts, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        Self.partsLock.lock()
        Self.currentParts.insert(parts.path)
        Self.partsLock.unlock()
        defer { Self.removeParts(parts.path) }
        let setup = WorkerSetup(output: output.path, parts: parts.path, overwrite: overwrite, resume: resume)
        let chunks = plan.chunks.enumerated().map { n, indices in
            WorkerChunk(number: n, packs: indices.map { WorkerJob(index: $0, application: records[$0].application!) })
        }
        let watch = ProgressWatch(total: records.count, stallSeconds: stallSeconds, progress: progress, stalled: stalled)
        defer { watch.stop() }
        for _ in 0..<(records.count - plan.jobCount) { watch.done() }

        let replies = Replies()
        if workers > 1, let command = workerCommand, chunks.count > 0 {
            let pool = try WorkerPool(command: command, count: min(workers, chunks.count), setup: setup, chunks: chunks) { reply in
                replies.add(reply)
                if reply.index != nil { watch.done() }
            }
            defer { pool.terminate() }
            pool.wait()
        } else {
            let maker = PackMaker(setup: setup, catalog: catalog, fonts: fonts, library: library)
            for chunk in chunks {
                maker.make(chunk) { reply in
                    replies.add(reply)
                    if reply.index != nil { watch.done() }
                }
            }
        }

        var results: [BatchResult] = []
        for (i, record) in records.enumerated() {
            let status: BatchResult.Status
            var figures: PackFigures?
            if let first = plan.sameFolderAs[i] {
                status = .failed(Preflight.sameFolderMessage(firstLine: first))
            } else if let app = record.application, record.issues.isEmpty {
                let reply = replies.packs[i]
                if let pages = reply?.pages {
                    let folder = output.appendingPathComponent(Pack.folderName(for: app.organization), isDirectory: true)
                    status = .written(
                        PackFiles(
                            folder: folder, pdf: folder.appendingPathComponent("申请材料.pdf"),
                            checklist: folder.appendingPathComponent("清单.md"), pageCount: pages))
                    figures = reply?.figures
                } else {
                    status = .failed(reply?.error ?? "生成进程没有回应，未生成")
                }
            } else {
                status = .invalid(record.issues)
            }
            results.append(BatchResult(record: record, figures: figures, status: status))
        }

        // 全部打印.pdf: the parts, joined in order; none when a part is missing (it would lie).
        var partFiles: [URL] = []
        for chunk in chunks {
            guard let reply = replies.chunks[chunk.number] else {
                return (results, 0, TypesetError.render(path: Self.printAllName, detail: "第 \(chunk.number + 1) 部分没有生成"))
            }
            if let error = reply.partError { return (results, 0, TypesetError.render(path: Self.printAllName, detail: error)) }
            if (reply.partPages ?? 0) > 0 { partFiles.append(URL(fileURLWithPath: PackMaker.partPath(setup, chunk.number))) }
        }
        guard !partFiles.isEmpty else { return (results, 0, nil) }  // an empty PDF is no use to a printer
        do {
            let pages = try PDFConcatenation.write(partFiles, to: output.appendingPathComponent(Self.printAllName), metadata: Self.printAllMetadata)
            return (results, pages, nil)
        } catch {
            return (results, 0, error)
        }
    }

    // The parts of 全部打印.pdf live in a private folder of the run, `.certpack-parts-<pid>`.
    static let partsPrefix = ".certpack-parts-"
    /// The parts folders of the runs in progress in this process (the web page may run one while a
    /// test runs another: a run removes its own only).
    nonisolated(unsafe) private static var currentParts: Set<String> = []
    private static let partsLock = NSLock()

    /// Removes the parts folders of the runs in progress (for a SIGINT/SIGTERM handler, after the
    /// workers are stopped).
    public static func removeParts() {
        partsLock.lock()
        let paths = currentParts
        currentParts = []
        partsLock.unlock()
        for path in paths { try? FileManager.default.removeItem(atPath: path) }
    }

    /// Removes the parts folder of one run, at its end.
    private static func removeParts(_ path: String) {
        partsLock.lock()
        currentParts.remove(path)
        partsLock.unlock()
        try? FileManager.default.removeItem(atPath: path)
    }

    /// Parts folders of runs that were killed outright.
    private static func removeStaleParts(in output: URL) {
        for name in (try? FileManager.default.contentsOfDirectory(atPath: output.path)) ?? [] where name.hasPrefix(partsPrefix) {
            guard let pid = Int32(name.dropFirst(partsPrefix.count)), pid != getpid(), kill(pid, 0) != 0 else { continue }
            try? FileManager.default.removeItem(at: output.appendingPathComponent(name))
        }
    }
}

/// What the batch does with each record: which are made, in which chunks, and which would write
/// another's folder.
private struct BatchPlan {
    /// Records to make, in input order, cut into chunks of consecutive records.
    var chunks: [[Int]] = []
    var jobCount = 0
    /// A record whose pack folder an earlier record already writes: that record's spreadsheet row.
    var sameFolderAs: [Int: Int] = [:]

    /// Enough chunks for any number of workers to share the work evenly, few enough that the parts'
    /// fonts (each part embeds its own) stay a small share of 全部打印.pdf, and small enough that a
    /// chunk's pages, held while its faces are cut, stay a few MB.
    static func chunkSize(_ count: Int) -> Int { min(63, max(20, (count + 15) / 16)) }

    init(_ records: [BatchRecord]) {
        var firstByFolder: [String: Int] = [:]
        var jobs: [Int] = []
        for (i, r) in records.enumerated() {
            guard let app = r.application, r.issues.isEmpty else { continue }
            let folder = Pack.folderName(for: app.organization)
            if let first = firstByFolder[folder] {
                sameFolderAs[i] = records[first].line
                continue
            }
            firstByFolder[folder] = i
            jobs.append(i)
        }
        jobCount = jobs.count
        let size = Self.chunkSize(jobs.count)
        chunks = stride(from: 0, to: jobs.count, by: size).map { Array(jobs[$0..<min($0 + size, jobs.count)]) }
    }
}

/// The replies of a batch, from whichever thread they come.
private final class Replies: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var packs: [Int: WorkerReply] = [:]
    private(set) var chunks: [Int: WorkerReply] = [:]

    func add(_ reply: WorkerReply) {
        lock.lock()
        defer { lock.unlock() }
        if let i = reply.index { packs[i] = reply }
        if let c = reply.chunk { chunks[c] = reply }
    }
}

/// Counts finished organisations and notices stalls.
private final class ProgressWatch: @unchecked Sendable {
    private let lock = NSLock()
    private var finished = 0
    private var lastChange = Date()
    private let total: Int
    private let progress: @Sendable (Int, Int) -> Void
    private let timer: DispatchSourceTimer

    init(
        total: Int, stallSeconds: Double, progress: @escaping @Sendable (Int, Int) -> Void,
        stalled: @escaping @Sendable (Int, Int, Int) -> Void
    ) {
        self.total = total
        self.progress = progress
        timer = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "certpack.batch.watch"))
        let interval = max(0.05, min(5, stallSeconds / 4))
        timer.schedule(deadline: .now() + interval, repeating: interval)
        var warnedAt = Date.distantPast
        timer.setEventHandler { [unowned self] in
            lock.lock()
            let quiet = Date().timeIntervalSince(lastChange)
            let done = finished
            lock.unlock()
            if quiet >= stallSeconds && Date().timeIntervalSince(warnedAt) >= stallSeconds && done < total {
                warnedAt = Date()
                stalled(Int(quiet), done, total)
            }
        }
        timer.resume()
    }

    /// One more organisation is done (made, failed, or nothing to make).
    func done() {
        lock.lock()
        finished += 1
        lastChange = Date()
        let now = finished
        lock.unlock()
        progress(now, total)
    }

    func stop() { timer.cancel() }
}
