// certpack-bench: `make bench`. Speed and memory of the engine, measured here and never in tests.
//
// Each section runs in a child process of its own, so its peak memory (ru_maxrss) is its own.
import Foundation
import Typeset

#if canImport(Glibc)
    import Glibc
#endif

let arguments = CommandLine.arguments
let repo = findRepo()

if arguments.count > 1 {
    switch arguments[1] {
    case "engine": try engineBench(pages: Int(arguments[safe: 2] ?? "") ?? 1000, threads: 1)
    case "engine-parallel": engineParallel(pages: Int(arguments[safe: 2] ?? "") ?? 1000, processes: ProcessInfo.processInfo.activeProcessorCount)
    default: try runExtraSection(arguments[1])
    }
    exit(0)
}

print("CertPack benchmarks (\(ProcessInfo.processInfo.activeProcessorCount) cores)")
print("")
section("Engine: 1000 specimen pages into one PDF, one core", ["engine", "1000"])
section(
    "Engine: 1000 specimen pages, all cores (one PDF per process: cairo 1.16 never draws on two threads of one process)", ["engine-parallel", "1000"])
coldPage()
cSketch()
for extra in extraSections { section(extra.title, [extra.name]) }

// MARK: - Sections

/// Lays out and writes `pages` specimen pages; on several threads, each thread writes its own PDF.
func engineBench(pages: Int, threads: Int) throws {
    let fonts = try FontBook.load(fontsFolder: repo.appendingPathComponent("Fonts"))
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("certpack-bench-\(getpid())")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let start = now()
    let perThread = pages / threads
    DispatchQueue.concurrentPerform(iterations: threads) { t in
        do {
            let writer = try PDFWriter(url: folder.appendingPathComponent("bench-\(t).pdf"), metadata: PDFMetadata(title: "bench"), fonts: fonts)
            for p in 0..<perThread { try writer.add(try Specimen.page(fonts: fonts, serial: t * perThread + p + 1)) }
            try writer.finish()
        } catch { fatalError("\(error)") }
    }
    let seconds = now() - start
    let bytes = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        .map { try FileManager.default.attributesOfItem(atPath: folder.appendingPathComponent($0).path)[.size] as? Int ?? 0 }.reduce(0, +)
    let total = perThread * threads
    print(
        String(
            format: "  %d pages in %.2f s: %.0f pages/s (%.0f pages/s per thread), %.2f KB/page, peak memory %.1f MB",
            total, seconds, Double(total) / seconds, Double(total) / seconds / Double(threads),
            Double(bytes) / Double(total) / 1024, peakMemoryMB()))
}

/// The engine on every core as batches use it: one process per core, each writing its share into its own PDF.
func engineParallel(pages: Int, processes: Int) {
    let start = now()
    let children = (0..<processes).map { _ -> Process in
        let p = Process()
        p.executableURL = URL(fileURLWithPath: arguments[0])
        p.arguments = ["engine", "\(pages / processes)"]
        p.currentDirectoryURL = repo
        p.standardOutput = FileHandle.nullDevice
        try? p.run()
        return p
    }
    for p in children { p.waitUntilExit() }
    let seconds = now() - start
    print(
        String(
            format: "  %d pages in %.2f s on %d processes: %.0f pages/s (process start included)",
            pages / processes * processes, seconds, processes, Double(pages / processes * processes) / seconds))
}

/// Process start to file written, for one specimen page through the real command line.
func coldPage() {
    print("Cold: one specimen page, process start to files written (certpack specimen, PDF + PNG)")
    let certpack = URL(fileURLWithPath: arguments[0]).deletingLastPathComponent().appendingPathComponent("certpack").path
    let out = FileManager.default.temporaryDirectory.appendingPathComponent("certpack-cold-\(getpid())").path
    var times: [Double] = []
    for _ in 0..<3 {
        let start = now()
        _ = runChild(certpack, ["specimen", "-o", out])
        times.append(now() - start)
    }
    try? FileManager.default.removeItem(atPath: out)
    print(String(format: "  best of 3: %.0f ms", times.min()! * 1000))
    print("")
}

/// The plain C sketch from ../shared/reference, compiled and run here, as the bar.
func cSketch() {
    let source = repo.deletingLastPathComponent().appendingPathComponent("shared/reference/cairo-harfbuzz-sketch.c").path
    guard FileManager.default.fileExists(atPath: source) else {
        print("C sketch: not found at \(source), skipped\n")
        return
    }
    print("Bar: the C sketch (shared/reference), 1000 pages, one core")
    let exe = FileManager.default.temporaryDirectory.appendingPathComponent("certpack-sketch-\(getpid())").path
    let pdf = exe + ".pdf"
    let flags = runChild("/usr/bin/pkg-config", ["--cflags", "--libs", "cairo", "harfbuzz", "freetype2"]).output
        .split(separator: " ").map { String($0).trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
    guard runChild("/usr/bin/gcc", ["-O2", source, "-o", exe] + flags).status == 0 else {
        print("  could not compile, skipped\n")
        return
    }
    let start = now()
    _ = runChild(exe, ["1000", pdf])
    let seconds = now() - start
    let bytes = (try? FileManager.default.attributesOfItem(atPath: pdf)[.size] as? Int) ?? 0
    print(String(format: "  1000 pages in %.2f s: %.0f pages/s, %.2f KB/page", seconds, 1000 / seconds, Double(bytes) / 1000 / 1024))
    print("")
    try? FileManager.default.removeItem(atPath: exe)
    try? FileManager.default.removeItem(atPath: pdf)
}

// MARK: - Helpers

func section(_ title: String, _ args: [String]) {
    print(title)
    let result = runChild(arguments[0], args)
    print(result.output, terminator: "")
    if result.status != 0 { print("  (failed with status \(result.status))") }
    print("")
}

func runChild(_ path: String, _ args: [String], environment: [String: String] = [:]) -> (status: Int32, output: String, stderr: String) {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: path)
    p.arguments = args
    p.currentDirectoryURL = repo
    var env = ProcessInfo.processInfo.environment
    for (k, v) in environment { env[k] = v }
    p.environment = env
    let pipe = Pipe()
    let err = Pipe()
    p.standardOutput = pipe
    p.standardError = err
    do { try p.run() } catch { return (-1, "  cannot run \(path): \(error)\n", "") }
    let errData = Box()
    let reading = Thread { errData.data = err.fileHandleForReading.readDataToEndOfFile() }
    reading.start()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    while !reading.isFinished { usleep(1000) }
    return (p.terminationStatus, String(decoding: data, as: UTF8.self), String(decoding: errData.data, as: UTF8.self))
}

final class Box: @unchecked Sendable { var data = Data() }

func now() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

func peakMemoryMB() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_maxrss) / 1024
}

func findRepo() -> URL {
    var dir = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    while dir.path != "/" {
        if FileManager.default.fileExists(atPath: dir.appendingPathComponent("Fonts/fonts.json").path) { return dir }
        dir = dir.deletingLastPathComponent()
    }
    return URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
}

extension Array {
    subscript(safe i: Int) -> Element? { indices.contains(i) ? self[i] : nil }
}
