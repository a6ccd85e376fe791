import ArgumentParser
import Forms
import Foundation
import Rules

/// `certpack checklist FILE`: what to prepare, bring and pay, and when and where to go. Exit 1 when the
/// pack could not be made (the same check as `validate`); the problems are listed (in JSON: `problems`).
struct ChecklistCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "checklist",
        abstract: "办理清单：要准备的申请表、复印件、原件、Ukey、费用，以及到访日期与受理点。",
        discussion: "数据有问题时（与 validate 同样的检查）仍列出能确定的清单，另列出问题，退出码 1；--format json 的 problems 字段列出问题（field、message），warnings 只是提醒。")

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, markdown, json }

    @Argument(help: "申请数据文件（YAML 或 JSON）")
    var file: String
    @Option(help: "到访（或网上提交）日期 YYYY-MM-DD；默认取申请数据的 visit.date，否则今天（北京时间）")
    var date: String?
    @Option(help: "到访时间 HH:MM")
    var time: String?
    @Option(help: "受理点名称，如 科技园文化广场、龙岗行政服务大厅受理点")
    var office: String?
    @Option(help: "输出格式：text、markdown 或 json")
    var format: Format = .text
    @OptionGroup var templates: TemplatesOption

    func run() async throws {
        let tools = try templates.tools()
        let catalog = tools.catalog
        let app: Application
        do { app = try ApplicationLoader.load(url: URL(fileURLWithPath: file)) } catch {
            let e = error as? ApplicationLoadError
            try refuse(
                [ValidationIssue(field: e?.field ?? "file", message: e?.message ?? "\(error)")], organization: nil,
                shown: ["\(error)"])
        }
        let day = try CLI.parseDate(date) ?? app.visit?.date ?? CLI.today()
        let check = Preflight.run(
            app, catalog: catalog, fonts: tools.fonts, library: tools.library, date: day, time: time, office: office,
            today: CLI.today())
        guard let checklist = check.checklist else { try refuse(check.problems, organization: app.organization.name) }
        switch format {
        case .json:
            print(String(decoding: try ChecklistJSON.encode(checklist, problems: check.problems), as: UTF8.self))
        case .markdown:
            print(ChecklistText.render(checklist, style: .markdown), terminator: "")
        case .text:
            print(ChecklistText.render(checklist, style: .terminal(color: CLI.colorOutput)), terminator: "")
        }
        if !check.passed {
            CLI.printErr("\n数据问题（\(check.problems.count)）——请先修正，未能生成申请材料：")
            for p in check.problems { CLI.printErr("  \(file): \(p.field): \(p.message)") }
            throw ExitCode(1)
        }
    }

    /// No checklist can be made: the problems (as JSON when asked), exit 1.
    private func refuse(_ problems: [ValidationIssue], organization: String?, shown: [String]? = nil) throws -> Never {
        if format == .json {
            print(String(decoding: try ChecklistJSON.encode(problems: problems, organization: organization), as: UTF8.self))
        }
        for line in shown ?? problems.map({ "\(file): \($0.field): \($0.message)" }) { CLI.printErr(line) }
        throw ExitCode(1)
    }
}
