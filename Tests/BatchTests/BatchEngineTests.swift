import Foundation
import Testing

/// The batch engine: it never hangs, it makes the same bytes whatever the number of jobs, and a
/// batch that makes no progress says so. (Speed is measured in `make bench`, never here.)
@Suite(.serialized) struct BatchEngine {
    /// Runs `certpack` with a deadline; a run past it is killed and reported as hung.
    static func runWithin(_ seconds: Double, _ args: [String], environment: [String: String] = [:]) throws -> (run: Run, hung: Bool) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: certpack)
        p.arguments = args
        p.currentDirectoryURL = repoRoot
        var env = ProcessInfo.processInfo.environment
        for (k, v) in environment { env[k] = v }
        p.environment = env
        let out = Pipe()
        let err = Pipe()
        p.standardOutput = out
        p.standardError = err
        let finished = DispatchSemaphore(value: 0)
        p.terminationHandler = { _ in finished.signal() }
        try p.run()
        let o = Box()
        let e = Box()
        let reading = DispatchGroup()
        DispatchQueue.global().async(group: reading) { o.data = out.fileHandleForReading.readDataToEndOfFile() }
        DispatchQueue.global().async(group: reading) { e.data = err.fileHandleForReading.readDataToEndOfFile() }
        let hung = finished.wait(timeout: .now() + seconds) == .timedOut
        if hung {
            kill(-p.processIdentifier, SIGKILL)
            p.terminate()
            kill(p.processIdentifier, SIGKILL)
            finished.wait()
        }
        _ = reading.wait(timeout: .now() + 10)
        return (Run(status: p.terminationStatus, out: String(decoding: o.data, as: UTF8.self), err: String(decoding: e.data, as: UTF8.self)), hung)
    }

    final class Box: @unchecked Sendable { var data = Data() }

    /// The watchdog of the batch issue: many short two-job batches, each under a deadline. With
    /// cairo drawing on two threads of one process, about one in 15 hung for ever.
    @Test func manyShortTwoJobBatchesAllFinish() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let csv = folder.appendingPathComponent("batch.csv")
        try Data(batchCSV(count: 30).utf8).write(to: csv)
        var hangs: [Int] = []
        for n in 0..<40 {
            let out = folder.appendingPathComponent("out-\(n)")
            let (r, hung) = try Self.runWithin(120, ["batch", csv.path, "-o", out.path, "--jobs", "2"])
            if hung {
                hangs.append(n)
                continue
            }
            #expect(r.status == 0, "batch \(n): \(r.err)")
            try? FileManager.default.removeItem(at: out)
        }
        #expect(hangs.isEmpty, "batches that did not finish within 120 s: \(hangs)")
    }

    @Test func theOutputIsTheSameBytesWhateverTheNumberOfJobs() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let csv = folder.appendingPathComponent("batch.csv")
        try Data(batchCSV(count: 45).utf8).write(to: csv)  // three chunks of packs
        var trees: [[String: Data]] = []
        for jobs in ["1", "2", "3"] {
            let out = folder.appendingPathComponent("out-\(jobs)")
            let r = try run(certpack, ["batch", csv.path, "-o", out.path, "--jobs", jobs])
            #expect(r.status == 0, "--jobs \(jobs): \(r.err)")
            var tree: [String: Data] = [:]
            for f in files(under: out) where !f.hasSuffix(".certpack.lock") {
                var isFolder: ObjCBool = false
                FileManager.default.fileExists(atPath: out.appendingPathComponent(f).path, isDirectory: &isFolder)
                if !isFolder.boolValue { tree[f] = try Data(contentsOf: out.appendingPathComponent(f)) }
            }
            trees.append(tree)
        }
        #expect(trees[0].count > 45 * 2)
        #expect(trees[0].keys.sorted() == trees[1].keys.sorted() && trees[0].keys.sorted() == trees[2].keys.sorted())
        for (name, data) in trees[0] {
            #expect(trees[1][name]?.elementsEqual(data) == true, "\(name) differs between --jobs 1 and 2")
            #expect(trees[2][name]?.elementsEqual(data) == true, "\(name) differs between --jobs 1 and 3")
        }
        let printAll = folder.appendingPathComponent("out-2/全部打印.pdf")
        #expect(try pageCount(printAll) == 45 * 7)
        #expect(try run("qpdf", ["--check", printAll.path]).status == 0)
        let text = try run("pdftotext", [printAll.path, "-"]).out
        let first = text.range(of: "深圳市福田区第1号康宁诊所有限公司")?.lowerBound
        let last = text.range(of: "第45号康宁诊所")?.lowerBound
        #expect(first != nil && last != nil && first! < last!, "全部打印.pdf keeps the input order")
        // Every font of the joined file is there, embedded: a reference the join failed to renumber
        // (`/DescendantFonts [ 37 0 R]`) once left the sans headings blank.
        let fonts = try run("pdffonts", [printAll.path]).out.split(separator: "\n").dropFirst(2)
        #expect(fonts.count == 3 * 2, "serif and sans once per chunk: \(fonts)")
        #expect(fonts.allSatisfy { $0.contains("CID Type 0C") && $0.contains(" yes yes yes ") }, "\(fonts)")
    }

    /// No process of a batch leaves a part of 全部打印.pdf or a worker behind.
    @Test func aBatchLeavesNoPartsAndNoWorkers() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let csv = folder.appendingPathComponent("batch.csv")
        try Data(batchCSV(count: 25).utf8).write(to: csv)
        let out = folder.appendingPathComponent("out")
        // A Templates folder (and the Fonts beside it) of this test's own, so that the workers looked for below are this batch's
        // and not those of another test running beside it (they all pass the repository's Templates).
        let templates = folder.appendingPathComponent("Templates")
        try FileManager.default.copyItem(at: repoRoot.appendingPathComponent("Templates"), to: templates)
        try FileManager.default.copyItem(at: repoRoot.appendingPathComponent("Fonts"), to: folder.appendingPathComponent("Fonts"))
        let r = try run(certpack, ["batch", csv.path, "-o", out.path, "--jobs", "2", "--templates", templates.path])
        #expect(r.status == 0, "\(r.err)")
        #expect(!files(under: out).contains { $0.contains(".certpack-parts") || $0.contains(".partial-") })
        let workers = try run("pgrep", ["-f", "batch-worker --templates \(templates.path)"]).out
        #expect(workers.isEmpty, "no worker outlives its batch: \(workers)")
    }

    /// A batch whose workers stop making progress says so instead of sitting silent.
    @Test func aStalledBatchSaysSoOnStandardError() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let csv = folder.appendingPathComponent("batch.csv")
        try Data(batchCSV(count: 3).utf8).write(to: csv)
        let out = folder.appendingPathComponent("out")
        // The worker sleeps before each pack (a test hook), the watchdog is set to 1 s.
        let (r, hung) = try Self.runWithin(
            60, ["batch", csv.path, "-o", out.path, "--jobs", "2"],
            environment: ["CERTPACK_TEST_WORKER_DELAY": "2.5", "CERTPACK_STALL_SECONDS": "1"])
        #expect(!hung)
        #expect(r.status == 0, "\(r.err)")
        #expect(r.err.contains("秒没有完成新的单位"), "\(r.err)")
    }

    /// A worker that dies takes only its own packs with it; the batch finishes and says what happened.
    @Test func aWorkerKilledMidBatchFailsItsPacksNotTheBatch() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let csv = folder.appendingPathComponent("batch.csv")
        try Data(batchCSV(count: 60).utf8).write(to: csv)
        let out = folder.appendingPathComponent("out")
        let (r, hung) = try Self.runWithin(
            120, ["batch", csv.path, "-o", out.path, "--jobs", "2"],
            environment: ["CERTPACK_TEST_WORKER_CRASH_AT": "5"])
        #expect(!hung)
        #expect(r.status == 1, "\(r.err)")
        #expect(r.err.contains("生成进程意外结束"), "\(r.err)")
        #expect(
            !FileManager.default.fileExists(atPath: out.appendingPathComponent("全部打印.pdf").path),
            "全部打印.pdf would miss the lost packs: it is not written")
        let summary = try String(contentsOf: out.appendingPathComponent("汇总.md"), encoding: .utf8)
        #expect(summary.contains("生成进程意外结束"))
        #expect(!files(under: out).contains { $0.contains(".partial-") })
    }
}
