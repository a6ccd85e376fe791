import ArgumentParser
import Forms
import Foundation
import Rules

/// `certpack demo`: the pack and checklist of the embedded example, into Output/.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "演示：为 Examples/new-odc-personal.yaml 生成申请材料与清单（写入 Output/）。")

    @Option(name: .shortAndLong, help: "输出目录（默认：仓库的 Output/）")
    var output: String?
    @OptionGroup var templates: TemplatesOption

    func run() async throws {
        let root = try ProjectFolders.root(templates: templates.templates)
        let example = root.appendingPathComponent("Examples/new-odc-personal.yaml").path
        let job = try PackJob.prepare(file: example, templates: templates, date: nil, movingPastVisit: true)
        // The demo owns its output: it replaces its own previous pack.
        let out = output.map { URL(fileURLWithPath: $0) } ?? root.appendingPathComponent("Output")
        let files = try job.write(into: out, force: true)
        print(ChecklistText.render(job.pack.checklist, style: .terminal(color: CLI.colorOutput)), terminator: "")
        print("")
        print("申请材料已写出：\(files.pdf.path)（\(files.pageCount) 页）")
        print("清单：\(files.checklist.path)")
    }
}
