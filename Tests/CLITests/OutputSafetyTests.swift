import Foundation
import Input
import Rules
import Testing

/// Issue 9, "Output that never lies", through the real `certpack` on real files: full disks,
/// symlinks, two runs at once, interrupted batches, masked ID numbers, plain file-system errors.
@Suite(.serialized) struct OutputSafety {
    // MARK: - Helpers

    /// A tmpfs of `size` mounted on a fresh folder, or nil where mounting is not permitted.
    static func smallDisk(_ size: String) throws -> URL? {
        let dir = try temporaryFolder().appendingPathComponent("disk")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let r = try run("mount", ["-t", "tmpfs", "-o", "size=\(size),mode=0700", "tmpfs", dir.path])
        if r.status != 0 {
            print("OutputSafety: skipping the full-disk check: cannot mount a tmpfs here (\(r.err.trimmingCharacters(in: .whitespacesAndNewlines)))")
            return nil
        }
        return dir
    }

    static func unmount(_ dir: URL) { _ = try? run("umount", [dir.path]) }

    static func writeCSV(_ text: String, in folder: URL, name: String = "batch.csv") throws -> URL {
        let url = folder.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url
    }

    /// The ID numbers in a batch CSV made by `batchCSV` (legal representatives' and handlers').
    static func idNumbers(in csv: String) -> Set<String> {
        let rows = (try? CSVReader.parse(csv)) ?? []
        guard let header = rows.first?.fields else { return [] }
        let columns = header.enumerated().filter { $0.element.hasSuffix("证件号码") }.map(\.offset)
        return Set(rows.dropFirst().flatMap { row in columns.compactMap { $0 < row.fields.count ? row.fields[$0] : nil } }.filter { $0.count == 18 })
    }

    /// Every PDF under `folder` passes `qpdf --check`; no temporary is left; every pack folder is
    /// whole (PDF, checklist, row digest). Returns the pack folders.
    static func expectOnlyWholeFiles(in out: URL) throws -> [String] {
        let all = files(under: out)
        #expect(!all.contains { $0.contains(".partial-") }, "no temporary outlives the run: \(all.filter { $0.contains(".partial-") })")
        for pdf in all where pdf.hasSuffix(".pdf") {
            let check = try run("qpdf", ["--check", out.appendingPathComponent(pdf).path])
            #expect(check.status == 0, "\(pdf) is under its final name but incomplete: \(check.out)")
        }
        let packs = ((try? FileManager.default.contentsOfDirectory(atPath: out.path)) ?? []).filter { !$0.contains(".") }
        for p in packs {
            let inside = Set((try? FileManager.default.contentsOfDirectory(atPath: out.appendingPathComponent(p).path)) ?? [])
            #expect(inside == ["申请材料.pdf", "清单.md", ".certpack-row"], "pack folder \(p) is whole, not empty or half-filled: \(inside)")
        }
        return packs
    }

    // MARK: - Full disk

    @Test func aBatchIntoAFullDiskLeavesOnlyWholeFilesAndNamesTheFailedOrganisations() throws {
        guard let disk = try Self.smallDisk("3m") else { return }
        defer { Self.unmount(disk) }
        let csvText = batchCSV(count: 40)
        let csv = try Self.writeCSV(csvText, in: disk.deletingLastPathComponent())
        let out = disk.appendingPathComponent("out")
        let r = try run(certpack, ["batch", csv.path, "-o", out.path, "--jobs", "1"])
        #expect(r.status == 1 || r.status == 2, "\(r.err)")
        #expect(r.err.contains("磁盘已满"), "the reason in words: \(r.err)")
        #expect(!r.err.contains("NSCocoaErrorDomain") && !r.err.contains("Error Domain"))

        let packs = try Self.expectOnlyWholeFiles(in: out)
        #expect(packs.count < 40, "3 MB cannot hold 40 packs")
        // Every organisation without a pack is named on stderr.
        let failedLines = r.err.split(separator: "\n").filter { $0.contains(" 行 ") && $0.contains("：未生成：") }
        #expect(failedLines.count == 40 - packs.count, "\(r.err)")
        // 全部打印.pdf and 汇总, when there, describe exactly what is on disk.
        let printAll = out.appendingPathComponent("全部打印.pdf")
        if FileManager.default.fileExists(atPath: printAll.path) {
            var sum = 0
            for p in packs { sum += try pageCount(out.appendingPathComponent(p).appendingPathComponent("申请材料.pdf")) }
            #expect(try pageCount(printAll) == sum)
        }
        let summaryURL = out.appendingPathComponent("汇总.csv")
        if FileManager.default.fileExists(atPath: summaryURL.path) {
            let rows = try CSVReader.parse(String(try String(contentsOf: summaryURL, encoding: .utf8).dropFirst()))
            let notMade = rows.filter { $0.fields.count > 8 && $0.fields[8] == "未生成" }
            #expect(notMade.count == 40 - packs.count)
            #expect(notMade.allSatisfy { $0.fields[9].contains("磁盘已满") })
            let made = Set(rows.filter { $0.fields.count > 8 && !$0.fields[0].isEmpty && $0.fields[8].hasPrefix("已生成") }.map { $0.fields[2] })
            #expect(made == Set(packs.map { String($0.prefix(18)) }))
        }
    }

    @Test func aFillOnAFullDiskLeavesNothingAndTheReRunWorks() throws {
        guard let disk = try Self.smallDisk("1m") else { return }
        defer { Self.unmount(disk) }
        let out = disk.appendingPathComponent("out")
        // Leave about 40 KB: less than a pack (about 90 KB).
        let filler = disk.appendingPathComponent("filler")
        FileManager.default.createFile(atPath: filler.path, contents: Data(count: 1024 * 1024 - 40 * 1024 - 8192))
        let r = try run(certpack, ["fill", "Examples/new-odc-personal.yaml", "-o", out.path])
        #expect(r.status == 2, "\(r.out)\(r.err)")
        #expect(r.err.contains("磁盘已满") && r.err.contains("未生成申请材料"), "\(r.err)")
        #expect(!r.err.contains("NSCocoaErrorDomain"))
        #expect(files(under: out).filter { !$0.hasPrefix(".certpack.lock") }.isEmpty, "nothing left behind: \(files(under: out))")

        try FileManager.default.removeItem(at: filler)
        let again = try run(certpack, ["fill", "Examples/new-odc-personal.yaml", "-o", out.path])
        #expect(again.status == 0, "the re-run is not refused by a corrupt leftover: \(again.err)")
        _ = try Self.expectOnlyWholeFiles(in: out)

        // Replacing that pack (--force) on a full disk fails and leaves the old pack exactly as it was.
        let pack = out.appendingPathComponent("91440305MA5DPL4W0G-深圳市南山区康宁诊所有限公司")
        let names = [".certpack-row", "清单.md", "申请材料.pdf"]
        let before = try names.map { try Data(contentsOf: pack.appendingPathComponent($0)) }
        let free = try #require(try FileManager.default.attributesOfFileSystem(forPath: disk.path)[.systemFreeSize] as? Int)
        FileManager.default.createFile(atPath: filler.path, contents: Data(count: max(0, free - 30 * 1024)))
        let replace = try run(certpack, ["fill", "Examples/new-odc-personal.yaml", "-o", out.path, "--force"])
        #expect(replace.status == 2 && replace.err.contains("磁盘已满"), "\(replace.err)")
        #expect(try names.map { try Data(contentsOf: pack.appendingPathComponent($0)) } == before, "the old pack is untouched")
        #expect(Set(try FileManager.default.contentsOfDirectory(atPath: pack.path)) == Set(names))
    }

    // MARK: - Symlinks

    @Test func aPackFolderThatIsASymlinkIsRefusedAndItsTargetUntouched() throws {
        let folder = try temporaryFolder()
        let out = folder.appendingPathComponent("out")
        let elsewhere = folder.appendingPathComponent("elsewhere")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: elsewhere, withIntermediateDirectories: true)
        let link = out.appendingPathComponent("91440305MA5DPL4W0G-深圳市南山区康宁诊所有限公司")
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: elsewhere)

        let fill = try run(certpack, ["fill", "Examples/new-odc-personal.yaml", "-o", out.path, "--force"])
        #expect(fill.status == 2)
        #expect(fill.err.contains(link.path) && fill.err.contains("符号链接"), "\(fill.err)")
        #expect(files(under: elsewhere).isEmpty, "nothing written through the link")

        // In a batch the organisation is not made, named with the reason; the others are.
        let batch = try run(certpack, ["batch", "Examples/batch.csv", "-o", out.path])
        #expect(batch.status == 1, "\(batch.err)")
        #expect(batch.err.contains("康宁诊所") && batch.err.contains("符号链接"), "\(batch.err)")
        #expect(files(under: elsewhere).isEmpty)
        let summary = try String(contentsOf: out.appendingPathComponent("汇总.md"), encoding: .utf8)
        #expect(summary.contains("已生成 4 家，未生成 1 家"))
        #expect((try? FileManager.default.destinationOfSymbolicLink(atPath: link.path)) == elsewhere.path, "the link itself is left alone")
    }

    @Test func aSymlinkPlantedAtAFileOfThePackIsRefusedAndItsTargetUntouched() throws {
        let folder = try temporaryFolder()
        let out = folder.appendingPathComponent("out")
        #expect(try run(certpack, ["fill", "Examples/new-odc-personal.yaml", "-o", out.path]).status == 0)
        let pack = out.appendingPathComponent("91440305MA5DPL4W0G-深圳市南山区康宁诊所有限公司")
        let target = folder.appendingPathComponent("victim.txt")
        try Data("keep me".utf8).write(to: target)
        let md = pack.appendingPathComponent("清单.md")
        try FileManager.default.removeItem(at: md)
        try FileManager.default.createSymbolicLink(at: md, withDestinationURL: target)
        let r = try run(certpack, ["fill", "Examples/new-odc-personal.yaml", "-o", out.path, "--force"])
        #expect(r.status == 2)
        #expect(r.err.contains("符号链接"), "\(r.err)")
        #expect(try String(contentsOf: target, encoding: .utf8) == "keep me")
        #expect(!files(under: pack).contains { $0.contains(".partial-") })
    }

    // MARK: - One run per folder

    @Test func aSecondBatchIntoTheSameFolderExits2AndTheFirstIsWholeAndItsOwn() throws {
        let folder = try temporaryFolder()
        let first = try Self.writeCSV(batchCSV(count: 30), in: folder, name: "first.csv")
        // The other input: other organisations (other names), same folder.
        let second = try Self.writeCSV(batchCSV(count: 30).replacingOccurrences(of: "康宁诊所", with: "乙号药店"), in: folder, name: "second.csv")
        let out = folder.appendingPathComponent("out")
        let p = Process()
        p.executableURL = URL(fileURLWithPath: certpack)
        p.arguments = ["batch", first.path, "-o", out.path, "--jobs", "1"]
        p.currentDirectoryURL = repoRoot
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        // Wait until the first run holds the folder and is writing packs.
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline && files(under: out).filter({ $0.hasSuffix("申请材料.pdf") }).isEmpty { usleep(10_000) }
        let r = try run(certpack, ["batch", second.path, "-o", out.path, "--force"])
        let firstStillRunning = p.isRunning
        p.waitUntilExit()
        #expect(firstStillRunning, "the second run started while the first was writing")
        #expect(r.status == 2)
        #expect(r.err.contains("另一个 certpack 正在写入 \(out.path)"), "\(r.err)")
        #expect(p.terminationStatus == 0)

        let packs = try Self.expectOnlyWholeFiles(in: out)
        #expect(packs.count == 30)
        #expect(!packs.contains { $0.contains("乙号药店") }, "nothing from the other input")
        var sum = 0
        for pack in packs { sum += try pageCount(out.appendingPathComponent(pack).appendingPathComponent("申请材料.pdf")) }
        #expect(try pageCount(out.appendingPathComponent("全部打印.pdf")) == sum)
        let text = try run("pdftotext", [out.appendingPathComponent("全部打印.pdf").path, "-"]).out
        #expect(!text.contains("乙号药店"))
        let summary = try String(contentsOf: out.appendingPathComponent("汇总.md"), encoding: .utf8)
        #expect(summary.contains("已生成 30 家，未生成 0 家") && !summary.contains("乙号药店"))
    }

    // MARK: - Interrupted, then resumed

    @Test func afterSIGKILLResumeGivesOutputByteIdenticalToAnUninterruptedRun() throws {
        let folder = try temporaryFolder()
        let csv = try Self.writeCSV(batchCSV(count: 30), in: folder)
        let whole = folder.appendingPathComponent("whole")
        let out = folder.appendingPathComponent("out")
        #expect(try run(certpack, ["batch", csv.path, "-o", whole.path]).status == 0)

        let p = Process()
        p.executableURL = URL(fileURLWithPath: certpack)
        p.arguments = ["batch", csv.path, "-o", out.path, "--jobs", "1"]
        p.currentDirectoryURL = repoRoot
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline && files(under: out).filter({ $0.hasSuffix("申请材料.pdf") }).count < 4 { usleep(10_000) }
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent("汇总.md").path), "killed before the end")

        // A plain re-run says what happened and how to go on.
        let plain = try run(certpack, ["batch", csv.path, "-o", out.path])
        #expect(plain.status == 2)
        #expect(plain.err.contains("没有完成") && plain.err.contains("--resume"), "\(plain.err)")
        #expect(try run(certpack, ["batch", csv.path, "-o", out.path]).err.contains("没有完成"), "a refused run changes nothing, not even that note")
        // A pack of the dead run that another row would now make differently is not kept: tamper one.
        let kept = try #require(files(under: out).first { $0.hasSuffix("申请材料.pdf") })
        let digest = out.appendingPathComponent(kept).deletingLastPathComponent().appendingPathComponent(".certpack-row")
        try Data("0000\n".utf8).write(to: digest)

        let resumed = try run(certpack, ["batch", csv.path, "-o", out.path, "--resume"])
        #expect(resumed.status == 0, "\(resumed.err)")
        let names = files(under: whole).filter { !$0.hasSuffix(".certpack.lock") }
        #expect(names == files(under: out).filter { !$0.hasSuffix(".certpack.lock") })
        for name in names
        where (try? FileManager.default.attributesOfItem(atPath: whole.appendingPathComponent(name).path)[.type] as? FileAttributeType)
            == .typeRegular
        {
            let a = try Data(contentsOf: whole.appendingPathComponent(name))
            let b = try Data(contentsOf: out.appendingPathComponent(name))
            #expect(a.elementsEqual(b), "\(name) differs from the uninterrupted run")
        }
        // The next plain run is refused as usual, without the 'interrupted' note.
        let after = try run(certpack, ["batch", csv.path, "-o", out.path])
        #expect(after.status == 2 && !after.err.contains("没有完成"))
    }

    // MARK: - Masked ID numbers

    @Test func noWholeIDNumberOnTheTerminalOrInTheSummary() throws {
        let folder = try temporaryFolder()
        // Row 3 repeats row 2's organisation with another legal representative's ID number (the
        // conflict message), row 5 has an ID number with a wrong check digit.
        var csvText = batchCSV(
            count: 6,
            bad: [
                5: { v in
                    let id = v["法定代表人证件号码"]!
                    v["法定代表人证件号码"] = String(id.dropLast()) + (id.last == "0" ? "1" : "0")
                }
            ])
        var rows = csvText.components(separatedBy: "\r\n")
        var conflict = try CSVReader.parse(rows[2])[0].fields
        let header = try CSVReader.parse(rows[0])[0].fields
        let uscc = header.firstIndex(of: "统一社会信用代码")!
        let lr = header.firstIndex(of: "法定代表人证件号码")!
        conflict[uscc] = try CSVReader.parse(rows[1])[0].fields[uscc]
        conflict[lr] = "440305198809091234"
        rows.insert(conflict.map(CSVReader.escape).joined(separator: ","), at: 2)
        csvText = rows.joined(separator: "\r\n")
        let ids = Self.idNumbers(in: csvText).union(["440305198809091234"])
        let csv = try Self.writeCSV(csvText, in: folder)
        let out = folder.appendingPathComponent("out")
        let r = try run(certpack, ["batch", csv.path, "-o", out.path])
        #expect(r.status == 1)
        #expect(r.err.contains("这一列不同") && r.err.contains("440305********1234"), "the conflict is still explained: \(r.err)")
        let summaries = try ["汇总.csv", "汇总.md"].map { try String(contentsOf: out.appendingPathComponent($0), encoding: .utf8) }
        for text in [r.out, r.err] + summaries {
            for id in ids { #expect(!text.contains(id), "\(id) shown whole") }
        }
        let check = try run(certpack, ["batch", csv.path, "--check"])
        for id in ids { #expect(!check.err.contains(id) && !check.out.contains(id)) }

        // A YAML error that quotes the line of the file.
        let yaml = folder.appendingPathComponent("broken.yaml")
        try Data("service: 新办\nlegalRepresentative: {name: 陈志明, idNumber: 440305198003121235, mobile: [\n".utf8).write(to: yaml)
        for args in [["fill", yaml.path, "-o", out.path], ["validate", yaml.path], ["checklist", yaml.path]] {
            let command = args[0]
            let e = try run(certpack, args)
            #expect(e.status != 0)
            #expect(!(e.out + e.err).contains("440305198003121235"), "\(command): \(e.out)\(e.err)")
        }
    }

    // MARK: - Plain file-system errors, input files

    @Test func anOutputPathThatIsAFileIsExit2InPlainWords() throws {
        let folder = try temporaryFolder()
        let file = folder.appendingPathComponent("a-file")
        try Data("x".utf8).write(to: file)
        try Self.expectFillAndBatchRefuse(output: file, saying: "输出路径是一个文件")
    }

    /// `fill` and `batch` into `output` both end with exit 2, saying `words` and naming the path, in
    /// plain words (no NSError dump).
    static func expectFillAndBatchRefuse(output: URL, saying words: String) throws {
        for args in [["fill", "Examples/new-odc-personal.yaml", "-o", output.path], ["batch", "Examples/batch.csv", "-o", output.path]] {
            let r = try run(certpack, args)
            #expect(r.status == 2, "\(args[0]): \(r.err)")
            #expect(r.err.contains(words) && r.err.contains(output.path), "\(r.err)")
            #expect(!r.err.contains("NSCocoaErrorDomain") && !r.err.contains("Code="))
        }
    }

    @Test func aReadOnlyOutputFolderIsExit2InPlainWords() throws {
        guard let disk = try Self.smallDisk("1m") else { return }
        defer { Self.unmount(disk) }
        let remount = try run("mount", ["-o", "remount,ro", disk.path])
        guard remount.status == 0 else {
            print("OutputSafety: cannot remount read-only here")
            return
        }
        try Self.expectFillAndBatchRefuse(output: disk, saying: "只读")
    }

    @Test func devicesFIFOsAndHugeFilesAreRefusedAsInput() throws {
        let folder = try temporaryFolder()
        let fifo = folder.appendingPathComponent("data.yaml")
        #expect(mkfifo(fifo.path, 0o600) == 0)
        let big = folder.appendingPathComponent("big.csv")
        FileManager.default.createFile(atPath: big.path, contents: nil)
        #expect(truncate(big.path, 51 * 1024 * 1024) == 0)  // sparse: no real disk used
        let bigYAML = folder.appendingPathComponent("big.yaml")
        FileManager.default.createFile(atPath: bigYAML.path, contents: nil)
        #expect(truncate(bigYAML.path, 11 * 1024 * 1024) == 0)
        let templates = folder.appendingPathComponent("Templates")
        try FileManager.default.copyItem(at: repoRoot.appendingPathComponent("Templates"), to: templates)
        try FileManager.default.removeItem(at: templates.appendingPathComponent("catalog.yaml"))
        try FileManager.default.createSymbolicLink(atPath: templates.appendingPathComponent("catalog.yaml").path, withDestinationPath: "/dev/zero")

        let cases: [([String], String)] = [
            (["fill", "/dev/zero", "-o", folder.path], "不是普通文件"),
            (["fill", fifo.path, "-o", folder.path], "不是普通文件"),
            (["batch", fifo.path, "-o", folder.path], "不是普通文件"),
            (["batch", big.path, "-o", folder.path], "文件太大"),
            (["validate", bigYAML.path], "文件太大"),
            (["checklist", "Examples/new-odc-personal.yaml", "--templates", templates.path], "不是普通文件"),
        ]
        for (args, words) in cases {
            let r = try run(certpack, args)
            #expect(r.status != 0, "\(args)")
            #expect((r.out + r.err).contains(words), "\(args): \(r.out)\(r.err)")
            #expect(!(r.out + r.err).contains("permission"), "\(args)")
        }
    }
}
