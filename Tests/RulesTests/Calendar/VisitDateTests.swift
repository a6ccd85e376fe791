import Foundation
import Testing

@testable import Rules

/// A visit date before today (Asia/Shanghai) is 日期已过: a problem on 办理日期, never doable, and the
/// planner proposes a day from today on. Today is always injected, never the clock.
@Suite("Visit dates in the past")
struct VisitDateTests {
    let today = date("2026-12-02")

    func app(visit: String, channel: Channel = .onsite, kinds: [CertKind] = [.odc, .personal]) -> Application {
        var a = Sample.app(.new, channel == .online ? [.personal] : kinds, channel: channel)
        a.visit = PlannedVisit(date: date(visit), time: nil, office: nil)
        return a
    }

    @Test("a past 办理日期 is a problem on visit.date, 「日期已过」")
    func pastDateIsAProblem() {
        let issues = Validator.validate(app(visit: "2026-12-01"), catalog: catalog, today: today)
        #expect(issues.map(\.field) == ["visit.date"])
        #expect(issues.first?.message.hasPrefix("日期已过") == true)
        #expect(Validator.validate(app(visit: "2026-12-02"), catalog: catalog, today: today).isEmpty, "today is not past")
    }

    @Test("the planner never calls a past day doable and proposes from today on")
    func plannerProposesFromToday() {
        // 2026-11-30 is a Monday: doable by the calendar, but gone.
        let p = VisitPlanner.plan(kinds: [.odc, .personal], date: date("2026-11-30"), catalog: catalog, today: today)
        #expect(p.status == .past && !p.complete && p.doable.isEmpty)
        let proposal = try? #require(p.proposal)
        #expect(proposal.map { $0.date >= today } == true)
        #expect(proposal?.date == today, "2026-12-02 is a Wednesday: today itself")
        #expect(p.notes.first?.hasPrefix("日期已过") == true)
    }

    @Test("the checklist says 日期已过 and not 可办理全部业务; its warning names the proposal")
    func checklistSaysPast() throws {
        let c = try Checklist.make(for: app(visit: "2026-11-30"), catalog: catalog, today: today)
        let text = ChecklistText.render(c, style: .terminal(color: false))
        #expect(text.contains("日期已过") && !text.contains("可办理全部业务"))
        #expect(c.warnings.contains { $0.contains("日期已过") && $0.contains("建议改为 2026-12-02") })
        let json = String(decoding: try ChecklistJSON.encode(c), as: UTF8.self)
        #expect(json.contains("\"status\" : \"past\"") && json.contains("\"complete\" : false"))
    }

    @Test("online: a submission date in the past forecasts nothing")
    func onlinePast() {
        let p = VisitPlanner.online(date: date("2026-11-30"), catalog: catalog, today: today)
        #expect(p.status == .past && p.expectedCompletion == nil)
        #expect(Validator.validate(app(visit: "2026-11-30", channel: .online), catalog: catalog, today: today).map(\.field) == ["visit.date"])
    }

    @Test("a year whose holidays are not published: 「2027 年节假日安排尚未公布，请先电话确认」 and no proposal in it")
    func unpublishedYear() throws {
        let p = VisitPlanner.plan(kinds: [.odc, .personal], date: date("2027-01-05"), catalog: catalog, today: today)
        #expect(p.status == .notCovered && p.proposal == nil)
        #expect(p.notes == ["2027 年节假日安排尚未公布，请先电话确认"])
        // New Year's Eve after closing: the search runs into 2027 and stops there, naming no file.
        let late = VisitPlanner.plan(kinds: [.odc, .personal], date: date("2026-12-31"), time: ClockTime("18:30"), catalog: catalog, today: today)
        for note in late.notes { #expect(!note.contains("holidays.yaml")) }
        #expect(late.proposal == nil && late.notes.last == "2027 年节假日安排尚未公布，请先电话确认")
        let c = try Checklist.make(for: app(visit: "2027-01-05"), catalog: catalog, today: today)
        #expect(!ChecklistText.render(c, style: .markdown).contains("holidays.yaml"))
        #expect(c.warnings.contains("2027 年节假日安排尚未公布，请先电话确认"))
    }

    @Test("today is Asia/Shanghai's: 2026-12-01 16:30 UTC is already 2026-12-02 there")
    func todayIsAsiaShanghai() {
        #expect(CivilDate.today(now: Date(timeIntervalSince1970: 1_796_142_600)) == date("2026-12-02"))
    }
}
