/// An application the guide does not allow (as opposed to malformed data, see `ValidationIssue`).
public enum RulesError: Error, CustomStringConvertible, Equatable {
    /// No certificate asked for.
    case noCertificates
    /// Years outside what the guide allows for a kind (ODC: 1; personal: 1–5).
    case invalidYears(CertKind, years: Int, allowed: ClosedRange<Int>, guide: String)
    /// The service cannot be done on that channel (or not for that kind).
    case channelNotAllowed(Service, Channel, kind: CertKind?, guide: String?)

    public var description: String {
        switch self {
        case .noCertificates:
            return "至少需申请一种证书：机构证书（ODC证书）或机构个人证书（法人证书）"
        case let .invalidYears(kind, years, allowed, guide):
            let range = allowed.lowerBound == allowed.upperBound ? "只能办理\(allowed.lowerBound)年期" : "可办理\(allowed.lowerBound)-\(allowed.upperBound)年期"
            return "\(kind.label)\(range)，不能办理\(years)年（指南：\(guide)）"
        case let .channelNotAllowed(service, channel, kind, guide):
            if let kind {
                return "\(kind.label)不能\(channel.label)\(service.label)" + (guide.map { "（指南：\($0)）" } ?? "") + "；请选择现场办理"
            }
            return channel == .online ? Validator.onlineRouteMissing(service) : "\(service.label)不能\(channel.label)；请选择网上办理"
        }
    }
}
