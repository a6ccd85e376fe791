import Testing

@testable import Rules

@Suite struct VisitPlanning {
    let both: [CertKind] = [.odc, .personal]
    func office(_ n: String) throws -> Office { try catalog.office(named: n) }

    // 「1.科技园文化广场 … 服务时间:周一至周日:9:00-12:00,13:30-18:00」 and
    // 「注:周末无法办理机构证书(ODC证书),机构个人证书可正常办理」
    @Test func saturdayAtKejiyuanIsPartialAndProposesNextWeekday() throws {
        let p = VisitPlanner.plan(kinds: both, date: date("2026-12-05"), office: try office("科技园文化广场"), catalog: catalog)
        #expect(p.status == .partial)
        #expect(p.doable == [.personal] && p.notDoable == [.odc])
        #expect(p.notes.contains { $0.contains("周末无法办理机构证书") })
        #expect(p.proposal?.date == date("2026-12-07"))
        #expect(p.proposal?.office.name == "科技园文化广场")
        #expect(p.proposal?.time?.description == "09:00")
        // Personal only: Saturday is fine there.
        #expect(VisitPlanner.plan(kinds: [.personal], date: date("2026-12-05"), office: try office("科技园"), catalog: catalog).complete)
    }

    // 「3.龙岗受理点 … 服务时间:周一至周五:9:00-12:00,13:30-18:00 周六日及法定节假日休息」
    @Test func sundayAtLonggangIsClosed() throws {
        let p = VisitPlanner.plan(kinds: [.personal], date: date("2026-12-06"), office: try office("龙岗受理点"), catalog: catalog)
        #expect(p.status == .none)
        #expect(p.doable.isEmpty)
        #expect(p.notes.contains { $0.contains("周日不办公") })
        #expect(p.proposal?.date == date("2026-12-06"))  // 科技园 is open on Sunday for the personal cert
        #expect(p.proposal?.office.name == "科技园文化广场")
        let both = VisitPlanner.plan(kinds: self.both, date: date("2026-12-06"), office: try office("龙岗受理点"), catalog: catalog)
        #expect(both.proposal?.date == date("2026-12-07"))
        #expect(both.proposal?.office.name == "龙岗受理点")  // the requested office first on the earliest day
    }

    // 「法定节假日休息」 — 2026-10-01 is 国庆节.
    @Test func nationalDayHolidayClosesEverything() throws {
        let p = VisitPlanner.plan(kinds: both, date: date("2026-10-01"), catalog: catalog)
        #expect(p.status == .none)
        #expect(p.office == nil)
        #expect(p.notes.contains { $0.contains("法定节假日（国庆节）") })
        #expect(p.proposal?.date == date("2026-10-08"))
        for o in catalog.offices {
            #expect(!VisitPlanner.assess(office: o, date: date("2026-10-01"), time: nil, kinds: both, catalog: catalog).isOpen)
        }
    }

    // RULES.md「A make-up working day … is treated as a working day (… ODC possible), and the plan says that it is a
    // make-up day.」 2026-10-10 (周六) 上班. 「1.科技园文化广场 … 服务时间:周一至周日」: open, and the ODC can be done
    // (no 周末 that day).
    @Test func makeUpSaturdayIsAWorkingDayWhereTheOfficeOpensOnSaturdays() throws {
        let p = VisitPlanner.plan(kinds: both, date: date("2026-10-10"), office: try office("科技园文化广场"), catalog: catalog)
        #expect(p.complete)
        #expect(p.doable == both)
        #expect(p.notes.contains { $0.contains("调休上班日") && $0.contains("按工作日办理") })
        // No office asked: 科技园 is the certain one that day.
        let any = VisitPlanner.plan(kinds: both, date: date("2026-10-10"), catalog: catalog)
        #expect(any.complete && any.office?.name == "科技园文化广场")
    }

    // 「3.龙岗受理点 … 服务时间:周一至周五:9:00-12:00,13:30-18:00  周六日及法定节假日休息」 and
    // 「2.龙岗行政服务大厅受理点 … 周六日及法定节假日休息」: whether they follow a 调休 Saturday the guide does not say.
    // The day is uncertain, never complete nor proposed; a certain day and office is proposed first.
    @Test(arguments: ["龙岗受理点", "龙岗行政服务大厅受理点"])
    func makeUpSaturdayIsUncertainWhereTheHoursSayWeekendsClosed(_ name: String) throws {
        let o = try office(name)
        let a = VisitPlanner.assess(office: o, date: date("2026-10-10"), time: nil, kinds: both, catalog: catalog)
        #expect(a.uncertain)
        #expect(a.doable == both)  // if it opens, the ODC too: a working day
        #expect(a.notes.contains { $0.contains("调休上班日，指南写周六日休息，请先电话确认") })
        let p = VisitPlanner.plan(kinds: both, date: date("2026-10-10"), office: o, catalog: catalog)
        #expect(p.status == .uncertain && !p.complete)
        #expect(p.uncertainty == "调休上班日，指南写周六日休息，请先电话确认")
        #expect(p.proposal?.date == date("2026-10-10"))  // same day, at the office that opens for sure
        #expect(p.proposal?.office.name == "科技园文化广场")
        #expect(p.proposal?.isMakeUpDay == true)
        // After closing on that day: the next certain day, the requested office first (Monday 10/12).
        let late = VisitPlanner.plan(kinds: both, date: date("2026-10-10"), time: ClockTime("19:00"), office: o, catalog: catalog)
        #expect(late.status == .none)
        #expect(late.proposal?.date == date("2026-10-12") && late.proposal?.office.name == name)
        // The Sunday make-up day 2026-09-20 too.
        #expect(VisitPlanner.plan(kinds: [.personal], date: date("2026-09-20"), office: o, catalog: catalog).status == .uncertain)
        // An ordinary Saturday stays plainly closed there.
        #expect(!VisitPlanner.assess(office: o, date: date("2026-10-17"), time: nil, kinds: both, catalog: catalog).uncertain)
    }

    // A search from before the holiday never lands on an uncertain day: 10/8 (周四) at 龙岗 is a plain working day.
    @Test func proposalsSkipUncertainDays() throws {
        let q = VisitPlanner.plan(kinds: both, date: date("2026-10-04"), office: try office("龙岗受理点"), catalog: catalog)
        #expect(q.proposal?.date == date("2026-10-08"))
        // From 10/9 (周五) after closing, 龙岗's next certain day is 10/12, but 科技园 is certain on 10/10.
        let r = VisitPlanner.plan(kinds: both, date: date("2026-10-09"), time: ClockTime("18:30"), office: try office("龙岗受理点"), catalog: catalog)
        #expect(r.proposal?.date == date("2026-10-10") && r.proposal?.office.name == "科技园文化广场")
    }

    // The checklist says the day is uncertain and names the certain day.
    @Test func checklistWarnsOfUncertainMakeUpDay() throws {
        let c = try Checklist.make(for: Sample.app(.new, both), catalog: catalog, date: date("2026-10-10"), office: "龙岗受理点")
        #expect(c.visit?.status == .uncertain)
        #expect(c.warnings.contains { $0.contains("请先电话确认") && $0.contains("2026-10-10 科技园文化广场") })
        let text = ChecklistText.render(c, style: .terminal(color: false))
        #expect(text.contains("未确定：调休上班日，指南写周六日休息，请先电话确认"))
    }

    // 「2.龙岗行政服务大厅受理点 … 服务时间:周一至周五:9:00-12:00,14:00-18:00」: 12:30 is lunch until 14:00.
    @Test func lunchBreakAtLonggangHallMovesTo1400() throws {
        let p = VisitPlanner.plan(kinds: both, date: date("2026-12-08"), time: ClockTime("12:30"), office: try office("龙岗行政服务大厅"), catalog: catalog)
        #expect(p.complete)
        #expect(p.time?.description == "14:00")
        #expect(p.notes.contains { $0.contains("午休") && $0.contains("12:00-14:00") })
        // At 科技园 lunch ends at 13:30.
        let k = VisitPlanner.plan(kinds: both, date: date("2026-12-08"), time: ClockTime("12:30"), office: try office("科技园"), catalog: catalog)
        #expect(k.time?.description == "13:30")
    }

    @Test func beforeOpeningAndAfterClosing() throws {
        let early = VisitPlanner.plan(kinds: both, date: date("2026-12-08"), time: ClockTime("08:15"), office: try office("龙岗受理点"), catalog: catalog)
        #expect(early.complete && early.time?.description == "09:00")
        let late = VisitPlanner.plan(kinds: both, date: date("2026-12-08"), time: ClockTime("18:30"), office: try office("龙岗受理点"), catalog: catalog)
        #expect(late.status == .none)
        #expect(late.notes.contains { $0.contains("已过下班时间") })
        #expect(late.proposal?.date == date("2026-12-09"))
        #expect(late.proposal?.time?.description == "09:00")
    }

    @Test func noOfficeGivenPicksFirstThatCanDoEverything() {
        let p = VisitPlanner.plan(kinds: both, date: date("2026-12-08"), catalog: catalog)
        #expect(p.complete && p.office?.name == "科技园文化广场")
    }

    @Test func uncoveredYearIsNotGuessed() {
        let p = VisitPlanner.plan(kinds: both, date: date("2027-01-05"), catalog: catalog)
        #expect(p.status == .notCovered)
        #expect(p.notes == ["2027 年节假日安排尚未公布，请先电话确认"])
        #expect(p.office == nil && p.proposal == nil)
    }

    // 「网厅办理:三个工作日(前提是资料无误)」 counted across 国庆 2026 with the 10/10 make-up Saturday: a working day
    // for 深圳CA's review even though the 龙岗 counters may be closed.
    @Test func onlineThreeWorkingDaysAcrossHoliday() {
        let p = VisitPlanner.online(date: date("2026-09-30"), catalog: catalog)
        #expect(p.expectedCompletion == date("2026-10-10"))
        #expect(p.notes.contains { $0.contains("国庆节") })
        #expect(p.notes.contains { $0.contains("调休上班日") })
        #expect(VisitPlanner.online(date: date("2026-12-29"), catalog: catalog).status == .notCovered)
    }

    @Test func officeLookup() throws {
        #expect(try catalog.office(named: "kejiyuan").name == "科技园文化广场")
        #expect(try catalog.office(named: "龙岗行政服务大厅").name == "龙岗行政服务大厅受理点")
        #expect(throws: OfficeLookupError.self) { try catalog.office(named: "龙岗") }  // two offices
        #expect(throws: OfficeLookupError.self) { try catalog.office(named: "福田") }
    }

    @Test func checklistCarriesVisitAndWarning() throws {
        let c = try Checklist.make(for: Sample.app(.new, both), catalog: catalog, date: date("2026-12-05"), office: "科技园")
        #expect(c.visit?.status == .partial)
        #expect(c.warnings.contains { $0.contains("2026-12-07") })
    }
}
