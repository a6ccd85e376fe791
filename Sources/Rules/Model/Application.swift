import Foundation

/// The application model: one organisation, one service, one or both certificate kinds.
///
/// Decoded from YAML or JSON (see `ApplicationLoader`). Field names are the data model's names used
/// in FORMS.md; enum values accept both the English model word and the guide's Chinese word.

/// One application: what the applicant brings to the counter (or uploads) for one organisation.
public struct Application: Codable, Sendable, Equatable {
    public var organization: Organization
    public var legalRepresentative: Person
    public var handler: Person
    /// Holders of 机构个人证书. When absent, the legal representative is the one holder.
    public var holders: [Person]?
    public var service: Service
    public var certificates: Certificates
    public var channel: Channel
    public var existingCertificate: ExistingCertificate?
    /// 变更事项; only for `Service.change`.
    public var change: ChangeDetails?
    public var visit: PlannedVisit?
    /// 填表日期; when nil the forms leave 年 月 日 blank for pen.
    public var applicationDate: CivilDate?
    /// 证件号码 the applicant checked against the original and that do end in 000 (refused otherwise,
    /// as what a spreadsheet leaves of a rounded number). A number here is accepted wherever it appears.
    public var confirmedIdNumbers: [String]?
    /// The pictures the copy pages (复印件) are made from; nil: every copy is a photocopy to make.
    public var copies: Copies?

    public init(
        organization: Organization, legalRepresentative: Person, handler: Person, holders: [Person]? = nil,
        service: Service, certificates: Certificates, channel: Channel = .onsite,
        existingCertificate: ExistingCertificate? = nil, change: ChangeDetails? = nil,
        visit: PlannedVisit? = nil, applicationDate: CivilDate? = nil, confirmedIdNumbers: [String]? = nil, copies: Copies? = nil
    ) {
        self.organization = organization
        self.legalRepresentative = legalRepresentative
        self.handler = handler
        self.holders = holders
        self.service = service
        self.certificates = certificates
        self.channel = channel
        self.existingCertificate = existingCertificate
        self.change = change
        self.visit = visit
        self.applicationDate = applicationDate
        self.confirmedIdNumbers = confirmedIdNumbers
        self.copies = copies
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case organization, legalRepresentative, handler, holders, service, certificates, channel
        case existingCertificate, change, visit, applicationDate, confirmedIdNumbers, copies
    }

    public init(from decoder: any Decoder) throws {
        try decoder.refuseUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        organization = try c.decode(Organization.self, forKey: .organization)
        legalRepresentative = try c.decode(Person.self, forKey: .legalRepresentative)
        handler = try c.decode(Person.self, forKey: .handler)
        holders = try c.decodeIfPresent([Person].self, forKey: .holders)
        service = try c.decode(Service.self, forKey: .service)
        certificates = try c.decode(Certificates.self, forKey: .certificates)
        channel = try c.decodeIfPresent(Channel.self, forKey: .channel) ?? .onsite
        existingCertificate = try c.decodeIfPresent(ExistingCertificate.self, forKey: .existingCertificate)
        change = try c.decodeIfPresent(ChangeDetails.self, forKey: .change)
        visit = try c.decodeIfPresent(PlannedVisit.self, forKey: .visit)
        applicationDate = try c.decodeIfPresent(CivilDate.self, forKey: .applicationDate)
        confirmedIdNumbers = try c.decodeIfPresent([String].self, forKey: .confirmedIdNumbers)
        copies = try c.decodeIfPresent(Copies.self, forKey: .copies)
    }

    /// The people holding 机构个人证书: `holders`, or the legal representative alone.
    public var personalHolders: [Person] { holders ?? [legalRepresentative] }
}

/// 机构信息.
public struct Organization: Codable, Sendable, Equatable {
    /// 单位名称
    public var name: String
    /// 统一社会信用代码 (GB 32100-2015, 18 characters)
    public var uscc: String
    /// 单位地址
    public var address: String
    /// 邮政编码 (optional)
    public var postcode: String?
    /// 单位电话 (optional)
    public var phone: String?

    public init(name: String, uscc: String, address: String, postcode: String? = nil, phone: String? = nil) {
        self.name = name
        self.uscc = uscc
        self.address = address
        self.postcode = postcode
        self.phone = phone
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case name, uscc, address, postcode, phone }

    public init(from decoder: any Decoder) throws {
        try decoder.refuseUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        uscc = try c.decode(String.self, forKey: .uscc)
        address = try c.decode(String.self, forKey: .address)
        postcode = try c.decodeIfPresent(String.self, forKey: .postcode)
        phone = try c.decodeIfPresent(String.self, forKey: .phone)
    }
}

/// A natural person on the forms: 法定代表人, 经办人 or a certificate holder.
public struct Person: Codable, Sendable, Equatable {
    public var name: String
    public var idType: IDType
    public var idNumber: String
    /// 手机号码; the CA texts the certificate password to the 经办人's mobile.
    public var mobile: String
    /// 电子邮箱 (经办人)
    public var email: String?
    /// 职务 (holders on the 附页)
    public var title: String?

    public init(name: String, idType: IDType = .residentID, idNumber: String, mobile: String, email: String? = nil, title: String? = nil) {
        self.name = name
        self.idType = idType
        self.idNumber = idNumber
        self.mobile = mobile
        self.email = email
        self.title = title
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case name, idType, idNumber, mobile, email, title }

    public init(from decoder: any Decoder) throws {
        try decoder.refuseUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        idType = try c.decodeIfPresent(IDType.self, forKey: .idType) ?? .residentID
        idNumber = try c.decode(String.self, forKey: .idNumber)
        mobile = try c.decode(String.self, forKey: .mobile)
        email = try c.decodeIfPresent(String.self, forKey: .email)
        title = try c.decodeIfPresent(String.self, forKey: .title)
    }
}

/// 证件类型. Decodes from the English case name or the Chinese label.
public enum IDType: String, Codable, Sendable, CaseIterable, Equatable {
    case residentID = "居民身份证"
    case hongKongMacauPermit = "港澳居民来往内地通行证"
    case taiwanPermit = "台湾居民来往大陆通行证"
    case foreignPermanentResident = "外国人永久居留身份证"
    case passport = "护照"

    /// The Chinese label printed on the forms.
    public var label: String { rawValue }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let value = IDType.parse(text) else {
            throw DecodingError.dataCorrupted(
                .init(
                    codingPath: decoder.codingPath,
                    debugDescription: "证件类型「\(Normaliser.shown(text))」无法识别；应为 \(IDType.allCases.map(\.label).joined(separator: "、"))"))
        }
        self = value
    }

    public static func parse(_ text: String) -> IDType? {
        let t = Normaliser.normalise(text, kind: .code)
        if let v = IDType(rawValue: t) { return v }
        return allCases.first { "\($0)".lowercased() == t.lowercased() }
    }
}

/// The service (业务类型): exactly one per application.
public enum Service: String, Codable, Sendable, CaseIterable, Equatable {
    case new, renew, change, unlock, replace, revoke

    /// The guide's word, as printed in the 业务类型 tick row.
    public var label: String {
        switch self {
        case .new: "新办"
        case .renew: "续期"
        case .change: "变更"
        case .unlock: "解锁"
        case .replace: "介质补办"
        case .revoke: "吊销"
        }
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let value = Service.parse(text) else {
            throw DecodingError.dataCorrupted(
                .init(
                    codingPath: decoder.codingPath,
                    debugDescription: "业务类型「\(Normaliser.shown(text))」无法识别；应为 新办、续期、变更、解锁、介质补办 或 吊销（或 new、renew、change、unlock、replace、revoke）"))
        }
        self = value
    }

    public static func parse(_ text: String) -> Service? {
        let t = Normaliser.normalise(text, kind: .code)
        if let v = Service(rawValue: t.lowercased()) { return v }
        if t == "申请" || t == "首次办理" { return .new }
        return allCases.first { $0.label == t }
    }
}

/// 现场办理 / 网上办理.
public enum Channel: String, Codable, Sendable, CaseIterable, Equatable {
    case onsite, online

    public var label: String { self == .onsite ? "现场办理" : "网上办理" }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let value = Channel.parse(text) else {
            throw DecodingError.dataCorrupted(
                .init(
                    codingPath: decoder.codingPath,
                    debugDescription: "办理方式「\(Normaliser.shown(text))」无法识别；应为 现场办理（onsite）或 网上办理（online）"))
        }
        self = value
    }

    public static func parse(_ text: String) -> Channel? {
        let t = Normaliser.normalise(text, kind: .code)
        if let v = Channel(rawValue: t.lowercased()) { return v }
        switch t {
        case "现场", "现场办理": return .onsite
        case "网上", "网上办理", "网厅", "网厅办理": return .online
        default: return nil
        }
    }
}

/// The two certificate kinds of the guide.
public enum CertKind: String, Codable, Sendable, CaseIterable, Equatable {
    /// 机构证书（ODC证书）: always 1 year.
    case odc
    /// 机构个人证书（法人证书）: per holder, 1–5 years.
    case personal

    public var label: String { self == .odc ? "机构证书（ODC证书）" : "机构个人证书（法人证书）" }
}

/// The certificates asked for. At least one of the two must be present (checked by validation).
public struct Certificates: Codable, Sendable, Equatable {
    public var odc: ODCRequest?
    public var personal: PersonalRequest?

    public init(odc: ODCRequest? = nil, personal: PersonalRequest? = nil) {
        self.odc = odc
        self.personal = personal
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case odc, personal }

    public init(from decoder: any Decoder) throws {
        try decoder.refuseUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        odc = try c.decodeIfPresent(ODCRequest.self, forKey: .odc)
        personal = try c.decodeIfPresent(PersonalRequest.self, forKey: .personal)
    }

    public var kinds: [CertKind] { (odc != nil ? [.odc] : []) + (personal != nil ? [.personal] : []) }
}

public struct ODCRequest: Codable, Sendable, Equatable {
    /// Must be 1: the guide says 只能办理1年期.
    public var years: Int
    public init(years: Int = 1) { self.years = years }
    enum CodingKeys: String, CodingKey, CaseIterable { case years }
    public init(from decoder: any Decoder) throws {
        try decoder.refuseUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        years = try c.decodeIfPresent(Int.self, forKey: .years) ?? 1
    }
}

public struct PersonalRequest: Codable, Sendable, Equatable {
    /// 1–5 (可办理1-5年期).
    public var years: Int
    public init(years: Int = 1) { self.years = years }
    enum CodingKeys: String, CodingKey, CaseIterable { case years }
    /// `years` must be given: the fee counts years, so a silent default of 1 would be a silent price.
    public init(from decoder: any Decoder) throws {
        try decoder.refuseUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        guard let years = try c.decodeIfPresent(Int.self, forKey: .years) else {
            throw DecodingError.dataCorruptedError(
                forKey: .years, in: c,
                debugDescription:
                    "机构个人证书（法人证书）须写明年限 years（1–5 年），如 personal: {years: 1}")
        }
        self.years = years
    }
}

/// 原证书序列号.
public struct ExistingCertificate: Codable, Sendable, Equatable {
    public var serial: String?
    public init(serial: String?) { self.serial = serial }
    enum CodingKeys: String, CodingKey, CaseIterable { case serial }
    public init(from decoder: any Decoder) throws {
        try decoder.refuseUnknownKeys(CodingKeys.self)
        serial = try decoder.container(keyedBy: CodingKeys.self).decodeIfPresent(String.self, forKey: .serial)
    }
}

/// 变更事项: what changes, from → to.
public struct ChangeDetails: Codable, Sendable, Equatable {
    public var items: [ChangeItem]
    public init(items: [ChangeItem]) { self.items = items }
    enum CodingKeys: String, CodingKey, CaseIterable { case items }
    public init(from decoder: any Decoder) throws {
        try decoder.refuseUnknownKeys(CodingKeys.self)
        items = try decoder.container(keyedBy: CodingKeys.self).decode([ChangeItem].self, forKey: .items)
    }

    /// True when the 法定代表人 changes: the personal (法人) certificate is then a new application.
    public var changesLegalRepresentative: Bool { items.contains { $0.isLegalRepresentative } }
}

public struct ChangeItem: Codable, Sendable, Equatable {
    /// What changes, e.g. 单位名称, 单位地址, 法定代表人.
    public var item: String
    public var from: String
    public var to: String
    public init(item: String, from: String, to: String) {
        self.item = item
        self.from = from
        self.to = to
    }
    enum CodingKeys: String, CodingKey, CaseIterable { case item, from, to }
    public init(from decoder: any Decoder) throws {
        try decoder.refuseUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        item = try c.decode(String.self, forKey: .item)
        from = try c.decode(String.self, forKey: .from)
        to = try c.decode(String.self, forKey: .to)
    }

    public var isLegalRepresentative: Bool {
        ["法定代表人", "法人", "legalRepresentative"].contains(item.trimmingCharacters(in: .whitespaces))
    }
}

/// The planned visit: a date, optionally a time (HH:MM) and an office (name or id).
public struct PlannedVisit: Codable, Sendable, Equatable {
    public var date: CivilDate?
    public var time: String?
    public var office: String?
    public init(date: CivilDate? = nil, time: String? = nil, office: String? = nil) {
        self.date = date
        self.time = time
        self.office = office
    }
    enum CodingKeys: String, CodingKey, CaseIterable { case date, time, office }
    public init(from decoder: any Decoder) throws {
        try decoder.refuseUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        date = try c.decodeIfPresent(CivilDate.self, forKey: .date)
        time = try c.decodeIfPresent(String.self, forKey: .time)
        office = try c.decodeIfPresent(String.self, forKey: .office)
    }
}
