import Foundation
import Input
import Rules
import Testing

/// The batch issue's done-when list, through the real `certpack batch` and real PDF readers.
@Suite(.serialized) struct BatchRuns {
    /// Rows 7, 23 and 41 are broken: a wrong USCC check character, ODC years = 2, no handler mobile.
    static let broken: [Int: @Sendable (inout [String: String]) -> Void] = [
        7: { v in
            let code = v["统一社会信用代码"]!
            v["统一社会信用代码"] = String(code.dropLast()) + (code.last == "0" ? "1" : "0")
        },
        23: { v in v["机构证书年限"] = "2" },
        41: { v in v["经办人手机"] = nil },
    ]

    static func writeBatch(_ folder: URL, encoding: String) throws -> URL {
        let text = batchCSV(count: 50, bad: broken)
        let url = folder.appendingPathComponent("batch-\(encoding).csv")
        switch encoding {
        case "gbk": try #require(TextEncoding.gb18030Data(text)).write(to: url)
        default: try (Data([0xEF, 0xBB, 0xBF]) + Data(text.utf8)).write(to: url)
        }
        return url
    }

    @Test func aGBKBatchWithThreeBadRowsMakes47PacksNamesTheRowsAndExitsWith1() throws {
        let folder = try temporaryFolder()
        let csv = try Self.writeBatch(folder, encoding: "gbk")
        #expect(String(data: try Data(contentsOf: csv), encoding: .utf8) == nil, "the file really is GBK, not UTF-8")
        let out = folder.appendingPathComponent("out")
        let r = try run(certpack, ["batch", csv.path, "-o", out.path])
        #expect(r.status == 1)

        // The report names exactly rows 8, 24 and 42 of the spreadsheet (data rows 7, 23, 41 + the header) and their columns.
        let reported = r.err.split(separator: "\n").filter { $0.contains("第 ") && $0.contains(" 行「") }
        #expect(reported.count == 3, "\(r.err)")
        #expect(reported.contains { $0.contains("第 8 行「统一社会信用代码」") })
        #expect(reported.contains { $0.contains("第 24 行「机构证书年限」") })
        #expect(reported.contains { $0.contains("第 42 行「经办人手机」") })

        let packs = try FileManager.default.contentsOfDirectory(atPath: out.path).filter { !$0.contains(".") }
        #expect(packs.count == 47)
        var sum = 0
        for p in packs { sum += try pageCount(out.appendingPathComponent(p).appendingPathComponent("申请材料.pdf")) }
        #expect(try pageCount(out.appendingPathComponent("全部打印.pdf")) == sum)

        let summary = try String(contentsOf: out.appendingPathComponent("汇总.md"), encoding: .utf8)
        #expect(summary.contains("已生成 47 家，未生成 3 家"))
        let csvSummary = try String(contentsOf: out.appendingPathComponent("汇总.csv"), encoding: .utf8)
        #expect(csvSummary.components(separatedBy: "数据有误，未生成").count - 1 == 3)
        let failedRows = try CSVReader.parse(String(csvSummary.dropFirst())).filter { $0.fields.contains("数据有误，未生成") }
        #expect(failedRows.map { $0.fields[0] } == ["8", "24", "42"], "the summary marks the failed rows by their spreadsheet row")
        #expect(failedRows.allSatisfy { $0.fields[2].count == 18 }, "with their 统一社会信用代码, to find them")

        let mode = try FileManager.default.attributesOfItem(atPath: out.appendingPathComponent("全部打印.pdf").path)[.posixPermissions] as? Int
        #expect(mode == 0o600, "packs hold ID numbers: owner only")
        #expect(try run("qpdf", ["--check", out.appendingPathComponent("全部打印.pdf").path]).status == 0)
    }

    @Test func theSameBatchInUTF8WithBOMGivesByteIdenticalPacks() throws {
        let folder = try temporaryFolder()
        let gbk = folder.appendingPathComponent("gbk")
        let utf8 = folder.appendingPathComponent("utf8")
        #expect(try run(certpack, ["batch", Self.writeBatch(folder, encoding: "gbk").path, "-o", gbk.path]).status == 1)
        #expect(try run(certpack, ["batch", Self.writeBatch(folder, encoding: "utf8").path, "-o", utf8.path]).status == 1)
        let names = files(under: gbk).filter { $0.hasSuffix(".pdf") }
        #expect(names.count == 48)
        #expect(names == files(under: utf8).filter { $0.hasSuffix(".pdf") })
        for name in names {
            let a = try Data(contentsOf: gbk.appendingPathComponent(name))
            let b = try Data(contentsOf: utf8.appendingPathComponent(name))
            #expect(a.elementsEqual(b), "\(name) differs")
        }
    }

    @Test func reRunningWithoutForceRefusesAndSaysWhichFilesExist() throws {
        let folder = try temporaryFolder()
        let out = folder.appendingPathComponent("out")
        #expect(try run(certpack, ["batch", "Examples/batch.csv", "-o", out.path]).status == 0)
        let before = try Data(contentsOf: out.appendingPathComponent("全部打印.pdf"))
        let again = try run(certpack, ["batch", "Examples/batch.csv", "-o", out.path])
        #expect(again.status == 2)
        #expect(again.err.contains("已存在") && again.err.contains("全部打印.pdf") && again.err.contains("--force"))
        #expect(try Data(contentsOf: out.appendingPathComponent("全部打印.pdf")) == before)
        #expect(try run(certpack, ["batch", "Examples/batch.csv", "-o", out.path, "--force"]).status == 0)
    }

    @Test(arguments: [SIGINT, SIGTERM, SIGKILL])
    func killingARunMidwayLeavesNoPartialPDF(signal: Int32) throws {
        let folder = try temporaryFolder()
        let csv = folder.appendingPathComponent("big.csv")
        try Data(batchCSV(count: 120).utf8).write(to: csv)
        let out = folder.appendingPathComponent("out")
        let p = Process()
        p.executableURL = URL(fileURLWithPath: certpack)
        p.arguments = ["batch", csv.path, "-o", out.path]
        p.currentDirectoryURL = repoRoot
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        // Wait until some packs are written, then kill it mid-run.
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline && files(under: out).filter({ $0.hasSuffix("申请材料.pdf") }).count < 5 { usleep(20_000) }
        kill(p.processIdentifier, signal)
        p.waitUntilExit()
        switch signal {
        case SIGINT: #expect(p.terminationReason == .exit && p.terminationStatus == 130, "Ctrl-C: the handler runs and exits 130")
        case SIGTERM: #expect(p.terminationReason == .exit && p.terminationStatus == 143, "kill: the handler runs and exits 143")
        default: #expect(p.terminationReason == .uncaughtSignal)
        }

        let all = files(under: out)
        let pdfs = all.filter { $0.hasSuffix(".pdf") }
        #expect(!pdfs.isEmpty && !pdfs.contains { $0.hasSuffix("全部打印.pdf") }, "killed before the end: no 全部打印.pdf")
        for pdf in pdfs {
            #expect(try run("qpdf", ["--check", out.appendingPathComponent(pdf).path]).status == 0, "\(pdf) is complete")
        }
        if signal != SIGKILL {
            #expect(!all.contains { $0.contains(".partial-") }, "SIGINT and SIGTERM remove their temporaries")
        } else {
            // SIGKILL cannot be caught; the next run sweeps the dead run's temporaries.
            #expect(try run(certpack, ["batch", csv.path, "-o", out.path, "--force"]).status == 0)
            #expect(!files(under: out).contains { $0.contains(".partial-") })
        }
    }

    /// Examples/batch.csv writes several holders both ways: 仁和药房 with a row of 持证人 columns only,
    /// 惠民诊所 with its row copied down and the holder changed (the legal representative stays first).
    @Test func theExampleWritesSeveralHoldersBothWays() throws {
        let out = try temporaryFolder().appendingPathComponent("out")
        #expect(try run(certpack, ["batch", "Examples/batch.csv", "-o", out.path]).status == 0)
        let summary = try String(contentsOf: out.appendingPathComponent("汇总.md"), encoding: .utf8)
        #expect(summary.contains("已生成 5 家，未生成 0 家"))
        #expect(summary.contains("法人证书 2年×2人"))
        #expect(summary.contains("法人证书 3年×2人"))
        let folder = try #require(try FileManager.default.contentsOfDirectory(atPath: out.path).first { $0.contains("惠民诊所") })
        let list = try String(contentsOf: out.appendingPathComponent(folder).appendingPathComponent("清单.md"), encoding: .utf8)
        #expect(list.contains("持有人 2 位：林晓红、陈美玲"))
    }

    @Test func checkOnlyReportsTheBadRowsAndWritesNothing() throws {
        let folder = try temporaryFolder()
        let csv = try Self.writeBatch(folder, encoding: "gbk")
        let r = try run(certpack, ["batch", csv.path, "--check", "-o", folder.appendingPathComponent("out").path])
        #expect(r.status == 1)
        #expect(r.out.contains("50 家单位，47 家数据有效，3 家有误"))
        #expect(r.err.split(separator: "\n").filter { $0.contains(" 行「") }.count == 3)
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("out").path))
    }

    @Test func theTemplateIsAHeaderRowThatReadsBackAsEveryColumn() throws {
        let r = try run(certpack, ["batch", "--template"])
        #expect(r.status == 0)
        let text = r.out.hasPrefix("\u{FEFF}") ? String(r.out.dropFirst()) : r.out
        let rows = try CSVReader.parse(text)
        #expect(rows.count == 1)
        #expect(rows[0].fields == BatchSchema.columns.map(\.header))
    }

    @Test func aFileThatCannotBeReadIsExit2WithItsName() throws {
        let r = try run(certpack, ["batch", "/nonexistent/batch.csv"])
        #expect(r.status == 2)
        #expect(r.err.contains("/nonexistent/batch.csv"))
    }
}

/// A YAML list batch: one record that cannot be decoded is reported with its line and field; the others are made.
@Test func aBrokenRecordInAYAMLListDoesNotSpoilTheOthers() throws {
    let folder = try temporaryFolder()
    let people = """
          legalRepresentative: {name: 陈志明, idNumber: "440305198003121235", mobile: "13823456789"}
          handler: {name: 李俊杰, idNumber: "440305199212255672", mobile: "13912345678"}
          service: 新办
          certificates: {odc: {years: 1}, personal: {years: 1}}
        """
    let yaml = """
        - organization: {name: 深圳市南山区康宁诊所有限公司, uscc: 91440305MA5DPL4W0G, address: 深圳市南山区科技南十二路18号}
        \(people)
        - organization: {name: 缺地址诊所, uscc: 91350100M000100Y43}
        \(people)

        """
    let list = folder.appendingPathComponent("list.yaml")
    try yaml.write(to: list, atomically: true, encoding: .utf8)
    let r = try run(certpack, ["batch", list.path, "-o", folder.appendingPathComponent("out").path])
    #expect(r.status == 1, "\(r.err)")
    #expect(r.err.contains("第 2 项「organization.address」") && r.err.contains("address"), "\(r.err)")
    #expect(r.out.contains("已生成 1 家"))
}
