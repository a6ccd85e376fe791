import Foundation
import Testing

@testable import Input
@testable import Rules

/// Issue 16 in the batch reader: numbers a workbook kept exactly, the 已核对证件号码 column, a missing
/// ID column said once, a FIFO refused before anything opens it, one date/time tidy.
@Suite("Batch input: what a spreadsheet kept, what the clerk confirmed")
struct BatchTrustTests {
    static let header = [
        "单位名称", "统一社会信用代码", "单位地址", "邮政编码", "单位电话", "法定代表人姓名", "法定代表人证件号码", "法定代表人手机",
        "经办人姓名", "经办人证件号码", "经办人手机", "业务类型", "机构证书年限", "办理日期", "办理时间",
    ]
    static let row = [
        "深圳市南山区康宁诊所有限公司", "91350100M000100Y43", "深圳市南山区科技路1号", "518057", "26558800", "张三",
        "11010519491231002X", "13800138000", "李四", "440305199212255672", "13912345678", "新办", "1", "2026-12-07", "10:00",
    ]

    func record(_ row: [String], numbers: Set<String> = [], header: [String] = header) throws -> BatchRecord {
        let cols = Set(numbers.compactMap { header.firstIndex(of: $0) })
        return try BatchInput.records(rows: [SheetRow(row: 1, fields: header), SheetRow(row: 2, fields: row, numbers: cols)], file: "t.xlsx")[0]
    }

    @Test("a mobile, a postcode and a phone a workbook stored as exact numbers are accepted")
    func exactNumbersAccepted() throws {
        let r = try record(Self.row, numbers: ["邮政编码", "单位电话", "法定代表人手机", "经办人手机"])
        #expect(r.isValid, "\(r.issues)")
        #expect(r.application?.handler.mobile == "13912345678" && r.application?.organization.postcode == "518057")
    }

    @Test("what a number cell really loses is still refused, with the reason that applies")
    func lossesRefused() throws {
        // An 18-digit ID as Excel keeps it (15 significant digits).
        var row = Self.row
        row[9] = "4.40305199212256E+17"
        var r = try record(row, numbers: ["经办人证件号码"])
        #expect(r.issues.map(\.column) == ["经办人证件号码"] && r.issues[0].message.contains("存成了数字"))
        // A landline whose leading 0 is gone: the phone's own reason.
        row = Self.row
        row[4] = "75526558800"
        r = try record(row, numbers: ["单位电话"])
        #expect(r.issues.map(\.column) == ["单位电话"] && r.issues[0].message.contains("缺了区号前的 0"), "\(r.issues)")
        // A postcode that lost its leading 0 (5 digits left).
        row = Self.row
        row[3] = "18000"
        r = try record(row, numbers: ["邮政编码"])
        #expect(r.issues.map(\.column) == ["邮政编码"] && r.issues[0].message.contains("开头的 0 已丢失"), "\(r.issues)")
    }

    @Test("已核对证件号码 confirms an ID ending in 000 (several separated by ；)")
    func confirmedColumn() throws {
        var row = Self.row
        row[9] = "440305197712015000"
        let refused = try record(row)
        #expect(refused.issues.map(\.column) == ["经办人证件号码"] && refused.issues[0].message.contains("已核对证件号码"))
        let confirmed = try record(row + ["110105194912310027；440305197712015000"], header: Self.header + ["已核对证件号码"])
        #expect(confirmed.isValid, "\(confirmed.issues)")
        #expect(confirmed.application?.confirmedIdNumbers == ["110105194912310027", "440305197712015000"])
    }

    @Test("a missing ID column is said once, as a missing column")
    func missingIDColumn() {
        let header = Self.header.filter { $0 != "经办人证件号码" }
        let rows = [SheetRow(row: 1, fields: header)] + (2...5).map { SheetRow(row: $0, fields: Self.row.filter { $0 != "440305199212255672" }) }
        #expect { try BatchInput.records(rows: rows, file: "t.csv") } throws: {
            "\($0)" == "t.csv: 缺少「经办人证件号码」列：请从 certpack batch --template 生成的表头开始"
        }
    }

    @Test("dates and times get the normaliser's one tidy in a CSV too: 2026/12/7 and 10:00:00")
    func csvDateTime() throws {
        var row = Self.row
        row[13] = "2026/12/7"
        row[14] = "10:00:00"
        let r = try record(row)
        #expect(r.application?.visit?.date == CivilDate("2026-12-07") && r.application?.visit?.time == "10:00", "\(r.issues)")
    }

    @Test("a FIFO is refused before anything opens it, whatever its name", arguments: ["批量.csv", "批量.xlsx", "批量"])
    func fifoRefused(_ name: String) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("certpack-fifo-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let fifo = folder.appendingPathComponent(name)
        #expect(mkfifo(fifo.path, 0o600) == 0)
        // Nobody writes to it: an open for reading without O_NONBLOCK would block forever.
        #expect { try BatchInput.read(url: fifo) } throws: { "\($0)".contains("不是普通文件") }
    }
}
