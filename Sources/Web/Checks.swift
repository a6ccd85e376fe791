import Batch
import Forms
import Foundation
import Input
import Rules
import Typeset
import Yams
import ZIPFoundation

// The one place where the web page meets Rules, Input and Forms. Every value is cleaned by Rules'
// `Normaliser` (as YAML, CSV and .xlsx are), every check is the run's own (`Preflight`: the data
// checks, the checklist rules and the layout in memory), every page is Forms' own (`Pack`), every
// batch is read by Input's `BatchInput` and made and finished by Batch's `BatchRun`: the page never holds a second
// copy of a rule. It stays one file (≈460 lines, in MARK sections) so that the whole adapter reads at once.

/// A form as the page sends it: the application model as JSON, possibly incomplete.
typealias Draft = [String: Any]

/// One problem, keyed by the model's field path (`handler.mobile`, `holders[1].idNumber`): the page
/// shows it beside the input whose `name` is that path.
struct FieldProblem: Codable, Sendable, Equatable {
    var field: String
    var message: String
}

/// What the page shows after a field is left: the normalised form, every problem, the checklist.
struct DraftCheck: @unchecked Sendable {
    /// The form with each value normalised (full-width digits made half-width, …).
    var normalized: Draft
    var problems: [FieldProblem]
    /// The application when the draft decodes and has no problem: only then may it be rendered.
    var application: Application?
    /// The checklist when one can be made (even with data problems: documents and fees still inform).
    var checklist: Checklist?
    var renderable: Bool { application != nil && problems.isEmpty }
}

/// The shared, read-only data the checks and renderers need: loaded once at start.
struct WebResources: Sendable {
    var templates: URL
    var catalog: Catalog
    var fonts: FontBook
    var library: FormLibrary
    /// See `WebServer.Configuration.batchWorker`.
    var batchWorker: [String]?

    static func load(templates explicit: String?) throws -> WebResources {
        let tools = try PackTools.load(templates: try TemplatesLocator.locate(explicit: explicit))
        return WebResources(templates: tools.templates, catalog: tools.catalog, fonts: tools.fonts, library: tools.library)
    }

    /// `Templates/web`: the pages, styles and scripts.
    var webFolder: URL { templates.appendingPathComponent("web") }
}

enum Checks {
    // MARK: - Normalising (Rules' Normaliser, the one every entry path goes through)

    /// The value as the CLI's model expects it, by the field's key (`mobile`, `idNumber`, `date`, `time`…):
    /// Rules' normaliser, the same as YAML and CSV get (dates and times put in the model's form too).
    static func normalize(key: String, _ value: String) -> String {
        Normaliser.normalise(value, kind: Normaliser.kind(ofField: key))
    }

    /// Normalises every string of a draft, recursively, and drops what the model takes as absent.
    static func normalize(_ draft: Draft) -> Draft {
        func walk(_ v: Any, key: String) -> Any? {
            switch v {
            case let d as [String: Any]:
                var out: [String: Any] = [:]
                for (k, x) in d { if let y = walk(x, key: k) { out[k] = y } }
                return out
            case let a as [Any]: return a.compactMap { walk($0, key: key) }
            case let s as String: return normalize(key: key, s)
            default: return v
            }
        }
        return walk(draft, key: "") as? Draft ?? [:]
    }

    // MARK: - A clerk's words

    /// A message as a clerk at a web form reads it. Rules speak to every entry path, spreadsheets
    /// included; a form has no Excel column to set as text, no file and no command: those clauses go,
    /// and a number that only looks rounded says to check it against the original.
    static func clerkWords(_ message: String) -> String {
        let programmer = [
            "Excel", "CSV", "GBK", "设为「文本」", "设为文本", "certpack ", ".yaml", ".csv", ".xlsx", "--",
            "confirmedIdNumbers", "已核对证件号码",
        ]
        func isProgrammers(_ clause: Substring) -> Bool { programmer.contains { clause.contains($0) } }
        // Parenthesised asides first: 「缺了区号前的 0（Excel 会去掉开头的 0）」.
        var text = message
        while let open = text.range(of: "（"), let close = text.range(of: "）", range: open.upperBound..<text.endIndex),
            isProgrammers(text[open.lowerBound..<close.upperBound])
        {
            text.removeSubrange(open.lowerBound..<close.upperBound)
        }
        // Then clauses (split after ：，；。), keeping each clause's own separator.
        var clauses: [Substring] = []
        var start = text.startIndex
        for i in text.indices where "：，；。".contains(text[i]) {
            clauses.append(text[start...i])
            start = text.index(after: i)
        }
        if start < text.endIndex { clauses.append(text[start...]) }
        let kept = clauses.filter { !isProgrammers($0) }
        var out = kept.joined()
        while let last = out.last, "：，；".contains(last) { out.removeLast() }
        if kept.count < clauses.count, message.contains("000 结尾") {
            out += message.contains("统一社会信用代码") ? "：请按营业执照核对" : "：请按证件原件核对；号码确以 000 结尾时，勾选下方「号码确以 000 结尾，已核对原件」"
        } else if kept.count < clauses.count, message.contains("科学计数法") || message.contains("后几位已丢失") {
            out = "号码不完整：请按原件重新输入"
        }
        return out.isEmpty ? message : out
    }

    /// The checklist JSON with its notes and warnings in a clerk's words (a planner's note names no file).
    static func clerkWords(checklist json: Any) -> Any {
        guard var c = json as? [String: Any] else { return json }
        if let w = c["warnings"] as? [String] { c["warnings"] = w.map { clerkWords($0) } }
        if var v = c["visit"] as? [String: Any], let notes = v["notes"] as? [String] {
            v["notes"] = notes.map { clerkWords($0) }
            c["visit"] = v
        }
        return c
    }

    // MARK: - Checking

    /// Normalises and checks a whole draft: Rules' `Validator` plus what `Checklist.make` refuses.
    /// - Parameter layout: false runs only the data checks and the checklist rules (quick, as a field
    ///   is left); true also the fonts and the whole layout, as the run (检查, and before anything is made).
    static func check(_ raw: Draft, resources: WebResources, today: CivilDate, layout: Bool = true) -> DraftCheck {
        let normalized = normalize(raw)
        let decodable = pruned(normalized)
        var app: Application
        do {
            let data = try JSONSerialization.data(withJSONObject: decodable)
            app = try ApplicationLoader.decode(String(decoding: data, as: UTF8.self), format: .json, source: "表单")
            // Pictures come only as uploads (a later page), never as paths on this computer named by a browser.
            app.copies = nil
        } catch let e as ApplicationLoadError {
            return DraftCheck(normalized: normalized, problems: [FieldProblem(field: e.field ?? "", message: e.message)])
        } catch {
            return DraftCheck(normalized: normalized, problems: [FieldProblem(field: "", message: "表单无法读取：\(error)")])
        }
        // The run's own checks: data, checklist rules, fonts and the whole layout (in memory).
        let preflight = Preflight.run(
            app, catalog: resources.catalog, fonts: resources.fonts, library: resources.library,
            date: app.visit?.date ?? today, layout: layout, today: today, entry: .web)
        return DraftCheck(
            normalized: normalized, problems: preflight.problems.map { FieldProblem(field: $0.field, message: $0.message) },
            application: app, checklist: preflight.checklist)
    }

    /// One field alone, against an otherwise valid application: the answer is Validator's own message
    /// for that field (no second copy of a rule). `context` may carry sibling values (`idType`);
    /// `neighbours` other fields (full paths) checked in the same pass, whose problems come back too —
    /// the cheap checks of what leaving this field may change (an ID's type, a date's time).
    /// No layout: that runs on 检查 and before anything is made.
    /// `confirmed`: the ID numbers the clerk confirmed end in 000 (the page's `confirmedIdNumbers`).
    static func checkField(
        _ field: String, value: String, context: [String: String], neighbours: [String: String] = [:],
        confirmed: [String] = [], resources: WebResources
    ) -> (value: String, problem: String?, neighbours: [String: String?]) {
        func key(_ path: String) -> String {
            path.split(separator: ".").last.map { String($0.split(separator: "[").first ?? $0) } ?? path
        }
        let normalized = normalize(key: key(field), value)
        var probe = probeDraft
        let parent = field.split(separator: ".").dropLast().joined(separator: ".")
        for (k, v) in context { setValue(&probe, path: parent.isEmpty ? k : parent + "." + k, normalize(key: k, v)) }
        for (path, v) in neighbours { setValue(&probe, path: path, normalize(key: key(path), v)) }
        setValue(&probe, path: field, normalized)
        if !confirmed.isEmpty { probe["confirmedIdNumbers"] = confirmed }
        let result = validateOnly(probe, resources: resources)
        let problem = result.problems.first { $0.field == field }?.message
        var others: [String: String?] = [:]
        for path in neighbours.keys where path != field { others.updateValue(result.problems.first { $0.field == path }?.message, forKey: path) }
        return (normalized, problem, others)
    }

    /// The data checks alone (Rules' `Validator`): what a field's own check needs, without the
    /// checklist's planning or the layout.
    static func validateOnly(_ raw: Draft, resources: WebResources) -> (problems: [FieldProblem], application: Application?) {
        do {
            let data = try JSONSerialization.data(withJSONObject: pruned(normalize(raw)))
            let app = try ApplicationLoader.decode(String(decoding: data, as: UTF8.self), format: .json, source: "表单")
            return (Validator.validate(app, catalog: resources.catalog, entry: .web).map { FieldProblem(field: $0.field, message: $0.message) }, app)
        } catch let e as ApplicationLoadError {
            return ([FieldProblem(field: e.field ?? "", message: e.message)], nil)
        } catch {
            return ([FieldProblem(field: "", message: "表单无法读取：\(error)")], nil)
        }
    }

    /// `probeApplication` as a draft, made once (never mutated: each check copies it).
    nonisolated(unsafe) static let probeDraft: Draft =
        (try? JSONSerialization.jsonObject(with: JSONEncoder().encode(probeApplication)) as? Draft) ?? [:]

    /// A valid application used as the background of a one-field check.
    static let probeApplication = Application(
        organization: Organization(name: "深圳市示例诊所", uscc: "91440305MA5DPL4W0G", address: "深圳市南山区科技南十二路18号"),
        legalRepresentative: Person(name: "陈志明", idNumber: "440305198003121235", mobile: "13823456789"),
        handler: Person(name: "李俊杰", idNumber: "440305199212255672", mobile: "13912345678", email: "li@example.cn"),
        holders: [Person(name: "陈志明", idNumber: "440305198003121235", mobile: "13823456789")],
        service: .new, certificates: Certificates(odc: ODCRequest(years: 1), personal: PersonalRequest(years: 1)))

    /// Sets `a.b[2].c` in a draft, creating what is missing.
    static func setValue(_ draft: inout Draft, path: String, _ value: Any) {
        var keys: [Any] = []
        for part in path.split(separator: ".") {
            if let open = part.firstIndex(of: "["), let i = Int(part[part.index(after: open)...].dropLast()) {
                keys.append(String(part[..<open]))
                keys.append(i)
            } else {
                keys.append(String(part))
            }
        }
        func set(_ node: Any?, _ rest: ArraySlice<Any>) -> Any {
            guard let k = rest.first else { return value }
            if let name = k as? String {
                var d = node as? [String: Any] ?? [:]
                d[name] = set(d[name], rest.dropFirst())
                return d
            }
            let i = k as! Int
            var a = node as? [Any] ?? []
            while a.count <= i { a.append([String: Any]()) }
            a[i] = set(a[i], rest.dropFirst())
            return a
        }
        draft = set(draft, keys[...]) as? Draft ?? draft
    }

    /// Empty optional values removed, so the model sees them as absent (as the CLI's YAML would).
    static func pruned(_ draft: Draft) -> Draft {
        let optional: Set<String> = [
            "postcode", "phone", "email", "title", "serial", "time", "office", "date",
            "applicationDate", "idType",
        ]
        func walk(_ v: Any, key: String) -> Any? {
            switch v {
            case let d as [String: Any]:
                var out: [String: Any] = [:]
                for (k, x) in d { if let y = walk(x, key: k) { out[k] = y } }
                if ["visit", "existingCertificate"].contains(key), out.isEmpty { return nil }
                return out
            case let a as [Any]: return a.compactMap { walk($0, key: key) }
            case let s as String where s.isEmpty && optional.contains(key): return nil
            case is NSNull: return nil
            default: return v
            }
        }
        var out = walk(draft, key: "") as? Draft ?? [:]
        if let c = out["change"] as? [String: Any], (c["items"] as? [Any])?.isEmpty ?? true { out["change"] = nil }
        if let h = out["holders"] as? [Any], h.isEmpty { out["holders"] = nil }
        return out
    }

    // MARK: - Exchanging files with the CLI

    /// The application in the CLI's YAML format, Chinese written as Chinese (not `\u6DF1` escapes).
    static func yaml(_ app: Application) throws -> String {
        let encoder = YAMLEncoder()
        encoder.options.allowUnicode = true
        return yamlHeader + (try encoder.encode(app))
    }

    static let yamlHeader = "# certpack 申请数据（由网页保存；certpack validate/fill 可直接使用）\n"

    /// A draft not yet complete, in the CLI's YAML with the model's keys in the model's order: what
    /// the clerk typed so far, to open again later (`certpack validate` names what is missing).
    static func draftYAML(_ raw: Draft) throws -> String {
        let draft = pruned(normalize(raw))
        func node(_ v: Any) throws -> Node {
            switch v {
            case let d as [String: Any]:
                let keys = d.keys.sorted { (modelOrder[$0] ?? 999, $0) < (modelOrder[$1] ?? 999, $1) }
                return .mapping(.init(try keys.map { (Node($0), try node(d[$0]!)) }))
            case let a as [Any]: return .sequence(.init(try a.map(node)))
            case let s as String:
                // A value YAML would read as a number, date or boolean is quoted: it stays text.
                let plain = (try? Yams.load(yaml: s)) as? String == s && !s.isEmpty
                return Node(s, Tag(.str), plain ? .any : .doubleQuoted)
            case let b as Bool: return Node(b ? "true" : "false", Tag(.bool))
            case let n as NSNumber: return Node(n.stringValue, Tag(.int))
            default: return Node("\(v)")
            }
        }
        return yamlHeader + "# 草稿：尚未填完，打开后继续填写\n" + (try Yams.serialize(node: try node(draft), allowUnicode: true))
    }

    /// The model's keys in the order the CLI writes them.
    static let modelOrder: [String: Int] = Dictionary(
        uniqueKeysWithValues: [
            "service", "channel", "certificates", "odc", "personal", "years", "organization", "legalRepresentative", "handler",
            "holders", "existingCertificate", "serial", "change", "items", "item", "from", "to", "visit", "date", "time", "office",
            "applicationDate", "confirmedIdNumbers", "name", "uscc", "address", "postcode", "phone", "idType", "idNumber",
            "mobile", "email", "title",
        ].enumerated().map { ($1, $0) })

    /// An application file (YAML or JSON, as the CLI reads it) back into the page's draft. A draft not
    /// yet complete opens as it is (the page's check then names what is missing); `note` says so.
    static func importFile(_ text: String, name: String) throws -> (draft: Draft, note: String?) {
        let format: ApplicationLoader.Format = name.lowercased().hasSuffix(".json") ? .json : .yaml
        do {
            var app = try ApplicationLoader.decode(text, format: format, source: name)
            app.copies = nil  // paths on the computer the file came from mean nothing here
            return (try draft(app), nil)
        } catch {
            let raw: Any?
            if format == .json { raw = try? JSONSerialization.jsonObject(with: Data(text.utf8)) } else { raw = try? Yams.load(yaml: text) }
            guard let object = raw as? [String: Any] else { throw error }
            // Keep only what the page can show: strings, numbers, lists and mappings (JSON-compatible).
            guard JSONSerialization.isValidJSONObject(object) else { throw error }
            let unknown = object.keys.filter { modelOrder[$0] == nil }.sorted()
            var note = "草稿尚未填完，请继续填写标红的项目。"
            if !unknown.isEmpty { note += "文件中的 \(unknown.joined(separator: "、")) 不是申请数据的项目，已忽略。" }
            return (object, note)
        }
    }

    static func draft(_ app: Application) throws -> Draft {
        try JSONSerialization.jsonObject(with: JSONEncoder().encode(app)) as? Draft ?? [:]
    }

    // MARK: - Rendering (through Forms; callers serialise it on the render lane)

    /// The pack's PDF and its page count, laid out and written into `folder`.
    static func pdf(_ app: Application, resources r: WebResources, folder: URL) throws -> (url: URL, pages: Int) {
        let pack = try Pack.build(application: app, catalog: r.catalog, fonts: r.fonts, library: r.library)
        let files = try pack.write(into: folder, fonts: r.fonts, overwrite: true)
        return (files.pdf, files.pageCount)
    }

    /// The pack's pages as PNGs, the same renderer as `certpack preview`.
    static func previews(_ app: Application, resources r: WebResources, folder: URL, dpi: Double) throws -> [URL] {
        let pack = try Pack.build(application: app, catalog: r.catalog, fonts: r.fonts, library: r.library)
        return try pack.writePreviews(into: folder, dpi: dpi, fonts: r.fonts)
    }

    /// The checklist alone as a PDF: the pack's cover sheet, laid out as in 申请材料.pdf.
    static func checklistPDF(_ app: Application, resources r: WebResources) throws -> Data {
        let checklist = try Checklist.make(for: app, catalog: r.catalog)
        let pages = try Pack.document(.cover, checklist: checklist, fonts: r.fonts, library: r.library)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("certpack-checklist-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("清单.pdf")
        let writer = try PDFWriter(
            url: url,
            metadata: PDFMetadata(
                title: "清单 — \(app.organization.name)", author: "CertPack",
                subject: "深圳医保在线签约数字证书 \(app.service.label)"),
            fonts: r.fonts, embedding: .subsets(for: pages))
        try writer.add(contentsOf: pages)
        try writer.finish()
        return try Data(contentsOf: url)
    }

    /// The batch page's messages: the same as the CLI's, the command that makes the template named
    /// as the page's own download.
    static func batchPageWords(_ message: String) -> String {
        message.replacingOccurrences(of: "certpack batch --template 批量.xlsx 的模板", with: "本页可下载的表格模板")
            .replacingOccurrences(of: "certpack batch --template 生成的表头", with: "本页「下载表格模板」的表头")
            .replacingOccurrences(of: "certpack batch --template 的表头", with: "本页表格模板的表头")
    }

    /// 清单.md as `certpack checklist --format markdown` prints it.
    static func markdown(_ checklist: Checklist) -> String { ChecklistText.render(checklist, style: .markdown) }

    static func checklistJSON(_ checklist: Checklist) -> Any? {
        (try? ChecklistJSON.encode(checklist)).flatMap { try? JSONSerialization.jsonObject(with: $0) }
    }

    // MARK: - Batches (Input reads the file; .xlsx will come through the same call)

    /// The file types a batch may be uploaded as.
    static let batchExtensions = ["xlsx", "csv", "txt", "yaml", "yml", "json"]

    static func readBatch(_ url: URL, resources r: WebResources) throws -> [BatchRecord] {
        // Picture file names in an uploaded batch are not followed on the server: those copies stay photocopies.
        try BatchInput.read(url: url, encoding: nil, catalog: r.catalog).map { record in
            var record = record
            record.application?.copies = nil
            return record
        }
    }

    /// The template offered for download: the workbook of `certpack batch --template 批量.xlsx`
    /// (text columns, dropdowns, notes), or its header row as CSV when the workbook cannot be made.
    static func batchTemplate(resources r: WebResources) -> (name: String, data: Data) {
        if let data = try? BatchTemplate.workbook(offices: r.catalog.offices.map(\.name)).data() { return ("批量.xlsx", data) }
        return ("批量模板.csv", Data(("\u{FEFF}" + BatchSchema.templateCSV).utf8))
    }

    /// Makes the good rows' packs, 全部打印.pdf and 汇总 into `output`.
    static func runBatch(
        _ records: [BatchRecord], resources r: WebResources, output: URL,
        progress: @escaping @Sendable (Int, Int) -> Void
    ) throws -> BatchOutcome {
        // Packs are made by worker processes (certpack again), as `certpack batch` makes them.
        let run = BatchRun(
            catalog: r.catalog, fonts: r.fonts, library: r.library, output: output, overwrite: true,
            workers: ProcessInfo.processInfo.activeProcessorCount, workerCommand: r.batchWorker)
        // The command line's own finishing step: the same 全部打印.pdf and 汇总, byte for byte.
        let outcome = run.finish(try run.run(records, progress: progress))
        if let error = outcome.printAllError ?? outcome.summaryError { throw error }
        return outcome
    }

    /// The batch's folder as one zip of what a clerk should see: hidden files (the row digests kept
    /// for `certpack batch --resume`) are left out.
    static func zipBatch(_ folder: URL, to zip: URL) throws {
        removeHiddenFiles(in: folder)
        try FileManager.default.zipItem(at: folder, to: zip, shouldKeepParent: false, compressionMethod: .deflate)
    }

    /// Removes every file or folder whose name starts with a dot, below `folder` (never through a symlink).
    private static func removeHiddenFiles(in folder: URL) {
        let fm = FileManager.default
        for name in (try? fm.contentsOfDirectory(atPath: folder.path)) ?? [] {
            let url = folder.appendingPathComponent(name)
            let isFolder =
                (try? url.resourceValues(forKeys: [.isDirectoryKey, .isSymbolicLinkKey])).map { $0.isDirectory == true && $0.isSymbolicLink != true }
                ?? false
            if name.hasPrefix(".") { try? fm.removeItem(at: url) } else if isFolder { removeHiddenFiles(in: url) }
        }
    }

    // MARK: - Offices

    struct OfficeDayView: Sendable {
        var date: String, weekday: String, open: Bool, odc: Bool, makeUp: Bool, holiday: String?, notes: [String]
    }

    /// What each office can do on each of `days` days from `start`.
    static func officeDays(resources r: WebResources, start: CivilDate, days: Int) -> [(office: Office, days: [OfficeDayView])] {
        r.catalog.offices.map { office in
            (
                office,
                (0..<days).map { n in
                    let date = start.adding(days: n)
                    let a = VisitPlanner.assess(office: office, date: date, time: nil, kinds: [.odc, .personal], catalog: r.catalog)
                    var holiday: String?
                    var makeUp = false
                    switch a.dayKind {
                    case let .holiday(h): holiday = h
                    case .makeUpWorkday: makeUp = true
                    default: break
                    }
                    return OfficeDayView(
                        date: date.description, weekday: date.weekdayLabel, open: a.isOpen, odc: a.doable.contains(.odc),
                        makeUp: makeUp, holiday: holiday, notes: a.notes)
                }
            )
        }
    }
}
