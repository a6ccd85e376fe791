import Batch
import FileOutput
import Forms
import Foundation
import Hummingbird
import Input
import Logging
import Roster
import Rules
import ZIPFoundation

// The 批量 endpoints of `Routes`: upload a batch file, check it, run it on the render lane, download the zip.
extension Routes {
    func uploadBatch(_ request: Request) async throws -> Response {
        let name = request.uri.queryParameters["name"].map(String.init) ?? "批量.csv"
        let ext = (name as NSString).pathExtension.lowercased()
        guard Checks.batchExtensions.contains(ext) else {
            let hint =
                ["xls", "et", "xlsb", "ods", "numbers"].contains(ext)
                ? "不支持这种表格文件（.\(ext)）：请在 Excel 中「另存为」→「Excel 工作簿（.xlsx）」后上传。"
                : "只能上传 .xlsx、.csv（或 YAML/JSON 列表）文件。"
            return Answer.json(["error": "\(name)：\(hint)"], status: .unsupportedMediaType)
        }
        let data = try await body(request)
        // Batches waiting to be run hold memory and a folder each: beyond the cap, come back later.
        let pending = server.jobs.pendingBatches
        if pending.count >= config.pendingBatches || pending.bytes + data.count > config.pendingBatchBytes {
            throw WebRefusal(
                status: .serviceUnavailable, retryAfter: 60,
                message:
                    "服务器上已有 \(pending.count) 个上传的批量等待生成（上限 \(config.pendingBatches) 个、共 \(config.pendingBatchBytes / 1_048_576) MB）。"
                    + "请先生成并下载已上传的批量，或一分钟后再试。")
        }
        let job = try server.jobs.create()
        job.bytes = data.count
        let upload = job.folder.appendingPathComponent("upload.\(ext)")
        try data.write(to: upload)
        let records: [BatchRecord]
        do { records = try Checks.readBatch(upload, resources: resources) } catch {
            server.jobs.remove(job.id)
            let message = Checks.batchPageWords("\(error)".replacingOccurrences(of: upload.path, with: name))
            return Answer.json(["error": message], status: .unprocessableContent)
        }
        try? FileManager.default.removeItem(at: upload)
        if records.count > config.rowLimit {
            server.jobs.remove(job.id)
            return Answer.json(["error": "\(name)：共 \(records.count) 家单位，超过每次上限 \(config.rowLimit) 家。请拆成几个文件分批上传。"], status: .contentTooLarge)
        }
        if records.isEmpty {
            server.jobs.remove(job.id)
            return Answer.json(["error": "\(name)：没有数据行（第 1 行是表头，从第 2 行起每行一家单位）。"], status: .unprocessableContent)
        }
        job.batch = BatchState(fileName: name, records: records)
        let problems: [[String: Any]] = records.flatMap { r in
            r.issues.map { ["line": $0.line, "unit": $0.unit, "column": $0.column, "message": $0.message, "name": r.name] as [String: Any] }
        }
        let good = records.filter(\.isValid).count
        server.logger.info("batch upload: \(records.count) organisations, \(good) valid")
        return Answer.json([
            "job": job.id, "file": name, "total": records.count, "good": good,
            "bad": records.count - good, "problems": problems,
        ])
    }

    func runBatch(_ id: String) throws -> Response {
        guard let job = server.jobs.job(id), let state = job.batch else { throw HTTPError(.notFound) }
        guard state.phase == .checked else { return Answer.json(["phase": state.phase.rawValue]) }
        // Every record goes to the engine: the bad ones are skipped there and still listed in 汇总.
        let records = state.records
        guard records.contains(where: \.isValid) else {
            return Answer.json(["error": "没有可生成的单位：请先改正表格中的问题。"], status: .unprocessableContent)
        }
        // The progress counts the packs being made: rows with problems are not made, so not counted.
        let making = records.filter(\.isValid).count
        let skipped = records.count - making
        job.updateBatch {
            $0.phase = .queued
            $0.total = making
        }
        let resources = self.resources
        let logger = server.logger
        let roster = server.roster
        let today = config.today()
        do {
            try server.lane.start {
                job.updateBatch { $0.phase = .running }
                let out = job.folder.appendingPathComponent("out", isDirectory: true)
                do {
                    // The engine counts the skipped rows as done first; the page counts packs.
                    let outcome = try Checks.runBatch(records, resources: resources, output: out) { done, _ in
                        job.updateBatch { $0.done = min(making, max(0, done - skipped)) }
                    }
                    let summary = outcome.summary
                    let recorded = roster.flatMap { Self.record(outcome, in: $0, today: today, logger: logger) }
                    let zip = job.folder.appendingPathComponent("batch.zip")
                    try Checks.zipBatch(out, to: zip)
                    try? FileManager.default.removeItem(at: out)
                    job.updateBatch {
                        $0.phase = .done
                        $0.done = making
                        $0.written = summary.written
                        $0.feeTotal = summary.feeTotal
                        $0.recorded = recorded
                        $0.failedRows = summary.lines.filter { !$0.problems.isEmpty }.map { ($0.line, $0.name, $0.problems) }
                    }
                    logger.info("batch done: \(summary.written) packs")
                } catch {
                    job.updateBatch {
                        $0.phase = .failed
                        $0.message = "生成失败：\(error)"
                    }
                    logger.error("batch failed: \(error)")
                }
            }
        } catch is LaneBusy {
            job.updateBatch { $0.phase = .checked }
            throw LaneBusy()
        }
        return Answer.json(["phase": "queued", "total": records.count])
    }

    /// With a roster, every pack made is an application recorded (as `certpack batch` records
    /// them); how many were, or nil when none could be. A failure to record never undoes the packs.
    static func record(_ outcome: BatchOutcome, in roster: Roster, today: CivilDate, logger: Logger) -> Int? {
        let packs = outcome.packsMade.map { made -> (application: Rules.Application, packSHA256: String?) in
            var app = made.application
            app.copies = nil  // the pictures' paths were the job's
            return (app, try? SHA256.hex(of: made.pdf))
        }
        do {
            let refused = try roster.recordApplications(packs, today: today)
            for (i, why) in refused { logger.error("roster: \(packs[i].application.organization.uscc) not recorded: \(why)") }
            return packs.count - refused.count
        } catch {
            logger.error("roster: batch not recorded: \(error)")
            return nil
        }
    }

    func batchStatus(_ id: String) throws -> Response {
        guard let state = server.jobs.job(id)?.batch else { throw HTTPError(.notFound) }
        var out: [String: Any] = [
            "phase": state.phase.rawValue, "done": state.done, "total": state.total,
            "written": state.written, "feeTotal": state.feeTotal,
        ]
        if let m = state.message { out["error"] = m }
        if state.phase == .done { out["download"] = "/batch/\(id)/download.zip" }
        if let recorded = state.recorded { out["recorded"] = recorded }
        out["failed"] = state.failedRows.map { ["line": $0.line, "name": $0.name, "message": $0.message] as [String: Any] }
        return Answer.json(out)
    }

    /// The zip, once: the job's files are deleted as soon as it is read.
    func downloadZip(_ id: String) throws -> Response {
        guard let job = server.jobs.job(id), job.batch?.phase == .done,
            let data = FileManager.default.contents(atPath: job.folder.appendingPathComponent("batch.zip").path)
        else { throw HTTPError(.notFound) }
        server.jobs.remove(id)
        return Answer.download(data, name: "批量申请材料-\(config.today()).zip", type: "application/zip")
    }
}
