import ArgumentParser
import Foundation
import Rules

/// `certpack checklist FILE`: what to prepare, bring and pay, and when and where to go.
struct ChecklistCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "checklist",
        abstract: "办理清单：要准备的申请表、复印件、原件、Ukey、费用，以及到访日期与受理点。")

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
        let catalog = try templates.catalog()
        let app = try CLI.loadApplication(file)
        let day = try CLI.parseDate(date) ?? app.visit?.date ?? CLI.today()
        let checklist: Checklist
        do {
            checklist = try Checklist.make(for: app, catalog: catalog, date: day, time: time, office: office)
        } catch {
            throw CLIFailure("\(file): \(error)")
        }
        let issues = Validator.validate(app, catalog: catalog)
        switch format {
        case .json:
            print(String(decoding: try ChecklistJSON.encode(checklist), as: UTF8.self))
        case .markdown:
            print(ChecklistText.render(checklist, style: .markdown), terminator: "")
        case .text:
            print(ChecklistText.render(checklist, style: .terminal(color: CLI.colorOutput)), terminator: "")
        }
        if !issues.isEmpty {
            CLI.printErr("\n数据问题（\(issues.count)）——请先修正，详见 certpack validate：")
            for i in issues { CLI.printErr("  \(file): \(i.field): \(i.message)") }
        }
    }
}
