import Foundation

/// What kind of thing a checklist item is.
public enum ItemKind: String, Codable, Sendable, CaseIterable {
    /// A form the pack prints.
    case form
    /// A photocopy to make (stamped).
    case photocopy
    /// An original shown at the counter (现场办理 only, 注2).
    case original
    /// A Ukey to bring.
    case ukey
    /// Something to obtain separately (the 服务协议 两联).
    case obtain
    /// How to pay.
    case payment
}

/// The forms the pack prints.
public enum FormKind: String, Codable, Sendable, CaseIterable {
    /// 《单位数字证书申请表》 (ODC)
    case unitApplication
    /// 《机构数字证书申请表》 (personal; two 联)
    case institutionApplication
    /// 《机构个人数字证书附页》
    case holderAppendix
    /// 个人信息授权书, one per natural person
    case authorization

    public var title: String {
        switch self {
        case .unitApplication: "《单位数字证书申请表》"
        case .institutionApplication: "《机构数字证书申请表》"
        case .holderAppendix: "《机构个人数字证书附页》"
        case .authorization: "个人信息授权书"
        }
    }
}

/// One form the pack must contain.
public struct FormRequest: Sendable, Equatable {
    public var form: FormKind
    /// The service to tick (the personal part of a 变更 with a new 法定代表人 is `.new`).
    public var service: Service
    /// Copies to print (2 联 for the 机构数字证书申请表).
    public var copies: Int
    /// For `.authorization`: the person who authorises.
    public var person: Person?
    /// For `.authorization`: the person's roles, e.g. 法定代表人、证书持有人.
    public var roles: [String]
    /// For the personal forms when the holders are split by service (变更 with a new 法定代表人): the
    /// holders this form covers. Nil: every holder of the application.
    public var holders: [Person]? = nil
}

/// One line of the checklist: something to prepare, bring or do.
public struct ChecklistItem: Sendable, Equatable {
    public var title: String
    public var kind: ItemKind
    public var count: Int
    /// 注1: 加盖单位公章.
    public var stamp: Bool
    /// e.g. 正反两面复印在同一张A4纸, 第一联 深圳CA留存.
    public var notes: [String]
    /// Who signs where.
    public var signer: String?
    /// Where the seal goes.
    public var seal: String?
    /// The generated form, for `.form` items.
    public var form: FormKind?
    /// The catalog id (`businessLicense`, `ukey.personal`, …).
    public var id: String
    /// A copy CertPack made from the applicant's picture (a copy page of the pack): printed, to be stamped.
    public var printed: Bool = false
}

extension ChecklistItem {
    /// The note of a copy CertPack made: it replaces the request for a photocopy.
    public static let printedNote = "已生成，打印后加盖公章"
}

/// The checklist for one application: documents, fees, forms, visit plan and warnings.
public struct Checklist: Sendable {
    public var application: Application
    public var documents: [ChecklistItem]
    public var fees: FeeSummary
    public var forms: [FormRequest]
    public var visit: VisitPlan?
    public var warnings: [String]
    /// The channel's steps (办理途径), e.g. the online upload, WeChat scan and liveness check.
    public var steps: [String]
    /// 办理时效, e.g. 当天办结（前提是资料无误）.
    public var processing: String
    /// 领取方式
    public var collection: String
    public var payment: PaymentAccount
    /// The service each kind follows (differs from the application's under 变更 with a new 法定代表人);
    /// for the personal kind, the service of its first part.
    public var services: [CertKind: Service]
    /// The 机构个人证书 holders by service: one part, or under 变更 with a new 法定代表人 the new legal
    /// representative's 新办 and the other holders' 变更. Empty without the personal kind.
    public var personalParts: [PersonalPart]
    /// 证书年限 per kind as applied for; absent for a service that publishes none (吊销 revokes a
    /// certificate, it does not issue one for a term).
    public var years: [CertKind: Int]

    /// The stamped-copies manifest for the pack's cover sheet.
    public var manifest: Manifest { Manifest(documents: documents) }
}

/// One certificate applied for: a kind, the service it follows and (personal) the holders it covers.
/// Under 变更 with a new 法定代表人 the personal kind is two of these (the new legal representative's
/// 新办, the other holders' 变更): the text, the JSON, the forms and the fees all read this one list.
public struct AppliedCertificate: Sendable, Equatable {
    public var kind: CertKind
    public var service: Service
    /// The holders (personal); empty for the ODC.
    public var holders: [Person]
    /// 证书年限 as applied for.
    public var years: Int
}
