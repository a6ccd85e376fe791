import Foundation

/// A public holiday period (法定节假日放假), inclusive.
public struct HolidayPeriod: Sendable, Equatable {
    public var name: String
    public var from: CivilDate
    public var to: CivilDate
    public func contains(_ d: CivilDate) -> Bool { from <= d && d <= to }
}

/// A make-up working day (调休上班): a Saturday or Sunday made a working day.
public struct MakeUpWorkday: Sendable, Equatable {
    public var date: CivilDate
    /// The holiday it makes up for.
    public var holiday: String
}

/// What kind of day a date is in the mainland calendar.
public enum DayKind: Sendable, Equatable {
    /// Monday–Friday, not a holiday.
    case workday
    /// Saturday or Sunday, not made a working day.
    case weekend
    /// 法定节假日 (named).
    case holiday(String)
    /// 调休上班: a weekend day that is a working day (for the named holiday).
    case makeUpWorkday(String)
    /// The year's arrangement is not in holidays.yaml: unknown, not guessed.
    case notCovered

    /// Working day in the mainland sense (ODC possible, Mon–Fri offices open). Nil when not covered.
    public var isWorkingDay: Bool? {
        switch self {
        case .workday, .makeUpWorkday: true
        case .weekend, .holiday: false
        case .notCovered: nil
        }
    }
}

/// The State Council holiday arrangements for the years in `Templates/holidays.yaml`.
public struct HolidayCalendar: Sendable {
    public struct Year: Sendable {
        public var year: Int
        public var source: String
        public var holidays: [HolidayPeriod]
        public var makeUpWorkdays: [MakeUpWorkday]
    }
    public var years: [Int: Year]

    public init(years: [Int: Year]) { self.years = years }

    /// The years whose arrangement is known.
    public var coveredYears: [Int] { years.keys.sorted() }
    public func covers(_ d: CivilDate) -> Bool { years[d.year] != nil }

    public func kind(of d: CivilDate) -> DayKind {
        guard let y = years[d.year] else { return .notCovered }
        if let h = y.holidays.first(where: { $0.contains(d) }) { return .holiday(h.name) }
        if let m = y.makeUpWorkdays.first(where: { $0.date == d }) { return .makeUpWorkday(m.holiday) }
        return d.isWeekend ? .weekend : .workday
    }

    /// The `n`th working day strictly after `d` (n ≥ 1); nil when the count runs into an uncovered year.
    public func workingDay(_ n: Int, after d: CivilDate) -> CivilDate? {
        var date = d
        var left = n
        while left > 0 {
            date = date.adding(days: 1)
            guard let working = kind(of: date).isWorkingDay else { return nil }
            if working { left -= 1 }
        }
        return date
    }

    /// A message for a date outside the covered years: that year's arrangement is not published (the
    /// State Council publishes it late in the year before). Nothing is guessed, no file is named.
    public func notCoveredMessage(_ d: CivilDate) -> String {
        "\(d.year) 年节假日安排尚未公布，请先电话确认"
    }
}
