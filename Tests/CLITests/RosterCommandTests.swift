import Foundation
import Input
import Rules
import Testing

/// `certpack roster …` as a user runs it, each on a temporary roster.
@Suite(.serialized) struct RosterCommandTests {
    /// A folder with a roster path in it (not created).
    struct Place {
        let folder: URL
        var roster: String { folder.appendingPathComponent("db/roster.sqlite").path }
        @discardableResult func cp(_ args: [String]) throws -> Run { try run(certpack, args + ["--roster", roster]) }
    }

    static func place() throws -> Place { Place(folder: try temporaryFolder()) }

    /// A batch CSV of `count` organisations, written in `folder` (`batchCSV`'s, or for more than 999,
    /// people numbered by birth year too so every ID stays 18 characters).
    static func batch(_ count: Int, in folder: URL, name: String = "batch.csv") throws -> URL {
        let url = folder.appendingPathComponent(name)
        try (count < 1000 ? batchCSV(count: count) : largeCSV(count)).write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    static func largeCSV(_ count: Int) -> String {
        func id(_ n: Int, decade: Int) -> String {
            // An odd sequence number never ends in 000 (which the checks take for an Excel-rounded ID);
            // the month and year of birth tell apart the numbers that share one.
            let k = n / 500
            let id17 = String(format: "440305%04d%02d%02d%03d", decade + k / 12, k % 12 + 1, n % 28 + 1, n % 500 * 2 + 1)
            return id17 + String(CheckDigits.residentIDCheckDigit(id17)!)
        }
        var lines = ["单位名称,统一社会信用代码,单位地址,法定代表人姓名,法定代表人证件号码,法定代表人手机,经办人姓名,经办人证件号码,经办人手机,业务类型,机构证书年限"]
        for n in 1...count {
            lines.append(
                "深圳市南山区第\(n)号诊所,\(uscc(n)),深圳市南山区科技路\(n)号,陈\(n),\(id(n, decade: 1970)),138\(String(format: "%08d", n)),李\(n),\(id(n, decade: 1990)),139\(String(format: "%08d", n)),新办,1"
            )
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    static func uscc(_ n: Int) -> String { OneTruthTests.uscc(n) }

    static func sqlite(_ path: String, _ sql: String) throws -> String {
        try run(
            "python3",
            ["-c", "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); print('\\n'.join(str(r[0]) for r in c.execute(sys.argv[2])))", path, sql]
        ).out
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test("init creates the roster (0600 in a 0700 folder); every other command before init says to run it")
    func initFirst() throws {
        let p = try Self.place()
        let before = try p.cp(["roster", "list"])
        #expect(before.status == 2 && before.err.contains("certpack roster init"))
        #expect(!FileManager.default.fileExists(atPath: p.roster))
        let made = try p.cp(["roster", "init"])
        #expect(made.status == 0, "\(made.err)")
        #expect(try FileManager.default.attributesOfItem(atPath: p.roster)[.posixPermissions] as! Int == 0o600)
        #expect(try FileManager.default.attributesOfItem(atPath: p.folder.appendingPathComponent("db").path)[.posixPermissions] as! Int == 0o700)
        #expect(try p.cp(["roster", "init"]).status == 1)
    }

    @Test("CERTPACK_ROSTER chooses the file when --roster is not given")
    func environmentChoosesTheFile() throws {
        let p = try Self.place()
        let made = try run("/usr/bin/env", ["CERTPACK_ROSTER=\(p.roster)", certpack, "roster", "init"])
        #expect(made.status == 0 && FileManager.default.fileExists(atPath: p.roster), "\(made.err)")
    }

    @Test("import a batch, list with masked IDs (text, json, csv), show masks unless --full; re-import updates")
    func importListShow() throws {
        let p = try Self.place()
        try p.cp(["roster", "init"])
        let csv = try Self.batch(5, in: p.folder)
        let imported = try p.cp(["roster", "import", csv.path])
        #expect(imported.status == 0, "\(imported.err)")
        #expect(imported.out.contains("新增 5 家"))
        let again = try p.cp(["roster", "import", csv.path])
        #expect(again.out.contains("更新 5 家") && again.out.contains("新增人员 0 位"), "\(again.out)")
        let legalID = try #require(
            batchCSV(count: 5).split(separator: "\r\n")[1].split(separator: ",").first { $0.hasPrefix("440305") }.map(String.init))

        for format in ["text", "json", "csv"] {
            let list = try p.cp(["roster", "list", "--format", format])
            #expect(list.status == 0, "\(list.err)")
            #expect(list.out.contains(Self.uscc(1)), "\(format)")
            #expect(!list.out.contains(legalID), "\(format)")
        }
        let search = try p.cp(["roster", "list", "--search", "陈志3", "--format", "json"])
        let rows = try JSONSerialization.jsonObject(with: Data(search.out.utf8)) as! [[String: Any]]
        #expect(rows.map { $0["uscc"] as? String } == [Self.uscc(3)])

        let show = try p.cp(["roster", "show", Self.uscc(1)])
        #expect(show.status == 0 && show.out.contains("法定代表人") && show.out.contains("陈志1"), "\(show.err)")
        #expect(!show.out.contains(legalID) && show.out.contains(maskID(legalID)))
        let full = try p.cp(["roster", "show", Self.uscc(1), "--full"])
        #expect(full.out.contains(legalID))
        #expect(try p.cp(["roster", "show", Self.uscc(99)]).status == 1)
    }

    @Test("import: a conflict (same code, other name) and a data problem each stop the whole import, reported, nothing written")
    func importConflicts() throws {
        let p = try Self.place()
        try p.cp(["roster", "init"])
        try p.cp(["roster", "import", try Self.batch(2, in: p.folder).path])
        var text = batchCSV(count: 3)
        text = text.replacingOccurrences(of: "第2号康宁诊所有限公司", with: "第2号改名诊所有限公司")
        let renamed = p.folder.appendingPathComponent("renamed.csv")
        try text.write(to: renamed, atomically: true, encoding: .utf8)
        let r = try p.cp(["roster", "import", renamed.path])
        #expect(r.status == 1)
        #expect(r.err.contains("冲突") && r.err.contains("第2号改名诊所有限公司") && r.err.contains("未导入任何内容"), "\(r.err)")
        #expect(try Self.sqlite(p.roster, "SELECT count(*) FROM organisation") == "2")
        #expect(try Self.sqlite(p.roster, "SELECT name FROM organisation WHERE uscc = '\(Self.uscc(2))'").hasSuffix("第2号康宁诊所有限公司"))

        let bad = p.folder.appendingPathComponent("bad.csv")
        try batchCSV(count: 4, bad: [4: { $0["经办人手机"] = "123" }]).write(to: bad, atomically: true, encoding: .utf8)
        let b = try p.cp(["roster", "import", bad.path])
        #expect(b.status == 1 && b.err.contains("经办人手机"), "\(b.err)")
        #expect(try Self.sqlite(p.roster, "SELECT count(*) FROM organisation") == "2")
    }

    @Test("issued, list --due, renew: 续期 packs through the batch engine whose PDFs carry the serials; a new 法定代表人 is a flagged 变更")
    func renewMakesPacks() throws {
        let p = try Self.place()
        try p.cp(["roster", "init"])
        try p.cp(["roster", "import", try Self.batch(3, in: p.folder).path])
        let serials = ["5A3F00C2B81D4E01", "5A3F00C2B81D4E02", "5A3F00C2B81D4E03"]
        for n in 1...3 {
            let r = try p.cp([
                "roster", "issued", Self.uscc(n), "--cert", "odc", "--serial", serials[n - 1], "--on", "2025-12-20", "--until", "2026-12-\(18 + n)",
            ])
            #expect(r.status == 0, "\(r.err)")
        }
        let due = try p.cp(["roster", "list", "--due", "30", "--today", "2026-12-01"])
        #expect(due.out.contains("剩 18 天") && due.out.contains(serials[2]), "\(due.out)")
        // Organisation 3 has a new legal representative since its certificate was issued.
        var text = batchCSV(count: 3)
        let lines = text.split(separator: "\r\n").map(String.init)
        let header = lines[0].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        var third = lines[3].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        let id17 = "44030519750505123"
        third[header.firstIndex(of: "法定代表人姓名")!] = "王新"
        third[header.firstIndex(of: "法定代表人证件号码")!] = id17 + String(CheckDigits.residentIDCheckDigit(id17)!)
        text = ([lines[0], third.joined(separator: ",")]).joined(separator: "\r\n") + "\r\n"
        let newLegal = p.folder.appendingPathComponent("new-legal.csv")
        try text.write(to: newLegal, atomically: true, encoding: .utf8)
        #expect(try p.cp(["roster", "import", newLegal.path]).status == 0)

        let out = p.folder.appendingPathComponent("续期")
        let r = try p.cp(["roster", "renew", "--due", "30", "--today", "2026-12-01", "-o", out.path, "--jobs", "1"])
        #expect(r.status == 0, "\(r.out)\n\(r.err)")
        #expect(r.err.contains("做成「变更」申请") && r.err.contains("王新"), "\(r.err)")
        #expect(r.out.contains("续期 2 家，变更 1 家") && r.out.contains("已生成 3 家单位的申请材料"), "\(r.out)")
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("全部打印.pdf").path))
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("汇总.xlsx").path))
        let packs = try FileManager.default.contentsOfDirectory(atPath: out.path).filter { $0.hasPrefix("9144") }.sorted()
        #expect(packs.count == 3)
        for (n, folder) in packs.enumerated() {
            let text = try run("pdftotext", ["-layout", out.appendingPathComponent(folder).appendingPathComponent("申请材料.pdf").path, "-"]).out
            #expect(text.contains(serials[n]), "\(folder)")
        }
        // Recorded as applications by the batch step.
        #expect(try Self.sqlite(p.roster, "SELECT count(*) FROM application WHERE state = '已生成'") == "3")
        #expect(try Self.sqlite(p.roster, "SELECT group_concat(service) FROM application ORDER BY id").contains("change"))
    }

    @Test("the .ics opens in a real parser (Python icalendar): every expiry with alarms 30 and 7 days before")
    func calendarParses() throws {
        guard (try? run("python3", ["-c", "import icalendar"]))?.status == 0 else {
            Issue.record("python3 with the icalendar package is needed for this test (make test-deps installs it)")
            return
        }
        let p = try Self.place()
        try p.cp(["roster", "init"])
        try p.cp(["roster", "import", try Self.batch(3, in: p.folder).path])
        for n in 1...3 {
            try p.cp(["roster", "issued", Self.uscc(n), "--cert", "personal", "--serial", "P\(n)", "--on", "2025-12-20", "--years", "\(n)"])
        }
        let ics = p.folder.appendingPathComponent("到期.ics")
        let made = try p.cp(["roster", "calendar", "-o", ics.path])
        #expect(made.status == 0 && made.out.contains("3 个事件"), "\(made.err)")
        let script = """
            import icalendar, sys, datetime
            cal = icalendar.Calendar.from_ical(open(sys.argv[1], 'rb').read())
            for ev in cal.walk('VEVENT'):
                alarms = sorted(str(a.get('TRIGGER').dt) for a in ev.walk('VALARM'))
                print(ev.get('UID'), ev.decoded('DTSTART'), '|'.join(alarms), str(ev.get('SUMMARY')))
            """
        let parsed = try run("python3", ["-c", script, ics.path])
        #expect(parsed.status == 0, "\(parsed.err)")
        let lines = parsed.out.split(separator: "\n")
        #expect(lines.count == 3)
        for line in lines { #expect(line.contains("-30 days, 0:00:00|-7 days, 0:00:00"), "\(line)") }
        #expect(parsed.out.contains("2026-12-19") && parsed.out.contains("2027-12-19") && parsed.out.contains("2028-12-19"))
        #expect(parsed.out.contains("证书到期"))
    }

    @Test("forget by 证件号码: not in the file's bytes nor the -wal after; export, backup and forget are audited")
    func forgetAndAudit() throws {
        let p = try Self.place()
        try p.cp(["roster", "init"])
        try p.cp(["roster", "import", try Self.batch(3, in: p.folder).path])
        let header = batchCSV(count: 3).split(separator: "\r\n")[0].split(separator: ",").map(String.init)
        let row = batchCSV(count: 3).split(separator: "\r\n")[2].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        let handlerID = row[header.firstIndex(of: "经办人证件号码")!]
        #expect(try p.cp(["roster", "export", p.folder.appendingPathComponent("x.xlsx").path]).status == 0)
        #expect(try p.cp(["roster", "backup", p.folder.appendingPathComponent("b.sqlite").path]).status == 0)
        let f = try p.cp(["roster", "forget", handlerID])
        #expect(f.status == 0 && f.out.contains("一位人员"), "\(f.err)")
        #expect(!f.out.contains(handlerID))
        for path in [p.roster, p.roster + "-wal"] {
            let bytes = (try? Data(contentsOf: URL(fileURLWithPath: path))) ?? Data()
            #expect(bytes.range(of: Data(handlerID.utf8)) == nil, "\(path)")
        }
        #expect(try Self.sqlite(p.roster, "SELECT group_concat(action) FROM audit") == "导出,备份,忘记")
        #expect(try Self.sqlite(p.roster, "PRAGMA integrity_check") == "ok")
    }

    @Test("a file made by a newer CertPack is refused with a clear message and left as it was")
    func newerRefused() throws {
        let p = try Self.place()
        try p.cp(["roster", "init"])
        _ = try Self.sqlite(p.roster, "SELECT 1")  // opened
        _ = try run(
            "python3",
            [
                "-c",
                "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute(\"INSERT INTO grdb_migrations VALUES ('v2-future')\"); c.commit()",
                p.roster,
            ])
        let r = try p.cp(["roster", "list"])
        #expect(r.status == 2 && r.err.contains("更新版本的 CertPack"), "\(r.err)")
    }

    @Test("kill -9 during an import's transaction: the file is intact (integrity_check) and the import is whole or absent")
    func killDuringImport() throws {
        let p = try Self.place()
        try p.cp(["roster", "init"])
        let csv = try Self.batch(3000, in: p.folder)
        for delay in [0.0, 0.05, 0.2] {
            let proc = Process()
            proc.executableURL = URL(fileURLWithPath: certpack)
            proc.arguments = ["roster", "import", csv.path, "--roster", p.roster]
            let pipe = Pipe()
            proc.standardOutput = FileHandle.nullDevice
            proc.standardError = pipe
            try proc.run()
            // The command says when its transaction starts; the kill lands inside it (or just after).
            var said = ""
            while !said.contains("正在写入机构库") {
                let chunk = pipe.fileHandleForReading.availableData
                if chunk.isEmpty { break }
                said += String(decoding: chunk, as: UTF8.self)
            }
            #expect(said.contains("正在写入机构库"), "\(said)")
            Thread.sleep(forTimeInterval: delay)
            kill(proc.processIdentifier, SIGKILL)
            proc.waitUntilExit()
            #expect(proc.terminationReason == .uncaughtSignal || proc.terminationStatus == 0)
            #expect(try Self.sqlite(p.roster, "PRAGMA integrity_check") == "ok")
            let count = try Self.sqlite(p.roster, "SELECT count(*) FROM organisation")
            let people = try Self.sqlite(p.roster, "SELECT count(*) FROM person")
            #expect(
                (count == "0" && people == "0") || (count == "3000" && people == "6000"), "after \(delay) s: \(count) organisations, \(people) people"
            )
        }
        let whole = try p.cp(["roster", "import", csv.path])
        #expect(whole.status == 0, "\(whole.err)")
        #expect(try Self.sqlite(p.roster, "SELECT count(*) FROM organisation") == "3000")
    }

    @Test("two processes writing at once: both imports land")
    func twoProcessesAtOnce() throws {
        let p = try Self.place()
        try p.cp(["roster", "init"])
        let a = try Self.batch(300, in: p.folder, name: "a.csv")
        // Another 300 organisations: numbers 1001… so the codes and IDs differ.
        let b = p.folder.appendingPathComponent("b.yaml")
        var yaml = "applications:\n"
        for n in 1...300 {
            let code = Self.uscc(5000 + n)
            let lr17 = String(format: "440306197001%02d%03d", n % 28 + 1, n)
            let h17 = String(format: "440307199503%02d%03d", n % 28 + 1, n)
            yaml += """
                  - organization: {name: 深圳市光明区第\(n)号药房, uscc: \(code), address: 深圳市光明区\(n)号}
                    legalRepresentative: {name: 周\(n), idNumber: "\(lr17 + String(CheckDigits.residentIDCheckDigit(lr17)!))", mobile: "136\(String(format: "%08d", n))"}
                    handler: {name: 吴\(n), idNumber: "\(h17 + String(CheckDigits.residentIDCheckDigit(h17)!))", mobile: "137\(String(format: "%08d", n))"}
                    service: 新办
                    certificates: {odc: {years: 1}}

                """
        }
        try yaml.write(to: b, atomically: true, encoding: .utf8)
        let procs = [a, b].map { file -> Process in
            let proc = Process()
            proc.executableURL = URL(fileURLWithPath: certpack)
            proc.arguments = ["roster", "import", file.path, "--roster", p.roster]
            let pipe = Pipe()
            proc.standardError = pipe
            proc.standardOutput = FileHandle.nullDevice
            return proc
        }
        for proc in procs { try proc.run() }
        for proc in procs {
            proc.waitUntilExit()
            #expect(proc.terminationStatus == 0)
        }
        #expect(try Self.sqlite(p.roster, "SELECT count(*) FROM organisation") == "600")
    }

    @Test("fill and batch record each pack as an application when a roster exists; --no-roster and no roster record nothing")
    func fillAndBatchRecord() throws {
        let p = try Self.place()
        let out = p.folder.appendingPathComponent("out")
        // No roster yet: nothing is created.
        let none = try p.cp(["fill", "Examples/renew.yaml", "-o", out.path])
        #expect(none.status == 0, "\(none.err)")
        #expect(!FileManager.default.fileExists(atPath: p.roster))
        try p.cp(["roster", "init"])
        let filled = try p.cp(["fill", "Examples/renew.yaml", "-o", out.path, "--force"])
        #expect(filled.status == 0 && filled.out.contains("已记入机构库"), "\(filled.err)")
        let skipped = try p.cp(["fill", "Examples/renew.yaml", "-o", out.path, "--force", "--no-roster"])
        #expect(skipped.status == 0 && !skipped.out.contains("已记入机构库"))
        let batch = try p.cp(["batch", try Self.batch(2, in: p.folder).path, "-o", p.folder.appendingPathComponent("b").path, "--jobs", "1"])
        #expect(batch.status == 0, "\(batch.err)")
        #expect(try Self.sqlite(p.roster, "SELECT count(*) FROM application") == "3")
        let sha = try Self.sqlite(p.roster, "SELECT packSHA256 FROM application ORDER BY id LIMIT 1")
        #expect(sha.count == 64)
        #expect(try Self.sqlite(p.roster, "SELECT serial FROM certificate") == "5A3F00C2B81D4E7A")
    }
}
