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
///   of a batch ever draws on two threads: packs are made by worker processes (`workers` of them,
///   each drawing on its one thread), and this process draws only `全部打印.pdf`, on the calling
///   thread. With `workers` = 1 everything is drawn on the calling thread, in this process.
/// - Font work per document (subsetting, new FreeType faces, cold glyph caches) cost more than the
///   drawing. So every process prepares its faces once for the whole batch, from the characters of
///   the whole batch, and draws every pack with them.
///
/// A worker is this program started again (`workerCommand`), fed one application per line on its
/// standard input and answering one line per pack on its standard output (`BatchWorker`). It reads
/// nothing but that, so the same input gives the same bytes whatever the number of workers. When
/// the coordinator dies, the workers' input closes and they stop.
public struct BatchRun: Sendable {
    public var catalog: Catalog
    public var fonts: FontBook
    public var library: FormLibrary
    public var output: URL
    public var overwrite: Bool
    public var workers: Int
    /// How to start a worker process (the executable and its arguments); nil draws every pack here.
    public var workerCommand: [String]?
    /// A batch with no pack finished for this long reports it (`stalled`).
    public var stallSeconds: Double = 60

    public static let printAllName = "全部打印.pdf"

    public init(catalog: Catalog, fonts: FontBook, library: FormLibrary, output: URL, overwrite: Bool,
                workers: Int = ProcessInfo.processInfo.activeProcessorCount, workerCommand: [String]? = nil) {
        self.catalog = catalog; self.fonts = fonts; self.library = library; self.output = output
        self.overwrite = overwrite; self.workers = max(1, workers); self.workerCommand = workerCommand
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
    /// Returns one result per record, in input order, and the pages in 全部打印.pdf.
    public func run(_ records: [BatchRecord],
                    progress: @escaping @Sendable (Int, Int) -> Void = { _, _ in },
                    stalled: @escaping @Sendable (Int, Int, Int) -> Void = { _, _, _ in }) throws -> (results: [BatchResult], printAllPages: Int) {
        try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let plan = BatchPlan(records)
        let characters = BatchRun.characters(of: records, library: library, catalog: catalog)
        let faces = fonts.prepareFaces(for: characters.unicodeScalars)
        let watch = ProgressWatch(total: records.count, stallSeconds: stallSeconds, progress: progress, stalled: stalled)
        defer { watch.stop() }

        // Packs: in worker processes, or (one job) here as the print-all pages are drawn.
        var pool: WorkerPool?
        if workers > 1, let command = workerCommand, !plan.jobs.isEmpty {
            let setup = WorkerSetup(output: output.path, overwrite: overwrite, characters: characters)
            pool = try WorkerPool(command: command, count: min(workers, plan.jobs.count), setup: setup,
                                  jobs: plan.jobs.map { WorkerJob(index: $0, application: records[$0].application!) },
                                  onReply: { _ in watch.packDone() })
        }
        defer { pool?.terminate() }

        var outcome = [PackOutcome?](repeating: nil, count: records.count)
        var inPrintAll: [Int] = []
        var printAll = try printAllWriter(faces)
        for i in records.indices {
            guard plan.isJob[i] else { watch.skipped(); continue }
            let pack: Pack
            do {
                pack = try Pack.build(application: records[i].application!, catalog: catalog, fonts: fonts, library: library)
                if pool == nil {
                    let files = try pack.write(into: output, fonts: fonts, overwrite: overwrite, faces: faces)
                    outcome[i] = .written(files, PackFigures(pack.checklist))
                } else {
                    outcome[i] = .laidOut(PackFigures(pack.checklist))
                }
            } catch {
                outcome[i] = .failed("\(error)")
                if pool == nil { watch.packDone() }
                watch.printed()
                continue
            }
            if pool == nil { watch.packDone() }
            try printAll.add(contentsOf: pack.pages)  // 全部打印.pdf that cannot be written ends the batch
            inPrintAll.append(i)
            watch.printed()
        }

        if let pool {
            let replies = pool.wait()
            for i in plan.jobs {
                guard case let .laidOut(figures) = outcome[i] else { continue }  // failed here already: same failure there
                let reply = replies[i]
                if let pages = reply?.pages {
                    outcome[i] = .written(packFiles(records[i], pages: pages), figures)
                } else {
                    outcome[i] = .failed(reply?.error ?? "生成进程没有回应")
                }
            }
            // A pack laid out here but not written there (a file error) must not be in 全部打印.pdf:
            // it is drawn again from the packs that are on disk. Rare; only then is a page drawn twice here.
            if inPrintAll.contains(where: { if case .written = outcome[$0] { false } else { true } }) {
                printAll = try printAllWriter(faces)
                for i in plan.jobs {
                    guard case .written = outcome[i], let app = records[i].application else { continue }
                    try printAll.add(contentsOf: try Pack.build(application: app, catalog: catalog, fonts: fonts, library: library).pages)
                }
            }
        }

        let count = printAll.pageCount
        if count > 0 { try printAll.finish() }  // an empty PDF is no use to a printer; the writer removes its temporary
        let results = records.indices.map { i -> BatchResult in
            if let first = plan.sameFolderAs[i] {
                return BatchResult(record: records[i], figures: nil, status: .failed(
                    "与第 \(first) 行是同一单位，申请材料会写进同一个文件夹；一家单位只写一次，多位持证人见 --help"))
            }
            switch outcome[i] {
            case nil: return BatchResult(record: records[i], figures: nil, status: .invalid(records[i].issues))
            case let .written(files, figures)?: return BatchResult(record: records[i], figures: figures, status: .written(files))
            case let .laidOut(figures)?: return BatchResult(record: records[i], figures: figures, status: .failed("未生成"))
            case let .failed(message)?: return BatchResult(record: records[i], figures: nil, status: .failed(message))
            }
        }
        return (results, count)
    }

    private func printAllWriter(_ faces: PreparedFaces) throws -> PDFWriter {
        try PDFWriter(url: output.appendingPathComponent(Self.printAllName),
                      metadata: PDFMetadata(title: "全部打印 — 深圳医保在线签约数字证书申请材料", author: "CertPack"),
                      fonts: fonts, embedding: .prepared(faces))
    }

    private func packFiles(_ record: BatchRecord, pages: Int) -> PackFiles {
        let folder = output.appendingPathComponent(Pack.folderName(for: record.application!.organization), isDirectory: true)
        return PackFiles(folder: folder, pdf: folder.appendingPathComponent("申请材料.pdf"),
                         checklist: folder.appendingPathComponent("清单.md"), pageCount: pages)
    }

    /// Every character the batch's packs can draw: the records' data, the form templates and the
    /// catalog (their descriptions hold every string they carry), and what the code itself writes.
    /// The same records give the same string, so every process prepares the same faces.
    static func characters(of records: [BatchRecord], library: FormLibrary, catalog: Catalog) -> String {
        var scalars = Set<Unicode.Scalar>()
        let encoder = JSONEncoder()
        for r in records {
            guard let app = r.application, let data = try? encoder.encode(app) else { continue }
            scalars.formUnion(String(decoding: data, as: UTF8.self).unicodeScalars)
        }
        scalars.formUnion(String(describing: library.templates.values.sorted { $0.kind.rawValue < $1.kind.rawValue }).unicodeScalars)
        scalars.formUnion(String(describing: catalog).unicodeScalars)
        scalars.formUnion(codeText.unicodeScalars)
        return String(String.UnicodeScalarView(scalars.filter { $0.value >= 0x20 }.sorted { $0.value < $1.value }))
    }

    /// Characters that pages get from code rather than data or templates: every non-ASCII character
    /// of the string literals in Sources/Rules, Sources/Input and Sources/Forms (a test keeps it so).
    static let codeText = "·×–—…›→√≠≥□⚠✓　、。《》「」【】一三上下不与且业丢个中为久义之乙书了事二于五交人仅介代以件任份休会但位何余作例保信倒值假元免入全公六共其内再写准几出分列则判别到制前办加务化医午单南印厅原取受变叠另只可台号司各合吊同名后向否含告周和四回园围国在地圳场址均型填境处备复外多大天失头如始姓子字存学安完定实审家容密对射少尚居属工已布带年并广序应延建开式引张当录往径必态总恢息意成或户所手才打执批找技把护择持指按据授排接提携支收改政效数整文料断新方无日旧早时明星映是更月有服期未末本机权材束来构查标校核根格次款止正步段母每民永汇没法注深清港湾澳点然照版状环现班理生用甲申电留的盖目相知短码确示社种科称程空章符第等签算箱类系紧约线经结统续编缴缺网职联能自至节范营行补表要见解计认议设访证识诊话该详语误请读调负败账质费资起身输过这进退适选途逗通遇邮部里重量销锁错门闭问间附陆限院隔需非面页项顺须预领题颠首验骤默（），：；"
}

/// What the batch does with each record: which are made, and which would write another's folder.
private struct BatchPlan {
    /// Records to make, in input order.
    var jobs: [Int] = []
    var isJob: [Bool]
    /// A record whose pack folder an earlier record already writes: that record's spreadsheet row.
    var sameFolderAs: [Int: Int] = [:]

    init(_ records: [BatchRecord]) {
        var firstByFolder: [String: Int] = [:]
        isJob = Array(repeating: false, count: records.count)
        for (i, r) in records.enumerated() {
            guard let app = r.application, r.issues.isEmpty else { continue }
            let folder = Pack.folderName(for: app.organization)
            if let first = firstByFolder[folder] { sameFolderAs[i] = records[first].line; continue }
            firstByFolder[folder] = i
            jobs.append(i)
            isJob[i] = true
        }
    }
}

private enum PackOutcome {
    case written(PackFiles, PackFigures)
    /// Laid out here; its pack is being written by a worker.
    case laidOut(PackFigures)
    case failed(String)
}

/// Counts finished organisations (a pack written and its pages in 全部打印.pdf) and notices stalls.
private final class ProgressWatch: @unchecked Sendable {
    private let lock = NSLock()
    private var packs = 0, pagesIn = 0, reported = 0
    private var lastChange = Date()
    private let total: Int
    private let progress: @Sendable (Int, Int) -> Void
    private let timer: DispatchSourceTimer

    init(total: Int, stallSeconds: Double, progress: @escaping @Sendable (Int, Int) -> Void,
         stalled: @escaping @Sendable (Int, Int, Int) -> Void) {
        self.total = total
        self.progress = progress
        timer = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "certpack.batch.watch"))
        let interval = max(0.05, min(5, stallSeconds / 4))
        timer.schedule(deadline: .now() + interval, repeating: interval)
        var warnedAt = Date.distantPast
        timer.setEventHandler { [unowned self] in
            lock.lock()
            let quiet = Date().timeIntervalSince(lastChange), done = reported
            lock.unlock()
            if quiet >= stallSeconds && Date().timeIntervalSince(warnedAt) >= stallSeconds {
                warnedAt = Date()
                stalled(Int(quiet), done, total)
            }
        }
        timer.resume()
    }

    func packDone() { step { packs += 1 } }
    func printed() { step { pagesIn += 1 } }
    /// A record with nothing to make.
    func skipped() { step { packs += 1; pagesIn += 1 } }

    private func step(_ change: () -> Void) {
        lock.lock()
        change()
        lastChange = Date()
        let done = min(packs, pagesIn)
        let report = done > reported
        if report { reported = done }
        lock.unlock()
        if report { progress(done, total) }
    }

    func stop() { timer.cancel() }
}
