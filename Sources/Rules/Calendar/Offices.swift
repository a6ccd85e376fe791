import Foundation

/// A time of day, minutes after midnight; parsed from and printed as `HH:MM`.
public struct ClockTime: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let minutes: Int
    public init(minutes: Int) { self.minutes = minutes }
    public init?(hour: Int, minute: Int) {
        guard (0...23).contains(hour), (0...59).contains(minute) else { return nil }
        minutes = hour * 60 + minute
    }
    /// Parses `H:MM` or `HH:MM` (also the full-width colon `：`).
    public init?(_ text: String) {
        let parts = text.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "：", with: ":")
            .split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, (1...2).contains(parts[0].count), parts[1].count == 2,
            parts.allSatisfy({ $0.allSatisfy(\.isASCII) }),
            let h = Int(parts[0]), let m = Int(parts[1])
        else { return nil }
        self.init(hour: h, minute: m)
    }
    public var description: String {
        let h = minutes / 60
        let m = minutes % 60
        return (h < 10 ? "0\(h)" : "\(h)") + ":" + (m < 10 ? "0\(m)" : "\(m)")
    }
    public static func < (a: ClockTime, b: ClockTime) -> Bool { a.minutes < b.minutes }
}

/// One opening session of an office, e.g. 9:00–12:00.
public struct Session: Sendable, Equatable {
    public var open: ClockTime
    public var close: ClockTime
    public init(open: ClockTime, close: ClockTime) {
        self.open = open
        self.close = close
    }
    public var description: String { "\(open)-\(close)" }
}

/// An acceptance office (受理点) with its address and 服务时间.
public struct Office: Sendable, Equatable {
    public var id: String
    public var name: String
    public var aliases: [String]
    public var address: String
    /// ISO weekdays on which it opens (1 = 周一 … 7 = 周日), on ordinary (non-holiday) weeks.
    public var days: Set<Int>
    /// Sessions of a day, in order; the gaps between them are the lunch break.
    public var sessions: [Session]
    /// 法定节假日休息
    public var closedOnHolidays: Bool
    /// The guide's 服务时间 line.
    public var hours: String

    /// Whether `query` names this office: its id, its name, an alias, or a unique part of the name.
    public func matches(exactly query: String) -> Bool {
        let q = query.trimmingCharacters(in: .whitespaces)
        return q == id || q == name || aliases.contains(q)
    }

    /// The first session opening at or after `time`, if any.
    public func nextOpening(atOrAfter time: ClockTime) -> ClockTime? {
        sessions.first { $0.open >= time }?.open
    }
    /// The session containing `time` (open ≤ time < close).
    public func session(containing time: ClockTime) -> Session? {
        sessions.first { $0.open <= time && time < $0.close }
    }
    /// The lunch break (first gap between sessions), as `12:00-14:00`.
    public var lunchBreak: Session? {
        guard sessions.count >= 2 else { return nil }
        return Session(open: sessions[0].close, close: sessions[1].open)
    }
}

public enum OfficeLookupError: Error, CustomStringConvertible, Equatable {
    case unknown(String, known: [String])
    case ambiguous(String, candidates: [String])
    public var description: String {
        switch self {
        case let .unknown(q, known): "未知受理点「\(q)」；可选：\(known.joined(separator: "、"))"
        case let .ambiguous(q, c): "受理点「\(q)」不明确，可能是：\(c.joined(separator: "、"))；请写全称"
        }
    }
}

extension Catalog {
    /// Finds an office by id, name, alias, or a part of its name that names one office only.
    public func office(named query: String) throws -> Office {
        if let o = offices.first(where: { $0.matches(exactly: query) }) { return o }
        let q = query.trimmingCharacters(in: .whitespaces)
        let found = offices.filter { !q.isEmpty && ($0.name.contains(q) || $0.address.contains(q)) }
        if found.count == 1 { return found[0] }
        if found.isEmpty { throw OfficeLookupError.unknown(q, known: offices.map(\.name)) }
        throw OfficeLookupError.ambiguous(q, candidates: found.map(\.name))
    }
}
