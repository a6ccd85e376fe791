import Foundation
import GRDB
import Rules

/// What `renew` will make for one organisation: a 续期 application with the serial filled in, or —
/// when the 法定代表人 or the name changed since a certificate was issued — a 变更, flagged; or the
/// reason it cannot be made from what the roster holds.
public struct RenewalPlan: Sendable {
    public var uscc: String
    public var name: String
    /// The certificates it renews (or changes).
    public var certificates: [CertificateRecord]
    public var application: Application?
    /// Non-empty when the organisation is a 变更: what changed since issue (per `ChangeItem`).
    public var changes: [ChangeItem]
    /// Why no application could be made (no 经办人 on record…).
    public var problem: String?
    /// More than one serial is due but an application carries one (原证书序列号): the others are listed here.
    public var otherSerials: [String]

    public var isChange: Bool { !changes.isEmpty }
}

extension Roster {
    /// Renewal plans for every organisation with a valid certificate due within `dueWithin` days, or
    /// for the organisations `usccs` (all their valid certificates), in order of the first expiry.
    public func renewals(
        dueWithin: Int? = nil, usccs: [String] = [], today: CivilDate = .today(),
        channel: Channel = .onsite
    ) throws -> [RenewalPlan] {
        var wanted: [String: [CertificateRecord]] = [:]
        var order: [String] = []
        if let dueWithin {
            for e in try list(dueWithin: dueWithin, today: today) {
                guard let c = e.certificate else { continue }
                if wanted[e.uscc] == nil { order.append(e.uscc) }
                wanted[e.uscc, default: []].append(c)
            }
        }
        return try pool.read { db in
            var plans: [RenewalPlan] = []
            for code in usccs.map({ Normaliser.normalise($0, kind: .code) }) where wanted[code] == nil {
                guard let card = try Self.card(db, uscc: code) else { throw RosterError.notFound("统一社会信用代码为 \(code) 的单位") }
                let valid = card.certificates.filter { $0.status == .valid }
                if valid.isEmpty {
                    plans.append(
                        RenewalPlan(
                            uscc: code, name: card.organisation.name, certificates: [], application: nil, changes: [],
                            problem: "机构库中没有它的有效证书：先用 certpack roster issued 记录证书", otherSerials: []))
                    continue
                }
                order.append(code)
                wanted[code] = valid
            }
            for code in order {
                guard let due = wanted[code], let card = try Self.card(db, uscc: code) else { continue }
                plans.append(try Self.plan(db, card: card, due: due, today: today, channel: channel))
            }
            return plans
        }
    }

    static func plan(_ db: Database, card: OrganisationCard, due: [CertificateRecord], today: CivilDate, channel: Channel) throws -> RenewalPlan {
        let org = card.organisation
        var plan = RenewalPlan(uscc: org.uscc, name: org.name, certificates: due, application: nil, changes: [], problem: nil, otherSerials: [])
        guard let legal = card.legalRepresentative, let handler = card.handler else {
            plan.problem = "机构库中没有它现在的\(card.legalRepresentative == nil ? "法定代表人" : "经办人")：先导入它的申请数据"
            return plan
        }
        // What changed since each certificate was issued.
        var changes: [ChangeItem] = []
        for c in due {
            let at = try Row.fetchOne(
                db,
                sql: """
                    SELECT c.nameAtIssue, p.name AS legalName, p.idNumber AS legalID FROM certificate c LEFT JOIN person p ON p.id = c.legalRepAtIssue WHERE c.id = ?
                    """, arguments: [c.id])
            if let then: String = at?["nameAtIssue"], then != org.name, !changes.contains(where: { $0.item == "单位名称" }) {
                changes.append(ChangeItem(item: "单位名称", from: then, to: org.name))
            }
            if let thenID: String = at?["legalID"], thenID != legal.idNumber, !changes.contains(where: { $0.item == "法定代表人" }) {
                changes.append(ChangeItem(item: "法定代表人", from: at?["legalName"] ?? "", to: legal.name))
            }
        }
        let odc = due.first { $0.kind == .odc }
        let personal = due.filter { $0.kind == .personal }
        let holders = personal.compactMap { c in card.people.first { $0.person.idNumber == c.holderIDNumber }?.person }
        let serials = due.compactMap(\.serial)
        let serial = odc?.serial ?? personal.first?.serial
        plan.otherSerials = serials.filter { $0 != serial }
        var certificates = Certificates()
        if odc != nil { certificates.odc = ODCRequest(years: 1) }
        if !personal.isEmpty { certificates.personal = PersonalRequest(years: personal.compactMap(\.years).max() ?? 1) }
        plan.changes = changes
        plan.application = Application(
            organization: org, legalRepresentative: legal, handler: handler,
            holders: holders.isEmpty || (holders.count == 1 && holders[0].idNumber == legal.idNumber) ? nil : holders,
            service: changes.isEmpty ? .renew : .change, certificates: certificates, channel: channel,
            existingCertificate: ExistingCertificate(serial: serial), change: changes.isEmpty ? nil : ChangeDetails(items: changes),
            applicationDate: today)
        return plan
    }
}
