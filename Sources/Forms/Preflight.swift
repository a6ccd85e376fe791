import Dispatch
import Foundation
import Input
import Rules
import Typeset

/// The one check behind `validate`, `checklist`, `batch --check` (and the web page): the data checks,
/// the guide's rules (the checklist), and the whole pack laid out in memory — what `fill` and `batch`
/// run before they write a file. So what the check passes, the run makes; what the run would refuse
/// (a value too long for its cell, a character no font has), the check reports with the run's message.
public struct Preflight: Sendable {
    /// Every problem, in the order the run meets them; empty when the pack can be made.
    public var problems: [ValidationIssue]
    /// The checklist, when the rules could make one (also for data with problems, to show what is known).
    public var checklist: Checklist?

    public var passed: Bool { problems.isEmpty }

    /// Checks `application` as the run would make it.
    /// - Parameters: `date`, `time`, `office` as given to the checklist (`fill --date`); nil takes the
    ///   application's own `visit`, as `fill` and `batch` do. `today` (Asia/Shanghai): a visit before it
    ///   is 日期已过. `entry`: where the data was typed, for advice that fits it.
    public static func run(_ application: Application, catalog: Catalog, fonts: FontBook, library: FormLibrary,
                           date: CivilDate? = nil, time: String? = nil, office: String? = nil,
                           today: CivilDate = .today(), entry: EntryPath = .file) -> Preflight {
        var problems = Validator.validate(application, catalog: catalog, today: today, entry: entry)
        if let d = date, d < today, application.visit?.date != d {
            problems.append(ValidationIssue(field: "visit.date", message: VisitPlanner.pastMessage(d, today: today)))
        }
        let checklist: Checklist
        do {
            checklist = try Checklist.make(for: application, catalog: catalog, date: date, time: time, office: office, today: today)
        } catch let e as OfficeLookupError {
            // An office the catalog does not know is the 受理点 field's own problem, whatever else is wrong.
            if !problems.contains(where: { $0.field == "visit.office" }) { problems.append(ValidationIssue(field: "visit.office", message: "\(e)")) }
            return Preflight(problems: problems, checklist: nil)
        } catch {
            // The rules refuse what the data checks already named (no certificate, a channel, years): only
            // when the data passed is the rules' refusal news.
            if problems.isEmpty { problems.append(ValidationIssue(field: "application", message: "\(error)")) }
            return Preflight(problems: problems, checklist: nil)
        }
        // The run refuses data with problems before laying anything out; so does the check.
        guard problems.isEmpty else { return Preflight(problems: problems, checklist: checklist) }
        // Every character no font has, field by field (the run stops at the first of these, same message).
        for (field, value) in Printable.texts(of: application) {
            if let scalar = fonts.firstMissing(in: value) {
                problems.append(ValidationIssue(field: field, message: "\(TypesetError.missingGlyph(scalar: scalar, text: value, owner: "申请数据 › \(field)"))"))
            }
        }
        guard problems.isEmpty else { return Preflight(problems: problems, checklist: checklist) }
        do {
            _ = try Pack.build(checklist: checklist, fonts: fonts, library: library)
        } catch let e as TypesetError {
            problems.append(ValidationIssue(field: field(of: e), message: "\(e)"))
        } catch {
            problems.append(ValidationIssue(field: "layout", message: "\(error)"))
        }
        return Preflight(problems: problems, checklist: checklist)
    }

    /// Only the problems of `run`.
    public static func check(_ application: Application, catalog: Catalog, fonts: FontBook, library: FormLibrary,
                             date: CivilDate? = nil, today: CivilDate = .today(), entry: EntryPath = .file) -> [ValidationIssue] {
        run(application, catalog: catalog, fonts: fonts, library: library, date: date, today: today, entry: entry).problems
    }

    /// The field a layout error names: `单位数字证书申请表 › organization.address (…)` → `organization.address`.
    static func field(of error: TypesetError) -> String {
        let owner: String
        switch error {
        case let .missingGlyph(_, _, o), let .overflow(o, _, _, _, _): owner = o
        default: return "layout"
        }
        guard let sep = owner.range(of: " › ") else { return "layout" }
        let rest = owner[sep.upperBound...]
        let path = rest.range(of: " (").map { rest[..<$0.lowerBound] } ?? rest
        return path.isEmpty ? "layout" : String(path)
    }
}

extension Preflight {
    /// What `BatchRun` refuses to write beyond a record's own data problems, by record index: a second
    /// record that would write the same pack folder, then whatever `run` finds (the layout above all).
    /// Records with data problems are left out: the batch reports those already.
    public static func batch(_ records: [BatchRecord], catalog: Catalog, fonts: FontBook, library: FormLibrary,
                             workers: Int) -> [Int: [String]] {
        var refused: [Int: [String]] = [:]
        for (i, first) in sameFolder(records) {
            refused[i] = [sameFolderMessage(firstLine: records[first].line)]
        }
        let todo = records.indices.filter { records[$0].isValid && refused[$0] == nil }
        let found = Found()
        DispatchQueue.concurrentPerform(iterations: min(max(1, workers), max(1, todo.count))) { worker in
            for n in stride(from: worker, to: todo.count, by: max(1, workers)) {
                let i = todo[n]
                let problems = check(records[i].application!, catalog: catalog, fonts: fonts, library: library)
                if !problems.isEmpty { found.add(i, problems.map(\.message)) }
            }
        }
        return refused.merging(found.all) { a, _ in a }
    }

    /// The records with every character no font has made a data problem of the row, under the column
    /// the spreadsheet heads it with (「经办人姓名」), so that `batch --check` and the run both report it
    /// as 有误 in the same words, with the column a clerk can find.
    public static func unprintable(_ records: [BatchRecord], fonts: FontBook) -> [BatchRecord] {
        records.map { record in
            guard let app = record.application, record.issues.isEmpty else { return record }
            let issues = Printable.texts(of: app).compactMap { field, value -> BatchIssue? in
                guard let scalar = fonts.firstMissing(in: value) else { return nil }
                return unprintableIssue(field: field, value: value, scalar: scalar, line: record.line, unit: record.unit)
            }
            guard !issues.isEmpty else { return record }
            var r = record
            r.issues = issues
            r.application = nil
            return r
        }
    }

    /// A character no font has, said under the column heading the field (a YAML/JSON list's items: the field path).
    static func unprintableIssue(field: String, value: String, scalar: Unicode.Scalar, line: Int, unit: String) -> BatchIssue {
        let column = unit == "项" ? field : BatchSchema.header(forField: field)
        let text = "\(TypesetError.missingGlyph(scalar: scalar, text: value, owner: column))"
        return BatchIssue(line: line, column: column, message: text.hasPrefix(column + "：") ? String(text.dropFirst(column.count + 1)) : text,
                          unit: unit)
    }

    /// Later records whose pack would go to the same folder as an earlier one: index → the earlier index.
    public static func sameFolder(_ records: [BatchRecord]) -> [Int: Int] {
        var firstByFolder: [String: Int] = [:], clash: [Int: Int] = [:]
        for (i, r) in records.enumerated() {
            guard let app = r.application, r.issues.isEmpty else { continue }
            let folder = Pack.folderName(for: app.organization)
            if let first = firstByFolder[folder] { clash[i] = first } else { firstByFolder[folder] = i }
        }
        return clash
    }

    /// The message of a record refused for writing the same folder as the one on `firstLine`.
    public static func sameFolderMessage(firstLine: Int) -> String {
        "与第 \(firstLine) 行是同一单位，申请材料会写进同一个文件夹；一家单位只写一次，多位持证人见 --help"
    }
}

/// Problems found by the workers of `Preflight.batch`.
private final class Found: @unchecked Sendable {
    private let lock = NSLock()
    private var found: [Int: [String]] = [:]
    func add(_ i: Int, _ messages: [String]) { lock.lock(); found[i] = messages; lock.unlock() }
    var all: [Int: [String]] { lock.lock(); defer { lock.unlock() }; return found }
}
