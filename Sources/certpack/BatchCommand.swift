import ArgumentParser
import Dispatch
import Forms
import Foundation
import Input
import Rules
import Typeset

/// `certpack batch FILE`: a pack for every organisation of a spreadsheet, one PDF to print them all,
/// and a summary of fees, Ukeys and visits.
struct BatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "batch",
        abstract: "批量：为表格中的每家单位生成申请材料，另出全部打印.pdf 与汇总。",
        discussion: """
        FILE 是 Excel 工作簿 .xlsx（读「批量」工作表，没有则读第一个工作表）、
        CSV（每行一家单位；UTF-8 或 GBK 自动识别）或 YAML / JSON（申请数据的列表）。
        先用 --template 取得模板：
          certpack batch --template 批量.xlsx   # 推荐：号码列已设为文本，带下拉列表与表头批注；
                                                # 「示例」工作表是一家单位两位持证人的填法，不会被读取
          certpack batch --template > 批量.csv  # 只有表头的 CSV（也可 --template 批量.csv）
        .xls、.et、.xlsb、.numbers、.ods 不能直接读取：请在 Excel 中另存为 .xlsx。
        .xlsx 中存成数字的号码（证件号码、信用代码、手机、电话、邮编、序列号）会报错：
        数字可能已丢失末几位或开头的 0，请设为文本后重新输入。

        表头（中文或字段名均可）：
        \(BatchSchema.columns.map { "  \($0.header)（\($0.field)）" + ($0.note.isEmpty ? "" : "：\($0.note)") }.joined(separator: "\n"))

        行号即 Excel 显示的行号（表头为第 1 行）。

        多位持证人：把该单位的行向下复制（或其余各列留空），只改「持证人…」各列；
        统一社会信用代码相同的各行是同一家单位，每行一位持证人。只填持证人各列、
        统一社会信用代码留空的行属于上面那家单位。第一行的持证人各列留空 = 法定代表人
        （后面各行再加持证人时，法定代表人仍是第一位）。同一单位各行除持证人外不能不同。

        写出（默认 Output/batch-<日期>/）：每家单位一个文件夹（申请材料.pdf、清单.md），
        全部打印.pdf（按表格顺序），汇总.xlsx、汇总.csv 与 汇总.md。
        有问题的行全部列出（行号、列名、问题），其余照常生成。

        退出码：0 全部生成；1 部分行有误未生成（其余已生成）；2 没有任何一行能生成
        （文件无法读取、表头有误、全部行有误，或不加 --force 时拒绝覆盖已有文件）。
        中断（Ctrl-C / kill）：130 / 143，未写完的文件已删除，不留半个 PDF。
        """)

    @Argument(help: "批量数据：.xlsx、CSV，或 YAML/JSON 列表（与 --template 同用时：要写出的模板，.xlsx 或 .csv）")
    var file: String?
    @Option(name: .shortAndLong, help: "输出目录（默认 Output/batch-<今天>）")
    var output: String?
    @Flag(help: "覆盖已有的申请材料与全部打印.pdf")
    var force = false
    @Option(help: "CSV 编码：auto（默认：UTF-8 含或不含 BOM，否则 GB18030/GBK）、utf8、gbk、gb18030")
    var encoding: String = "auto"
    @Flag(help: "写出模板然后退出：--template 批量.xlsx 写工作簿；不给文件名时把 CSV 表头（带 BOM）打印到标准输出")
    var template = false
    @Flag(help: "只检查数据、列出全部问题，不生成任何文件")
    var check = false
    @Option(help: "并行数（默认：全部 CPU 核）")
    var jobs: Int?
    @OptionGroup var templates: TemplatesOption

    func run() throws {
        if template {
            guard let file else {
                let bom = isatty(STDOUT_FILENO) == 1 ? "" : "\u{FEFF}"
                FileHandle.standardOutput.write(Data((bom + BatchSchema.templateCSV).utf8))
                return
            }
            try writeTemplate(to: file)
            return
        }
        guard let file else { throw ValidationError("缺少 FILE：certpack batch 批量.csv（或用 --template 取得表头）") }
        var forced: TextEncoding?
        if encoding.lowercased() != "auto" {
            guard let e = TextEncoding.parse(encoding) else { throw ValidationError("--encoding 应为 auto、utf8、gbk 或 gb18030") }
            forced = e
        }

        // Read and check everything first.
        let catalog: Catalog, records: [BatchRecord]
        do {
            catalog = try templates.catalog()
            records = try BatchInput.read(url: URL(fileURLWithPath: file), encoding: forced, catalog: catalog)
        } catch {
            CLI.printErr("错误 error: \(error)")
            throw ExitCode(2)
        }
        let bad = records.filter { !$0.isValid }
        for r in bad { for issue in r.issues { CLI.printErr("\(file): \(issue)") } }
        if records.isEmpty { CLI.printErr("\(file): 没有数据行"); throw ExitCode(2) }
        if bad.count == records.count { CLI.printErr("\(file): 全部 \(records.count) 家单位的数据都有误，未生成任何文件"); throw ExitCode(2) }
        if check {
            print("\(file)：\(records.count) 家单位，\(records.count - bad.count) 家数据有效，\(bad.count) 家有误")
            if !bad.isEmpty { throw ExitCode(1) }
            return
        }

        let out = output.map { URL(fileURLWithPath: $0) }
            ?? URL(fileURLWithPath: "Output").appendingPathComponent("batch-\(CLI.today())")
        let fonts: FontBook, library: FormLibrary
        do {
            library = try FormLibrary.load(templates: try TemplatesLocator.locate(explicit: templates.templates))
            fonts = try FontBook.load(fontsFolder: try ProjectFolders.fonts(templates: templates.templates))
        } catch {
            CLI.printErr("错误 error: \(error)")
            throw ExitCode(2)
        }
        let run = BatchRun(catalog: catalog, fonts: fonts, library: library, output: out, overwrite: force,
                           workers: jobs ?? ProcessInfo.processInfo.activeProcessorCount)
        if !force {
            let existing = run.existingOutputs(records)
            if !existing.isEmpty {
                CLI.printErr("以下文件已存在，未覆盖任何文件（加 --force 覆盖）：")
                for path in existing.prefix(20) { CLI.printErr("  \(path)") }
                if existing.count > 20 { CLI.printErr("  …共 \(existing.count) 个") }
                throw ExitCode(2)
            }
        }
        removeStalePartials(in: out)
        let stopSignals = installSignalHandlers()
        defer { _ = stopSignals }

        let progress = ProgressBar(total: records.count)
        let (results, printPages) = try run.run(records) { done, total in progress.update(done) }
        progress.finish()

        let summary = BatchSummary(results)
        try AtomicFile.write(Data(summary.csv.utf8), to: out.appendingPathComponent("汇总.csv"))
        try AtomicFile.write(Data(summary.markdown.utf8), to: out.appendingPathComponent("汇总.md"))
        try AtomicFile.write(try summary.xlsx.data(), to: out.appendingPathComponent("汇总.xlsx"))
        for r in results { if case let .failed(message) = r.status { CLI.printErr("\(file): 第 \(r.record.line) 行 \(r.record.name)：\(message)") } }

        print("已生成 \(summary.written) 家单位的申请材料，\(summary.failed) 家未生成 → \(out.path)")
        if printPages > 0 { print("全部打印：\(out.appendingPathComponent(BatchRun.printAllName).path)（\(printPages) 页）") }
        print("汇总：\(out.appendingPathComponent("汇总.xlsx").path)、汇总.csv、汇总.md；费用合计 \(summary.feeTotal) 元，Ukey \(summary.ukeys) 个")
        if summary.written == 0 { throw ExitCode(2) }
        if summary.failed > 0 { throw ExitCode(1) }
    }

    /// `--template FILE`: the workbook for .xlsx, the header row for .csv; an existing file only with --force.
    private func writeTemplate(to file: String) throws {
        let url = URL(fileURLWithPath: file)
        let data: Data
        switch url.pathExtension.lowercased() {
        case "xlsx":
            do { data = try BatchTemplate.workbook(offices: try templates.catalog().offices.map(\.name)).data() } catch {
                CLI.printErr("错误 error: \(error)")
                throw ExitCode(2)
            }
        case "csv": data = Data(("\u{FEFF}" + BatchSchema.templateCSV).utf8)
        default: throw ValidationError("模板文件名应以 .xlsx 或 .csv 结尾：certpack batch --template 批量.xlsx")
        }
        if !force && FileManager.default.fileExists(atPath: url.path) {
            CLI.printErr("\(file) 已存在，未覆盖（加 --force 覆盖）")
            throw ExitCode(2)
        }
        try AtomicFile.write(data, to: url)
        print(url.pathExtension.lowercased() == "xlsx" ? "已写出模板 \(file)：在「批量」工作表中填写，「说明」工作表有填写说明" : "已写出表头 \(file)")
    }

    /// Temporaries left by a run that was killed outright (SIGKILL): `.<name>.partial-<pid>-<n>`.
    private func removeStalePartials(in folder: URL) {
        let fm = FileManager.default
        guard let walker = fm.enumerator(atPath: folder.path) else { return }
        while let rel = walker.nextObject() as? String {
            let name = (rel as NSString).lastPathComponent
            guard name.hasPrefix("."), let range = name.range(of: ".partial-") else { continue }
            let pid = Int32(name[range.upperBound...].split(separator: "-").first ?? "") ?? 0
            if pid > 0 && kill(pid, 0) == 0 { continue }  // still running
            try? fm.removeItem(atPath: folder.appendingPathComponent(rel).path)
        }
    }

    /// On Ctrl-C or kill, remove the temporaries in flight before exiting: no half-written PDF stays.
    private func installSignalHandlers() -> [DispatchSourceSignal] {
        let queue = DispatchQueue(label: "certpack.signals")
        return [(SIGINT, 130), (SIGTERM, 143)].map { sig, code in
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: queue)
            source.setEventHandler {
                AtomicFile.removePending()
                CLI.printErr("\n已中断：未完成的文件已删除，已完成的申请材料保留。")
                // _exit, not exit: the workers are still running; atexit handlers and static destructors
                // must not run under them. Nothing is buffered (output goes through FileHandle).
                fflush(nil)  // every stdio stream
                _exit(Int32(code))
            }
            source.resume()
            return source
        }
    }
}

/// A progress bar on standard error, only when it is a terminal.
final class ProgressBar: @unchecked Sendable {
    private let total: Int
    private let start = Date()
    private let enabled = isatty(STDERR_FILENO) == 1
    private let lock = NSLock()

    init(total: Int) { self.total = total }

    func update(_ done: Int) {
        guard enabled else { return }
        lock.lock(); defer { lock.unlock() }
        let width = 30
        let filled = total == 0 ? width : done * width / total
        let rate = Double(done) / max(Date().timeIntervalSince(start), 0.001)
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        FileHandle.standardError.write(Data("\r\(bar) \(done)/\(total)  \(String(format: "%.1f", rate)) 家/秒 ".utf8))
    }

    func finish() {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\n".utf8))
    }
}
