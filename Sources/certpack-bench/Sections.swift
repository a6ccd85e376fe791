// Sections beyond the engine: whole packs (forms issue) and batches. Each runs as `certpack-bench NAME`.
import Forms
import Foundation
import Input
import PDF
import Rules
import Typeset

/// A benchmark section run in its own child process.
struct ExtraSection {
    let name: String
    let title: String
}

let extraSections: [ExtraSection] = [
    ExtraSection(name: "pack-cold", title: "Pack cold: certpack fill Examples/new-odc-personal.yaml, process start to files written"),
    ExtraSection(name: "packs", title: "Packs: 200 packs of the example, each a different organisation (build + write), one core"),
    ExtraSection(name: "batch-100", title: "Batch: certpack batch, 100 organisations (generated CSV), 2 jobs"),
    ExtraSection(name: "batch-1000", title: "Batch: certpack batch, 1000 organisations (~7000 pages), 2 jobs"),
    ExtraSection(name: "batch-1000-1job", title: "Batch: certpack batch, 1000 organisations, --jobs 1"),
    ExtraSection(name: "batch-3000", title: "Batch: certpack batch, 3000 organisations, 2 jobs"),
    ExtraSection(name: "onepage-1000", title: "Batch engine: 1000 one-page packs (单位数字证书申请表 only), each its own PDF + 全部打印.pdf, 2 processes"),
    ExtraSection(name: "stress", title: "Stress: 300 two-job batches of 12 organisations, each under a 120 s deadline"),
    ExtraSection(name: "xlsx-1000", title: "Workbook: a 1000-row .xlsx read into checked applications (BatchInput.read)"),
    ExtraSection(name: "roster", title: "Roster: 20 000 organisations / 60 000 certificates — import from .xlsx, list --due 60, renew of 1 000 due"),
    ExtraSection(name: "copies-12mp", title: "Copies: certpack fill with four 12 MP phone photos (两张身份证正反面, cropped by corners)"),
]

func runExtraSection(_ name: String) throws {
    switch name {
    case "pack-cold": packCold()
    case "packs": try packsBench(count: 200, threads: 1)
    case "batch-100": try batchBench(count: 100)
    case "batch-1000": try batchBench(count: 1000)
    case "batch-1000-1job": try batchBench(count: 1000, jobs: 1)
    case "batch-3000": try batchBench(count: 3000)
    case "onepage-1000": try onePageBench(count: 1000, processes: 2)
    case "onepage-part": try onePagePart(Int(arguments[2])!, of: Int(arguments[3])!, count: Int(arguments[4])!, folder: arguments[5])
    case "stress": try stressBench(batches: 300, organisations: 12)
    case "xlsx-1000": try xlsxBench(count: 1000)
    case "roster": try rosterBench(organisations: Int(arguments[safe: 2] ?? "") ?? 20_000, due: Int(arguments[safe: 3] ?? "") ?? 1000)
    case "copies-12mp": try copiesBench()
    default: print("unknown section \(name)")
    }
}

func packCold() {
    let certpack = URL(fileURLWithPath: arguments[0]).deletingLastPathComponent().appendingPathComponent("certpack").path
    let out = FileManager.default.temporaryDirectory.appendingPathComponent("certpack-packcold-\(getpid())").path
    var times: [Double] = []
    for _ in 0..<3 {
        let start = now()
        let r = runChild(certpack, ["fill", "Examples/new-odc-personal.yaml", "-o", out, "--force"])
        times.append(now() - start)
        if r.status != 0 {
            print("  certpack fill failed: \(r.output)")
            return
        }
    }
    try? FileManager.default.removeItem(atPath: out)
    print(String(format: "  best of 3: %.0f ms", times.min()! * 1000))
}

/// Builds and writes `count` packs of the example applicant, each a different organisation in its own folder.
func packsBench(count: Int, threads: Int) throws {
    let tools = try PackTools.load(templates: repo.appendingPathComponent("Templates"))
    let (fonts, catalog, library) = (tools.fonts, tools.catalog, tools.library)
    let application = try ApplicationLoader.load(url: repo.appendingPathComponent("Examples/new-odc-personal.yaml"))
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("certpack-packs-\(getpid())")
    defer { try? FileManager.default.removeItem(at: root) }
    let start = now()
    let perThread = count / threads
    let pages = Counter()
    let bytes = Counter()
    DispatchQueue.concurrentPerform(iterations: threads) { t in
        for n in 0..<perThread {
            do {
                var app = application
                app.organization.name += "\(t * perThread + n)"
                let pack = try Pack.build(application: app, catalog: catalog, fonts: fonts, library: library)
                let files = try pack.write(into: root, fonts: fonts, overwrite: true)
                pages.add(files.pageCount)
                bytes.add((try? FileManager.default.attributesOfItem(atPath: files.pdf.path)[.size] as? Int) ?? 0)
            } catch { fatalError("\(error)") }
        }
    }
    let seconds = now() - start
    let total = perThread * threads
    print(
        String(
            format: "  %d packs (%d pages) in %.2f s: %.1f packs/s, %.0f pages/s, %.0f KB/pack, peak memory %.1f MB",
            total, pages.value, seconds, Double(total) / seconds, Double(pages.value) / seconds,
            Double(bytes.value) / Double(total) / 1024, peakMemoryMB()))
}

/// A thread-safe running total.
final class Counter: @unchecked Sendable {
    private var total = 0
    private let lock = NSLock()
    func add(_ n: Int) {
        lock.lock()
        total += n
        lock.unlock()
    }
    var value: Int {
        lock.lock()
        defer { lock.unlock() }
        return total
    }
}

/// The whole `certpack batch` on a generated CSV: wall time, throughput, the child's peak memory,
/// and the size of 全部打印.pdf per page.
func batchBench(count: Int, jobs: Int = 2) throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("certpack-batch-\(getpid())")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let csv = folder.appendingPathComponent("batch.csv")
    try Data(generatedBatch(count).utf8).write(to: csv)
    let certpack = URL(fileURLWithPath: arguments[0]).deletingLastPathComponent().appendingPathComponent("certpack").path
    let out = folder.appendingPathComponent("out")
    let start = now()
    let r = runChild(certpack, ["batch", csv.path, "-o", out.path, "--jobs", "\(jobs)"], environment: ["CERTPACK_DEBUG_CPU": "1"])
    let seconds = now() - start
    guard r.status == 0 else {
        print("  certpack batch failed (\(r.status)): \(r.output)")
        return
    }
    var usage = rusage()
    getrusage(RUSAGE_CHILDREN.rawValue, &usage)
    let all = out.appendingPathComponent("全部打印.pdf")
    let bytes = (try FileManager.default.attributesOfItem(atPath: all.path)[.size] as? Int) ?? 0
    let pages = Int(r.output.split(separator: "（").last?.split(separator: " ").first ?? "") ?? 0
    let packBytes =
        FileManager.default.enumerator(atPath: out.path)?.compactMap { $0 as? String }.filter { $0.hasSuffix("申请材料.pdf") }
        .map { (try? FileManager.default.attributesOfItem(atPath: out.appendingPathComponent($0).path)[.size] as? Int) ?? 0 } ?? []
    let coordinator = r.stderr.split(separator: "\n").first { $0.hasPrefix("cpu:") }.map(String.init) ?? ""
    print(
        String(
            format: "  %d packs in %.2f s: %.1f packs/s, %.0f pages/s; 全部打印.pdf %d pages, %.2f KB/page; packs %.0f KB on average",
            count, seconds, Double(count) / seconds, Double(pages) / seconds, pages,
            Double(bytes) / Double(max(pages, 1)) / 1024, Double(packBytes.reduce(0, +)) / Double(max(packBytes.count, 1)) / 1024))
    print(String(format: "  peak memory: largest process %.0f MB; %@", Double(usage.ru_maxrss) / 1024, coordinator))
}

/// `count` organisations with computed check characters, mixed services and certificates.
func generatedBatch(_ count: Int) -> String {
    let header = BatchSchema.columns.map(\.header)
    var lines = [header.joined(separator: ",")]
    let districts = ["南山区", "福田区", "宝安区", "龙岗区", "罗湖区"]
    for n in 1...count {
        let code17 = String(format: "91440300MA5%06d", n)
        // An odd sequence number never ends in 00: no ID ends in 000, which the checks take for an Excel-rounded one.
        let lr17 = String(format: "440305198001%02d%03d", n % 28 + 1, n % 500 * 2 + 1)
        let h17 = String(format: "440306199002%02d%03d", n % 28 + 1, n % 500 * 2 + 1)
        let v: [String: String] = [
            "单位名称": "深圳市\(districts[n % 5])第\(n)号康宁诊所有限公司",
            "统一社会信用代码": code17 + String(CheckDigits.usccCheckCharacter(code17)!),
            "单位地址": "深圳市\(districts[n % 5])科技路\(n)号康宁大厦\(n % 30 + 1)楼",
            "法定代表人姓名": "陈志明", "法定代表人证件号码": lr17 + String(CheckDigits.residentIDCheckDigit(lr17)!),
            "法定代表人手机": String(format: "138%08d", n),
            "经办人姓名": "李俊杰", "经办人证件号码": h17 + String(CheckDigits.residentIDCheckDigit(h17)!),
            "经办人手机": String(format: "139%08d", n),
            "业务类型": n % 3 == 0 ? "续期" : "新办", "原证书序列号": n % 3 == 0 ? "SZCA\(100000 + n)" : "",
            "机构证书年限": "1", "法人证书年限": "\(n % 5 + 1)",
            "办理日期": "2026-12-07", "受理点": "科技园文化广场",
        ]
        lines.append(header.map { CSVReader.escape(v[$0] ?? "") }.joined(separator: ","))
    }
    return lines.joined(separator: "\r\n") + "\r\n"
}

/// Reading a workbook of `count` organisations (the generated batch, written by XLSXWorkbook with
/// years as numbers): unzip, XML, rows → applications, every record validated. Best of 5.
func xlsxBench(count: Int) throws {
    let rows = try CSVReader.parse(generatedBatch(count))
    let years: Set<String> = ["机构证书年限", "法人证书年限"]
    let header = rows[0].fields
    let cells: [[XLSXWorkbook.Value?]] = rows.enumerated().map { n, row in
        row.fields.enumerated().map { c, v in
            if v.isEmpty { return nil }
            if n > 0, years.contains(header[c]), let d = Double(v) { return .number(d) }
            return .text(v)
        }
    }
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("certpack-xlsx-\(getpid()).xlsx")
    defer { try? FileManager.default.removeItem(at: url) }
    let data = try XLSXWorkbook(sheets: [XLSXWorkbook.Sheet(name: "批量", rows: cells)]).data()
    try data.write(to: url)
    let catalog = try Catalog.load(templates: repo.appendingPathComponent("Templates"))
    var times: [Double] = []
    var valid = 0
    for _ in 0..<5 {
        let start = now()
        let records = try BatchInput.read(url: url, catalog: catalog)
        times.append(now() - start)
        valid = records.filter(\.isValid).count
    }
    print(
        String(
            format: "  %d rows (%.0f KB .xlsx), %d valid: best %.0f ms, peak memory %.1f MB",
            count, Double(data.count) / 1024, valid, times.min()! * 1000, peakMemoryMB()))
}

/// The engine's components on the simplest job: every record one page (单位数字证书申请表), written as
/// its own PDF with the batch's prepared faces and drawn into its process's part of 全部打印.pdf,
/// the parts joined (PDFConcatenation) — as `certpack batch` does, on `processes` processes.
func onePageBench(count: Int, processes: Int) throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("certpack-onepage-\(getpid())")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let start = now()
    let children = (0..<processes).map { k -> Process in
        let p = Process()
        p.executableURL = URL(fileURLWithPath: arguments[0])
        p.arguments = ["onepage-part", "\(k)", "\(processes)", "\(count)", folder.path]
        p.currentDirectoryURL = repo
        try? p.run()
        return p
    }
    for p in children { p.waitUntilExit() }
    let parts = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasPrefix("part-") }.sorted()
        .map { folder.appendingPathComponent($0) }
    let pages = try PDFConcatenation.write(parts, to: folder.appendingPathComponent("全部打印.pdf"), metadata: PDFMetadata(title: "bench"))
    let seconds = now() - start
    var usage = rusage()
    getrusage(RUSAGE_CHILDREN.rawValue, &usage)
    print(
        String(
            format: "  %d one-page packs + 全部打印.pdf (%d pages) in %.2f s: %.0f packs/s, peak memory %.0f MB per process",
            count, pages, seconds, Double(count) / seconds, Double(usage.ru_maxrss) / 1024))
}

/// One process of `onePageBench`: records k, k+n, k+2n, … of `count`, in chunks of 63 as the batch
/// engine makes them (lay out the chunk, cut the faces to its glyphs, write each page as its own PDF
/// and put it into the chunk's part, `PrintAllPart`; files synced on a thread of their own).
func onePagePart(_ k: Int, of n: Int, count: Int, folder: String) throws {
    let tools = try PackTools.load(templates: repo.appendingPathComponent("Templates"))
    let (fonts, catalog, library) = (tools.fonts, tools.catalog, tools.library)
    let records = try BatchInput.records(csv: generatedBatch(count), file: "bench.csv", catalog: catalog)
    let mine = records.indices.filter { $0 % n == k }
    // Files are synced and renamed off the drawing thread, as the batch's PackCommitter does.
    let commits = DispatchQueue(label: "commits")
    let slots = DispatchSemaphore(value: 8)
    for (c, start) in stride(from: 0, to: mine.count, by: 63).enumerated() {
        let chunk = mine[start..<min(start + 63, mine.count)]
        let pages = try chunk.map { i -> (Int, Page) in
            let checklist = try Checklist.make(for: records[i].application!, catalog: catalog)
            return (i, try Pack.document(.unitApplication, checklist: checklist, fonts: fonts, library: library)[0])
        }
        let faces = fonts.prepareFaces(for: pages.map(\.1))
        let part = try PrintAllPart(
            url: URL(fileURLWithPath: folder).appendingPathComponent(String(format: "part-%02d-%03d.pdf", k, c)), faces: faces)
        for (i, page) in pages {
            let url = URL(fileURLWithPath: folder).appendingPathComponent("\(i).pdf")
            let writer = try PDFWriter(url: url, metadata: PDFMetadata(title: "bench"), fonts: fonts, embedding: .prepared(faces), keepingBytes: true)
            try writer.add(page)
            let file = try writer.finishUncommitted()
            try part.add(pdf: file.keptBytes ?? [], of: url, pages: [page])
            slots.wait()
            commits.async {
                try? file.commit()
                slots.signal()
            }
        }
        commits.sync {}
        try part.finish()
    }
}

/// Many short two-job batches, each under a deadline: a batch that does not finish is a hang.
func stressBench(batches: Int, organisations: Int) throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("certpack-stress-\(getpid())")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let csv = folder.appendingPathComponent("batch.csv")
    try Data(generatedBatch(organisations).utf8).write(to: csv)
    let certpack = URL(fileURLWithPath: arguments[0]).deletingLastPathComponent().appendingPathComponent("certpack").path
    var hangs = 0
    var failures = 0
    var digests: Set<Data> = []
    let start = now()
    for n in 0..<batches {
        let out = folder.appendingPathComponent("out-\(n)")
        let p = Process()
        p.executableURL = URL(fileURLWithPath: certpack)
        p.arguments = ["batch", csv.path, "-o", out.path, "--jobs", "2"]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        let done = DispatchSemaphore(value: 0)
        p.terminationHandler = { _ in done.signal() }
        try p.run()
        if done.wait(timeout: .now() + 120) == .timedOut {
            hangs += 1
            kill(p.processIdentifier, SIGKILL)
            done.wait()
        } else if p.terminationStatus != 0 {
            failures += 1
        } else if let pdf = try? Data(contentsOf: out.appendingPathComponent("全部打印.pdf")) {
            digests.insert(pdf)
        }
        try? FileManager.default.removeItem(at: out)
    }
    print(
        String(
            format: "  %d batches in %.0f s: %d hangs, %d failures, %d distinct 全部打印.pdf (1 = the same bytes every time)",
            batches, now() - start, hangs, failures, digests.count))
}
