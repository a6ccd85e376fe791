import Foundation
import Rules
import Testing

/// ISSUE 10「Normalise what people type, refuse what is wrong, explain both」through the real
/// `certpack`: what validate accepts, fill prints normalised; what batch --check refuses, it
/// explains on one short line each, naming the row and the column, never echoing a control character.
@Suite struct TypedInput {
    @Test func valuesTypedByAChineseInputMethodAreValidAndPrintedNormalised() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        var yaml = try String(contentsOf: repoRoot.appendingPathComponent("Examples/new-odc-personal.yaml"), encoding: .utf8)
        for (typed, as_) in [
            ("uscc: 91440305MA5DPL4W0G", "uscc: \"９１４４０３０５ma5dpl4w0g　\""),
            ("mobile: \"13823456789\"", "mobile: \"１３８ ２３４５ ６７８９\""),
            ("name: 李俊杰", "name: \"\\uFEFF李俊杰\\u200B \""),
            ("email: lijunjie@kangning-clinic.cn", "email: lijunjie＠kangning-clinic。cn"),
        ] {
            #expect(yaml.contains(typed))
            yaml = yaml.replacingOccurrences(of: typed, with: as_)
        }
        let file = folder.appendingPathComponent("typed.yaml")
        try yaml.write(to: file, atomically: true, encoding: .utf8)
        let check = try run(certpack, ["validate", file.path])
        #expect(check.status == 0 && check.out.contains("数据有效"), "\(check.out)")

        let out = folder.appendingPathComponent("out")
        let fill = try run(certpack, ["fill", file.path, "-o", out.path])
        #expect(fill.status == 0, "\(fill.err)")
        let pack = try #require(files(under: out).first { $0.hasSuffix("申请材料.pdf") })
        #expect(pack.hasPrefix("91440305MA5DPL4W0G-"), "the pack folder is named by the normalised code")
        let text = try run("pdftotext", ["-layout", out.appendingPathComponent(pack).path, "-"]).out
        #expect(text.contains("13823456789") && text.contains("lijunjie@kangning-clinic.cn") && text.contains("91440305MA5DPL4W0G"))
        #expect(!text.contains("１３８") && !text.contains("\u{200B}"))
    }

    @Test func aBatchWhoseRowsEachBreakOneRuleIsExplainedRowByRow() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let lines = try String(contentsOf: repoRoot.appendingPathComponent("Examples/batch.csv"), encoding: .utf8)
            .split(whereSeparator: \.isNewline).map(String.init)
        let header = lines[0]
        let row = lines[1]  // 康宁诊所, row 2 in Excel
        func broken(_ code17: String, _ change: (String) -> String) -> String {
            change(row.replacingOccurrences(of: "91440305MA5DPL4W0G", with: code17 + String(CheckDigits.usccCheckCharacter(code17)!)))
        }
        let rows = [
            broken("91440305MA5DPL4W1") { $0.replacingOccurrences(of: ",陈志明,", with: ",刘?,") },  // row 2
            broken("91440305MA5DPL4W2") { $0.replacingOccurrences(of: "440305199212255672", with: "440305197712015000") },  // row 3
            broken("91440305MA5DPL4W3") { $0.replacingOccurrences(of: ",李俊杰,", with: ",\"李\t俊杰\",") },  // row 4
            broken("91440305MA5DPL4W4") { $0.replacingOccurrences(of: ",13912345678,", with: ",12345678901,") },  // row 5
            broken("91440305MA5DPL4W5") { $0.replacingOccurrences(of: "440305198003121235", with: "4.40305E+17") },  // row 6
            broken("91440305E50000000") { $0 },  // row 7: valid
        ]
        let csv = folder.appendingPathComponent("批量.csv")
        try ([header] + rows).joined(separator: "\r\n").appending("\r\n").write(to: csv, atomically: true, encoding: .utf8)
        let r = try run(certpack, ["batch", csv.path, "--check"])
        #expect(r.status == 1)
        #expect(r.out.contains("6 家单位，1 家数据有效，5 家有误"), "\(r.out)")
        let reported = r.err.split(separator: "\n").map(String.init)
        for (row, column, reason) in [
            (2, "法定代表人姓名", "保存为 GBK 时生僻字变成了 ?"), (3, "经办人证件号码", "Excel 把长数字四舍五入了"),
            (4, "经办人姓名", "制表符"), (5, "经办人手机", "13–19"), (6, "法定代表人证件号码", "科学计数法"),
        ] {
            #expect(reported.contains { $0.contains("第 \(row) 行「\(column)」") && $0.contains(reason) }, "row \(row): \(r.err)")
        }
        #expect(reported.count == 5, "\(r.err)")
        #expect(!r.err.unicodeScalars.contains { $0 == "\t" || $0 == "\u{1B}" })
        #expect(reported.allSatisfy { $0.count - csv.path.count < 160 }, "a line or two each")
    }
}
