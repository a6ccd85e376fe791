import Forms
import Foundation
import Rules
import Testing

@testable import Batch
@testable import Input

/// 汇总: one line per organisation and the totals an agent plans the week with, as CSV, markdown
/// and .xlsx — built here from results made by hand, without running a batch.
@Suite struct BatchSummaryTests {
    static let catalog = try! Catalog.load(templates: repoRoot.appendingPathComponent("Templates"))

    static func application(_ name: String) throws -> Application {
        try ApplicationLoader.load(url: repoRoot.appendingPathComponent("Examples/\(name)"))
    }

    static func figures(_ app: Application, fee: Int?, office: String, date: String) throws -> PackFigures {
        var f = PackFigures(try Checklist.make(for: app, catalog: catalog))
        f.fee = fee
        f.office = office
        f.date = date
        return f
    }

    static func written(_ line: Int, _ app: Application, _ figures: PackFigures, pages: Int) -> BatchResult {
        let folder = URL(fileURLWithPath: "/tmp/x")
        return BatchResult(
            record: BatchRecord(line: line, name: app.organization.name, uscc: app.organization.uscc, application: app, issues: []),
            figures: figures, status: .written(PackFiles(folder: folder, pdf: folder, checklist: folder, pageCount: pages)))
    }

    /// Four organisations: two made (one 吊销, whose fee the guide does not publish), one with bad data
    /// quoting an ID number, one whose pack could not be written.
    static func results() throws -> [BatchResult] {
        let a = try application("new-odc-personal.yaml")
        let b = try application("revoke.yaml")
        return [
            written(2, a, try figures(a, fee: 500, office: "科技园文化广场", date: "2026-12-08"), pages: 6),
            written(3, b, try figures(b, fee: nil, office: "科技园文化广场", date: "2026-12-07"), pages: 3),
            BatchResult(
                record: BatchRecord(
                    line: 4, name: "坏数据诊所", uscc: "91440300MA5000004X", application: nil,
                    issues: [BatchIssue(line: 4, column: "经办人证件号码", message: "校验码错误：440305199212255670")]),
                figures: nil, status: .invalid([BatchIssue(line: 4, column: "经办人证件号码", message: "校验码错误：440305199212255670")])),
            BatchResult(
                record: BatchRecord(line: 5, name: a.organization.name + "二", uscc: a.organization.uscc, application: a, issues: []),
                figures: try figures(a, fee: 500, office: "科技园文化广场", date: "2026-12-08"), status: .failed("磁盘已满")),
        ]
    }

    @Test func linesAndTotalsCountOnlyThePacksThatWereWritten() throws {
        let s = BatchSummary(try Self.results())
        #expect(s.lines.map(\.status) == ["已生成（6 页）", "已生成（3 页）", "数据有误，未生成", "未生成"])
        #expect((s.written, s.failed) == (2, 2))
        #expect(s.feeTotal == 500, "a failed pack's fee is not counted")
        #expect(s.unpublishedFees == 1)
        #expect(s.lines.map(\.fee) == ["500", "未公布", "", ""])
        #expect(
            s.visits.map { "\($0.office) \($0.date) \($0.count)" } == ["科技园文化广场 2026-12-07 1", "科技园文化广场 2026-12-08 1"],
            "visits per office and day, in date order")
    }

    @Test func aProblemQuotingAnIDNumberShowsItMasked() throws {
        let s = BatchSummary(try Self.results())
        #expect(s.lines[2].problems == "第4行「经办人证件号码」校验码错误：440305********5670")
        #expect(!s.csv.contains("440305199212255670") && !s.markdown.contains("440305199212255670"))
        #expect(s.lines[3].problems == "磁盘已满")
    }

    @Test func theCSVHasOneByteOrderMarkCRLFLinesAndTheTotalsLast() throws {
        let csv = BatchSummary(try Self.results()).csv
        let bytes = Array(csv.utf8)
        #expect(Array(bytes.prefix(3)) == [0xEF, 0xBB, 0xBF])
        #expect(Array(bytes.dropFirst(3).prefix(3)) != [0xEF, 0xBB, 0xBF], "exactly one byte-order mark")
        let lines = csv.dropFirst().components(separatedBy: "\r\n")
        #expect(lines.first == BatchSummary.headers.joined(separator: ","))
        #expect(lines.count == 1 + 4 + 1 + 1, "header, four organisations, totals, and the final line break")
        #expect(lines[5] == ",合计,,,,500,,,已生成 2，未生成 2,Ukey \(BatchSummary(try Self.results()).ukeys) 个")
    }

    @Test func theMarkdownSaysWhatIsUnpublishedAndNamesWhatWasNotMade() throws {
        let md = BatchSummary(try Self.results()).markdown
        #expect(md.hasPrefix("# 批量办理汇总\n\n已生成 2 家，未生成 2 家。"))
        #expect(md.contains("（另有 1 家吊销，收费标准未公布，请向深圳CA确认）"))
        #expect(md.contains("| 科技园文化广场 | 2026-12-07 | 1 |"))
        #expect(md.contains("## 未生成的单位\n\n- 第 4 行 坏数据诊所："))
        #expect(md.contains("- 第 5 行 \(try Self.application("new-odc-personal.yaml").organization.name)二：磁盘已满"))
    }

    @Test func theWorkbookHoldsTheSameTableWithCodesAsTextAndTheVisitsOnASecondSheet() throws {
        let s = BatchSummary(try Self.results())
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("certpack-summary-\(UUID().uuidString).xlsx")
        defer { try? FileManager.default.removeItem(at: url) }
        try s.xlsx.data().write(to: url)
        #expect(try XLSXReader.sheetNames(url: url) == ["汇总", "到访安排"])
        let table = try XLSXReader.read(url: url, preferring: "汇总")
        let csvRows = try CSVReader.parse(String(s.csv.dropFirst())).map { $0.fields }
        #expect(table.rows.count == csvRows.count)
        for (row, csv) in zip(table.rows, csvRows) {
            #expect(row.cells.map(\.text) == csv.filter { !$0.isEmpty }, "row \(row.cells.first?.text ?? "")")
        }
        #expect(s.xlsx.sheets[0].textColumns == [2], "统一社会信用代码 stays text")
        let visits = try XLSXReader.read(url: url, preferring: "到访安排")
        #expect(
            visits.rows.map { $0.cells.map(\.text) } == [["受理点", "日期", "单位数"], ["科技园文化广场", "2026-12-07", "1"], ["科技园文化广场", "2026-12-08", "1"]])
    }

    @Test func theWorkersReplyCarriesTheFiguresUnchanged() throws {
        let figures = try Self.figures(try Self.application("renew.yaml"), fee: 350, office: "龙岗受理点", date: "2026-12-09（建议）")
        let reply = WorkerReply(index: 7, pages: 5, figures: figures)
        let back = try JSONDecoder().decode(WorkerReply.self, from: JSONEncoder().encode(reply))
        #expect(back.figures == figures)
        #expect(back.index == 7 && back.pages == 5)
    }
}
