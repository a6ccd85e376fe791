extension Checklist {
    /// What is applied for, one entry per kind and (personal) per service part.
    public var certificates: [AppliedCertificate] {
        application.certificates.kinds.flatMap { kind -> [AppliedCertificate] in
            switch kind {
            case .odc:
                return [
                    AppliedCertificate(
                        kind: .odc, service: services[.odc] ?? application.service, holders: [],
                        years: application.certificates.odc?.years ?? 1)
                ]
            case .personal:
                let years = application.certificates.personal?.years ?? 1
                return personalParts.map { AppliedCertificate(kind: .personal, service: $0.service, holders: $0.holders, years: years) }
            }
        }
    }
}

extension Checklist {
    /// Builds the checklist from the catalog: documents per service, kind and channel following
    /// 注1–注3, fees, forms, and (when a date is known) the visit plan.
    ///
    /// - Parameters:
    ///   - date: the visit (or online submission) date; defaults to `application.visit?.date`. No plan without a date.
    ///   - time: `HH:MM`; defaults to `application.visit?.time`.
    ///   - office: office name, alias or id; defaults to `application.visit?.office`.
    ///   - today: today in Asia/Shanghai: a date before it is 日期已过 and nothing is doable then. Nil: no day is past.
    /// - Throws: `RulesError` for what the guide forbids (years, channel), `OfficeLookupError` for an unknown office.
    public static func make(
        for app: Application, catalog: Catalog, date: CivilDate? = nil, time: String? = nil, office: String? = nil,
        today: CivilDate? = nil
    ) throws -> Checklist {
        let kinds = app.certificates.kinds
        guard !kinds.isEmpty else { throw RulesError.noCertificates }
        let fees = try Fees.compute(for: app, catalog: catalog)
        let route = try Route.make(for: app, catalog: catalog)
        var (items, forms) = documents(route.needs, app: app, catalog: catalog, split: route.parts.count > 1)
        items += formerLegalRepresentativeUkey(app, catalog: catalog)
        authorizations(app, route: route, catalog: catalog, items: &items, forms: &forms)
        items += originals(app, items: items, catalog: catalog)
        items.append(paymentItem(app, fees: fees, catalog: catalog))

        let rule = catalog.rule(for: app.service)
        var warnings = serviceWarnings(app, route: route, catalog: catalog)
        let info = catalog.channels[app.channel]!
        let processing = rule.processing ?? info.processing
        var visit: VisitPlan?
        if let d = date ?? app.visit?.date {
            visit = try plan(app, date: d, time: time, office: office, today: today, processing: processing, route: route, catalog: catalog)
            if let v = visit, let w = visitWarning(v) { warnings.append(w) }
        }
        // 证书年限 only where the service publishes terms.
        var years: [CertKind: Int] = [:]
        if rule.published {
            if let o = app.certificates.odc { years[.odc] = o.years }
            if let p = app.certificates.personal { years[.personal] = p.years }
        }
        return Checklist(
            application: app, documents: inGuideOrder(items), fees: fees, forms: forms, visit: visit, warnings: warnings,
            steps: route.steps, processing: processing, collection: route.collection ?? info.collection,
            payment: catalog.payment, services: route.services, personalParts: route.parts, years: years)
    }

    /// One document of one part: the kind, the service it follows and (personal) the holders it covers.
    struct Need {
        var kind: CertKind
        var part: PersonalPart
        var id: String
    }

    /// The way through the guide for an application: the service each kind follows, its documents,
    /// the channel's steps and 领取方式.
    struct Route {
        var services: [CertKind: Service] = [:]
        var parts: [PersonalPart] = []
        var needs: [Need] = []
        var steps: [String] = []
        var collection: String?
        /// The first kind's channel rule (the ODC's under a 变更): its notice and whether it is done on payment.
        var leading: ServiceChannelRule?

        static func make(for app: Application, catalog: Catalog) throws -> Route {
            // The application's own service must offer the channel (变更 is on site only, even when its
            // personal part follows 新办 rules).
            guard catalog.rule(for: app.service).channels[app.channel] != nil else {
                throw RulesError.channelNotAllowed(app.service, app.channel, kind: nil, guide: nil)
            }
            var route = Route()
            let kinds = app.certificates.kinds
            route.parts = kinds.contains(.personal) ? catalog.personalParts(for: app) : []
            for kind in kinds {
                for part in kind == .odc ? [PersonalPart(service: app.service, holders: [])] : route.parts {
                    let service = part.service
                    if route.services[kind] == nil { route.services[kind] = service }
                    let rule = catalog.rule(for: service)
                    guard let ch = rule.channels[app.channel] else {
                        throw RulesError.channelNotAllowed(service, app.channel, kind: nil, guide: nil)
                    }
                    guard ch.kinds.contains(kind) else { throw RulesError.channelNotAllowed(service, app.channel, kind: kind, guide: ch.guide) }
                    for id in ch.documents ?? rule.kinds[kind]!.documents { route.needs.append(Need(kind: kind, part: part, id: id)) }
                    if route.collection == nil { route.collection = ch.collection }
                    if route.leading == nil { route.leading = ch }
                    if route.steps.isEmpty { route.steps = ch.steps }  // the first kind's service leads
                }
            }
            return route
        }
    }

    /// The documents in the guide's order, 注3 (shared photocopies once) and Ukeys per certificate, and
    /// the forms they call for. `split`: the personal holders are in two parts (each has its own forms).
    static func documents(_ needs: [Need], app: Application, catalog: Catalog, split: Bool) -> ([ChecklistItem], [FormRequest]) {
        let shared = Set(catalog.notes.shared.documents)
        let stampKinds = Set(catalog.notes.stamp.kinds)
        var items: [ChecklistItem] = []
        var forms: [FormRequest] = []
        for need in needs {
            let (kind, id) = (need.kind, need.id)
            let spec = catalog.documents[id]!
            if shared.contains(id), items.contains(where: { $0.id == id }) { continue }
            var item = ChecklistItem(
                title: spec.title, kind: spec.kind, count: spec.count, stamp: stampKinds.contains(spec.kind),
                notes: spec.notes ?? [], signer: spec.signer, seal: spec.seal, form: spec.form, id: id)
            // Holders split by service: each part has its own application, appendix and agreement.
            let holders = kind == .personal ? need.part.holders : app.personalHolders
            if split, kind == .personal, !shared.contains(id) {
                item.id += ".\(need.part.service.rawValue)"
                item.title += "（\(need.part.service.label)：\(holders.map(\.name).joined(separator: "、"))）"
            }
            if spec.kind == .photocopy, app.copies?.documentIDs.contains(id) == true {
                // Made from the applicant's pictures: a page of the pack, not a photocopy to make.
                item.printed = true
                item.notes.insert(ChecklistItem.printedNote + "（见申请材料中的复印件页）", at: 0)
            } else if spec.twoSided == true {
                item.notes.insert(catalog.twoSidedNote, at: 0)
            }
            if let who = spec.person {
                let p = who == "handler" ? app.handler : app.legalRepresentative
                item.notes.append("\(p.name)（\(p.idType.label)）")
            }
            if spec.kind == .ukey {
                item.id = "ukey.\(kind.rawValue)"
                item.title = "\(kind.label) Ukey"
                item.count = kind == .odc ? 1 : holders.count
                if kind == .personal { item.notes.append("持有人：\(holders.map(\.name).joined(separator: "、"))") }
            }
            if spec.form == .holderAppendix {
                item.notes.append("持有人 \(holders.count) 位：\(holders.map(\.name).joined(separator: "、"))")
            }
            items.append(item)
            if let f = spec.form {
                forms.append(
                    FormRequest(
                        form: f, service: need.part.service, copies: spec.count, person: nil, roles: [],
                        holders: split && kind == .personal ? holders : nil))
            }
        }
        return (items, forms)
    }

    /// 变更 with a new 法定代表人: the former legal representative's 法人证书 Ukey, of which the guide says
    /// nothing; unless that person stays a holder (then it is among the holders' Ukeys).
    static func formerLegalRepresentativeUkey(_ app: Application, catalog: Catalog) -> [ChecklistItem] {
        guard app.certificates.kinds.contains(.personal), app.change?.changesLegalRepresentative == true,
            let l = catalog.rule(for: app.service).legalRepresentativeChange,
            let from = app.change?.items.first(where: \.isLegalRepresentative)?.from,
            !app.personalHolders.contains(where: { $0.name == from && $0.idNumber != app.legalRepresentative.idNumber })
        else { return [] }
        return [
            ChecklistItem(
                title: "原法定代表人（\(from)）的\(CertKind.personal.label) Ukey", kind: .ukey, count: 1, stamp: false,
                notes: [l.formerUkey], signer: nil, seal: nil, form: nil, id: "ukey.formerLegalRepresentative")
        ]
    }

    /// 个人信息授权书: one per natural person (by 证件号码), when an application form carries it; the
    /// checklist line goes after the last form.
    static func authorizations(_ app: Application, route: Route, catalog: Catalog, items: inout [ChecklistItem], forms: inout [FormRequest]) {
        guard forms.contains(where: { $0.form == .unitApplication || $0.form == .institutionApplication }) else { return }
        let kinds = app.certificates.kinds
        var people: [(Person, [String])] = []
        func add(_ p: Person, _ role: String) {
            if let i = people.firstIndex(where: { $0.0.idNumber == p.idNumber }) {
                if !people[i].1.contains(role) { people[i].1.append(role) }
            } else {
                people.append((p, [role]))
            }
        }
        add(app.legalRepresentative, "法定代表人")
        add(app.handler, "经办人")
        if kinds.contains(.personal) { for h in app.personalHolders { add(h, "证书持有人") } }
        let service = kinds.contains(.odc) ? app.service : route.services[.personal]!
        for (p, roles) in people {
            forms.append(FormRequest(form: .authorization, service: service, copies: 1, person: p, roles: roles))
        }
        let lastForm = items.lastIndex { $0.kind == .form } ?? 0
        items.insert(
            ChecklistItem(
                title: FormKind.authorization.title, kind: .form, count: people.count, stamp: Set(catalog.notes.stamp.kinds).contains(.form),
                notes: people.map { "\($0.0.name)（\($0.1.joined(separator: "、"))）" } + ["申请表所含个人信息授权书，每位自然人一份（同一证件号码只需一份）"],
                signer: "本人在「授权人签字」处签字并填写日期", seal: nil, form: .authorization, id: "authorization"), at: lastForm + 1)
    }

    /// 注2: originals at the counter, on site only.
    static func originals(_ app: Application, items: [ChecklistItem], catalog: Catalog) -> [ChecklistItem] {
        guard app.channel == catalog.notes.originals.channel else { return [] }
        return catalog.notes.originals.documents.filter { id in items.contains { $0.id == id } }.map { id in
            let spec = catalog.documents[id]!
            return ChecklistItem(
                title: spec.original ?? "\(spec.title)原件", kind: .original, count: 1, stamp: false,
                notes: ["现场核验原件收复印件（\(catalog.notes.originals.guide)）"],
                signer: nil, seal: nil, form: nil, id: "original.\(id)")
        }
    }

    /// The payment line: the total and, on site, the account to pay into.
    static func paymentItem(_ app: Application, fees: FeeSummary, catalog: Catalog) -> ChecklistItem {
        let pay = catalog.payment
        var payNotes: [String] = []
        let payTitle: String
        if let total = fees.total {
            payTitle = total == 0 ? "费用：免费，无需缴费" : "缴费：合计 \(total) 元"
            if total > 0 {
                payNotes =
                    app.channel == .online
                    ? [pay.online]
                    : [pay.onsite, "收款账户：\(pay.company)", "开户行：\(pay.bank)", "账号：\(pay.account)"]
            }
        } else {
            payTitle = "缴费：费用未公布，请向深圳CA确认"
            if fees.knownTotal > 0 { payNotes.append("已知部分 \(fees.knownTotal) 元") }
        }
        return ChecklistItem(
            title: payTitle, kind: .payment, count: 1, stamp: false, notes: payNotes, signer: nil, seal: nil, form: nil, id: "payment")
    }

    /// Forms, then what to obtain, photocopies, originals, Ukeys and payment; the guide's order within each.
    static func inGuideOrder(_ items: [ChecklistItem]) -> [ChecklistItem] {
        let order: [ItemKind] = [.form, .obtain, .photocopy, .original, .ukey, .payment]
        return items.enumerated().sorted { a, b in
            let x = order.firstIndex(of: a.element.kind)!
            let y = order.firstIndex(of: b.element.kind)!
            return x != y ? x < y : a.offset < b.offset
        }.map(\.element)
    }

    /// What the applicant must know of the service: unpublished rules, a new 法定代表人, the channel's notice.
    static func serviceWarnings(_ app: Application, route: Route, catalog: Catalog) -> [String] {
        var warnings: [String] = []
        let rule = catalog.rule(for: app.service)
        if !rule.published, let w = rule.unpublishedWarning { warnings.append(w) }
        if app.change?.changesLegalRepresentative == true, let l = rule.legalRepresentativeChange {
            // 「若法人变更,则按新申请流程办理新法人证书」: the new legal representative's certificate only.
            let lr = app.legalRepresentative.name
            let parts = route.parts
            let others = parts.filter { $0.service != l.personal }.flatMap(\.holders).map(\.name)
            if parts.contains(where: { $0.service == l.personal }) {
                warnings.append(
                    "法定代表人变更：新法定代表人（\(lr)）的\(CertKind.personal.label)按\(l.personal.label)办理，资料和费用按\(l.personal.label)"
                        + (others.isEmpty ? "" : "；其他持有人（\(others.joined(separator: "、"))）的证书仍按\(app.service.label)办理")
                        + "（指南：\(l.guide)）")
            } else if app.certificates.kinds.contains(.personal) {
                warnings.append("法定代表人变更：证书持有人中没有新法定代表人（\(lr)）；其\(CertKind.personal.label)须按\(l.personal.label)另行申请（指南：\(l.guide)）")
            } else {
                warnings.append("法定代表人变更：新法定代表人的\(CertKind.personal.label)须按\(l.personal.label)申请（指南：\(l.guide)）；\(l.formerUkey)")
            }
        }
        if let n = route.leading?.notice { warnings.append(n.text) }
        warnings += sameNameWarnings(app)
        return warnings
    }

    /// The visit plan on `date` (on site: at the time and office given; online: the expected completion).
    static func plan(
        _ app: Application, date d: CivilDate, time: String?, office: String?, today: CivilDate?, processing: String,
        route: Route, catalog: Catalog
    ) throws -> VisitPlan {
        if app.channel == .online {
            return VisitPlanner.online(date: d, catalog: catalog, collection: route.collection, immediate: route.leading?.immediate, today: today)
        }
        let t = try (time ?? app.visit?.time).map { text -> ClockTime in
            guard let c = ClockTime(text) else { throw VisitInputError.badTime(text) }
            return c
        }
        let o = try (office ?? app.visit?.office).map { try catalog.office(named: $0) }
        return VisitPlanner.plan(kinds: app.certificates.kinds, date: d, time: t, office: o, processing: processing, catalog: catalog, today: today)
    }

    /// The warning of a visit that is not complete, with the proposal when there is one.
    static func visitWarning(_ v: VisitPlan) -> String? {
        guard !v.complete else { return nil }
        let d = v.date
        switch v.status {
        case .complete: return nil
        case .notCovered: return v.notes.first ?? "\(d.year) 年节假日安排尚未公布，请先电话确认"
        case .past:
            return "\(d) 日期已过" + (v.proposal.map { "；建议改为 \($0.date) \($0.office.name)" } ?? "")
        case .uncertain:
            return "\(d) \(v.office?.name ?? "")：\(v.uncertainty ?? "")" + (v.proposal.map { "；确定可办理的是 \($0.date) \($0.office.name)" } ?? "")
        case .partial: return "\(d) 只能办理部分业务" + (v.proposal.map { "；建议改为 \($0.date) \($0.office.name)" } ?? "")
        case .none: return "\(d) 无法办理" + (v.proposal.map { "；建议改为 \($0.date) \($0.office.name)" } ?? "")
        }
    }

    /// The same name with two different 证件号码: maybe two people (names repeat), maybe a typing
    /// mistake. Never silent: a warning naming both places.
    static func sameNameWarnings(_ app: Application) -> [String] {
        Validator.sameNameDifferentNumbers(app).map { a, b in
            "\(a.label)与\(b.label)同名「\(a.person.name)」但证件号码不同（\(maskID(a.person.idNumber)) / \(maskID(b.person.idNumber))）：如是同一人，请改成同一号码；如是两人，请核对无误"
        }
    }
}

/// A visit time or office that cannot be read.
public enum VisitInputError: Error, CustomStringConvertible, Equatable {
    case badTime(String)
    public var description: String {
        switch self {
        case let .badTime(t): "到访时间「\(t)」有误，应为 HH:MM，如 09:30"
        }
    }
}
