import Foundation
import Input
import Rules
import Testing

/// One truth for checking and making: `validate`, `checklist` and `batch --check` refuse exactly what
/// `fill` and `batch` refuse, in the same words — they run the same checks and the same layout.
@Suite struct OneTruthTests {
    /// The problem lines a command prints on standard error, as a set.
    static func reported(_ r: Run) -> Set<String> {
        Set(r.err.split(separator: "\n").map(String.init).filter { !$0.isEmpty })
    }

    /// Runs `batch --check` and the real batch on `file`; each row breaks one rule but the first.
    static func checkAndRun(_ file: URL, rows: Int) throws {
        let out = file.deletingLastPathComponent().appendingPathComponent("out")
        let check = try run(certpack, ["batch", file.path, "--check", "-o", out.path])
        #expect(!FileManager.default.fileExists(atPath: out.path), "--check writes nothing")
        let made = try run(certpack, ["batch", file.path, "-o", out.path, "--jobs", "1"])
        #expect(made.out.contains("已生成 1 家单位的申请材料，\(rows - 1) 家未生成"), "\(made.out)\n\(made.err)")
        #expect(check.out.contains("\(rows) 家单位，1 家数据有效，\(rows - 1) 家有误"), "\(check.out)\n\(check.err)")
        #expect(check.status == 1 && made.status == 1)
        // No row passes the check and fails the run, and each is reported in the run's words.
        #expect(reported(check) == reported(made), "check:\n\(check.err)\nrun:\n\(made.err)")
        #expect(reported(check).count >= rows - 1)
    }

    static func uscc(_ n: Int) -> String {
        let code17 = String(format: "91440300MA5%06d", n)
        return code17 + String(CheckDigits.usccCheckCharacter(code17)!)
    }

    @Test("a YAML batch whose rows each break one rule: --check reports exactly what the run refuses")
    func yamlBatchCheckMatchesTheRun() throws {
        let folder = try temporaryFolder()
        let people = """
              legalRepresentative: {name: 陈志明, idNumber: "440305198003121235", mobile: "13823456789"}
              handler: {name: 李俊杰, idNumber: "440305199212255672", mobile: "13912345678"}
            """
        func record(
            _ n: Int, name: String = "", service: String = "新办", extra: String = "", lr: String? = nil, handler: String? = nil,
            personal: String = "{years: 1}"
        ) -> String {
            var p = people
            if let lr { p = p.replacingOccurrences(of: "name: 陈志明", with: "name: \(lr)") }
            if let handler { p = p.replacingOccurrences(of: "name: 李俊杰", with: "name: \(handler)") }
            return """
                - organization: {name: "深圳市第\(n)号康宁诊所有限公司\(name)", uscc: \(Self.uscc(n)), address: 深圳市南山区科技南十二路18号}
                \(p)
                  service: \(service)
                  certificates: {odc: {years: 1}, personal: \(personal)}
                \(extra)
                """
        }
        let yaml = [
            record(1),
            record(2, name: String(repeating: "康", count: 60)),  // too long for 单位名称
            record(3, lr: "\"陈\\u9FFF明\""),  // a character no font has
            record(4, handler: "\"李俊\\a杰\""),  // a control character
            record(5, extra: "  holders: []"),  // no holder for the 法人证书
            record(6, service: "续期"),  // 续期 without the serial
            record(7, personal: "{}"),  // 法人证书 without years
            record(1),  // the first again: the same pack folder
        ].joined(separator: "\n")
        let file = folder.appendingPathComponent("list.yaml")
        try yaml.write(to: file, atomically: true, encoding: .utf8)
        try Self.checkAndRun(file, rows: 8)
    }

    @Test("a CSV batch whose rows each break one rule: --check reports exactly what the run refuses")
    func csvBatchCheckMatchesTheRun() throws {
        let folder = try temporaryFolder()
        let csv = batchCSV(
            count: 5,
            bad: [
                2: { v in v["单位名称"] = "深圳市" + String(repeating: "康", count: 60) + "诊所" },
                3: { v in v["法定代表人姓名"] = "陈\u{9FFF}明" },
                4: { v in v["经办人姓名"] = "李俊\u{07}杰" },
                5: { v in v["业务类型"] = "续期" },
            ])
        let file = folder.appendingPathComponent("batch.csv")
        try csv.write(to: file, atomically: true, encoding: .utf8)
        try Self.checkAndRun(file, rows: 5)
    }

    @Test("validate reports what fill refuses, with fill's message, and exit 1")
    func validateSaysWhatFillRefuses() throws {
        let folder = try temporaryFolder()
        let text = try String(contentsOf: repoRoot.appendingPathComponent("Examples/new-odc-personal.yaml"), encoding: .utf8)
            .replacingOccurrences(of: "name: 陈志明", with: "name: \"陈\\u9FFF明\"")
        let file = folder.appendingPathComponent("glyph.yaml")
        try text.write(to: file, atomically: true, encoding: .utf8)
        let fill = try run(certpack, ["fill", file.path, "-o", folder.appendingPathComponent("out").path])
        #expect(fill.status != 0)
        let refusal = try #require(fill.err.components(separatedBy: "未生成申请材料：").last?.trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(refusal.contains("U+9FFF"))
        let check = try run(certpack, ["validate", file.path])
        #expect(check.status == 1)
        #expect(check.out.contains("legalRepresentative.name: " + refusal), "validate: \(check.out)\nfill: \(fill.err)")
        #expect(try run(certpack, ["validate", "Examples/long-values.yaml"]).status == 0)
    }

    /// The JSON a program reads: `problems` (field, message) next to the checklist.
    static func json(_ r: Run) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [String: Any], "\(r.out)\n\(r.err)")
    }

    @Test("checklist exits 1 on invalid data and its JSON carries the problems; valid data has none")
    func checklistCarriesProblems() throws {
        let folder = try temporaryFolder()
        let base = try String(contentsOf: repoRoot.appendingPathComponent("Examples/renew.yaml"), encoding: .utf8)
        let good = try run(certpack, ["checklist", "Examples/renew.yaml", "--format", "json"])
        #expect(good.status == 0)
        #expect((try Self.json(good)["problems"] as? [Any])?.isEmpty == true)

        // No holders, no serial: the checklist is still shown, the problems are named, exit 1.
        let noHolders = folder.appendingPathComponent("no-holders.yaml")
        try base.replacingOccurrences(of: #"existingCertificate:\n  serial: \w+"#, with: "holders: []", options: .regularExpression)
            .write(to: noHolders, atomically: true, encoding: .utf8)
        let bad = try run(certpack, ["checklist", noHolders.path, "--format", "json"])
        #expect(bad.status == 1, "\(bad.out)\n\(bad.err)")
        let problems = try #require(try Self.json(bad)["problems"] as? [[String: String]])
        #expect(problems.contains { $0["field"] == "holders" })
        #expect(problems.contains { $0["field"] == "existingCertificate.serial" && $0["message"] == "续期须填写原证书序列号" })
        let text = try run(certpack, ["checklist", noHolders.path])
        #expect(text.status == 1 && text.err.contains("续期须填写原证书序列号"))

        // 法人证书 without years: no checklist can be made; the JSON is the problem alone.
        let noYears = folder.appendingPathComponent("no-years.yaml")
        try base.replacingOccurrences(of: #"personal: \{years: [0-9]\}"#, with: "personal: {}", options: .regularExpression)
            .write(to: noYears, atomically: true, encoding: .utf8)
        let years = try run(certpack, ["checklist", noYears.path, "--format", "json"])
        #expect(years.status == 1)
        let only = try #require(try Self.json(years)["problems"] as? [[String: String]])
        #expect(only.map { $0["field"] } == ["certificates.personal.years"], "\(years.out)")
        #expect(try run(certpack, ["validate", noYears.path]).status == 1)
    }
}
