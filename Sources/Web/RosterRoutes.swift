import Dispatch
import Foundation
import Hummingbird
import Input
import Roster
import Rules

/// The 机构库 tab and the drafts (`certpack serve --roster PATH`): search, the due board, an
/// organisation's card, one click to a prefilled 申请, 记录办结, forgetting, drafts saved as the clerk
/// types. Every record is Roster's; ID numbers are masked in every list (`maskID`, the one masking
/// function) — the full number only ever goes into the 申请 form.
struct RosterRoutes: Sendable {
    let routes: Routes
    let roster: Roster
    /// List pages already answered, by request, at the roster's version.
    let pages = AnsweredPages()
    var today: CivilDate { routes.config.today() }

    /// The due board: certificates whose last day is at most this many days away (expired included).
    static let dueDays = 90
    /// One page of a list or of the due board; `limit` asks for another size, up to `maxLimit`
    /// (the search narrows the rest).
    static let listLimit = 100
    static let maxLimit = 1000

    func register(on router: Router<BasicRequestContext>) {
        router.get("/roster") { _, _ in
            try routes.page("roster", active: "roster", extra: ["rosterName": roster.url.lastPathComponent, "dueDays": Self.dueDays])
        }
        router.get("/api/roster") { request, _ in
            let q = request.uri.queryParameters["q"].map(String.init) ?? ""
            let (limit, offset) = Self.window(request)
            return try await off { try list(search: q, limit: limit, offset: offset) }
        }
        router.get("/api/roster/due") { request, _ in
            let (limit, offset) = Self.window(request)
            return try await off { try due(limit: limit, offset: offset) }
        }
        router.get("/api/roster/org/:uscc") { _, context in
            let uscc = try context.parameters.require("uscc")
            return try await off { try card(uscc) }
        }
        router.get("/api/roster/org/:uscc/application") { request, context in
            let uscc = try context.parameters.require("uscc")
            let service = request.uri.queryParameters["service"].map(String.init) ?? "renew"
            return try await off { try prefilled(uscc, service: service) }
        }
        router.post("/api/roster/org/:uscc/issued") { request, context in
            let uscc = try context.parameters.require("uscc")
            let body = try await routes.body(request)
            return try await off { try issued(uscc, try object(body)) }
        }
        router.get("/api/roster/org/:uscc/forget") { _, context in
            let uscc = try context.parameters.require("uscc")
            return try await off { try forgetPreview(uscc) }
        }
        router.post("/api/roster/org/:uscc/forget") { request, context in
            let uscc = try context.parameters.require("uscc")
            let body = try await routes.body(request)
            return try await off { try forget(uscc, confirm: try object(body)["confirm"] as? String) }
        }
        router.get("/roster/export.xlsx") { _, _ in
            try await off {
                let data = try roster.exportWorkbook().data()
                return Answer.download(data, name: "机构库-\(today).xlsx", type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
            }
        }
        router.post("/api/roster/import") { request, _ in
            let name = request.uri.queryParameters["name"].map(String.init) ?? "机构库.xlsx"
            let data = try await routes.body(request)
            return try await off { try importFile(data, name: name) }
        }
        router.post("/api/roster/renewals") { _, _ in try await off { try renewalBatch() } }
        router.get("/api/drafts") { _, _ in try await off { try drafts() } }
        router.get("/api/drafts/:id") { _, context in
            let id = try context.parameters.require("id", as: Int64.self)
            return try await off { try draft(id) }
        }
        router.post("/api/drafts") { request, _ in
            let body = try await routes.body(request)
            return try await off { try saveDraft(try object(body)) }
        }
        router.post("/api/drafts/:id/delete") { _, context in
            let id = try context.parameters.require("id", as: Int64.self)
            return try await off {
                try roster.deleteDraft(id: id)
                return Answer.json(["deleted": id])
            }
        }
    }

    /// A request's JSON object (read as bytes on the event loop, decoded where it is used).
    func object(_ data: Data) throws -> [String: Any] {
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw WebRefusal(status: .badRequest, message: "请求内容不是有效的 JSON。")
        }
        return object
    }

    /// SQLite waits (a writer, the disk) off the server's cooperative threads.
    func off(_ work: @escaping @Sendable () throws -> Response) async throws -> Response {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                do { continuation.resume(returning: try work()) } catch let e as RosterError {
                    continuation.resume(returning: Self.refusal(e))
                } catch { continuation.resume(throwing: error) }
            }
        }
    }

    static func refusal(_ e: RosterError) -> Response {
        let message = Checks.clerkWords("\(e)")
        if case .notFound = e { return Answer.json(["error": message], status: .notFound) }
        return Answer.json(["error": message], status: .unprocessableContent)
    }

    // MARK: - Lists

    func certificateJSON(_ c: CertificateRecord) -> [String: Any] {
        [
            "id": c.id, "kind": c.kind.rawValue, "label": c.shortLabel, "serial": c.serial ?? NSNull(),
            "issuedOn": c.issuedOn?.description ?? NSNull(), "validUntil": c.validUntil?.description ?? NSNull(),
            "daysLeft": c.daysLeft(today: today) ?? NSNull(), "estimated": c.estimated, "status": c.status.rawValue,
            "holderName": c.holderName ?? NSNull(),
        ]
    }

    /// A list's lines as the page reads them (written by `ListView.json`; Encodable so a test can hold
    /// that writer to `JSONEncoder`).
    struct EntryView: Encodable {
        struct Cert: Encodable {
            var id: Int64, kind: String, label: String, serial: String?, issuedOn: String?, validUntil: String?
            var daysLeft: Int?, estimated: Bool, status: String, holderName: String?
        }
        var uscc: String, name: String, legalRepresentative: String?, certificate: Cert?
    }

    struct ListView: Encodable {
        var total: Int
        var days: Int?
        /// Where this page starts in the whole list.
        var offset: Int
        var entries: [EntryView]

        /// The JSON `JSONEncoder` would write (the same members, nil ones left out), written directly.
        var json: [UInt8] {
            var j = JSONText(capacity: 300 * entries.count + 64)
            j.raw("{\"total\":")
            j.int(total)
            j.field("days", days)
            j.raw(",\"offset\":")
            j.int(offset)
            j.raw(",\"entries\":[")
            for (i, e) in entries.enumerated() {
                if i > 0 { j.raw(",") }
                j.raw("{\"uscc\":")
                j.string(e.uscc)
                j.field("name", e.name)
                j.field("legalRepresentative", e.legalRepresentative)
                if let c = e.certificate {
                    j.raw(",\"certificate\":{\"id\":")
                    j.int(c.id)
                    j.field("kind", c.kind)
                    j.field("label", c.label)
                    j.field("serial", c.serial)
                    j.field("issuedOn", c.issuedOn)
                    j.field("validUntil", c.validUntil)
                    j.field("daysLeft", c.daysLeft)
                    j.raw(",\"estimated\":")
                    j.bool(c.estimated)
                    j.field("status", c.status)
                    j.field("holderName", c.holderName)
                    j.raw("}")
                }
                j.raw("}")
            }
            j.raw("]}")
            return j.bytes
        }
    }

    /// `limit` and `offset` of a list request: a page of `listLimit` from the start unless asked.
    static func window(_ request: Request) -> (limit: Int, offset: Int) {
        let q = request.uri.queryParameters
        let limit = q["limit"].flatMap { Int(String($0)) }.map { min(max($0, 1), maxLimit) } ?? listLimit
        let offset = q["offset"].flatMap { Int(String($0)) }.map { max($0, 0) } ?? 0
        return (limit, offset)
    }

    func entryViews(_ entries: [RosterEntry]) -> [EntryView] {
        let today = self.today
        return entries.map { e in
            EntryView(
                uscc: e.uscc, name: e.name, legalRepresentative: e.legalRepresentative,
                certificate: e.certificate.map { c in
                    .init(
                        id: c.id, kind: c.kind.rawValue, label: c.shortLabel, serial: c.serial, issuedOn: c.issuedOn?.description,
                        validUntil: c.validUntil?.description, daysLeft: c.daysLeft(today: today), estimated: c.estimated,
                        status: c.status.rawValue, holderName: c.holderName)
                })
        }
    }

    func list(search: String, limit: Int = listLimit, offset: Int = 0) throws -> Response {
        let today = self.today
        return try answered("list|\(today)|\(limit)|\(offset)|\(search)") {
            let page = try roster.page(search: search.isEmpty ? nil : search, limit: limit, offset: offset, today: today)
            return (ListView(total: page.total, days: nil, offset: offset, entries: entryViews(page.entries)).json, page.version)
        }
    }

    func due(limit: Int = listLimit, offset: Int = 0) throws -> Response {
        let today = self.today
        return try answered("due|\(today)|\(limit)|\(offset)") {
            let page = try roster.page(dueWithin: Self.dueDays, limit: limit, offset: offset, today: today)
            return (ListView(total: page.total, days: Self.dueDays, offset: offset, entries: entryViews(page.entries)).json, page.version)
        }
    }

    /// A list page as answered before while the roster's version is the same (every clerk who opens
    /// the tab asks for the same due board and first page), or made now and kept.
    func answered(_ key: String, make: () throws -> (json: [UInt8], version: Int64)) throws -> Response {
        let json: [UInt8]
        if let kept = pages.json(for: key, version: try roster.version()) {
            json = kept
        } else {
            let made = try make()
            pages.keep(made.json, for: key, version: made.version)
            json = made.json
        }
        return Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(bytes: json)))
    }

    /// 138****6789: a list shows enough of a mobile to tell two apart.
    static func maskMobile(_ m: String) -> String {
        let digits = Array(m)
        guard digits.count >= 7 else { return m }
        return String(digits.prefix(3)) + "****" + String(digits.suffix(4))
    }

    func card(_ uscc: String) throws -> Response {
        guard let c = try roster.card(uscc: Normaliser.normalise(uscc, kind: .code)) else {
            throw RosterError.notFound("统一社会信用代码为 \(uscc) 的单位")
        }
        // What 记录办结 may record: the ODC, or a 法人证书 of a person holding a role now (by position).
        var issuable: [[String: String]] = [["value": "odc", "label": "机构证书（ODC证书）"]]
        for (i, p) in c.people.enumerated() where p.until == nil && [.legalRepresentative, .holder].contains(p.role) {
            if issuable.contains(where: { $0["label"] == "法人证书（\(p.person.name)）" }) { continue }
            issuable.append(["value": "personal:\(i)", "label": "法人证书（\(p.person.name)）"])
        }
        return Answer.json([
            "organisation": [
                "name": c.organisation.name, "uscc": c.organisation.uscc, "address": c.organisation.address,
                "postcode": c.organisation.postcode ?? "", "phone": c.organisation.phone ?? "",
            ],
            "earlierNames": c.earlierNames.map { ["name": $0.name, "until": $0.until.description] },
            "people": c.people.map { p -> [String: Any] in
                [
                    "name": p.person.name, "role": p.role.rawValue, "title": p.person.title ?? "",
                    "idMasked": maskID(p.person.idNumber), "mobileMasked": Self.maskMobile(p.person.mobile),
                    "since": p.since.description, "until": p.until?.description ?? NSNull(),
                ]
            },
            "certificates": c.certificates.map { certificateJSON($0) },
            "applications": c.applications.map { a -> [String: Any] in
                [
                    "id": a.id, "service": a.service.rawValue, "serviceLabel": a.service.label, "madeOn": a.madeOn.description,
                    "state": a.state.rawValue,
                ]
            },
            "issuable": issuable,
        ])
    }

    // MARK: - One click to a prefilled 申请

    /// The 申请 as the roster knows the organisation: its people now, its valid certificates and
    /// their serial. 续期 may come back as a 变更 when the name or the 法定代表人 changed since issue.
    func prefilled(_ uscc: String, service: String) throws -> Response {
        guard let wanted = Service(rawValue: service) ?? Service.allCases.first(where: { $0.label == service }),
            [.renew, .change, .unlock, .replace].contains(wanted)
        else {
            return Answer.json(["error": "机构库可预填续期、变更、解锁、介质补办"], status: .badRequest)
        }
        let code = Normaliser.normalise(uscc, kind: .code)
        guard let plan = try roster.renewals(usccs: [code], today: today).first else {
            throw RosterError.notFound("统一社会信用代码为 \(uscc) 的单位")
        }
        guard var app = plan.application else {
            return Answer.json(["error": Checks.clerkWords(plan.problem ?? "机构库中的信息不足以预填")], status: .unprocessableContent)
        }
        var note: String
        if wanted == .renew {
            note =
                plan.isChange
                ? "自证书签发以来\(plan.changes.map(\.item).joined(separator: "、"))已变，已按变更填好，请核对。"
                : "已按机构库填好续期申请（原证书序列号 \(app.existingCertificate?.serial ?? "")），请核对。"
        } else {
            app.service = wanted
            if wanted != .change { app.change = nil }
            if wanted == .change, app.change == nil { app.change = ChangeDetails(items: []) }
            note = "已按机构库填好\(wanted.label)申请（原证书序列号 \(app.existingCertificate?.serial ?? "")），请核对并补全。"
        }
        if !plan.otherSerials.isEmpty { note += "另有证书 \(plan.otherSerials.joined(separator: "、")) 也将到期。" }
        return Answer.json(["application": try Checks.draft(app), "note": note])
    }

    // MARK: - 记录办结

    func issued(_ uscc: String, _ body: [String: Any]) throws -> Response {
        let code = Normaliser.normalise(uscc, kind: .code)
        guard let card = try roster.card(uscc: code) else { throw RosterError.notFound("统一社会信用代码为 \(uscc) 的单位") }
        let kindValue = body["kind"] as? String ?? "odc"
        let serial = Normaliser.normalise(body["serial"] as? String ?? "", kind: .code)
        guard !serial.isEmpty else { return Answer.json(["error": "请填写证书序列号（见证书或Ukey）"], status: .unprocessableContent) }
        guard let on = (body["issuedOn"] as? String).flatMap({ CivilDate(typed: $0) }) else {
            return Answer.json(["error": "请填写签发日期"], status: .unprocessableContent)
        }
        let until = (body["validUntil"] as? String).flatMap { CivilDate(typed: $0) }
        var issued = IssuedCertificate(uscc: code, kind: .odc, serial: serial, issuedOn: on, validUntil: until)
        if kindValue.hasPrefix("personal") {
            issued.kind = .personal
            if let i = Int(kindValue.dropFirst("personal:".count)), card.people.indices.contains(i) {
                issued.holderIDNumber = card.people[i].person.idNumber
            }
        }
        let record = try roster.recordIssued(issued)
        routes.server.logger.info("roster: 记录办结 \(code) \(record.kind.rawValue)")
        return Answer.json(["certificate": certificateJSON(record)])
    }

    // MARK: - Forgetting

    /// What forgetting the organisation deletes, said before it is done: Roster's own count (the
    /// same deletion, rolled back), so the confirmation and the deed agree.
    func forgetPreview(_ uscc: String) throws -> Response {
        let code = Normaliser.normalise(uscc, kind: .code)
        guard let card = try roster.card(uscc: code) else { throw RosterError.notFound("统一社会信用代码为 \(uscc) 的单位") }
        let r = try roster.forget(code, dryRun: true)
        let summary =
            "将从机构库删除「\(card.organisation.name)」（统一社会信用代码 \(code)）及其全部记录："
            + "人员 \(r.people) 位（也在其他单位任职的人员保留）、证书 \(r.certificates) 张、申请记录 \(r.applications) 份、草稿 \(r.drafts) 份。"
        return Answer.json([
            "summary": summary, "people": r.people, "certificates": r.certificates,
            "applications": r.applications, "drafts": r.drafts,
        ])
    }

    /// Forgets only when the request names the same organisation again (the confirmation's click).
    func forget(_ uscc: String, confirm: String?) throws -> Response {
        let code = Normaliser.normalise(uscc, kind: .code)
        guard let confirm, Normaliser.normalise(confirm, kind: .code) == code else {
            return Answer.json(["error": "删除须确认：请在确认框中点「确认删除」"], status: .unprocessableContent)
        }
        guard try roster.card(uscc: code) != nil else { throw RosterError.notFound("统一社会信用代码为 \(uscc) 的单位") }
        let report = try roster.forget(code)
        return Answer.json([
            "message": "已删除\(report.description)。", "people": report.people, "certificates": report.certificates,
            "applications": report.applications, "drafts": report.drafts,
        ])
    }

    // MARK: - A renewal batch of everything due

    /// Every organisation on the due board as a 续期 (or 变更) application, made ready as an uploaded
    /// batch is: the page runs it through the batch routes (`/api/batch/:id/run`) and gets one zip.
    func renewalBatch() throws -> Response {
        let plans = try roster.renewals(dueWithin: Self.dueDays, today: today)
        guard !plans.isEmpty else { return Answer.json(["error": "\(Self.dueDays) 天内没有到期的证书。"], status: .unprocessableContent) }
        // What cannot be renewed from the roster is said here and left out of the batch.
        var records: [BatchRecord] = []
        var problems: [[String: Any]] = []
        for plan in plans {
            guard let app = plan.application else {
                problems.append(["name": plan.name, "message": Checks.clerkWords(plan.problem ?? "机构库中的信息不足")])
                continue
            }
            let issues = Validator.validate(app, catalog: routes.resources.catalog)
            if issues.isEmpty {
                records.append(BatchRecord(line: records.count + 1, name: plan.name, uscc: plan.uscc, application: app, issues: []))
            } else {
                problems.append(["name": plan.name, "message": issues.map { Checks.clerkWords($0.message) }.joined(separator: "；")])
            }
        }
        guard !records.isEmpty else {
            return Answer.json(["job": NSNull(), "total": plans.count, "good": 0, "bad": problems.count, "problems": problems])
        }
        let job = try routes.server.jobs.create()
        job.batch = BatchState(fileName: "续期（机构库）", records: records)
        return Answer.json(["job": job.id, "total": plans.count, "good": records.count, "bad": problems.count, "problems": problems])
    }

    // MARK: - Import

    /// An uploaded workbook (roster export, a batch .xlsx or .csv) or an application file, imported
    /// whole or not at all: every problem and conflict listed, nothing written.
    func importFile(_ data: Data, name: String) throws -> Response {
        let ext = (name as NSString).pathExtension.lowercased()
        guard ["xlsx", "csv", "yaml", "yml", "json"].contains(ext) else {
            return Answer.json(["error": "\(name)：只能导入 .xlsx、.csv（或申请数据 YAML/JSON）文件。"], status: .unsupportedMediaType)
        }
        let job = try routes.server.jobs.create()
        defer { routes.server.jobs.remove(job.id) }
        let file = job.folder.appendingPathComponent("import.\(ext)")
        try data.write(to: file)
        let read: ImportFile
        do { read = try RosterFiles.read(file, catalog: routes.resources.catalog) } catch {
            return Answer.json(
                ["error": Checks.batchPageWords("\(error)".replacingOccurrences(of: file.path, with: name))],
                status: .unprocessableContent)
        }
        guard read.problems.isEmpty else {
            return Answer.json(
                [
                    "error": "\(name)：\(read.problems.count) 个问题，未导入任何内容（改正后重新导入）",
                    "problems": read.problems.map(Checks.batchPageWords),
                ], status: .unprocessableContent)
        }
        do {
            let r = try roster.importItems(read.items, today: today)
            return Answer.json([
                "message": "已导入 \(name)：新增单位 \(r.organisationsAdded) 家、更新 \(r.organisationsUpdated) 家，"
                    + "新增人员 \(r.peopleAdded) 位、证书 \(r.certificatesAdded) 张（更新 \(r.certificatesUpdated) 张）。"
            ])
        } catch let e as ImportConflicts {
            return Answer.json(["error": "\(name)：与机构库中的记录冲突，未导入任何内容", "problems": e.conflicts], status: .conflict)
        }
    }

    // MARK: - Drafts

    func drafts() throws -> Response {
        Answer.json([
            "drafts": try roster.drafts().map { d -> [String: Any] in
                ["id": d.id ?? 0, "title": d.title, "uscc": d.uscc ?? NSNull(), "updatedAt": d.updatedAt]
            }
        ])
    }

    func draft(_ id: Int64) throws -> Response {
        guard let d = try roster.drafts().first(where: { $0.id == id }) else { throw RosterError.notFound("编号为 \(id) 的草稿（可能已生成申请材料或被删除）") }
        let application = (try? JSONSerialization.jsonObject(with: Data(d.json.utf8))) ?? [String: Any]()
        return Answer.json(["id": id, "title": d.title, "updatedAt": d.updatedAt, "application": application])
    }

    /// Saves the form as it stands (a new draft without `id`).
    func saveDraft(_ body: [String: Any]) throws -> Response {
        guard let application = body["application"] as? [String: Any],
            let json = try? JSONSerialization.data(withJSONObject: application, options: [.sortedKeys])
        else {
            return Answer.json(["error": "草稿内容不是有效的申请数据"], status: .badRequest)
        }
        let org = application["organization"] as? [String: Any]
        let name = Normaliser.normalise(org?["name"] as? String ?? "", kind: .name)
        let code = Normaliser.normalise(org?["uscc"] as? String ?? "", kind: .code)
        let service = (application["service"] as? String).flatMap(Service.init(rawValue:))?.label ?? ""
        let title = [name.isEmpty ? "（未填单位名称）" : name, service].filter { !$0.isEmpty }.joined(separator: " · ")
        let id = (body["id"] as? NSNumber)?.int64Value
        let saved = try roster.saveDraft(
            .init(
                id: id, uscc: code.count == 18 ? code : nil, title: title,
                json: String(decoding: json, as: UTF8.self)))
        return Answer.json(["id": saved.id ?? 0, "updatedAt": saved.updatedAt, "title": saved.title])
    }
}

/// The 机构库 list pages answered, kept while the roster's version stays what it was when they were
/// read (any write of what the lists show — from this server or a CLI beside it — moves it). All of
/// them go as soon as a request sees a newer version, so nothing forgotten stays in memory. At most
/// `capacity` pages (a page is some 30 KB): when full, the oldest goes.
final class AnsweredPages: @unchecked Sendable {
    static let capacity = 64
    private let lock = NSLock()
    private var version: Int64 = .min
    private var kept: [String: [UInt8]] = [:]
    private var order: [String] = []

    func json(for key: String, version: Int64) -> [UInt8]? {
        lock.lock()
        defer { lock.unlock() }
        catchUp(to: version)
        return version == self.version ? kept[key] : nil
    }

    func keep(_ json: [UInt8], for key: String, version: Int64) {
        lock.lock()
        defer { lock.unlock() }
        catchUp(to: version)
        guard version == self.version else { return }  // read at a version already gone by
        if kept[key] == nil { order.append(key) }
        kept[key] = json
        while order.count > Self.capacity { kept[order.removeFirst()] = nil }
    }

    /// Pages of an older version are of no more use.
    private func catchUp(to newer: Int64) {
        guard newer > version else { return }
        version = newer
        kept = [:]
        order = []
    }
}
