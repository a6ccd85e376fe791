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
        for kind in app.certificates.kinds {
            let service = catalog.effectiveService(for: app, kind: kind)
            let rule = catalog.rule(for: service)
            let holders = app.personalHolders.count
            let years = kind == .odc ? (app.certificates.odc?.years ?? 1) : (app.certificates.personal?.years ?? 1)
            let head = "\(kind.label)\(service.label)"
            guard let fee = rule.kinds[kind]?.fee else {
                items.append(FeeItem(label: "\(head)（收费标准未公布）", amount: nil, kind: kind, service: service, guide: nil))
                continue
            }
            let label: String, amount: Int
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

extension Catalog {
    /// The service whose rules apply to one kind of an application: the application's service, except
    /// the personal part of a 变更 with a new 法定代表人, which follows 新办
    /// (「若法人变更,则按新申请流程办理新法人证书」, as data in catalog.yaml).
    public func effectiveService(for app: Application, kind: CertKind) -> Service {
        if app.change?.changesLegalRepresentative == true,
           let r = rule(for: app.service).legalRepresentativeChange, kind == .personal {
            return r.personal
        }
        return app.service
    }
}
