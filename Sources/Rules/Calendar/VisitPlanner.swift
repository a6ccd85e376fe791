/// What can be done at one office on one date (and time).
public struct OfficeDay: Sendable, Equatable {
    public var office: Office
    public var date: CivilDate
    public var dayKind: DayKind
    /// Open at all that day (false on holidays, closed weekdays, uncovered years). On an `uncertain`
    /// day: open only if the office follows the 调休.
    public var isOpen: Bool
    /// A 调休上班 day on a weekday the office's 服务时间 says 休息 (周六日及法定节假日休息): the guide does
    /// not say whether it opens. `doable` is what could be done if it does; call first.
    public var uncertain: Bool = false
    /// The kinds that can be done there then.
    public var doable: [CertKind]
    /// The time of the visit after moving it out of lunch breaks / before opening; nil when no time given
    /// or when the time is after closing.
    public var time: ClockTime?
    /// Why not everything, or how the time moved.
    public var notes: [String]
}

/// The plan for a visit (现场办理) or the expected completion of an online application.
public struct VisitPlan: Sendable, Equatable {
    public enum Status: String, Sendable, Codable {
        /// Everything can be done there then.
        case complete
        /// Only some certificate kinds (the ODC is not done at weekends).
        case partial
        /// Nothing: closed, or after closing.
        case none
        /// The date's year is not in holidays.yaml.
        case notCovered
        /// A 调休上班 day at an office whose hours say 周六日休息: everything could be done if it opens,
        /// which the guide does not say; a certain day is proposed.
        case uncertain
        /// The date is before today: nothing can be done then; a day from today on is proposed.
        case past
    }
    /// A date and office where everything can be done.
    public struct Proposal: Sendable, Equatable {
        public var date: CivilDate
        public var office: Office
        /// The opening time (or the moved time on the requested day).
        public var time: ClockTime?
        public var dayKind: DayKind
        public var isMakeUpDay: Bool { if case .makeUpWorkday = dayKind { true } else { false } }
    }

    public var channel: Channel
    public var date: CivilDate
    /// The requested or chosen office; nil online.
    public var office: Office?
    public var time: ClockTime?
    public var status: Status
    public var dayKind: DayKind
    public var doable: [CertKind]
    public var notDoable: [CertKind]
    public var notes: [String]
    /// When not complete: the earliest date and office from `date` (or today, when `date` is past) on
    /// where everything can be done.
    public var proposal: Proposal?
    /// Online: the date by which 深圳CA should have finished (三个工作日); nil when done on payment (续期).
    public var expectedCompletion: CivilDate?
    /// Why the day is `uncertain`, e.g. 调休上班日，指南写周六日休息，请先电话确认.
    public var uncertainty: String?

    public var complete: Bool { status == .complete }
}

/// Opening days, hours, holidays and the weekend rule for the ODC, applied to a date.
public enum VisitPlanner {
    /// Days searched ahead for a proposal.
    public static let horizon = 60

    /// What `office` can do on `date` (at `time`, when given) for the `kinds` asked.
    public static func assess(office: Office, date: CivilDate, time: ClockTime?, kinds: [CertKind], catalog: Catalog) -> OfficeDay {
        let cal = catalog.holidays
        let dk = cal.kind(of: date)
        var day = OfficeDay(office: office, date: date, dayKind: dk, isOpen: false, doable: [], time: nil, notes: [])
        switch dk {
        case .notCovered:
            day.notes.append(cal.notCoveredMessage(date))
            return day
        case let .holiday(name) where office.closedOnHolidays:
            day.notes.append("\(date) 为法定节假日（\(name)），\(office.name)休息（指南：法定节假日休息）")
            return day
        case let .makeUpWorkday(name):
            // 调休上班: a working day for the ODC (no 周末 rule). An office open that weekday anyway is
            // open; one whose hours say 周六日休息 may or may not follow the 调休: uncertain.
            day.isOpen = true
            if office.days.contains(date.weekday) {
                day.notes.append("\(date)（\(date.weekdayLabel)）为调休上班日（\(name)），按工作日办理")
            } else {
                day.uncertain = true
                day.notes.append(
                    "\(date)（\(date.weekdayLabel)）为调休上班日（\(name)）；\(office.name)：\(catalog.notes.makeUpWorkday.uncertain)（服务时间：\(office.hours)）")
            }
        case .weekend, .workday, .holiday:
            day.isOpen = office.days.contains(date.weekday)
        }
        guard day.isOpen else {
            day.notes.append("\(office.name)\(date.weekdayLabel)不办公（服务时间：\(office.hours)）")
            return day
        }
        day.doable = kinds
        if dk == .weekend {
            let excluded = kinds.filter(catalog.notes.weekend.excludedKinds.contains)
            if !excluded.isEmpty {
                day.doable = kinds.filter { !excluded.contains($0) }
                day.notes.append("周末无法办理\(excluded.map(\.label).joined(separator: "、"))（指南：\(catalog.notes.weekend.guide)）")
            }
        }
        let first = office.sessions[0].open
        guard let t = time else {
            day.time = nil
            return day
        }
        if office.session(containing: t) != nil {
            day.time = t
        } else if t < first {
            day.time = first
            day.notes.append("\(t) 尚未开门，\(office.name)\(first) 开始办公，到访时间顺延至 \(first)")
        } else if let next = office.nextOpening(atOrAfter: t) {
            day.time = next
            let gap = office.sessions.last { $0.close <= t }.map { "\($0.close)-\(next)" } ?? "\(next) 前"
            day.notes.append("\(t) 为午休时间（\(gap)），\(office.name)\(next) 恢复办公，到访时间顺延至 \(next)")
        } else {
            let close = office.sessions.last!.close
            day.doable = []
            day.notes.append("\(t) 已过下班时间（\(office.name)\(close) 下班），当天无法办理，顺延至下一个办理日开门时间")
        }
        return day
    }

    /// Plans a 现场办理 visit: whether everything (or which part) can be done at the office on the
    /// date, and else the earliest date and office from then on where everything can be done.
    /// With no office given, the first office (catalog order) that can do everything is chosen.
    /// An `uncertain` day (调休上班 at an office whose hours say 周六日休息) is never complete nor proposed.
    /// - Parameters:
    ///   - processing: 办理时效 said of a complete day; defaults to the 现场办理 channel's (当天办结).
    ///   - today: today in Asia/Shanghai; a `date` before it is `past` (日期已过) and the proposal starts
    ///     today. Nil: no day is past (the calendar alone).
    public static func plan(
        kinds: [CertKind], date: CivilDate, time: ClockTime? = nil, office: Office? = nil,
        processing: String? = nil, catalog: Catalog, today: CivilDate? = nil
    ) -> VisitPlan {
        if let today, date < today {
            var plan = VisitPlan(
                channel: .onsite, date: date, office: office, time: time, status: .past,
                dayKind: catalog.holidays.kind(of: date), doable: [], notDoable: kinds,
                notes: [pastMessage(date, today: today)], proposal: nil, expectedCompletion: nil)
            propose(into: &plan, kinds: kinds, from: today, time: nil, office: office, skipping: nil, catalog: catalog)
            return plan
        }
        let candidates = office.map { [$0] } ?? catalog.offices
        let days = candidates.map { assess(office: $0, date: date, time: time, kinds: kinds, catalog: catalog) }
        let chosen =
            days.first { !$0.uncertain && $0.doable.count == kinds.count }
            ?? days.first { $0.doable.count == kinds.count }
            ?? days.max { $0.doable.count < $1.doable.count }!
        let dk = catalog.holidays.kind(of: date)
        var plan = VisitPlan(
            channel: .onsite, date: date, office: chosen.office, time: chosen.time, status: .none,
            dayKind: dk, doable: chosen.doable, notDoable: kinds.filter { !chosen.doable.contains($0) },
            notes: chosen.notes, proposal: nil, expectedCompletion: nil)
        if dk == .notCovered {
            plan.status = .notCovered
            if office == nil {
                plan.office = nil
                plan.notes = [catalog.holidays.notCoveredMessage(date)]
            }
            return plan
        }
        if chosen.doable.count == kinds.count, !chosen.uncertain {
            plan.status = .complete
            plan.notes.append(
                "\(chosen.office.name)（\(chosen.office.address)）\(date)\(date.weekdayLabel)可办理全部业务；\(processing ?? catalog.channels[.onsite]?.processing ?? "")"
            )
            return plan
        }
        if chosen.uncertain, chosen.doable.count == kinds.count {
            plan.status = .uncertain
            plan.uncertainty = catalog.notes.makeUpWorkday.uncertain
        } else {
            if office == nil, chosen.doable.isEmpty {
                plan.office = nil
                plan.notes = ["\(date)（\(date.weekdayLabel)）各受理点均不能办理："] + days.flatMap(\.notes).uniqued()
            }
            plan.status = chosen.doable.isEmpty ? .none : .partial
        }
        if plan.status == .partial {
            plan.notes.append(
                "当天只能办理\(chosen.doable.map(\.label).joined(separator: "、"))；\(plan.notDoable.map(\.label).joined(separator: "、"))须另选工作日")
        }
        // The earliest day and office from `date` on; the requested office first on each day.
        propose(
            into: &plan, kinds: kinds, from: date, time: time, office: office,
            skipping: time == nil ? office : nil, catalog: catalog)
        return plan
    }

    /// 「日期已过」: what a date before today is told.
    public static func pastMessage(_ date: CivilDate, today: CivilDate) -> String {
        "日期已过：\(date)（\(date.weekdayLabel)）在今天（\(today)）之前，请改为今天或以后的日期"
    }

    /// Looks for the earliest day from `start` (within `horizon` days) and office where everything can
    /// be done, the requested office first on each day, and puts it in `plan` as its proposal. `time`
    /// applies to the first day only; `skipping` is an office already assessed on the first day. Stops,
    /// proposing nothing, at a year whose holidays are not published: it cannot know those days.
    static func propose(
        into plan: inout VisitPlan, kinds: [CertKind], from start: CivilDate, time: ClockTime?, office: Office?,
        skipping: Office?, catalog: Catalog
    ) {
        let order = office.map { o in [o] + catalog.offices.filter { $0.id != o.id } } ?? catalog.offices
        for offset in 0...horizon {
            let d = start.adding(days: offset)
            if catalog.holidays.kind(of: d) == .notCovered {
                plan.notes.append(catalog.holidays.notCoveredMessage(d))
                return
            }
            for o in order {
                let t: ClockTime? = offset == 0 ? time : nil
                if offset == 0, let skip = skipping, o.id == skip.id { continue }  // already assessed
                let a = assess(office: o, date: d, time: t, kinds: kinds, catalog: catalog)
                if a.doable.count == kinds.count, !a.uncertain {
                    plan.proposal = .init(date: d, office: o, time: a.time ?? o.sessions[0].open, dayKind: a.dayKind)
                    var text = "建议：\(d)（\(d.weekdayLabel)）\(a.time ?? o.sessions[0].open) 起到\(o.name)（\(o.address)）办理全部业务"
                    if case let .makeUpWorkday(h) = a.dayKind { text += "（该日为\(h)调休上班日，按工作日办理）" }
                    plan.notes.append(text)
                    return
                }
            }
        }
        plan.notes.append("\(horizon) 天内未找到可办理全部业务的日期，请联系深圳CA")
    }

    /// 网上办理: submitted on `date`, done 三个工作日 later (counting 调休上班 days, skipping holidays).
    /// - Parameters:
    ///   - collection: how the result reaches the applicant, when not the channel's default (Ukey mailed).
    ///   - immediate: done on payment, no review (online 续期: 付款成功后即可在线更新证书): no date is forecast.
    ///   - today: a submission `date` before it is `past` (日期已过): nothing is forecast.
    public static func online(
        date: CivilDate, catalog: Catalog, collection: String? = nil, immediate: GuideText? = nil,
        today: CivilDate? = nil
    ) -> VisitPlan {
        let info = catalog.channels[.online]
        let n = info?.workingDays ?? 3
        let cal = catalog.holidays
        var plan = VisitPlan(
            channel: .online, date: date, office: nil, time: nil, status: .complete, dayKind: cal.kind(of: date),
            doable: [], notDoable: [], notes: [], proposal: nil, expectedCompletion: nil)
        if let today, date < today {
            plan.status = .past
            plan.notes.append(pastMessage(date, today: today))
            return plan
        }
        if let now = immediate {
            plan.notes.append("网厅办理：\(date) 提交并缴费，\(now.text)（指南：\(now.guide)）")
            return plan
        }
        guard cal.covers(date), let done = cal.workingDay(n, after: date) else {
            plan.status = .notCovered
            let d = cal.covers(date) ? (1...40).map { date.adding(days: $0) }.first { !cal.covers($0) } ?? date : date
            plan.notes.append("无法计算\(n)个工作日后的日期：" + cal.notCoveredMessage(d))
            return plan
        }
        plan.expectedCompletion = done
        let crossed = (1...(done.dayNumber - date.dayNumber)).compactMap { i -> String? in
            if case let .holiday(h) = cal.kind(of: date.adding(days: i)) { return h } else { return nil }
        }.uniqued()
        var text = "网厅办理：\(date) 提交，\(n)个工作日（前提是资料无误），预计 \(done)（\(done.weekdayLabel)）审核完成"
        if !crossed.isEmpty { text += "；期间遇\(crossed.joined(separator: "、"))假期顺延" }
        plan.notes.append(text)
        if case let .makeUpWorkday(h) = cal.kind(of: done) { plan.notes.append("\(done) 为\(h)调休上班日，计为工作日") }
        if let c = collection {
            plan.notes.append("审核通过后：\(c)")
        } else if let c = info?.collection {
            plan.notes.append("审核通过后 Ukey \(c)；证书密码以短信告知经办人")
        }
        return plan
    }
}

extension Array where Element: Hashable {
    func uniqued() -> [Element] {
        var seen = Set<Element>()
        return filter { seen.insert($0).inserted }
    }
}
