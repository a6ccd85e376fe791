import ArgumentParser
import Forms
import Foundation
import Rules
import Typeset

/// `certpack fill FILE`: the pack — cover sheet and forms in one PDF, the checklist beside it.
struct FillCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fill",
        abstract: "生成申请材料：递交材料清单 + 申请表等，合成一个 PDF（申请材料.pdf），并写出清单.md。",
        discussion: """
            Writes <DIR>/<统一社会信用代码>-<单位名称>/申请材料.pdf and 清单.md. An existing pack is not
            overwritten unless --force is given. A value that cannot fit its box, or a character no font
            has, stops with an error naming the form and the field, and no file is written.
            Files appear under their names only when complete (a full disk leaves nothing half-written);
            a pack folder that is a symlink is refused; one certpack at a time per output folder.
            Exit: 0 written; 1 bad data or refusing to overwrite; 2 nothing could be written (disk full,
            read-only folder, output path is a file, a symlink, another certpack writing there).
            """)

    @Argument(help: "申请数据文件（YAML 或 JSON）")
    var file: String
    @Option(name: .shortAndLong, help: "输出目录")
    var output: String = "Output"
    @Flag(help: "覆盖已有的申请材料")
    var force = false
    @Option(help: "到访（或网上提交）日期 YYYY-MM-DD；默认取申请数据的 visit.date")
    var date: String?
    @OptionGroup var templates: TemplatesOption
    @OptionGroup var rosterRecord: RosterRecordOption

    func run() async throws {
        let job = try PackJob.prepare(file: file, templates: templates, date: date)
        // One run per output folder; what a killed run left in it (temporaries) goes first.
        let folder = try CLI.openOutput(URL(fileURLWithPath: output))
        folder.removeStaleTemporaries(in: ["", job.pack.folderName])
        defer { folder.leave() }
        let files = try job.write(into: folder.url, force: force)
        folder.finish()
        print("已写出 \(files.pdf.path)（\(files.pageCount) 页）")
        print("清单   \(files.checklist.path)")
        if !job.pack.copies.isEmpty {
            print("复印件 \(job.pack.copies.map(\.title).joined(separator: "、"))：已生成在申请材料末尾，打印后加盖公章")
        }
        rosterRecord.record([(job.pack.application, files.pdf)])
    }
}

/// Loading, checking and laying out one application's pack: shared by fill, preview and demo.
struct PackJob {
    let file: String
    let fonts: FontBook
    let pack: Pack

    /// - Parameter movingPastVisit: the demo's example keeps working as the months go by: a visit date
    ///   already past becomes today (and the checklist plans from there). Elsewhere a past date is refused.
    static func prepare(file: String, templates: TemplatesOption, date: String?, movingPastVisit: Bool = false) throws -> PackJob {
        let tools = try templates.tools()
        let catalog = tools.catalog
        var app = try CLI.loadApplication(file)
        let today = CLI.today()
        if movingPastVisit, let d = app.visit?.date, d < today { app.visit?.date = today }
        let day = try CLI.parseDate(date)
        var issues = Validator.validate(app, catalog: catalog, today: today)
        // `--date` is the visit date too: a day before today is 日期已过, as in the file.
        if let d = day, d < today, !issues.contains(where: { $0.field == "visit.date" }) {
            issues.append(ValidationIssue(field: "visit.date", message: VisitPlanner.pastMessage(d, today: today)))
        }
        if !issues.isEmpty {
            throw CLIFailure((["\(file): 数据有误，未生成申请材料："] + issues.map { "  \(file): \($0.field): \($0.message)" }).joined(separator: "\n"))
        }
        do {
            let pack = try Pack.build(application: app, catalog: catalog, fonts: tools.fonts, library: tools.library, date: day)
            return PackJob(file: file, fonts: tools.fonts, pack: pack)
        } catch let e as CLIFailure {
            throw e
        } catch {
            throw CLIFailure("\(file): 未生成申请材料：\(error)")
        }
    }

    func write(into root: URL, force: Bool) throws -> PackFiles {
        do {
            return try pack.write(into: root, fonts: fonts, overwrite: force)
        } catch let e as PackError {
            if case .exists = e { throw CLIFailure("\(e)") }
            throw CLI.fail("\(file): 未生成申请材料：\(e)")
        } catch {
            // Nothing was written (temporaries removed, a new folder removed again): exit 2.
            throw CLI.fail("\(file): 未生成申请材料（未写完的文件已删除）：\(error)")
        }
    }
}
