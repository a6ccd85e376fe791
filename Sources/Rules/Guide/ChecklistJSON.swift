import Foundation

/// The checklist as JSON for programs: service, certificates, documents, fees, visit, warnings, and
/// `problems` (field, message): what keeps the pack from being made — empty when it can be. Warnings
/// are advice; problems must be fixed. ID numbers are masked.
public enum ChecklistJSON {
    struct Doc: Encodable {
        var title: String
        var kind: String
        var count: Int
        var stamp: Bool
        var notes: [String]
        var signer: String?
        var seal: String?
        var form: String?
    }
    struct Fee: Encodable {
        var label: String
        var amount: Int?
    }
    struct Fees: Encodable {
        var items: [Fee]
        var total: Int?
        var payment: PaymentAccount?
    }
    struct Cert: Encodable {
        var kind: String
        var label: String
        var years: Int
        var holders: Int
        var service: String
    }
    struct Proposal: Encodable {
        var date: String
        var office: String
        var time: String?
        var makeUpDay: Bool
    }
    struct Visit: Encodable {
        var channel: String
        var date: String
        var time: String?
        var office: String?
        var status: String
        var complete: Bool
        var doable: [String]
        var notes: [String]
        var proposal: Proposal?
        var expectedCompletion: String?
    }
    struct Form: Encodable {
        var form: String
        var service: String
        var copies: Int
        var person: String?
        var idNumber: String?
        var roles: [String]
    }
    struct Root: Encodable {
        var organization: String
        var service: String
        var serviceLabel: String
        var channel: String
        var certificates: [Cert]
        var documents: [Doc]
        var forms: [Form]
        var fees: Fees
        var visit: Visit?
        var warnings: [String]
        var steps: [String]
        var problems: [ValidationIssue]
    }
    /// When no checklist can be made (the file cannot be read, the rules refuse): only the problems.
    struct Refused: Encodable {
        var organization: String?
        var problems: [ValidationIssue]
    }

    /// The problems alone, for data no checklist can be made of.
    public static func encode(problems: [ValidationIssue], organization: String? = nil) throws -> Data {
        try encoder.encode(Refused(organization: organization, problems: problems))
    }

    public static func encode(_ c: Checklist, problems: [ValidationIssue] = []) throws -> Data {
        let app = c.application
        // One entry per certificate applied for: a new 法定代表人's 新办 and the other holders' 变更 apart,
        // as the fees and the forms count them.
        let certs = c.certificates.map { a in
            Cert(kind: a.kind.rawValue, label: a.kind.label, years: a.years, holders: a.holders.count, service: a.service.rawValue)
        }
        let docs = c.documents.filter { $0.kind != .payment }.map {
            Doc(
                title: $0.title, kind: $0.kind.rawValue, count: $0.count, stamp: $0.stamp, notes: $0.notes, signer: $0.signer, seal: $0.seal,
                form: $0.form?.rawValue)
        }
        let fees = Fees(
            items: c.fees.items.map { Fee(label: $0.label, amount: $0.amount) }, total: c.fees.total,
            payment: (c.fees.total ?? 0) > 0 ? c.payment : nil)
        let visit = c.visit.map { v in
            Visit(
                channel: v.channel.rawValue, date: v.date.description, time: v.time?.description,
                office: v.office?.name ?? (v.channel == .online ? "深圳CA网上营业厅" : nil),
                status: v.status.rawValue, complete: v.complete, doable: v.doable.map(\.rawValue), notes: v.notes,
                proposal: v.proposal.map {
                    Proposal(date: $0.date.description, office: $0.office.name, time: $0.time?.description, makeUpDay: $0.isMakeUpDay)
                },
                expectedCompletion: v.expectedCompletion?.description)
        }
        let forms = c.forms.map {
            Form(
                form: $0.form.rawValue, service: $0.service.rawValue, copies: $0.copies, person: $0.person?.name,
                idNumber: $0.person.map { maskID($0.idNumber) }, roles: $0.roles)
        }
        let root = Root(
            organization: app.organization.name, service: app.service.rawValue, serviceLabel: app.service.label, channel: app.channel.rawValue,
            certificates: certs, documents: docs, forms: forms, fees: fees, visit: visit, warnings: c.warnings, steps: c.steps,
            problems: problems)
        return try encoder.encode(root)
    }

    static var encoder: JSONEncoder {
        let enc = JSONEncoder()
        enc.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return enc
    }
}
