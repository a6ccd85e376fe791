// Sections beyond the engine: whole packs (forms issue) and batches. Each runs as `certpack-bench NAME`.
import Forms
import Foundation
import Rules
import Typeset

/// A benchmark section run in its own child process.
struct ExtraSection { let name: String; let title: String }

let extraSections: [ExtraSection] = [
    ExtraSection(name: "pack-cold", title: "Pack cold: certpack fill Examples/new-odc-personal.yaml, process start to files written"),
    ExtraSection(name: "packs", title: "Packs: 200 packs of the example, each a different organisation (build + write), one core"),
    ExtraSection(name: "packs-parallel", title: "Packs: 200 packs, all cores"),
]

func runExtraSection(_ name: String) throws {
    switch name {
    case "pack-cold": packCold()
    case "packs": try packsBench(count: 200, threads: 1)
    case "packs-parallel": try packsBench(count: 200, threads: ProcessInfo.processInfo.activeProcessorCount)
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
        if r.status != 0 { print("  certpack fill failed: \(r.output)"); return }
    }
    try? FileManager.default.removeItem(atPath: out)
    print(String(format: "  best of 3: %.0f ms", times.min()! * 1000))
}

/// Builds and writes `count` packs of the example applicant, each a different organisation in its own folder.
func packsBench(count: Int, threads: Int) throws {
    let templates = repo.appendingPathComponent("Templates")
    let fonts = try FontBook.load(fontsFolder: repo.appendingPathComponent("Fonts"))
    let catalog = try Catalog.load(templates: templates)
    let library = try FormLibrary.load(templates: templates)
    let application = try ApplicationLoader.load(url: repo.appendingPathComponent("Examples/new-odc-personal.yaml"))
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("certpack-packs-\(getpid())")
    defer { try? FileManager.default.removeItem(at: root) }
    let start = now()
    let perThread = count / threads
    let pages = Counter(), bytes = Counter()
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
    print(String(format: "  %d packs (%d pages) in %.2f s: %.1f packs/s, %.0f pages/s, %.0f KB/pack, peak memory %.1f MB",
                 total, pages.value, seconds, Double(total) / seconds, Double(pages.value) / seconds,
                 Double(bytes.value) / Double(total) / 1024, peakMemoryMB()))
}

/// A thread-safe running total.
final class Counter: @unchecked Sendable {
    private var total = 0
    private let lock = NSLock()
    func add(_ n: Int) { lock.lock(); total += n; lock.unlock() }
    var value: Int { lock.lock(); defer { lock.unlock() }; return total }
}
