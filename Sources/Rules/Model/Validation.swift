import Foundation

/// One problem with an application: the field (`organization.uscc`, `holders[1].idNumber`) and
/// what is wrong, in Chinese, with what is expected.
public struct ValidationIssue: Sendable, Equatable, CustomStringConvertible, Codable {
    public var field: String
    public var message: String
    public init(field: String, message: String) {
        self.field = field
        self.message = message
    }
    public var description: String { "\(field): \(message)" }
}

/// Where an application was typed: the advice in a message follows it (a spreadsheet rounds long
/// numbers, a YAML file does not; the web page has a tick box).
public enum EntryPath: Sendable, Equatable {
    /// A YAML or JSON applicant file.
    case file
    /// A CSV or .xlsx batch.
    case spreadsheet
    /// The web page's form.
    case web
}

/// The data checks of RULES.md: every failure of a record, together.
public enum Validator {
    /// Checks an application's data; an empty list means it is valid. `today` (Asia/Shanghai) is for
    /// birth dates in the future and a visit date in the past. Give it a normalised application
    /// (`Normaliser.normalise`): what the normaliser would fix is reported here. `entry` says where the
    /// data was typed, for advice that fits it.
    public static func validate(_ app: Application, today: CivilDate = .today(), entry: EntryPath = .file) -> [ValidationIssue] {
        var out: [ValidationIssue] = []
        func issue(_ f: String, _ m: String) { out.append(ValidationIssue(field: f, message: m)) }
        let confirmed = confirmedNumbers(app)
        func personIssues(_ p: Person, at path: String, today: CivilDate) -> [ValidationIssue] {
            Validator.personIssues(p, at: path, today: today, confirmed: confirmed, entry: entry)
        }

        // 机构信息
        let org = app.organization
        if let m = textProblem(org.name, label: "单位名称", required: true) { issue("organization.name", m) }
        if let m = usccProblem(org.uscc) { issue("organization.uscc", m) }
        if let m = textProblem(org.address, label: "单位地址", required: true) { issue("organization.address", m) }
        if let p = org.postcode, !p.isEmpty, let m = postcodeProblem(p) { issue("organization.postcode", m) }
        if let p = org.phone, !p.isEmpty, let m = phoneProblem(p) { issue("organization.phone", m) }

        // People
        out += personIssues(app.legalRepresentative, at: "legalRepresentative", today: today)
        out += personIssues(app.handler, at: "handler", today: today)
        if let e = app.handler.email, !e.isEmpty, let m = emailProblem(e) { issue("handler.email", m) }
        if let holders = app.holders {
            if app.certificates.personal != nil, holders.isEmpty {
                issue("holders", "机构个人证书至少需要一位证书持有人（不填则默认为法定代表人）")
            }
            var seen: [String: Int] = [:]
            for (i, h) in holders.enumerated() {
                out += personIssues(h, at: "holders[\(i)]", today: today)
                if let j = seen[h.idNumber] {
                    issue("holders[\(i)].idNumber", "与 holders[\(j)] 证件号码重复：同一人只能持有一张机构个人证书")
                }
                seen[h.idNumber] = i
            }
        }

        // 证书
        let certs = app.certificates
        if certs.odc == nil, certs.personal == nil {
            issue("certificates", "至少需申请一种证书：机构证书（odc）或机构个人证书（personal）")
        }
        if let o = certs.odc, o.years != 1 {
            issue("certificates.odc.years", "机构证书（ODC证书）只能办理1年期，不能为 \(o.years) 年")
        }
        if let p = certs.personal, !(1...5).contains(p.years) {
            issue("certificates.personal.years", "机构个人证书（法人证书）可办理1-5年期，不能为 \(p.years) 年")
        }

        // Service-specific
        let serial = app.existingCertificate?.serial?.trimmingCharacters(in: .whitespaces) ?? ""
        switch app.service {
        case .renew, .change, .unlock, .revoke:
            if serial.isEmpty { issue("existingCertificate.serial", "\(app.service.label)须填写原证书序列号") }
        case .new, .replace: break
        }
        if !serial.isEmpty, !serial.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) {
            issue("existingCertificate.serial", "原证书序列号「\(Normaliser.shown(serial))」只能含字母和数字")
        }
        if app.service == .change {
            if let items = app.change?.items, !items.isEmpty {
                for (i, c) in items.enumerated() {
                    if blank(c.item) { issue("change.items[\(i)].item", "变更事项不能为空，例如 单位名称、法定代表人") }
                    if let m = textProblem(c.to, label: "变更后的内容", required: true) { issue("change.items[\(i)].to", m) }
                    if let m = textProblem(c.from, label: "变更前的内容", required: true) { issue("change.items[\(i)].from", m) }
                }
            } else {
                issue("change.items", "变更业务须列出变更事项（事项、变更前、变更后）")
            }
        } else if let items = app.change?.items, !items.isEmpty {
            issue("change", "只有变更业务才填写变更事项（当前业务：\(app.service.label)）")
        }

        out += legalRepresentativeChangeIssues(app)

        // 办理途径: 网上办理 only for 新办 (机构个人证书 only) and 续期.
        if app.channel == .online {
            switch app.service {
            case .new where certs.odc != nil:
                issue("channel", "网上办理仅支持机构个人证书新办（指南：仅支持机构个人证书网厅办理），机构证书（ODC）新办请现场办理")
            case .new, .renew: break
            default:
                issue("channel", onlineRouteMissing(app.service))
            }
        }

        if let t = app.visit?.time, ClockTime(t) == nil { issue("visit.time", "到访时间「\(Normaliser.shown(t))」有误，应为 HH:MM，如 09:30") }
        if let d = app.visit?.date, d < today { issue("visit.date", VisitPlanner.pastMessage(d, today: today)) }
        out += oneNumberOnePerson(app)
        out += FieldLimits.issues(app)
        return out
    }

    /// `validate(_:)` plus checks that need the catalog (the visit office exists).
    public static func validate(_ app: Application, catalog: Catalog, today: CivilDate = .today(), entry: EntryPath = .file) -> [ValidationIssue] {
        var out = validate(app, today: today, entry: entry)
        if let o = app.visit?.office, !o.isEmpty {
            if let m = textProblem(o, label: "受理点", required: false) {
                out.append(ValidationIssue(field: "visit.office", message: m))
                return out
            }
            do { _ = try catalog.office(named: o) } catch { out.append(ValidationIssue(field: "visit.office", message: "\(error)")) }
        }
        return out
    }

    /// A service the guide lists no online route for: said as what the guide says (it lists 网上办理 for
    /// 新办 of the 机构个人证书 and for 续期 only), not as a rule of its own.
    public static func onlineRouteMissing(_ service: Service) -> String {
        "指南未列出\(service.label)的网上办理途径（网上办理只列有机构个人证书新办和续期），请现场办理"
    }

    /// 变更 of the 法定代表人: the forms and the new 法人证书 (「若法人变更,则按新申请流程办理新法人证书」) are
    /// for `legalRepresentative`, who must be the person the change is to.
    static func legalRepresentativeChangeIssues(_ app: Application) -> [ValidationIssue] {
        guard app.service == .change else { return [] }
        let name = app.legalRepresentative.name.trimmingCharacters(in: .whitespaces)
        return (app.change?.items ?? []).enumerated().compactMap { i, c in
            let to = c.to.trimmingCharacters(in: .whitespaces)
            guard c.isLegalRepresentative, !to.isEmpty, !name.isEmpty, to != name else { return nil }
            return ValidationIssue(
                field: "change.items[\(i)].to",
                message: "变更后的法定代表人「\(to)」与法定代表人姓名（legalRepresentative.name）「\(name)」不一致：法定代表人一栏应填新法定代表人")
        }
    }

    static func personIssues(
        _ p: Person, at path: String, today: CivilDate, confirmed: Set<String> = [],
        entry: EntryPath = .file
    ) -> [ValidationIssue] {
        var out: [ValidationIssue] = []
        if let m = textProblem(p.name, label: "姓名", required: true) { out.append(.init(field: "\(path).name", message: m)) }
        if let m = idProblem(p.idNumber, type: p.idType, today: today, confirmedEndingIn000: confirmed.contains(p.idNumber), entry: entry) {
            out.append(.init(field: "\(path).idNumber", message: m))
        }
        if let m = mobileProblem(p.mobile) { out.append(.init(field: "\(path).mobile", message: m)) }
        // 职务 is free text: a TAB or line break inside (a multi-line cell) is joined by the normaliser, not refused.
        if let t = p.title, let m = textProblem(Normaliser.normalise(t, kind: .text), label: "职务", required: false) {
            out.append(.init(field: "\(path).title", message: m))
        }
        return out
    }

    // MARK: - People

    /// A person of the application with where they stand: `legalRepresentative`, `handler`, `holders[1]`.
    public struct Role: Sendable {
        public var path: String
        /// 法定代表人, 经办人, 持证人 2.
        public var label: String
        public var person: Person
    }

    /// Every person named in the application, in the order of the forms.
    public static func roles(_ app: Application) -> [Role] {
        [
            Role(path: "legalRepresentative", label: "法定代表人", person: app.legalRepresentative),
            Role(path: "handler", label: "经办人", person: app.handler),
        ]
            + (app.holders ?? []).enumerated().map { Role(path: "holders[\($0)]", label: "持证人 \($0 + 1)", person: $1) }
    }

    /// One 证件号码 is one person: the same number under two different names is refused, naming both places.
    static func oneNumberOnePerson(_ app: Application) -> [ValidationIssue] {
        var first: [String: Role] = [:]
        var out: [ValidationIssue] = []
        for r in roles(app) where !r.person.idNumber.isEmpty {
            guard let f = first[r.person.idNumber] else {
                first[r.person.idNumber] = r
                continue
            }
            if f.person.name != r.person.name, !f.person.name.isEmpty, !r.person.name.isEmpty {
                out.append(
                    ValidationIssue(
                        field: "\(r.path).idNumber",
                        message:
                            "\(r.label)（\(r.path)）「\(r.person.name)」与\(f.label)（\(f.path)）「\(f.person.name)」的证件号码相同（\(maskID(r.person.idNumber))），但姓名不同：一个证件号码只能是一个人，请核对证件"
                    ))
            }
        }
        return out
    }

    /// The same name with two different 证件号码: two people may share a name, so this is a warning
    /// (`Checklist.warnings`), never a refusal and never silent. Each pair once, in form order.
    public static func sameNameDifferentNumbers(_ app: Application) -> [(Role, Role)] {
        var first: [String: [Role]] = [:]
        var out: [(Role, Role)] = []
        for r in roles(app) where !r.person.name.isEmpty && !r.person.idNumber.isEmpty {
            let earlier = first[r.person.name, default: []]
            if let f = earlier.first(where: { $0.person.idNumber != r.person.idNumber }),
                !earlier.contains(where: { $0.person.idNumber == r.person.idNumber })
            {
                out.append((f, r))
            }
            first[r.person.name, default: []].append(r)
        }
        return out
    }

    /// The numbers the applicant confirmed end in 000 (`confirmedIdNumbers`), normalised as ID numbers.
    static func confirmedNumbers(_ app: Application) -> Set<String> {
        Set((app.confirmedIdNumbers ?? []).map { Normaliser.normalise($0, kind: .idNumber) })
    }
}
