import Dispatch
import Foundation
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
    ///   `layout`: false stops after the data checks and the checklist rules (the web page's quick check
    ///   as a field is left; the full check, with fonts and layout, runs before anything is made).
    public static func run(
        _ application: Application, catalog: Catalog, fonts: FontBook, library: FormLibrary,
        date: CivilDate? = nil, time: String? = nil, office: String? = nil, layout: Bool = true,
        today: CivilDate = .today(), entry: EntryPath = .file
    ) -> Preflight {
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
        guard problems.isEmpty, layout else { return Preflight(problems: problems, checklist: checklist) }
        // Every character no font has, field by field (the run stops at the first of these, same message).
        for (field, value) in Printable.texts(of: application) {
            if let scalar = fonts.firstMissing(in: value) {
                problems.append(
                    ValidationIssue(field: field, message: "\(TypesetError.missingGlyph(scalar: scalar, text: value, owner: "申请数据 › \(field)"))"))
            }
        }
        guard problems.isEmpty else { return Preflight(problems: problems, checklist: checklist) }
        do {
            _ = try Pack.build(checklist: checklist, fonts: fonts, library: library)
        } catch let e as TypesetError {
            problems.append(ValidationIssue(field: field(of: e), message: "\(e)"))
        } catch let e as CopyPictureError {
            problems.append(ValidationIssue(field: e.field, message: "\(e.refusal)"))
        } catch {
            problems.append(ValidationIssue(field: "layout", message: "\(error)"))
        }
        return Preflight(problems: problems, checklist: checklist)
    }

    /// Only the problems of `run`.
    public static func check(
        _ application: Application, catalog: Catalog, fonts: FontBook, library: FormLibrary,
        date: CivilDate? = nil, today: CivilDate = .today(), entry: EntryPath = .file
    ) -> [ValidationIssue] {
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
    /// Every field of `app` holding a character no font has: the field path, its value and the first
    /// such character (what `run` reports as 申请数据 › field; a batch says it under its column).
    public static func unprintable(_ app: Application, fonts: FontBook) -> [(field: String, value: String, scalar: Unicode.Scalar)] {
        Printable.texts(of: app).compactMap { field, value in fonts.firstMissing(in: value).map { (field, value, $0) } }
    }
}
