import ArgumentParser
import Batch
import Dispatch
import FileOutput
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
            中断（Ctrl-C / kill）：130 / 143，未写完的文件已删除，不留半个 PDF；
            之后加 --resume 重跑：保留已完成且数据未变的申请材料，只补做其余。
            同一输出目录同时只能有一个 certpack 在写（另一个立即以 2 退出）。
            写入失败（磁盘已满、目录只读…）的单位在汇总中记为「未生成」并写明原因；
            全部打印.pdf 与汇总只在它们描述的申请材料都已写好时才写出。
            """)

    @Argument(help: "批量数据：.xlsx、CSV，或 YAML/JSON 列表（与 --template 同用时：要写出的模板，.xlsx 或 .csv）")
    var file: String?
    @Option(name: .shortAndLong, help: "输出目录（默认 Output/batch-<今天>）")
    var output: String?
    @Flag(help: "覆盖已有的申请材料与全部打印.pdf")
    var force = false
    @Flag(help: "接着上次（中断的）运行：保留已完成且数据未变的申请材料，只补做其余，并重写全部打印.pdf 与汇总")
    var resume = false
    @Option(help: "CSV 编码：auto（默认：UTF-8 含或不含 BOM，否则 GB18030/GBK）、utf8、gbk、gb18030")
    var encoding: String = "auto"
    @Flag(help: "写出模板然后退出：--template 批量.xlsx 写工作簿；不给文件名时把 CSV 表头（带 BOM）打印到标准输出")
    var template = false
    @Flag(help: "只检查：与生成时同样的数据检查和排版（在内存中），列出全部问题，不生成任何文件")
    var check = false
    @Option(help: "并行数（默认：全部 CPU 核）")
    var jobs: Int?
    @OptionGroup var templates: TemplatesOption
    @OptionGroup var rosterRecord: RosterRecordOption

    func run() throws {
        if template {
            try writeTemplate()
            return
        }
        guard let file else { throw ValidationError("缺少 FILE：certpack batch 批量.csv（或用 --template 取得表头）") }
        let (tools, records) = try read(file)
        if check {
            try checkOnly(file, records, tools: tools)
            return
        }

        let out =
            output.map { URL(fileURLWithPath: $0) }
            ?? URL(fileURLWithPath: "Output").appendingPathComponent("batch-\(CLI.today())")
        // One run per output folder, held until the process ends.
        let folder = try CLI.openOutput(out)
        defer { folder.leave() }  // ended before any work (refused): the folder's state stays as it was
        let run = engine(tools, into: folder)
        let packFolders = records.compactMap { $0.application.map { Pack.folderName(for: $0.organization) } }
        // Whatever dead runs left (temporaries, a pack folder with nothing but temporaries) goes first.
        folder.removeStaleTemporaries(in: [""] + packFolders)
        try refuseToOverwrite(records, run: run, folder: folder, shownAs: out)
        let stopSignals = installSignalHandlers { folder.removeStaleTemporaries(in: [""] + packFolders) }
        defer { _ = stopSignals }

        let outcome = run.finish(try make(records, with: run))
        for r in outcome.results {
            if case let .failed(message) = r.status { CLI.printErr("\(file): 第 \(r.record.line) 行 \(r.record.name)：未生成：\(message)") }
        }
        // Problems the run found in data that read well (a character no font has), said as the reader's are.
        for (i, r) in outcome.results.enumerated() where records[i].isValid {
            if case let .invalid(issues) = r.status { for issue in issues { CLI.printErr("\(file): \(issue)") } }
        }
        if let error = outcome.printAllError { CLI.printErr("全部打印.pdf 未生成：\(error)") }
        if let error = outcome.summaryError { CLI.printErr("汇总 未生成：\(error)") }
        folder.finish()
        if ProcessInfo.processInfo.environment["CERTPACK_DEBUG_CPU"] != nil { printCPU() }  // for certpack-bench
        try report(outcome, shownAs: out)
    }

    /// The catalog, fonts and forms, and every record of `file`; its data problems are printed, and a
    /// file with no row, or with no good row, ends the command (exit 2).
    private func read(_ file: String) throws -> (PackTools, [BatchRecord]) {
        var forced: TextEncoding?
        if encoding.lowercased() != "auto" {
            guard let e = TextEncoding.parse(encoding) else { throw ValidationError("--encoding 应为 auto、utf8、gbk 或 gb18030") }
            forced = e
        }
        let tools: PackTools
        let records: [BatchRecord]
        do {
            tools = try templates.tools()
            records = try BatchInput.read(url: URL(fileURLWithPath: file), encoding: forced, catalog: tools.catalog)
        } catch {
            CLI.printErr("错误：\(error)")
            throw ExitCode(2)
        }
        let bad = records.filter { !$0.isValid }
        for r in bad { for issue in r.issues { CLI.printErr("\(file): \(issue)") } }
        if records.isEmpty {
            CLI.printErr("\(file): 没有数据行")
            throw ExitCode(2)
        }
        if bad.count == records.count {
            CLI.printErr("\(file): 全部 \(records.count) 家单位的数据都有误，未生成任何文件")
            throw ExitCode(2)
        }
        return (tools, records)
    }

    /// `--check`: the run's own layout, in memory: every record the run would refuse is reported in its words.
    private func checkOnly(_ file: String, _ records: [BatchRecord], tools: PackTools) throws {
        let bad = records.filter { !$0.isValid }
        // A character no font has is the row's data problem, said as the run says it (see BatchRun.run).
        let printable = Preflight.unprintable(records, fonts: tools.fonts)
        let unprintable = printable.indices.filter { records[$0].isValid && !printable[$0].isValid }
        for i in unprintable { for issue in printable[i].issues { CLI.printErr("\(file): \(issue)") } }
        let refused = Preflight.batch(
            printable, catalog: tools.catalog, fonts: tools.fonts, library: tools.library,
            workers: jobs ?? ProcessInfo.processInfo.activeProcessorCount)
        for i in refused.keys.sorted() { for m in refused[i]! { CLI.printErr("\(file): 第 \(records[i].line) 行 \(records[i].name)：未生成：\(m)") } }
        let failed = bad.count + unprintable.count + refused.count
        print("\(file)：\(records.count) 家单位，\(records.count - failed) 家数据有效，\(failed) 家有误")
        if failed == records.count { throw ExitCode(2) }
        if failed > 0 { throw ExitCode(1) }
    }

    /// The batch engine for this command's options, its workers this program as `certpack batch-worker`.
    private func engine(_ tools: PackTools, into folder: OutputFolder) -> BatchRun {
        var run = BatchRun(
            catalog: tools.catalog, fonts: tools.fonts, library: tools.library, output: folder.url, overwrite: force,
            workers: jobs ?? ProcessInfo.processInfo.activeProcessorCount,
            workerCommand: [Self.executablePath, "batch-worker", "--templates", tools.templates.path])
        run.resume = resume
        // For the engine's tests: a shorter watchdog than the 60 s a person gets.
        if let seconds = ProcessInfo.processInfo.environment["CERTPACK_STALL_SECONDS"].flatMap(Double.init) { run.stallSeconds = seconds }
        return run
    }

    /// Says when the last run into the folder was interrupted; without --force or --resume, existing
    /// packs end the command (exit 2) before anything is written.
    private func refuseToOverwrite(_ records: [BatchRecord], run: BatchRun, folder: OutputFolder, shownAs out: URL) throws {
        if folder.previousRunInterrupted && !resume && !force {
            CLI.printErr("上次写入 \(out.path) 的运行没有完成（被中断）。加 --resume 保留已完成的申请材料、只补做其余；或加 --force 全部重做。")
        }
        guard !force && !resume else { return }
        let existing = run.existingOutputs(records)
        guard !existing.isEmpty else { return }
        CLI.printErr("以下文件已存在，未覆盖任何文件（加 --resume 保留已完成的、只补做其余；加 --force 全部覆盖）：")
        for path in existing.prefix(20) { CLI.printErr("  \(path)") }
        if existing.count > 20 { CLI.printErr("  …共 \(existing.count) 个") }
        throw ExitCode(2)
    }

    /// Makes the packs and 全部打印.pdf with a progress bar; nothing could be done at all: exit 2.
    private func make(_ records: [BatchRecord], with run: BatchRun) throws -> (results: [BatchResult], printAllPages: Int, printAllError: Error?) {
        let progress = ProgressBar(total: records.count)
        let made: (results: [BatchResult], printAllPages: Int, printAllError: Error?)
        do {
            made = try run.run(
                records, progress: { done, _ in progress.update(done) },
                stalled: { seconds, done, total in
                    CLI.printErr("\n注意：已有 \(seconds) 秒没有完成新的单位（已完成 \(done)/\(total)）。若一直如此，请按 Ctrl-C 中断，再用 --jobs 1 重试，并把这条信息告诉维护者。")
                })
        } catch {
            progress.finish()
            throw CLI.fail("错误：未生成任何文件：\(error)")
        }
        progress.finish()
        return made
    }

    /// What was made, where, and the exit status: 0 all, 1 some, 2 none.
    private func report(_ outcome: BatchOutcome, shownAs out: URL) throws {
        let summary = outcome.summary
        if summary.written == 0 {
            CLI.printErr("没有生成任何一家单位的申请材料（\(summary.failed) 家未生成，原因见上）")
            throw ExitCode(2)
        }
        print("已生成 \(summary.written) 家单位的申请材料，\(summary.failed) 家未生成 → \(out.path)")
        rosterRecord.record(outcome.packsMade)
        if outcome.printAllPages > 0 { print("全部打印：\(out.appendingPathComponent(BatchRun.printAllName).path)（\(outcome.printAllPages) 页）") }
        if outcome.summaryError == nil {
            print("汇总：\(out.appendingPathComponent("汇总.xlsx").path)、汇总.csv、汇总.md；费用合计 \(summary.feeTotal) 元，Ukey \(summary.ukeys) 个")
        } else {
            CLI.printErr("未生成的单位：" + (summary.lines.filter { !$0.problems.isEmpty }.map { "第 \($0.line) 行 \($0.name)" }.joined(separator: "、")))
        }
        if summary.failed > 0 || outcome.printAllError != nil || outcome.summaryError != nil { throw ExitCode(1) }
    }

    /// The CPU time and peak memory of this process and its workers, for certpack-bench.
    private func printCPU() {
        var me = rusage()
        var kids = rusage()
        getrusage(RUSAGE_SELF.rawValue, &me)
        getrusage(RUSAGE_CHILDREN.rawValue, &kids)
        func cpu(_ u: rusage) -> Double { Double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + Double(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6 }
        CLI.printErr(
            String(
                format: "cpu: coordinator %.1f s, %.0f MB peak; workers %.1f s, %.0f MB peak (largest)",
                cpu(me), Double(me.ru_maxrss) / 1024, cpu(kids), Double(kids.ru_maxrss) / 1024))
    }

    /// `--template [FILE]`: without a file, the CSV header row on standard output (with a BOM unless
    /// it is a terminal).
    private func writeTemplate() throws {
        guard let file else {
            let bom = isatty(STDOUT_FILENO) == 1 ? "" : "\u{FEFF}"
            FileHandle.standardOutput.write(Data((bom + BatchSchema.templateCSV).utf8))
            return
        }
        try writeTemplate(to: file)
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

    /// This program, to start the batch's worker processes.
    static var executablePath: String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }

    /// On Ctrl-C or kill, stop the workers and remove the temporaries in flight before exiting: no
    /// half-written PDF stays.
    private func installSignalHandlers(sweep: @escaping @Sendable () -> Void) -> [DispatchSourceSignal] {
        let queue = DispatchQueue(label: "certpack.signals")
        return [(SIGINT, 130), (SIGTERM, 143)].map { sig, code in
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: queue)
            source.setEventHandler {
                BatchRun.stopWorkers()
                AtomicFile.removePending()
                BatchRun.removeParts()
                sweep()  // what the stopped workers left
                CLI.printErr("\n已中断：未完成的文件已删除，已完成的申请材料保留。用同样的命令加 --resume 接着做。")
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
        lock.lock()
        defer { lock.unlock() }
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
