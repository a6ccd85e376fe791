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
// copy of a rule.

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

    // MARK: - Checking

    /// Normalises and checks a whole draft: Rules' `Validator` plus what `Checklist.make` refuses.
    static func check(_ raw: Draft, resources: WebResources, today: CivilDate) -> DraftCheck {
        let normalized = normalize(raw)
        let decodable = pruned(normalized)
        let app: Application
        do {
            let data = try JSONSerialization.data(withJSONObject: decodable)
            app = try ApplicationLoader.decode(String(decoding: data, as: UTF8.self), format: .json, source: "表单")
        } catch let e as ApplicationLoadError {
            return DraftCheck(normalized: normalized, problems: [FieldProblem(field: e.field ?? "", message: e.message)])
        } catch {
            return DraftCheck(normalized: normalized, problems: [FieldProblem(field: "", message: "表单无法读取：\(error)")])
        }
        // The run's own checks: data, checklist rules, fonts and the whole layout (in memory).
        let preflight = Preflight.run(app, catalog: resources.catalog, fonts: resources.fonts, library: resources.library,
                                      date: app.visit?.date ?? today, today: today, entry: .web)
        return DraftCheck(normalized: normalized, problems: preflight.problems.map { FieldProblem(field: $0.field, message: $0.message) },
                          application: app, checklist: preflight.checklist)
    }

    /// One field alone, against an otherwise valid application: the answer is Validator's own message
    /// for that field (no second copy of a rule). `context` may carry sibling values (`idType`).
    /// `confirmed`: the ID numbers the page's tick box confirmed end in 000 (`confirmedIdNumbers`).
    static func checkField(_ field: String, value: String, context: [String: String], confirmed: [String] = [],
                           resources: WebResources) -> (value: String, problem: String?) {
        let key = field.split(separator: ".").last.map { String($0.split(separator: "[").first ?? $0) } ?? field
        let normalized = normalize(key: key, value)
        guard var probe = try? JSONSerialization.jsonObject(with: JSONEncoder().encode(probeApplication)) as? Draft else {
            return (normalized, nil)
        }
        let parent = field.split(separator: ".").dropLast().joined(separator: ".")
        for (k, v) in context { setValue(&probe, path: parent.isEmpty ? k : parent + "." + k, v) }
        setValue(&probe, path: field, normalized)
        if !confirmed.isEmpty { probe["confirmedIdNumbers"] = confirmed }
        let result = check(probe, resources: resources, today: CivilDate(year: 2026, month: 12, day: 7)!)
        let problem = result.problems.first { $0.field == field }?.message
        return (normalized, problem)
    }

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
                keys.append(String(part[..<open])); keys.append(i)
            } else { keys.append(String(part)) }
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
        let optional: Set<String> = ["postcode", "phone", "email", "title", "serial", "time", "office", "date",
                                     "applicationDate", "idType"]
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

    /// The application in the CLI's YAML format.
    static func yaml(_ app: Application) throws -> String {
        "# certpack 申请数据（由网页导出；certpack validate/fill 可直接使用）\n" + (try YAMLEncoder().encode(app))
    }

    /// An application file (YAML or JSON, as the CLI reads it) back into the page's draft.
    static func importFile(_ text: String, name: String) throws -> Draft {
        let format: ApplicationLoader.Format = name.lowercased().hasSuffix(".json") ? .json : .yaml
        let app = try ApplicationLoader.decode(text, format: format, source: name)
        return try draft(app)
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

    /// 清单.md as `certpack checklist --format markdown` prints it.
    static func markdown(_ checklist: Checklist) -> String { ChecklistText.render(checklist, style: .markdown) }

    static func checklistJSON(_ checklist: Checklist) -> Any? {
        (try? ChecklistJSON.encode(checklist)).flatMap { try? JSONSerialization.jsonObject(with: $0) }
    }

    // MARK: - Batches (Input reads the file; .xlsx will come through the same call)

    /// The file types a batch may be uploaded as.
    static let batchExtensions = ["xlsx", "csv", "txt", "yaml", "yml", "json"]

    static func readBatch(_ url: URL, resources r: WebResources) throws -> [BatchRecord] {
        try BatchInput.read(url: url, encoding: nil, catalog: r.catalog)
    }

    /// The template offered for download: the workbook of `certpack batch --template 批量.xlsx`
    /// (text columns, dropdowns, notes), or its header row as CSV when the workbook cannot be made.
    static func batchTemplate(resources r: WebResources) -> (name: String, data: Data) {
        if let data = try? BatchTemplate.workbook(offices: r.catalog.offices.map(\.name)).data() { return ("批量.xlsx", data) }
        return ("批量模板.csv", Data(("\u{FEFF}" + BatchSchema.templateCSV).utf8))
    }

    /// Makes the good rows' packs, 全部打印.pdf and 汇总 into `output`.
    static func runBatch(_ records: [BatchRecord], resources r: WebResources, output: URL,
                         progress: @escaping @Sendable (Int, Int) -> Void) throws -> BatchSummary {
        // Packs are made by worker processes (certpack again), as `certpack batch` makes them.
        let run = BatchRun(catalog: r.catalog, fonts: r.fonts, library: r.library, output: output, overwrite: true,
                           workers: ProcessInfo.processInfo.activeProcessorCount, workerCommand: r.batchWorker)
        // The command line's own finishing step: the same 全部打印.pdf and 汇总, byte for byte.
        let outcome = run.finish(try run.run(records, progress: progress))
        if let error = outcome.printAllError ?? outcome.summaryError { throw error }
        return outcome.summary
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
            let isFolder = (try? url.resourceValues(forKeys: [.isDirectoryKey, .isSymbolicLinkKey])).map { $0.isDirectory == true && $0.isSymbolicLink != true } ?? false
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
            (office, (0..<days).map { n in
                let date = start.adding(days: n)
                let a = VisitPlanner.assess(office: office, date: date, time: nil, kinds: [.odc, .personal], catalog: r.catalog)
                var holiday: String?, makeUp = false
                switch a.dayKind {
                case let .holiday(h): holiday = h
                case .makeUpWorkday: makeUp = true
                default: break
                }
                return OfficeDayView(date: date.description, weekday: date.weekdayLabel, open: a.isOpen, odc: a.doable.contains(.odc),
                                     makeUp: makeUp, holiday: holiday, notes: a.notes)
            })
        }
    }
}
