import ArgumentParser
import Foundation
import Rules

/// `certpack offices [--date D]`: the offices, their hours, and whether each is open and can do an ODC.
struct OfficesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "offices",
        abstract: "受理点、服务时间，以及某日是否开放、能否办理机构证书（ODC）。")

    @Option(help: "日期 YYYY-MM-DD；默认今天（北京时间）")
    var date: String?
    @OptionGroup var templates: TemplatesOption

    func run() async throws {
        let catalog = try templates.catalog()
        let day = try CLI.parseDate(date) ?? CLI.today()
        let color = CLI.colorOutput
        let kind = catalog.holidays.kind(of: day)
        var dayText = "\(day)（\(day.weekdayLabel)）"
        switch kind {
        case .workday: dayText += " 工作日"
        case .weekend: dayText += " 周末"
        case let .holiday(h): dayText += " 法定节假日（\(h)）"
        case let .makeUpWorkday(h): dayText += " 调休上班日（\(h)），按工作日办理"
        case .notCovered: dayText += " —— " + catalog.holidays.notCoveredMessage(day)
        }
        print(CLI.bold(dayText, color))
        for o in catalog.offices {
            let a = VisitPlanner.assess(office: o, date: day, time: nil, kinds: [.odc, .personal], catalog: catalog)
            print("")
            print(CLI.bold(o.name, color))
            print("  地址：\(o.address)")
            print("  服务时间：\(o.hours)")
            let status: String
            if kind == .notCovered {
                status = "未知（节假日安排未收录）"
            } else if a.uncertain {
                status = CLI.red("未确定：\(catalog.notes.makeUpWorkday.uncertain)", color)
            } else if !a.isOpen {
                status = CLI.red("休息", color)
            } else {
                let odc = a.doable.contains(.odc) ? CLI.green("可办理机构证书（ODC）", color) : CLI.red("不能办理机构证书（ODC）", color)
                status = CLI.green("开放", color) + " \(o.sessions.map(\.description).joined(separator: "，"))；" + odc + "；机构个人证书可办理"
            }
            print("  \(day)：\(status)")
            for n in a.notes where kind != .notCovered { print("    · \(n)") }
            // A 调休上班 day its hours say is 休息: a certain day and office first.
            if a.uncertain,
                let p = VisitPlanner.plan(kinds: [.odc, .personal], date: day, office: o, catalog: catalog)
                    .notes.first(where: { $0.hasPrefix("建议：") })
            {
                print("    · \(p)")
            }
        }
    }
}
