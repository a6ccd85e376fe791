import Forms
import Foundation
import Input
import Rules

/// The figures of one pack that a batch summary adds up.
public struct PackFigures: Codable, Sendable, Equatable {
    /// Nil when the guide publishes no fee (吊销).
    public var fee: Int?
    public var ukeys: Int
    public var office: String
    public var date: String
    /// What is applied for, from the checklist's one model (a new 法定代表人's 新办 apart from the others' 变更).
    public var certificates: String

    public init(_ c: Checklist) {
        fee = c.fees.total
        ukeys = c.documents.filter { $0.kind == .ukey }.reduce(0) { $0 + $1.count }
        (office, date) = PackFigures.visit(c)
        certificates = BatchSummary.certificates(c.certificates, split: c.personalParts.count > 1)
    }

    /// Where and when: the planned visit when everything can be done, else the planner's proposal.
    static func visit(_ c: Checklist) -> (String, String) {
        guard let v = c.visit else { return ("未定", "未定") }
        if v.channel == .online {
            return ("网上办理", v.expectedCompletion.map { "提交 \(v.date)，预计 \($0) 办结" } ?? "\(v.date)")
        }
        if v.complete, let office = v.office { return (office.name, "\(v.date)") }
        if let p = v.proposal { return (p.office.name, "\(p.date)（建议）") }
        return (v.office?.name ?? "未定", "\(v.date)（无法办理，见清单）")
    }
}

/// The batch summary: one line per organisation, and the totals an agent plans the week with
/// (fees, Ukeys to bring, visits per office and day). Written as 汇总.csv and 汇总.md. It names
/// people by name only: no ID number (a problem quoting one shows it masked). An organisation whose
/// pack could not be written is listed as 未生成 with the reason.
public struct BatchSummary: Sendable {
    public struct Line: Sendable {
        public var line: Int
        public var name: String
        public var uscc: String
        public var service: String
        public var certificates: String
        public var fee: String
        public var office: String
        public var date: String
        public var status: String
        public var problems: String
    }

    public var lines: [Line]
    public var feeTotal: Int
    /// Organisations whose fee the guide does not publish (吊销): not in `feeTotal`.
    public var unpublishedFees: Int
    public var ukeys: Int
    /// (office, date) → organisations, in date order.
    public var visits: [(office: String, date: String, count: Int)]
    public var written: Int
    public var failed: Int

    public init(_ results: [BatchResult]) {
        var lines: [Line] = []
        var feeTotal = 0
        var unpublished = 0
        var ukeys = 0
        var written = 0
        var visitCounts: [String: (office: String, date: String, count: Int)] = [:]
        for r in results {
            let app = r.record.application
            var line = Line(
                line: r.record.line, name: r.record.name, uscc: r.record.uscc,
                service: app?.service.label ?? "", certificates: app.map(Self.certificates) ?? "",
                fee: "", office: "", date: "", status: "", problems: "")
            switch r.status {
            case let .written(files):
                written += 1
                line.status = "已生成（\(files.pageCount) 页）"
            case let .invalid(issues):
                line.status = "数据有误，未生成"
                line.problems = issues.map { "第\($0.line)\($0.unit)「\($0.column)」\($0.message)" }.joined(separator: "；")
            case let .failed(message):
                line.status = "未生成"
                line.problems = message
            }
            // The summary is read casually and passed around: a problem that quotes an ID number shows it masked.
            line.problems = maskIDNumbers(in: line.problems)
            if let f = r.figures, r.succeeded {
                if let total = f.fee {
                    line.fee = "\(total)"
                    feeTotal += total
                } else {
                    line.fee = "未公布"
                    unpublished += 1
                }
                ukeys += f.ukeys
                line.office = f.office
                line.date = f.date
                line.certificates = f.certificates
                visitCounts[f.office + "|" + f.date, default: (f.office, f.date, 0)].count += 1
            }
            lines.append(line)
        }
        self.lines = lines
        self.feeTotal = feeTotal
        self.unpublishedFees = unpublished
        self.ukeys = ukeys
        self.visits = visitCounts.values.sorted { ($0.date, $0.office) < ($1.date, $1.office) }
        self.written = written
        self.failed = results.count - written
    }

    static func certificates(_ app: Application) -> String {
        var parts: [String] = []
        if let o = app.certificates.odc { parts.append("机构证书 \(o.years)年") }
        if let p = app.certificates.personal { parts.append("法人证书 \(p.years)年×\(app.personalHolders.count)人") }
        return parts.joined(separator: "；")
    }

    /// The certificates as the checklist applies for them: the personal kind once per service part when split.
    static func certificates(_ applied: [AppliedCertificate], split: Bool) -> String {
        applied.map { a in
            a.kind == .odc
                ? "机构证书 \(a.years)年"
                : "法人证书" + (split ? "（\(a.service.label)）" : "") + " \(a.years)年×\(a.holders.count)人"
        }.joined(separator: "；")
    }

    static let headers = ["行号", "单位名称", "统一社会信用代码", "业务类型", "证书", "费用（元）", "受理点", "办理日期", "状态", "问题"]

    /// 汇总.csv: UTF-8 with a BOM so Excel on Chinese Windows opens it correctly.
    public var csv: String {
        var rows = [Self.headers]
        for l in lines {
            rows.append(["\(l.line)", l.name, l.uscc, l.service, l.certificates, l.fee, l.office, l.date, l.status, l.problems])
        }
        rows.append(["", "合计", "", "", "", "\(feeTotal)", "", "", "已生成 \(written)，未生成 \(failed)", "Ukey \(ukeys) 个"])
        return "\u{FEFF}" + rows.map { $0.map(CSVReader.escape).joined(separator: ",") }.joined(separator: "\r\n") + "\r\n"
    }

    /// 汇总.md: the table, the totals, the visits per office and day, and every problem.
    public var markdown: String {
        func cell(_ s: String) -> String { s.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ") }
        var out = "# 批量办理汇总\n\n"
        out += "已生成 \(written) 家，未生成 \(failed) 家。\n\n"
        out += "| " + Self.headers.dropLast().joined(separator: " | ") + " |\n"
        out += "|" + String(repeating: " --- |", count: Self.headers.count - 1) + "\n"
        for l in lines {
            out +=
                "| " + ["\(l.line)", l.name, l.uscc, l.service, l.certificates, l.fee, l.office, l.date, l.status].map(cell).joined(separator: " | ")
                + " |\n"
        }
        out += "\n## 合计\n\n"
        out += "- 费用合计：\(feeTotal) 元" + (unpublishedFees > 0 ? "（另有 \(unpublishedFees) 家吊销，收费标准未公布，请向深圳CA确认）" : "") + "\n"
        out += "- 需携带 Ukey：\(ukeys) 个\n"
        out += "\n## 到访安排（受理点 × 日期）\n\n| 受理点 | 日期 | 单位数 |\n| --- | --- | --- |\n"
        for v in visits { out += "| \(cell(v.office)) | \(cell(v.date)) | \(v.count) |\n" }
        let problems = lines.filter { !$0.problems.isEmpty }
        if !problems.isEmpty {
            out += "\n## 未生成的单位\n\n"
            for l in problems { out += "- 第 \(l.line) 行 \(l.name)：\(l.problems)\n" }
        }
        return out
    }
}
