/// One line of the fee: which certificate, how it is counted, and the amount in 元.
public struct FeeItem: Sendable, Equatable, Codable {
    public var label: String
    /// Amount in 元; nil when the guide does not publish it (吊销).
    public var amount: Int?
    public var kind: CertKind
    /// The service the fee is charged under (新办 for the personal part of a 变更 with a new 法定代表人).
    public var service: Service
    /// The guide's 收费标准 line.
    public var guide: String?
}

/// Itemised fees and the total in 元.
public struct FeeSummary: Sendable, Equatable {
    public var items: [FeeItem]
    /// Sum of the published amounts.
    public var knownTotal: Int { items.compactMap(\.amount).reduce(0, +) }
    /// The total, or nil when some amount is not published.
    public var total: Int? { items.allSatisfy { $0.amount != nil } ? knownTotal : nil }
    public var isComplete: Bool { total != nil }
}

/// 收费标准 applied to an application.
public enum Fees {
    /// Itemises the fees. Throws `RulesError.invalidYears` for ODC years ≠ 1 or personal years
    /// outside 1–5, as the guide forbids them.
    public static func compute(for app: Application, catalog: Catalog) throws -> FeeSummary {
        guard !app.certificates.kinds.isEmpty else { throw RulesError.noCertificates }
        try checkYears(app, catalog: catalog)
        var items: [FeeItem] = []
        let parts = catalog.personalParts(for: app)
        for kind in app.certificates.kinds {
            // The personal part may be split by service (变更 with a new 法定代表人): one line per part.
            for part in kind == .odc ? [PersonalPart(service: app.service, holders: [])] : parts {
                let service = part.service
                let rule = catalog.rule(for: service)
                let holders = part.holders.count
                let years = kind == .odc ? (app.certificates.odc?.years ?? 1) : (app.certificates.personal?.years ?? 1)
                let head =
                    "\(kind.label)\(service.label)"
                    + (kind == .personal && parts.count > 1 ? "（\(part.holders.map(\.name).joined(separator: "、"))）" : "")
                guard let fee = rule.kinds[kind]?.fee else {
                    items.append(FeeItem(label: "\(head)（收费标准未公布）", amount: nil, kind: kind, service: service, guide: nil))
                    continue
                }
                let label: String
                let amount: Int
                switch fee.per {
                case .certificate:
                    amount = fee.amount
                    label = fee.amount == 0 ? "\(head)（免费）" : "\(head)（\(fee.amount)元/\(fee.unit ?? "个")）"
                case .holder:
                    amount = fee.amount * holders
                    label = "\(head)（\(fee.amount)元/\(fee.unit ?? "个") × \(holders)个）"
                case .holderYear:
                    amount = fee.amount * holders * years
                    label = "\(head)（\(fee.amount)元/个/年 × \(holders)人 × \(years)年）"
                }
                items.append(FeeItem(label: label, amount: amount, kind: kind, service: service, guide: fee.guide))
            }
        }
        return FeeSummary(items: items)
    }

    /// Years allowed per kind (catalog certKinds): ODC 1 only, personal 1–5.
    public static func checkYears(_ app: Application, catalog: Catalog) throws {
        for (kind, years) in [(CertKind.odc, app.certificates.odc?.years), (.personal, app.certificates.personal?.years)] {
            guard let years, let rule = catalog.certKinds[kind] else { continue }
            if !(rule.minYears...rule.maxYears).contains(years) {
                throw RulesError.invalidYears(kind, years: years, allowed: rule.minYears...rule.maxYears, guide: rule.guide)
            }
        }
    }
}

/// Some holders of 机构个人证书 and the service their certificates follow.
public struct PersonalPart: Sendable, Equatable {
    public var service: Service
    public var holders: [Person]
    public init(service: Service, holders: [Person]) {
        self.service = service
        self.holders = holders
    }
}

extension Catalog {
    /// The service whose rules apply to one kind of an application: the application's service, except
    /// the new legal representative's 法人证书 under a 变更 with a new 法定代表人 (see `personalParts`).
    /// For the personal kind, the service of its first part.
    public func effectiveService(for app: Application, kind: CertKind) -> Service {
        kind == .odc ? app.service : personalParts(for: app)[0].service
    }

    /// The 机构个人证书 holders grouped by the service each certificate follows, never empty: all under
    /// the application's service, except under 变更 with a new 法定代表人, where the new legal
    /// representative's certificate (the holder with `legalRepresentative`'s 证件号码) is a new
    /// application (新办, 「若法人变更,则按新申请流程办理新法人证书」, as data in catalog.yaml) and the
    /// other holders' certificates stay 变更. The new 法人证书 comes first.
    public func personalParts(for app: Application) -> [PersonalPart] {
        let all = app.personalHolders
        guard app.change?.changesLegalRepresentative == true, let r = rule(for: app.service).legalRepresentativeChange else {
            return [PersonalPart(service: app.service, holders: all)]
        }
        let isNew = { (p: Person) in p.idNumber == app.legalRepresentative.idNumber }
        var parts: [PersonalPart] = []
        if all.contains(where: isNew) { parts.append(PersonalPart(service: r.personal, holders: all.filter(isNew))) }
        if all.contains(where: { !isNew($0) }) { parts.append(PersonalPart(service: app.service, holders: all.filter { !isNew($0) })) }
        return parts.isEmpty ? [PersonalPart(service: app.service, holders: [])] : parts
    }
}
