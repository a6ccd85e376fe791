import Foundation
import Testing

/// Issue 16 at the command line: a past visit date, unknown keys, IDs ending in 000, a FIFO given to
/// `batch`, a character no font has in a batch. Today is `fixedToday` (2026-12-02, `CERTPACK_TODAY`).
@Suite("Trust at the command line")
struct TrustCLITests {
    /// Runs `certpack` with extra environment and a deadline: a run past it is killed and reported as hung.
    static func runWithin(_ seconds: Double, _ args: [String], environment: [String: String] = [:]) throws -> (run: Run, hung: Bool) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: certpack)
        p.arguments = args
        p.currentDirectoryURL = repoRoot
        p.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        let out = temporaryFile()
        let err = temporaryFile()
        p.standardOutput = try FileHandle(forWritingTo: out)
        p.standardError = try FileHandle(forWritingTo: err)
        try p.run()
        let deadline = Date().addingTimeInterval(seconds)
        while p.isRunning && Date() < deadline { usleep(20_000) }
        let hung = p.isRunning
        if hung {
            kill(p.processIdentifier, SIGKILL)
            p.waitUntilExit()
        }
        let read = { (u: URL) in String(decoding: (try? Data(contentsOf: u)) ?? Data(), as: UTF8.self) }
        return (Run(status: p.terminationStatus, out: read(out), err: read(err)), hung)
    }

    static func temporaryFile() -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("certpack-run-\(UUID().uuidString)")
        FileManager.default.createFile(atPath: url.path, contents: nil)
        return url
    }

    func file(_ name: String, _ text: String) throws -> URL {
        let url = try temporaryFolder().appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    @Test("checklist --date yesterday: 日期已过 on 办理日期, nothing called doable, a day from today proposed, exit 1")
    func pastDate() throws {
        let r = try run(certpack, ["checklist", "Examples/new-odc-personal.yaml", "--date", "2026-12-01"])
        #expect(r.status == 1)
        #expect(r.out.contains("日期已过") && !r.out.contains("可办理全部业务"), "\(r.out)")
        #expect(r.out.contains("建议：2026-12-02"), "\(r.out)")
        #expect(r.err.contains("visit.date: 日期已过"), "\(r.err)")
        let json = try run(certpack, ["checklist", "Examples/new-odc-personal.yaml", "--date", "2026-12-01", "--format", "json"])
        #expect(json.out.contains("\"field\" : \"visit.date\"") && json.out.contains("\"status\" : \"past\""))
    }

    @Test("a past visit date in the file: validate and fill refuse it on visit.date")
    func pastDateInFile() throws {
        let text = try String(contentsOf: repoRoot.appendingPathComponent("Examples/renew.yaml"), encoding: .utf8)
            .replacingOccurrences(of: "date: \"2026-12-03\"", with: "date: \"2026-11-30\"")
        let f = try file("past.yaml", text)
        let v = try run(certpack, ["validate", f.path])
        #expect(v.status == 1 && v.out.contains("visit.date: 日期已过"), "\(v.out)\(v.err)")
        let out = f.deletingLastPathComponent().appendingPathComponent("out")
        let fill = try run(certpack, ["fill", f.path, "-o", out.path])
        #expect(fill.status != 0 && fill.err.contains("日期已过"))
    }

    @Test("fill --date yesterday is refused on visit.date; the demo moves its example's past visit to today")
    func fillPastDateAndDemo() throws {
        let folder = try temporaryFolder()
        let fill = try run(certpack, ["fill", "Examples/new-odc-personal.yaml", "--date", "2026-12-01", "-o", folder.path])
        #expect(fill.status != 0 && fill.err.contains("visit.date: 日期已过"), "\(fill.err)")
        #expect(files(under: folder).isEmpty, "nothing written")
        let (demo, hung) = try Self.runWithin(
            120, ["demo", "-o", folder.appendingPathComponent("demo").path],
            environment: ["CERTPACK_TODAY": "2027-03-01"])
        #expect(!hung && demo.status == 0, "\(demo.err)")
        #expect(demo.out.contains("2027-03-01") && !demo.out.contains("日期已过"), "\(demo.out)")
    }

    @Test("a batch row with a past 办理日期 is 有误 under that column, in --check and the run alike")
    func pastDateInBatch() throws {
        let folder = try temporaryFolder()
        let f = folder.appendingPathComponent("b.csv")
        try batchCSV(count: 2, bad: [2: { v in v["办理日期"] = "2026/12/1" }]).write(to: f, atomically: true, encoding: .utf8)
        let check = try run(certpack, ["batch", f.path, "--check"])
        #expect(check.status == 1 && check.err.contains("第 3 行「办理日期」：日期已过"), "\(check.err)")
        let made = try run(certpack, ["batch", f.path, "-o", folder.appendingPathComponent("out").path])
        #expect(made.status == 1 && made.err.contains("第 3 行「办理日期」：日期已过"), "\(made.err)")
    }

    @Test("an unknown key in a YAML file is refused naming the nearest known one")
    func unknownKey() throws {
        let text = try String(contentsOf: repoRoot.appendingPathComponent("Examples/renew.yaml"), encoding: .utf8) + "holder: []\n"
        let r = try run(certpack, ["validate", try file("k.yaml", text).path])
        #expect(r.status != 0 && (r.out + r.err).contains("未知字段 holder，是否想写 holders？"), "\(r.out)\(r.err)")
    }

    @Test("an ID ending in 000 in a YAML file: no Excel advice, confirmedIdNumbers accepts it")
    func idEnding000() throws {
        let changed = try String(contentsOf: repoRoot.appendingPathComponent("Examples/renew.yaml"), encoding: .utf8)
            .replacingOccurrences(of: "440307198506202347", with: "440305197712015000")  // the 经办人's number
        let refused = try run(certpack, ["validate", try file("z.yaml", changed).path])
        #expect(refused.status == 1 && refused.out.contains("以 000 结尾") && !refused.out.contains("Excel"), "\(refused.out)")
        #expect(!refused.out.contains("440305197712015000"), "masked")
        let confirmed = try run(certpack, ["validate", try file("c.yaml", changed + "confirmedIdNumbers: [\"440305197712015000\"]\n").path])
        #expect(confirmed.status == 0, "\(confirmed.out)\(confirmed.err)")
    }

    @Test("batch --check on a FIFO ends at once with a refusal (it used to block forever)")
    func fifoBatch() throws {
        let folder = try temporaryFolder()
        let fifo = folder.appendingPathComponent("批量.csv")
        #expect(mkfifo(fifo.path, 0o600) == 0)
        for args in [["batch", fifo.path, "--check"], ["batch", fifo.path, "-o", folder.appendingPathComponent("out").path]] {
            let (r, hung) = try Self.runWithin(30, args)
            #expect(!hung, "blocked on the FIFO")
            #expect(r.status == 2 && r.err.contains("不是普通文件"), "\(r.err)")
        }
    }

    @Test("a character no font has in a batch: under its column, 有误 under --check, 数据有误 in 汇总")
    func unprintableInBatch() throws {
        let folder = try temporaryFolder()
        let csv = batchCSV(count: 2, bad: [2: { v in v["经办人姓名"] = "李\u{E000}" }])
        let f = folder.appendingPathComponent("b.csv")
        try csv.write(to: f, atomically: true, encoding: .utf8)
        let check = try run(certpack, ["batch", f.path, "--check"])
        #expect(check.status == 1 && check.out.contains("2 家单位，1 家数据有效，1 家有误"))
        #expect(check.err.contains("第 3 行") && check.err.contains("第 3 行「经办人姓名」：字符 U+E000") && !check.err.contains("未生成"), "\(check.err)")
        let out = folder.appendingPathComponent("out")
        let made = try run(certpack, ["batch", f.path, "-o", out.path])
        #expect(made.status == 1 && made.err.contains("「经办人姓名」：字符 U+E000"), "\(made.err)")
        let summary = try String(contentsOf: out.appendingPathComponent("汇总.csv"), encoding: .utf8)
        #expect(summary.contains("数据有误") && summary.contains("「经办人姓名」"))
    }
}
