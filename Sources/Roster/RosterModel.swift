import Foundation
import Rules

/// 证书状态.
public enum CertificateStatus: String, Codable, Sendable, CaseIterable {
    case valid = "有效"
    case renewed = "已续期"
    case changed = "已变更"
    case revoked = "已吊销"
    case mediaReplaced = "介质补办"
}

/// Where an application stands: made as a pack, handed in, finished at the counter, or sent back.
public enum ApplicationState: String, Codable, Sendable, CaseIterable {
    case draft = "草稿"
    case made = "已生成"
    case submitted = "已递交"
    case done = "已办结"
    case returned = "退回"
}

/// A person's role in an organisation.
public enum RoleKind: String, Codable, Sendable, CaseIterable {
    case legalRepresentative = "法定代表人"
    case handler = "经办人"
    case holder = "持证人"
}

/// A person and one role of theirs in an organisation, from `since` until `until` (nil: still).
public struct PersonRole: Codable, Sendable, Equatable {
    public var person: Person
    public var role: RoleKind
    public var since: CivilDate
    public var until: CivilDate?
}

/// A certificate as the roster knows it.
public struct CertificateRecord: Codable, Sendable, Equatable {
    public var id: Int64
    public var uscc: String
    public var kind: CertKind
    /// The holder of a 机构个人证书 (nil for the ODC).
    public var holderName: String?
    public var holderIDType: IDType?
    public var holderIDNumber: String?
    public var serial: String?
    public var years: Int?
    public var issuedOn: CivilDate?
    public var validUntil: CivilDate?
    /// True when `validUntil` was worked out from the issue date and years (估算), not printed.
    public var estimated: Bool
    public var status: CertificateStatus

    /// Days from `today` to the last valid day (negative: expired).
    public func daysLeft(today: CivilDate) -> Int? { validUntil.map { $0.dayNumber - today.dayNumber } }

    /// 机构证书 / 法人证书（张伟）
    public var shortLabel: String {
        kind == .odc ? "机构证书" : "法人证书" + (holderName.map { "（\($0)）" } ?? "")
    }
}

/// An application recorded: what was made, when, and where it stands.
public struct ApplicationRecord: Codable, Sendable, Equatable {
    public var id: Int64
    public var uscc: String
    public var service: Service
    public var madeOn: CivilDate
    public var state: ApplicationState
    public var packSHA256: String?
    /// The application as the CLI's YAML (`certpack fill` reads it back).
    public var yaml: String
}

/// One line of `roster list`: an organisation and one of its certificates (with `--due`, each due
/// certificate; without, the one that expires first, if any).
public struct RosterEntry: Codable, Sendable, Equatable {
    public var uscc: String
    public var name: String
    public var legalRepresentative: String?
    public var certificate: CertificateRecord?
}

/// A page of a list: the entries asked for, and how many the whole list holds.
public struct RosterPage: Codable, Sendable, Equatable {
    public var total: Int
    public var entries: [RosterEntry]
    /// The roster's version it was read at (`Roster.version`): the page stays right while that holds.
    public var version: Int64 = 0
}

/// An organisation's card: everything the roster holds about it.
public struct OrganisationCard: Codable, Sendable, Equatable {
    public struct EarlierName: Codable, Sendable, Equatable {
        public var name: String
        public var until: CivilDate
    }
    public var organisation: Organization
    public var earlierNames: [EarlierName]
    public var people: [PersonRole]
    public var certificates: [CertificateRecord]
    public var applications: [ApplicationRecord]

    /// The 法定代表人 now, if known.
    public var legalRepresentative: Person? { current(.legalRepresentative).first }
    /// The 经办人 now, if known.
    public var handler: Person? { current(.handler).first }
    /// The people holding a role now.
    public func current(_ role: RoleKind) -> [Person] { people.filter { $0.role == role && $0.until == nil }.map(\.person) }
}

/// An application being typed (the web's 申请 form), kept as JSON with when it last changed.
public struct Draft: Codable, Sendable, Equatable {
    /// nil for a draft not yet saved.
    public var id: Int64?
    public var uscc: String?
    public var title: String
    public var json: String
    public var updatedAt: String
    public init(id: Int64? = nil, uscc: String? = nil, title: String = "", json: String, updatedAt: String = "") {
        self.id = id
        self.uscc = uscc
        self.title = title
        self.json = json
        self.updatedAt = updatedAt
    }
}

/// What the counter issued (`roster issued`, the web's 记录办结).
public struct IssuedCertificate: Codable, Sendable, Equatable {
    public var uscc: String
    public var kind: CertKind
    /// The holder's 证件号码 (机构个人证书); nil: the 法定代表人.
    public var holderIDNumber: String?
    public var serial: String
    public var issuedOn: CivilDate
    /// As printed on the certificate; nil: estimated from `years` (估算).
    public var validUntil: CivilDate?
    public var years: Int?
    public init(
        uscc: String, kind: CertKind, holderIDNumber: String? = nil, serial: String, issuedOn: CivilDate, validUntil: CivilDate? = nil,
        years: Int? = nil
    ) {
        self.uscc = uscc
        self.kind = kind
        self.holderIDNumber = holderIDNumber
        self.serial = serial
        self.issuedOn = issuedOn
        self.validUntil = validUntil
        self.years = years
    }
}

/// Where the roster file is: `--roster PATH`, else `$CERTPACK_ROSTER`, else
/// `$XDG_DATA_HOME/certpack/roster.sqlite`, else `~/.local/share/certpack/roster.sqlite`.
public enum RosterLocation {
    public static func resolve(explicit: String?, environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        if let explicit, !explicit.isEmpty { return URL(fileURLWithPath: explicit) }
        if let env = environment["CERTPACK_ROSTER"], !env.isEmpty { return URL(fileURLWithPath: env) }
        let base: URL
        if let xdg = environment["XDG_DATA_HOME"], xdg.hasPrefix("/") {
            base = URL(fileURLWithPath: xdg)
        } else {
            let home = environment["HOME"] ?? NSHomeDirectory()
            base = URL(fileURLWithPath: home).appendingPathComponent(".local/share")
        }
        return base.appendingPathComponent("certpack/roster.sqlite")
    }
}
