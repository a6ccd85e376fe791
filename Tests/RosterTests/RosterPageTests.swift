import Foundation
import Rules
import Testing

@testable import Roster

/// A list a page at a time (the 机构库 tab's lists): the whole list's count, the page's size and
/// place, the order by days left, and what a search finds.
@Suite struct RosterPageTests {
    static let today = Make.day("2026-12-01")

    /// 30 organisations; organisation n's ODC ends 100 − 3n days from today (the later n, the sooner),
    /// organisations 31–34 have no certificate.
    static func roster() throws -> Roster {
        let (roster, _) = try Make.roster()
        var items: [ImportItem] = (1...30).map { n in
            ImportItem(
                place: "\(n)", application: Make.application(n),
                certificates: [
                    KnownCertificate(kind: .odc, serial: String(format: "SER%04d", n), validUntil: today.adding(days: 100 - 3 * n))
                ])
        }
        items += (31...34).map { ImportItem(place: "\($0)", application: Make.application($0)) }
        try roster.importItems(items, today: Make.day("2026-01-05"))
        return roster
    }

    @Test("the due board's page: the count of everything due, at most `limit` certificates, fewest days left first, the next page from `offset`")
    func duePage() throws {
        let roster = try Self.roster()
        // Due within 60 days: 100 − 3n ≤ 60, so n ≥ 14 (17 certificates).
        let first = try roster.page(dueWithin: 60, limit: 5, today: Self.today)
        #expect(first.total == 17)
        #expect(first.entries.map(\.uscc) == [30, 29, 28, 27, 26].map(Make.uscc))
        let days = first.entries.compactMap { $0.certificate?.daysLeft(today: Self.today) }
        #expect(days == [10, 13, 16, 19, 22])
        let second = try roster.page(dueWithin: 60, limit: 5, offset: 5, today: Self.today)
        #expect(second.total == 17 && second.entries.map(\.uscc) == [25, 24, 23, 22, 21].map(Make.uscc))
        // Page after page is the whole list, in the list's order.
        var all: [RosterEntry] = []
        for offset in stride(from: 0, to: 20, by: 5) { all += try roster.page(dueWithin: 60, limit: 5, offset: offset, today: Self.today).entries }
        #expect(all == (try roster.list(dueWithin: 60, today: Self.today)))
        #expect(try roster.page(dueWithin: 60, limit: 5, offset: 17, today: Self.today).entries.isEmpty)
    }

    @Test("the list's page: every organisation counted, the earliest-ending certificate first, those without one last by name")
    func listPage() throws {
        let roster = try Self.roster()
        let page = try roster.page(limit: 3, today: Self.today)
        #expect(page.total == 34)
        #expect(page.entries.map(\.uscc) == [30, 29, 28].map(Make.uscc))
        #expect(page.entries.first?.legalRepresentative == "陈志30")
        let last = try roster.page(limit: 10, offset: 28, today: Self.today)
        #expect(last.entries.map(\.uscc) == [2, 1, 31, 32, 33, 34].map(Make.uscc))
        #expect(last.entries.suffix(4).allSatisfy { $0.certificate == nil })
        var all: [RosterEntry] = []
        for offset in stride(from: 0, to: 34, by: 7) { all += try roster.page(limit: 7, offset: offset, today: Self.today).entries }
        #expect(all == (try roster.list(today: Self.today)))
    }

    @Test("search hits: part of a name, of a 统一社会信用代码 or of a serial, a person's name, a whole 证件号码; the count of all hits beyond the page")
    func searchHits() throws {
        let roster = try Self.roster()
        // 第1号, 第10号 … 第19号: eleven names hold 「第1」.
        let named = try roster.page(search: "第1", limit: 4, today: Self.today)
        #expect(named.total == 11 && named.entries.count == 4)
        #expect(named.entries.map(\.uscc) == [19, 18, 17, 16].map(Make.uscc))
        #expect(try roster.page(search: "第12号", today: Self.today).entries.map(\.uscc) == [Make.uscc(12)])
        #expect(try roster.page(search: String(Make.uscc(7).prefix(18)), today: Self.today).entries.map(\.uscc) == [Make.uscc(7)])
        #expect(try roster.page(search: "MA5000033", today: Self.today).entries.map(\.uscc) == [Make.uscc(33)])
        #expect(try roster.page(search: "SER0021", today: Self.today).entries.map(\.uscc) == [Make.uscc(21)])
        #expect(try roster.page(search: "李俊25", today: Self.today).entries.map(\.uscc) == [Make.uscc(25)])
        #expect(try roster.page(search: Make.id(9, born: "19900202"), today: Self.today).entries.map(\.uscc) == [Make.uscc(9)])
        // A search narrows the due board too.
        let due = try roster.page(dueWithin: 60, search: "第2", limit: 100, today: Self.today)
        #expect(due.total == 10 && due.entries.first?.uscc == Make.uscc(29))
        #expect(try roster.page(search: "没有这家", today: Self.today).total == 0)
    }
}
