import Foundation

/// The guide as data: `Templates/catalog.yaml` (documents, fees, channels, offices, payment) plus
/// `Templates/holidays.yaml` (the public-holiday calendar). Load it with `Catalog.load(templates:)`.
public struct Catalog: Sendable {
    public var version: Int
    public var project: String
    public var issuer: String
    /// 办理流程
    public var process: String
    public var certKinds: [CertKind: CertKindRule]
    public var notes: GuideNotes
    /// Everything one may have to prepare, by id (`unitApplication`, `businessLicense`, `ukey`, …).
    public var documents: [String: DocumentSpec]
    /// 正反两面复印在同一张A4纸
    public var twoSidedNote: String
    public var services: [Service: ServiceRule]
    public var channels: [Channel: ChannelInfo]
    public var payment: PaymentAccount
    /// The acceptance offices, in the guide's order.
    public var offices: [Office]
    public var holidays: HolidayCalendar

    /// The rule for a service; every service is present once the catalog has loaded.
    public func rule(for service: Service) -> ServiceRule { services[service]! }
}

/// Years allowed for a certificate kind (ODC: 1 only; personal: 1–5).
public struct CertKindRule: Codable, Sendable {
    public var label: String
    public var minYears: Int
    public var maxYears: Int
    public var guide: String
}

/// The notes 注1–注3 and the weekend note, as data.
public struct GuideNotes: Codable, Sendable {
    /// 注1: which item kinds carry the 单位公章.
    public struct Stamp: Codable, Sendable {
        public var guide: String
        public var kinds: [ItemKind]
        public var text: String
    }
    /// 注2: whose originals are shown, on which channel.
    public struct Originals: Codable, Sendable {
        public var guide: String
        public var channel: Channel
        public var documents: [String]
    }
    /// 注3: documents given once when both kinds are applied for.
    public struct Shared: Codable, Sendable {
        public var guide: String
        public var documents: [String]
    }
    /// 周末无法办理机构证书(ODC证书).
    public struct Weekend: Codable, Sendable {
        public var guide: String
        public var excludedKinds: [CertKind]
    }
    /// 调休上班 at an office whose 服务时间 says 周六日及法定节假日休息: the guide does not say whether it opens.
    public struct MakeUpWorkday: Codable, Sendable {
        /// The hours' wording that leaves the day open to doubt.
        public var guide: String
        /// What the plan says of such a day, e.g. 调休上班日，指南写周六日休息，请先电话确认.
        public var uncertain: String
    }
    public var stamp: Stamp
    public var originals: Originals
    public var shared: Shared
    public var weekend: Weekend
    public var makeUpWorkday: MakeUpWorkday
}

/// A sentence the program says, with the guide line it rests on.
public struct GuideText: Codable, Sendable, Equatable {
    public var text: String
    public var guide: String
}

/// One thing to prepare, as the catalog describes it.
public struct DocumentSpec: Codable, Sendable {
    public var kind: ItemKind
    /// The generated form, when the program prints this item.
    public var form: FormKind?
    public var title: String
    public var count: Int
    public var guide: String
    public var signer: String?
    public var seal: String?
    public var notes: [String]?
    /// 正反两面复印在同一张A4纸
    public var twoSided: Bool?
    /// Whose document it is: `legalRepresentative` or `handler`.
    public var person: String?
    /// The original shown at the counter (注2), if any.
    public var original: String?
}

/// How a fee is counted.
public enum FeeBasis: String, Codable, Sendable {
    /// Once per organisation (the ODC).
    case certificate
    /// Per holder of 机构个人证书 (e.g. per Ukey).
    case holder
    /// Per holder per year.
    case holderYear
}

/// 收费标准 for one service and kind.
public struct FeeRule: Codable, Sendable {
    public var amount: Int
    public var per: FeeBasis
    public var unit: String?
    public var guide: String
}

/// One cert kind under one service: its 申请资料 and 收费标准 (nil when unpublished).
public struct KindRule: Codable, Sendable {
    public var documents: [String]
    public var fee: FeeRule?
}

/// What one channel of one service allows.
public struct ServiceChannelRule: Codable, Sendable {
    public var kinds: [CertKind]
    public var guide: String?
    /// Replaces the kind's documents on this channel (online renewal needs only the Ukey).
    public var documents: [String]?
    public var steps: [String]
    /// 领取方式 on this channel when it differs from the channel's (online renewal updates the Ukey in place).
    public var collection: String?
    /// What the applicant must know on this channel of this service (online 新办: ID photos and 活体验证).
    public var notice: GuideText?
    /// Done as soon as paid, no review to wait for (online 续期: 付款成功后即可在线更新证书).
    public var immediate: GuideText?
}

/// 变更 with a new 法定代表人: the new legal representative's 法人证书 follows another service (新办);
/// the other holders' certificates stay under 变更.
public struct LegalRepresentativeChangeRule: Sendable {
    public var personal: Service
    public var guide: String
    /// What to do with the former legal representative's 法人证书 Ukey (the guide does not say).
    public var formerUkey: String
}

/// One service (申请 / 续期 / 变更 / 解锁 / 介质补办 / 吊销) as the guide describes it.
public struct ServiceRule: Sendable {
    public var label: String
    public var guide: String?
    /// False for 吊销: the guide does not publish its documents or fees.
    public var published: Bool
    public var unpublishedWarning: String?
    public var kinds: [CertKind: KindRule]
    public var legalRepresentativeChange: LegalRepresentativeChangeRule?
    public var channels: [Channel: ServiceChannelRule]
    /// 办理时效 when it differs from the channel's (吊销: not published).
    public var processing: String?
}

/// 办理途径 and 办理时效.
public struct ChannelInfo: Codable, Sendable {
    public var label: String
    public var processing: String
    public var collection: String
    /// Working days until done (0: 当天办结; 3 online).
    public var workingDays: Int
    public var guide: String?
    public var office: String?
}

/// 收款账户
public struct PaymentAccount: Codable, Sendable {
    public var company: String
    public var bank: String
    public var account: String
    public var onsite: String
    public var online: String
}
