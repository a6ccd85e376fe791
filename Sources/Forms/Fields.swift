import Foundation
import Rules

/// Where a field path can be used: the application everywhere; the others only inside what binds them.
public enum FieldScope: String, Sendable, CaseIterable {
    /// `organization.*`, `handler.*`, `service`, … — valid in every template.
    case application
    /// `person.*` — the person of an authorisation letter.
    case person
    /// `holder.*` — a row of the holders table.
    case holder
    /// `changeItem.*` — a row of the 变更事项 table.
    case changeItem
    /// `document.*` — a row of the cover sheet's checklist.
    case document
    /// `fee.*` — a row of the fee table.
    case fee
    /// `page.*` — page numbers, in footers only.
    case page
    /// `row.number` — the 序号 of a table row, in any table.
    case row
}

/// What a template's fields are resolved against: one form request of one application.
public struct FieldContext: Sendable {
    public var application: Application
    public var checklist: Checklist
    /// The form being drawn (its service to tick, the person of an authorisation).
    public var request: FormRequest?
    public var copyMark: String = ""
    public var row: RowValue?
    public var rowNumber: Int = 0
    public var pageNumber: Int = 0
    public var pageCount: Int = 0

    public init(application: Application, checklist: Checklist, request: FormRequest? = nil) {
        self.application = application
        self.checklist = checklist
        self.request = request
    }

    /// The service ticked on this form: the request's (新办 for the personal part of a 变更 with a new
    /// 法定代表人), else the application's.
    public var service: Service { request?.service ?? application.service }

    /// The 机构个人证书 holders this form covers: the request's when the holders are split by service
    /// (变更 with a new 法定代表人), else every holder.
    public var holders: [Person] { request?.holders ?? application.personalHolders }
}

/// One element of a repeated collection.
public enum RowValue: Sendable {
    case holder(Person)
    case changeItem(ChangeItem)
    case document(ChecklistItem)
    case fee(FeeItem)
}

/// Every field path a template may name, and how each is read from the model: the one place where
/// the list of valid paths is derived. A template naming a path not listed here fails at load.
public enum Fields {
    typealias Resolver = @Sendable (FieldContext) -> String?

    /// The fields of a person, under `legalRepresentative.`, `handler.`, `person.` and `holder.`.
    static let personFields: [String: @Sendable (Person) -> String?] = [
        "name": { $0.name },
        "idType": { $0.idType.label },
        "idNumber": { $0.idNumber },
        "mobile": { $0.mobile },
        "email": { $0.email },
        "title": { $0.title },
    ]

    /// Fields whose raw value a tick row compares with its options' `value`.
    static let choices: [String: (values: [String], read: Resolver)] = [
        "service": (Service.allCases.map(\.rawValue), { $0.service.rawValue }),
        "channel": (Channel.allCases.map(\.rawValue), { $0.application.channel.rawValue }),
    ]

    static let resolvers: [String: (scope: FieldScope, read: Resolver)] = {
        var r: [String: (FieldScope, Resolver)] = [:]
        func app(_ path: String, _ f: @escaping Resolver) { r[path] = (.application, f) }
        app("organization.name") { $0.application.organization.name }
        app("organization.uscc") { $0.application.organization.uscc }
        app("organization.address") { $0.application.organization.address }
        app("organization.postcode") { $0.application.organization.postcode }
        app("organization.phone") { $0.application.organization.phone }
        for (key, read) in personFields {
            app("legalRepresentative.\(key)") { read($0.application.legalRepresentative) }
            app("handler.\(key)") { read($0.application.handler) }
            r["person.\(key)"] = (.person, { c in c.request?.person.flatMap(read) })
            r["holder.\(key)"] = (
                .holder,
                { c in
                    if case let .holder(p)? = c.row { return read(p) }
                    return nil
                }
            )
        }
        r["person.roles"] = (.person, { $0.request?.roles.joined(separator: "、") })
        app("service") { $0.service.label }
        app("channel") { $0.application.channel.label }
        app("certificates.kinds") { $0.application.certificates.kinds.map(\.label).joined(separator: "、") }
        // Years as the checklist applies them: none for 吊销 (the guide publishes no term), left for pen.
        app("certificates.odc.years") { $0.checklist.years[.odc].map { "\($0)" } }
        app("certificates.personal.years") { $0.checklist.years[.personal].map { "\($0)" } }
        app("certificates.personal.count") { c in c.application.certificates.personal.map { _ in "\(c.holders.count)" } }
        app("certificates.personal.holders") { c in
            c.application.certificates.personal.map { _ in holderNames(c.holders) }
        }
        app("certificates.summary") { c in
            let a = c.application
            var parts: [String] = []
            if a.certificates.odc != nil { parts.append(CertKind.odc.label + (c.checklist.years[.odc].map { " \($0) 年" } ?? "")) }
            if a.certificates.personal != nil {
                parts.append(
                    CertKind.personal.label + (c.checklist.years[.personal].map { " \($0) 年 ×" } ?? "")
                        + " \(c.holders.count) 人（\(holderNames(c.holders))）")
            }
            return parts.joined(separator: "；")
        }
        app("existingCertificate.serial") { $0.application.existingCertificate?.serial }
        app("change.summary") { c in
            c.application.change.map { $0.items.map { "\($0.item)：\($0.from) → \($0.to)" }.joined(separator: "；") }
        }
        app("applicationDate") { $0.application.applicationDate?.chinese }
        app("applicationDate.year") { $0.application.applicationDate.map { "\($0.year)" } }
        app("applicationDate.month") { $0.application.applicationDate.map { "\($0.month)" } }
        app("applicationDate.day") { $0.application.applicationDate.map { "\($0.day)" } }
        app("fees.total") { c in
            let f = c.checklist.fees
            guard let total = f.total else { return "费用未公布，请向深圳CA确认" + (f.knownTotal > 0 ? "（已知部分 \(f.knownTotal) 元）" : "") }
            return total == 0 ? "免费" : "\(total) 元"
        }
        app("visit.office") { c in
            if c.application.channel == .online { return c.checklist.visit?.office?.name ?? "深圳CA网上营业厅 https://wt.szca.net/index" }
            return c.checklist.visit?.office?.name ?? c.application.visit?.office
        }
        app("visit.address") { $0.checklist.visit?.office?.address }
        app("visit.hours") { $0.checklist.visit?.office?.hours }
        app("visit.date") { c in
            guard let v = c.checklist.visit else { return c.application.visit?.date.map { "\($0.chinese)（\($0.weekdayLabel)）" } }
            return "\(v.date.chinese)（\(v.date.weekdayLabel)）" + (v.time.map { " \($0)" } ?? "")
        }
        app("visit.notes") { c in
            guard let v = c.checklist.visit else { return nil }
            var notes = v.notes
            if let p = v.proposal, !v.complete { notes.append("建议改为 \(p.date.chinese)（\(p.date.weekdayLabel)）\(p.office.name)") }
            if let done = v.expectedCompletion { notes.append("预计办结：\(done.chinese)") }
            return notes.joined(separator: "；")
        }
        app("visit.advice") { c in
            guard let v = c.checklist.visit, !v.complete else { return nil }
            var notes = v.notes
            if let p = v.proposal { notes.append("建议改为 \(p.date.chinese)（\(p.date.weekdayLabel)）\(p.office.name)") }
            return notes.joined(separator: "；")
        }
        app("fees.summary") { c in
            c.checklist.fees.items.map { f in f.label + (f.amount.map { " = \($0) 元" } ?? "") }.joined(separator: "；")
        }
        app("processing") { $0.checklist.processing }
        app("collection") { $0.checklist.collection }
        app("warnings") { $0.checklist.warnings.joined(separator: "；") }
        app("form.copyMark") { $0.copyMark }
        r["changeItem.item"] = (
            .changeItem,
            { c in
                if case let .changeItem(i)? = c.row { return i.item }
                return nil
            }
        )
        r["changeItem.from"] = (
            .changeItem,
            { c in
                if case let .changeItem(i)? = c.row { return i.from }
                return nil
            }
        )
        r["changeItem.to"] = (
            .changeItem,
            { c in
                if case let .changeItem(i)? = c.row { return i.to }
                return nil
            }
        )
        func doc(_ key: String, _ f: @escaping @Sendable (ChecklistItem) -> String?) {
            r["document.\(key)"] = (
                .document,
                { c in
                    if case let .document(d)? = c.row { return f(d) }
                    return nil
                }
            )
        }
        doc("title") { $0.title }
        doc("count") { d in d.kind == .payment ? "" : "\(d.count)" + (d.kind == .ukey ? " 个" : " 份") }
        doc("kind") { d in
            switch d.kind {
            case .form: "本程序打印"
            case .photocopy: "复印件"
            case .original: "原件（核验后带回）"
            case .ukey: "带来"
            case .obtain: "另行领取"
            case .payment: "缴费"
            }
        }
        doc("notes") { d in
            var parts = d.notes
            if let s = d.signer { parts.append("签字：\(s)") }
            if let s = d.seal { parts.append("盖章：\(s)") } else if d.stamp { parts.append("加盖单位公章") }
            return parts.joined(separator: "；")
        }
        r["fee.label"] = (
            .fee,
            { c in
                if case let .fee(f)? = c.row { return f.label }
                return nil
            }
        )
        r["fee.amount"] = (
            .fee,
            { c in
                if case let .fee(f)? = c.row { return f.amount.map { "\($0) 元" } ?? "未公布" }
                return nil
            }
        )
        r["row.number"] = (.row, { c in c.rowNumber > 0 ? "\(c.rowNumber)" : nil })
        r["page.number"] = (.page, { "\($0.pageNumber)" })
        r["page.count"] = (.page, { "\($0.pageCount)" })
        return r.mapValues { (scope: $0.0, read: $0.1) }
    }()

    /// Up to three holders by name, else the first and the count (the 附页 lists them all).
    static func holderNames(_ holders: [Person]) -> String {
        holders.count <= 3 ? holders.map(\.name).joined(separator: "、") : "\(holders[0].name)等\(holders.count)人，详见附页"
    }

    /// Every valid field path, sorted.
    public static var validPaths: [String] { resolvers.keys.sorted() }

    /// The scope a path belongs to, or nil when the model has no such field.
    public static func scope(of path: String) -> FieldScope? { resolvers[path]?.scope }

    /// Reads a field; an absent optional value reads as "".
    public static func value(_ path: String, in context: FieldContext) -> String {
        resolvers[path]?.read(context) ?? ""
    }

    /// Why `path` cannot be used where `allowed` scopes are bound, or nil when it can.
    static func problem(with path: String, allowed: Set<FieldScope>) -> String? {
        guard let scope = scope(of: path) else {
            let prefix = path.split(separator: ".").first.map(String.init) ?? path
            let near = validPaths.filter { $0.hasPrefix(prefix + ".") || $0 == prefix }
            return "unknown field '\(path)': the application model has no such field"
                + (near.isEmpty ? "" : "; fields under '\(prefix)': \(near.joined(separator: ", "))")
        }
        guard allowed.contains(scope) else {
            let wherePart: String
            switch scope {
            case .person: wherePart = "in the authorisation template (kind: authorization)"
            case .holder: wherePart = "in a table repeating over holders"
            case .changeItem: wherePart = "in a table repeating over change.items"
            case .document: wherePart = "in a table repeating over checklist.documents"
            case .fee: wherePart = "in a table repeating over fees.items"
            case .page: wherePart = "in the footer"
            case .row: wherePart = "in a repeating table"
            case .application: wherePart = "anywhere"
            }
            return "field '\(path)' can only be used \(wherePart)"
        }
        return nil
    }
}

/// A text with `{{field.path}}` placeholders (Mustache style, no sections or escapes).
public struct Interpolation: Sendable, Equatable {
    public enum Part: Sendable, Equatable {
        case literal(String)
        case field(String)
    }
    public var parts: [Part]

    public init(parts: [Part]) { self.parts = parts }

    /// Parses `text`; throws a message for an unclosed `{{` or an empty placeholder.
    public init(parsing text: String) throws(InterpolationError) {
        var parts: [Part] = []
        var rest = Substring(text)
        while let open = rest.range(of: "{{") {
            if open.lowerBound > rest.startIndex { parts.append(.literal(String(rest[..<open.lowerBound]))) }
            guard let close = rest[open.upperBound...].range(of: "}}") else {
                throw InterpolationError(message: "unclosed '{{' in \"\(text)\"")
            }
            let path = rest[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces)
            guard !path.isEmpty else { throw InterpolationError(message: "empty '{{}}' in \"\(text)\"") }
            parts.append(.field(path))
            rest = rest[close.upperBound...]
        }
        if !rest.isEmpty { parts.append(.literal(String(rest))) }
        self.parts = parts
    }

    public var fields: [String] { parts.compactMap { if case let .field(f) = $0 { f } else { nil } } }

    public func render(_ context: FieldContext) -> String {
        parts.map { part in
            switch part {
            case let .literal(s): s
            case let .field(f): Fields.value(f, in: context)
            }
        }.joined()
    }
}

public struct InterpolationError: Error, Sendable {
    public var message: String
}
