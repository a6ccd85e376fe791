import ArgumentParser
import FileOutput
import Foundation
import Input
import Roster
import Rules

struct RosterList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "列出单位；--due 天数：该天数内到期（含已过期）的证书。")
    @Option(help: "只列出这么多天内到期（含已过期）的证书") var due: Int?
    @Option(help: "按单位名称、统一社会信用代码、人员姓名或证件号码、证书序列号查找") var search: String?
    @Option(help: "text（默认）、json 或 csv") var format: ListFormat = .text
    @Option(help: "以这一天为今天（YYYY-MM-DD）") var today: String?
    @OptionGroup var roster: RosterOption

    func run() throws {
        let store = try roster.open()
        let day = try CLI.parseDate(today) ?? CLI.today()
        // Streamed: each line is written as SQLite reads its row, nothing is gathered but the JSON.
        var out = BufferedOutput()
        var count = 0
        switch format {
        case .json:
            var rows: [[String: Any]] = []
            try store.forEachEntry(dueWithin: due, search: search, today: day) { rows.append(RosterListing.row($0, today: day)) }
            let data = try JSONSerialization.data(withJSONObject: rows, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
            out.write(String(decoding: data, as: UTF8.self) + "\n")
        case .csv:
            out.write("\u{FEFF}" + RosterListing.columns.map(\.header).joined(separator: ",") + "\r\n")
            try store.forEachEntry(dueWithin: due, search: search, today: day) { e in
                let row = RosterListing.row(e, today: day)
                out.write(RosterListing.columns.map { CSVReader.escape(row[$0.key].map { "\($0)" } ?? "") }.joined(separator: ",") + "\r\n")
            }
        case .text:
            try store.forEachEntry(dueWithin: due, search: search, today: day) { e in
                count += 1
                out.write(RosterListing.line(e, today: day) + "\n")
            }
            if count == 0 {
                out.write((due.map { "没有 \($0) 天内到期的证书" } ?? (search == nil ? "机构库中还没有单位：用 certpack roster import 导入" : "没有找到「\(search!)」")) + "\n")
            } else {
                out.write((due.map { "共 \(count) 张证书 \($0) 天内到期（续期：certpack roster renew --due \($0) -o 目录）" } ?? "共 \(count) 家单位") + "\n")
            }
        }
        out.flush()
    }
}

/// Standard output in 64 KB writes: a list of 20 000 lines is not 20 000 system calls.
struct BufferedOutput {
    private var buffer = Data()

    mutating func write(_ s: String) {
        buffer.append(contentsOf: s.utf8)
        if buffer.count >= 65_536 { flush() }
    }

    mutating func flush() {
        guard !buffer.isEmpty else { return }
        FileHandle.standardOutput.write(buffer)
        buffer.removeAll(keepingCapacity: true)
    }
}

/// A list line and its fields, ID numbers masked.
enum RosterListing {
    static let columns: [(key: String, header: String)] = [
        ("validUntil", "有效期至"), ("daysLeft", "剩余天数"), ("estimated", "估算"), ("name", "单位名称"), ("uscc", "统一社会信用代码"),
        ("legalRepresentative", "法定代表人"), ("certificate", "证书"), ("holder", "持证人"), ("holderID", "持证人证件号码"),
        ("serial", "序列号"), ("status", "状态"),
    ]

    static func row(_ e: RosterEntry, today: CivilDate) -> [String: Any] {
        var r: [String: Any] = ["name": e.name, "uscc": e.uscc]
        if let l = e.legalRepresentative { r["legalRepresentative"] = l }
        if let c = e.certificate {
            r["certificate"] = c.kind == .odc ? "机构证书" : "法人证书"
            if let v = c.validUntil { r["validUntil"] = v.description }
            if let d = c.daysLeft(today: today) { r["daysLeft"] = d }
            r["estimated"] = c.estimated ? "估算" : ""
            if let h = c.holderName { r["holder"] = h }
            if let id = c.holderIDNumber { r["holderID"] = maskID(id) }
            if let s = c.serial { r["serial"] = s }
            r["status"] = c.status.rawValue
        }
        return r
    }

    static func days(_ d: Int) -> String { d < 0 ? "已过期 \(-d) 天" : d == 0 ? "今天到期" : "剩 \(d) 天" }

    static func line(_ e: RosterEntry, today: CivilDate) -> String {
        guard let c = e.certificate else { return "—  \(e.name)  \(e.uscc)  （没有记录有效证书）" }
        let until = c.validUntil.map { $0.description + (c.estimated ? "（估算）" : "") } ?? "有效期未知"
        let left = c.daysLeft(today: today).map(days) ?? ""
        let holder = c.holderName.map { " \($0) \(maskID(c.holderIDNumber ?? ""))" } ?? ""
        return "\(until)  \(left)  \(e.name)  \(e.uscc)  \(c.kind == .odc ? "机构证书" : "法人证书")\(holder)  序列号 \(c.serial ?? "未记录")"
    }
}
