import ArgumentParser
import Forms
import Foundation
import Rules
import Typeset

/// `certpack validate FILE`: exit 0 when `fill` would make the pack, else every problem, one per line, exit 1.
struct ValidateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "检查申请数据（统一社会信用代码、身份证号码校验码、手机、必填项、长度…），并在内存中排版全部表格，列出全部问题。",
        discussion: "与 fill 做同样的检查和排版（不写文件）：validate 通过的，fill 一定能生成；fill 会拒绝的，validate 会以同样的说明报出。")

    @Argument(help: "申请数据文件（YAML 或 JSON）")
    var file: String

    @OptionGroup var templates: TemplatesOption

    func run() async throws {
        let app: Application
        do { app = try ApplicationLoader.load(url: URL(fileURLWithPath: file)) } catch {
            print(maskIDNumbers(in: "\(error)"))
            throw ExitCode(1)
        }
        let tools = try templates.tools()
        let problems = Preflight.check(app, catalog: tools.catalog, fonts: tools.fonts, library: tools.library)
        if problems.isEmpty {
            print(CLI.green("✓ \(file)：数据有效（\(app.organization.name)，\(app.service.label)）", CLI.colorOutput))
            return
        }
        for p in problems { print(maskIDNumbers(in: "\(file): \(p.field): \(p.message)")) }
        throw ExitCode(1)
    }
}
