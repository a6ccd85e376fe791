import ArgumentParser
import Forms
import Foundation

/// `certpack preview FILE`: one PNG per page of the pack, drawn from the same pages as the PDF.
struct PreviewCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "preview",
        abstract: "把申请材料的每一页画成 PNG（与 PDF 同一排版），便于打印前检查。",
        discussion: "Writes <DIR>/<统一社会信用代码>-<单位名称>/preview/page-01.png, page-02.png, …")

    @Argument(help: "申请数据文件（YAML 或 JSON）")
    var file: String
    @Option(name: .shortAndLong, help: "输出目录")
    var output: String = "Output"
    @Option(help: "分辨率（每英寸点数）")
    var dpi: Double = 100
    @Option(help: "到访（或网上提交）日期 YYYY-MM-DD；默认取申请数据的 visit.date")
    var date: String?
    @OptionGroup var templates: TemplatesOption

    func validate() throws {
        guard (20...600).contains(dpi) else { throw ValidationError("--dpi 应在 20 到 600 之间") }
    }

    func run() async throws {
        let job = try PackJob.prepare(file: file, templates: templates, date: date)
        let folder = URL(fileURLWithPath: output).appendingPathComponent(job.pack.folderName).appendingPathComponent("preview")
        let urls: [URL]
        do { urls = try job.pack.writePreviews(into: folder, dpi: dpi, fonts: job.fonts) } catch {
            throw CLIFailure("\(file): \(error)")
        }
        print("已写出 \(urls.count) 页预览：\(folder.path)/page-01.png …")
    }
}
