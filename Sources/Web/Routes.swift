import FileOutput
import Forms
import Foundation
import Hummingbird
import Input
import Roster
import Rules
import ZIPFoundation

/// The pages and endpoints of `certpack serve`.
struct Routes: Sendable {
    let server: WebServer
    var resources: WebResources { server.resources }
    var config: WebServer.Configuration { server.configuration }

    func register(on router: Router<BasicRequestContext>) {
        router.get("/") { _, _ in try page("apply", active: "apply", extra: applyContext()) }
        router.get("/batch") { _, _ in
            try page("batch", active: "batch", extra: ["rowLimit": config.rowLimit, "uploadMB": config.uploadLimit / 1_048_576])
        }
        router.get("/offices") { _, _ in try page("offices", active: "offices", extra: officesContext()) }
        router.get("/static/:file") { _, context in try staticFile(context.parameters.require("file")) }

        router.post("/api/field") { request, _ in try await field(request) }
        router.post("/api/check") { request, _ in try await checkDraft(request) }
        router.post("/api/pdf") { request, _ in try await pdf(request) }
        router.post("/api/preview") { request, _ in try await preview(request) }
        router.get("/jobs/:id/:file") { _, context in try previewPage(context.parameters.require("id"), context.parameters.require("file")) }
        router.post("/api/checklist.md") { request, _ in try await checklistMarkdown(request) }
        router.post("/api/checklist.pdf") { request, _ in try await checklistPDF(request) }
        router.post("/api/yaml") { request, _ in try await exportYAML(request) }
        router.post("/api/import") { request, _ in try await importFile(request) }
        router.post("/api/copies/crop") { request, _ in try await cropCard(request) }

        router.get("/batch/template.xlsx") { _, _ in
            let t = Checks.batchTemplate(resources: resources)
            return Answer.download(
                t.data, name: t.name,
                type: t.name.hasSuffix(".xlsx")
                    ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" : "text/csv; charset=utf-8")
        }
        router.post("/api/batch") { request, _ in try await uploadBatch(request) }
        router.post("/api/batch/:id/run") { _, context in try runBatch(context.parameters.require("id")) }
        router.get("/api/batch/:id") { _, context in try batchStatus(context.parameters.require("id")) }
        router.get("/batch/:id/download.zip") { _, context in try downloadZip(context.parameters.require("id")) }
        router.get("/api/offices") { _, _ in Answer.json(officesJSON()) }
        router.get("/healthz") { _, _ in Answer.json(["status": "ok"]) }
        if let roster = server.roster { RosterRoutes(routes: self, roster: roster).register(on: router) }
        router.get("/api/example") { _, _ in
            guard let data = server.exampleJSON else { throw HTTPError(.notFound) }
            return Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
        }
    }

    // MARK: - Pages

    func page(_ name: String, active: String, extra: [String: Any]) throws -> Response {
        var context: [String: Any] = [
            "nav": [
                ["href": "/", "label": "申请", "active": active == "apply"],
                ["href": "/batch", "label": "批量", "active": active == "batch"],
                ["href": "/offices", "label": "受理点", "active": active == "offices"],
            ] + (server.roster == nil ? [] : [["href": "/roster", "label": "机构库", "active": active == "roster"]]),
            "today": config.today().description, "hasRoster": server.roster != nil,
        ]
        for (k, v) in extra { context[k] = v }
        guard let html = server.pages.render(context, withTemplate: name) else { throw HTTPError(.notFound) }
        return Answer.html(html)
    }

    func applyContext() -> [String: Any] {
        [
            "services": Service.allCases.map { ["value": $0.rawValue, "label": $0.label] },
            "channels": Channel.allCases.map { ["value": $0.rawValue, "label": $0.label] },
            "idTypes": IDType.allCases.map { ["value": $0.rawValue, "label": $0.label] },
            "offices": resources.catalog.offices.map { ["value": $0.name, "label": $0.name] },
            "personalYears": (1...5).map { ["value": $0, "label": "\($0) 年"] },
            "hasExample": server.exampleJSON != nil,
            "roster": server.roster != nil,
        ]
    }

    func officesContext() -> [String: Any] {
        let days = Checks.officeDays(resources: resources, start: config.today(), days: 30)
        let offices = resources.catalog.offices
        // Mustache shows a section for a present key: absent keys, not empty strings, hide it.
        let rows: [[String: Any]] = (0..<30).map { n in
            let first = days[0].days[n]
            var row: [String: Any] = [
                "date": first.date, "weekday": first.weekday, "makeUp": first.makeUp,
                "weekend": first.weekday == "周六" || first.weekday == "周日",
                "cells": days.map { d -> [String: Any] in
                    let v = d.days[n]
                    let status = !v.open ? "休息" : (v.odc ? "开放 · 可办ODC" : "开放 · 仅机构个人证书")
                    // The hours are in the header: a closed day says why only when it is a holiday.
                    let notes = (v.open || v.holiday != nil) ? v.notes.filter { !$0.contains("调休上班日") } : []
                    var cell: [String: Any] = ["status": status, "cls": !v.open ? "closed" : (v.odc ? "open" : "partial")]
                    if !notes.isEmpty { cell["why"] = notes.joined(separator: "；") }
                    return cell
                },
            ]
            if let h = first.holiday { row["holiday"] = h }
            return row
        }
        return [
            "offices": offices.map { ["name": $0.name, "address": $0.address, "hours": $0.hours] },
            "rows": rows, "from": days.first?.days.first?.date ?? "", "to": days.first?.days.last?.date ?? "",
        ]
    }

    func officesJSON() -> [String: Any] {
        let days = Checks.officeDays(resources: resources, start: config.today(), days: 30)
        return [
            "offices": days.map { d in
                [
                    "name": d.office.name, "address": d.office.address, "hours": d.office.hours,
                    "days": d.days.map { v in
                        [
                            "date": v.date, "weekday": v.weekday, "open": v.open, "odc": v.odc, "makeUpWorkday": v.makeUp,
                            "holiday": v.holiday ?? NSNull(), "notes": v.notes,
                        ] as [String: Any]
                    },
                ] as [String: Any]
            }
        ]
    }

    /// `Templates/web/static/<file>`: only plain names of the folder, with their type.
    func staticFile(_ name: String) throws -> Response {
        let types = ["css": "text/css; charset=utf-8", "js": "text/javascript; charset=utf-8", "svg": "image/svg+xml", "png": "image/png"]
        guard !name.hasPrefix("."), !name.contains("/"), !name.contains("\\"),
            let type = types[(name as NSString).pathExtension.lowercased()],
            let data = FileManager.default.contents(atPath: resources.webFolder.appendingPathComponent("static").appendingPathComponent(name).path)
        else { throw HTTPError(.notFound) }
        return Response(status: .ok, headers: [.contentType: type], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    // MARK: - Reading requests

    /// The body, at most the upload limit; a larger one is refused in Chinese.
    func body(_ request: Request, limit: Int? = nil) async throws -> Data {
        let limit = limit ?? config.uploadLimit
        let tooLarge = WebRefusal(status: .contentTooLarge, message: "文件太大：最大 \(limit / 1_048_576) MB。请拆成几个文件分批上传。")
        if let length = request.headers[.contentLength].flatMap(Int.init), length > limit { throw tooLarge }
        var request = request
        let buffer: ByteBuffer
        do { buffer = try await request.collectBody(upTo: limit) } catch { throw tooLarge }
        return Data(buffer.readableBytesView)
    }

    func jsonBody(_ request: Request, limit: Int? = nil) async throws -> [String: Any] {
        let data = try await body(request, limit: limit)
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw WebRefusal(status: .badRequest, message: "请求内容不是有效的 JSON。")
        }
        return object
    }

    /// The problems as the page shows them: in a clerk's words (`Checks.clerkWords`).
    func problemsJSON(_ problems: [FieldProblem]) -> [[String: String]] {
        problems.map { ["field": $0.field, "message": Checks.clerkWords($0.message)] }
    }

    // MARK: - One application

    func field(_ request: Request) async throws -> Response {
        let body = try await jsonBody(request)
        guard let field = body["field"] as? String, let value = body["value"] as? String else {
            throw WebRefusal(status: .badRequest, message: "缺少 field 或 value。")
        }
        let context = (body["context"] as? [String: Any] ?? [:]).compactMapValues { $0 as? String }
        let neighbours = (body["neighbours"] as? [String: Any] ?? [:]).compactMapValues { $0 as? String }
        let confirmed = body["confirmedIdNumbers"] as? [String] ?? []
        let r = Checks.checkField(field, value: value, context: context, neighbours: neighbours, confirmed: confirmed, resources: resources)
        func shown(_ p: String?) -> Any { p.map { Checks.clerkWords($0) as Any } ?? NSNull() }
        return Answer.json([
            "field": field, "value": r.value, "problem": shown(r.problem),
            "neighbours": r.neighbours.mapValues { shown($0) },
        ])
    }

    /// `?quick=1`: the data checks and the checklist only (as fields are left); else the run's whole
    /// check with the layout (检查, and what the buttons are enabled by).
    func checkDraft(_ request: Request) async throws -> Response {
        let quick = request.uri.queryParameters["quick"] == "1"
        var raw = try await jsonBody(request)
        // The documents with pictures chosen on the page (`pictures`: names only, no bytes, no paths):
        // the checklist says those copies are printed, as the pack will.
        let pictures = raw.removeValue(forKey: "pictures") as? [String] ?? []
        var result = Checks.check(raw, resources: resources, today: config.today(), layout: !quick)
        if result.checklist != nil, var app = result.application, let copies = CopyUploads.chosen(pictures) {
            app.copies = copies
            if let c = try? Checklist.make(for: app, catalog: resources.catalog, date: app.visit?.date ?? config.today()) { result.checklist = c }
        }
        var out: [String: Any] = [
            "application": result.normalized,
            "problems": problemsJSON(result.problems),
            "renderable": result.renderable,
            // Advice that is no problem (the same name with two ID numbers…): shown, never silent.
            "warnings": result.checklist?.warnings ?? [],
            "layoutChecked": !quick,
        ]
        if let c = result.checklist, let json = Checks.checklistJSON(c) { out["checklist"] = Checks.clerkWords(checklist: json) }
        return Answer.json(out)
    }

    /// The checked application, or a 422 naming every problem: nothing invalid is rendered.
    func renderable(_ request: Request) async throws -> (Rules.Application, DraftCheck) {
        let result = Checks.check(try await jsonBody(request), resources: resources, today: config.today())
        guard let app = result.application, result.renderable else {
            throw Unrenderable(problems: result.problems)
        }
        return (app, result)
    }

    struct Unrenderable: Error { var problems: [FieldProblem] }

    /// A download or preview: the checked application, with the copies made from the pictures
    /// uploaded beside the draft (`uploads`), written into `folder` (the request's job). A body with
    /// pictures may be larger than other uploads (`CopyUploads.bodyBytes`).
    func renderableWithCopies(_ request: Request, folder: URL) async throws -> Rules.Application {
        var raw = try await jsonBody(request, limit: max(config.uploadLimit, CopyUploads.bodyBytes))
        let uploads = raw.removeValue(forKey: "uploads")
        let result = Checks.check(raw, resources: resources, today: config.today())
        guard var app = result.application, result.renderable else { throw Unrenderable(problems: result.problems) }
        do { app.copies = try CopyUploads.write(uploads, into: folder) } catch let e as CopyUploads.Refusal {
            throw Unrenderable(problems: e.problems)
        }
        return app
    }

    /// A picture the copy pages cannot use, on its upload field.
    func pictureRefusal(_ e: CopyPictureError) -> Response {
        let p = CopyUploads.problem(e)
        return Answer.json(["error": "图片无法使用：\(p.message)", "problems": problemsJSON([p])], status: .unprocessableContent)
    }

    func unrenderable(_ e: Unrenderable) -> Response {
        Answer.json(["error": "数据有误，未生成：请先改正标红的项目。", "problems": problemsJSON(e.problems)], status: .unprocessableContent)
    }

    /// A layout error (a value too long for its box, a character no font has) as a page problem.
    func layoutRefusal(_ error: Error) -> Response {
        Answer.json(["error": "无法排版：\(error)", "problems": [["field": "", "message": "\(error)"]]], status: .unprocessableContent)
    }

    /// An ID card photo (the body: JPEG or PNG) and its four corners (`?corners=x1,y1,…,x4,y4`, top-left
    /// clockwise, in the upright picture's pixels) → the card as the copy page prints it (a JPEG).
    /// The upload lives in the request's own job folder (0700) and goes with it; nothing is kept.
    func cropCard(_ request: Request) async throws -> Response {
        var corners: [CopyPoint]?
        if let text = request.uri.queryParameters["corners"].map(String.init), !text.isEmpty {
            let numbers = text.split(separator: ",").compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
            guard numbers.count == 8, numbers.allSatisfy({ $0 >= 0 && $0.isFinite }) else {
                return Answer.json(["error": "corners 应为 8 个不小于 0 的数：左上、右上、右下、左下四个角的 x,y"], status: .badRequest)
            }
            corners = stride(from: 0, to: 8, by: 2).map { CopyPoint(x: numbers[$0], y: numbers[$0 + 1]) }
        }
        let data = try await body(request)
        let job = try server.jobs.create()
        defer { server.jobs.remove(job.id) }
        let upload = job.folder.appendingPathComponent("upload")
        try data.write(to: upload)
        do {
            let jpeg = try CopyPages.croppedCard(CopyImage(file: upload.path, corners: corners))
            return Answer.download(Data(jpeg), name: "card.jpg", type: "image/jpeg")
        } catch let e as CopyPictureError {
            return Answer.json(["error": e.refusal.reason], status: .unprocessableContent)
        }
    }

    func pdf(_ request: Request) async throws -> Response {
        let job = try server.jobs.create()
        defer { server.jobs.remove(job.id) }
        var app: Rules.Application
        do { app = try await renderableWithCopies(request, folder: job.folder.appendingPathComponent("copies")) } catch let e as Unrenderable {
            return unrenderable(e)
        }
        let resources = self.resources
        let folder = job.folder
        let made: (url: URL, pages: Int)
        do {
            made = try await server.lane.run(timeout: config.requestTimeLimit) { [app] in try Checks.pdf(app, resources: resources, folder: folder) }
        } catch is LaneBusy { throw LaneBusy() } catch is LaneTimeout { throw LaneTimeout() } catch let e as CopyPictureError {
            return pictureRefusal(e)
        } catch { return layoutRefusal(error) }
        // The pictures' paths were the job's: nothing of them is recorded.
        app.copies = nil
        guard let data = FileManager.default.contents(atPath: made.url.path) else { throw HTTPError(.internalServerError) }
        server.logger.info("pdf: \(app.organization.uscc) \(made.pages) pages")
        if let roster = server.roster {
            // With a roster, a pack made is an application recorded (as `fill` records it), and the
            // draft it was made from is done.
            let draftID = request.uri.queryParameters["draft"].flatMap { Int64(String($0)) }
            do {
                try roster.recordApplication(app, packSHA256: SHA256.hex(data), today: config.today())
                if let draftID { try roster.deleteDraft(id: draftID) }
            } catch { server.logger.error("roster: \(app.organization.uscc) not recorded: \(error)") }
        }
        return Answer.download(data, name: "申请材料.pdf", type: "application/pdf")
    }

    func preview(_ request: Request) async throws -> Response {
        if let previous = request.uri.queryParameters["previous"].map(String.init) { server.jobs.remove(previous) }
        let job = try server.jobs.create()
        // The pictures go as soon as the pages are drawn; the pages stay until the next preview.
        let pictures = job.folder.appendingPathComponent("copies")
        defer { try? FileManager.default.removeItem(at: pictures) }
        let app: Rules.Application
        do { app = try await renderableWithCopies(request, folder: pictures) } catch let e as Unrenderable {
            server.jobs.remove(job.id)
            return unrenderable(e)
        }
        let resources = self.resources
        let folder = job.folder.appendingPathComponent("preview")
        let urls: [URL]
        do {
            urls = try await server.lane.run(timeout: config.requestTimeLimit) {
                try Checks.previews(app, resources: resources, folder: folder, dpi: previewDPI)
            }
        } catch {
            server.jobs.remove(job.id)
            if error is LaneBusy || error is LaneTimeout { throw error }
            if let e = error as? CopyPictureError { return pictureRefusal(e) }
            return layoutRefusal(error)
        }
        return Answer.json(["job": job.id, "pages": urls.map { "/jobs/\(job.id)/\($0.lastPathComponent)" }])
    }

    /// Preview pages are shown small and open large (about 900 px wide for an A4 page).
    var previewDPI: Double { 110 }

    func previewPage(_ id: String, _ file: String) throws -> Response {
        guard let job = server.jobs.job(id), file.hasPrefix("page-"), file.hasSuffix(".png"),
            file.dropFirst(5).dropLast(4).allSatisfy(\.isNumber),
            let data = FileManager.default.contents(atPath: job.folder.appendingPathComponent("preview").appendingPathComponent(file).path)
        else { throw HTTPError(.notFound) }
        return Response(status: .ok, headers: [.contentType: "image/png"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    func checklistMarkdown(_ request: Request) async throws -> Response {
        let result = Checks.check(try await jsonBody(request), resources: resources, today: config.today())
        guard result.renderable, let checklist = result.checklist else {
            return unrenderable(Unrenderable(problems: result.problems))
        }
        return Answer.download(Data(Checks.markdown(checklist).utf8), name: "清单.md", type: "text/markdown; charset=utf-8")
    }

    /// 保存草稿到文件: the CLI's YAML, whatever state the form is in (an application with problems, or
    /// not yet complete, is saved to finish later; the CLI reports what is missing too).
    func exportYAML(_ request: Request) async throws -> Response {
        let raw = try await jsonBody(request)
        let result = Checks.check(raw, resources: resources, today: config.today(), layout: false)
        let text = try result.application.map(Checks.yaml) ?? Checks.draftYAML(raw)
        return Answer.download(Data(text.utf8), name: "申请数据.yaml", type: "application/yaml; charset=utf-8")
    }

    /// 清单 as a PDF: the pack's cover sheet (the checklist) alone, as it is printed in 申请材料.pdf.
    func checklistPDF(_ request: Request) async throws -> Response {
        let app: Rules.Application
        do { app = try await renderable(request).0 } catch let e as Unrenderable { return unrenderable(e) }
        let resources = self.resources
        let data: Data
        do {
            data = try await server.lane.run(timeout: config.requestTimeLimit) { try Checks.checklistPDF(app, resources: resources) }
        } catch is LaneBusy { throw LaneBusy() } catch is LaneTimeout { throw LaneTimeout() } catch { return layoutRefusal(error) }
        return Answer.download(data, name: "清单.pdf", type: "application/pdf")
    }

    func importFile(_ request: Request) async throws -> Response {
        let name = request.uri.queryParameters["name"].map(String.init) ?? "申请数据.yaml"
        let data = try await body(request)
        guard let text = String(data: data, encoding: .utf8) else {
            return Answer.json(["error": "\(name)：不是 UTF-8 文本。"], status: .unprocessableContent)
        }
        do {
            let opened = try Checks.importFile(text, name: name)
            var out: [String: Any] = ["application": opened.draft]
            if let note = opened.note { out["note"] = note }
            return Answer.json(out)
        } catch {
            return Answer.json(["error": "\(name) 无法打开：\(error)"], status: .unprocessableContent)
        }
    }
}
