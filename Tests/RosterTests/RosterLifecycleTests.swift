import Foundation
import GRDB
import Rules
import Testing

@testable import Roster

/// What the counter did, what is due, what renewal makes of it, the calendar, and forgetting.
@Suite struct RosterLifecycleTests {
    /// Organisation 1 with an ODC and a 法人证书 issued on 2026-01-10 (ODC printed, 法人证书 estimated).
    static func issuedRoster() throws -> (Roster, URL) {
        let (roster, url) = try Make.roster()
        try roster.importItems([ImportItem(place: "1", application: Make.application(1))], today: Make.day("2026-01-05"))
        _ = try roster.recordApplication(Make.application(1), packSHA256: "ab", today: Make.day("2026-01-06"))
        try roster.recordIssued(
            IssuedCertificate(
                uscc: Make.uscc(1), kind: .odc, serial: "5A3F00C2B81D4E7A", issuedOn: Make.day("2026-01-10"), validUntil: Make.day("2027-01-09")))
        try roster.recordIssued(IssuedCertificate(uscc: Make.uscc(1), kind: .personal, serial: "7B11", issuedOn: Make.day("2026-01-10"), years: 3))
        return (roster, url)
    }

    @Test("issued: a printed last day is kept; without one it is estimated (估算) from years; the open application becomes 已办结")
    func issued() throws {
        let (roster, _) = try Self.issuedRoster()
        let card = try #require(try roster.card(uscc: Make.uscc(1)))
        let odc = try #require(card.certificates.first { $0.kind == .odc })
        let personal = try #require(card.certificates.first { $0.kind == .personal })
        #expect(odc.validUntil == Make.day("2027-01-09") && !odc.estimated)
        #expect(personal.validUntil == Make.day("2029-01-09") && personal.estimated)
        #expect(personal.holderName == "陈志1")
        #expect(card.applications.first?.state == .done)
        // A renewal issued later: the old ODC becomes 已续期.
        try roster.recordIssued(
            IssuedCertificate(uscc: Make.uscc(1), kind: .odc, serial: "NEW1", issuedOn: Make.day("2027-01-05"), validUntil: Make.day("2028-01-04")))
        let after = try #require(try roster.card(uscc: Make.uscc(1)))
        #expect(after.certificates.first { $0.serial == "5A3F00C2B81D4E7A" }?.status == .renewed)
        #expect(throws: RosterError.self) {
            try roster.recordIssued(IssuedCertificate(uscc: Make.uscc(1), kind: .odc, serial: "NEW1", issuedOn: Make.day("2027-01-05")))
        }
    }

    @Test("revoked marks the certificate 已吊销 and it is no longer due")
    func revoked() throws {
        let (roster, _) = try Self.issuedRoster()
        try roster.recordRevoked(uscc: Make.uscc(1), serial: "5A3F00C2B81D4E7A")
        #expect(try roster.list(dueWithin: 400, today: Make.day("2026-12-01")).compactMap(\.certificate?.serial) == [])
        #expect(throws: RosterError.self) { try roster.recordRevoked(uscc: Make.uscc(1), serial: "NOPE") }
    }

    @Test("list --due: valid certificates due within the days (expired included), soonest first; search by name, person, serial")
    func due() throws {
        let (roster, _) = try Self.issuedRoster()
        try roster.importItems([
            ImportItem(
                place: "2", application: Make.application(2),
                certificates: [
                    KnownCertificate(kind: .odc, serial: "OLD2", validUntil: Make.day("2026-11-20"))
                ])
        ])
        let due = try roster.list(dueWithin: 60, today: Make.day("2026-12-01"))
        #expect(due.map { $0.certificate?.serial } == ["OLD2", "5A3F00C2B81D4E7A"])
        #expect(due.first?.certificate?.daysLeft(today: Make.day("2026-12-01")) == -11)
        #expect(try roster.list(dueWithin: 30, today: Make.day("2026-12-01")).count == 1)
        #expect(try roster.list(search: "第2号").map(\.uscc) == [Make.uscc(2)])
        #expect(try roster.list(search: "陈志1").map(\.uscc) == [Make.uscc(1)])
        #expect(try roster.list(search: "7B11").map(\.uscc) == [Make.uscc(1)])
        #expect(try roster.list(search: Make.id(2)).map(\.uscc) == [Make.uscc(2)])
    }

    @Test("renew: a 续期 with the serial from the roster; a new 法定代表人 since issue makes it a 变更, flagged")
    func renewals() throws {
        let (roster, _) = try Self.issuedRoster()
        let plans = try roster.renewals(dueWithin: 60, today: Make.day("2026-12-01"))
        #expect(plans.count == 1)
        let app = try #require(plans.first?.application)
        #expect(app.service == .renew && app.existingCertificate?.serial == "5A3F00C2B81D4E7A")
        #expect(app.certificates.odc != nil && app.certificates.personal == nil)
        #expect(Validator.validate(app, today: Make.day("2026-12-01")).isEmpty, "\(Validator.validate(app, today: Make.day("2026-12-01")))")
        // Everything of a named organisation: both certificates, the ODC's serial on the form, the other listed.
        let both = try #require(try roster.renewals(usccs: [Make.uscc(1)], today: Make.day("2026-12-01")).first)
        #expect(both.application?.certificates.personal?.years == 3 && both.otherSerials == ["7B11"])

        try roster.importItems(
            [ImportItem(place: "1", application: Make.application(1, legal: Make.person("王新", 501)))], today: Make.day("2026-06-01"))
        let changed = try #require(try roster.renewals(dueWithin: 60, today: Make.day("2026-12-01")).first)
        #expect(changed.isChange)
        #expect(changed.changes == [ChangeItem(item: "法定代表人", from: "陈志1", to: "王新")])
        #expect(changed.application?.service == .change)
        #expect(changed.application?.legalRepresentative.name == "王新")
    }

    @Test("calendar: CRLF, lines of at most 75 octets, alarms 30 and 7 days before, UIDs stable across runs, visits at the office")
    func calendar() throws {
        let (roster, _) = try Self.issuedRoster()
        var visiting = Make.application(2)
        visiting.visit = PlannedVisit(date: Make.day("2026-12-07"), time: "10:00", office: "科技园")
        _ = try roster.recordApplication(visiting, packSHA256: nil)
        let offices = try Make.catalog().offices
        let office = try #require(offices.first { $0.name == "科技园文化广场" })
        let ics = try roster.calendar(offices: offices, now: Date(timeIntervalSince1970: 1_800_000_000))
        #expect(ics.hasSuffix("\r\n"))
        #expect(!ics.replacingOccurrences(of: "\r\n", with: "").contains("\n"))
        for line in ics.components(separatedBy: "\r\n") { #expect(line.utf8.count <= 75, "\(line)") }
        let unfolded = ics.replacingOccurrences(of: "\r\n ", with: "")
        #expect(unfolded.components(separatedBy: "TRIGGER:-P30D").count - 1 == 2)
        #expect(unfolded.components(separatedBy: "TRIGGER:-P7D").count - 1 == 2)
        #expect(unfolded.contains("DTSTART;VALUE=DATE:20270109"))
        #expect(unfolded.contains("DTSTART:20261207T020000Z"))
        #expect(unfolded.contains("LOCATION:" + ICalendar.text("科技园文化广场，\(office.address)")))
        #expect(unfolded.contains(ICalendar.text(office.hours)))
        #expect(!unfolded.contains(Make.id(1)))
        let again = try roster.calendar(offices: offices, now: Date())
        func uids(_ s: String) -> [String] {
            s.replacingOccurrences(of: "\r\n ", with: "").components(separatedBy: "\r\n").filter { $0.hasPrefix("UID:") }
        }
        #expect(uids(ics) == uids(again) && uids(ics).count == 3)
    }

    @Test("forget a person: their ID number is in neither the file's bytes nor the -wal after; the audit line says what kind, not who")
    func forgetPerson() throws {
        let (roster, url) = try Self.issuedRoster()
        let id = Make.id(1)
        _ = try roster.saveDraft(Draft(uscc: Make.uscc(1), title: "续期", json: "{\"idNumber\": \"\(id)\"}"))
        let before = try Data(contentsOf: url) + ((try? Data(contentsOf: URL(fileURLWithPath: url.path + "-wal"))) ?? Data())
        #expect(before.range(of: Data(id.utf8)) != nil)
        let report = try roster.forget(id)
        #expect(report.what == "一位人员" && report.certificates == 1 && report.applications == 1 && report.drafts == 1)
        for path in [url.path, url.path + "-wal"] {
            let bytes = (try? Data(contentsOf: URL(fileURLWithPath: path))) ?? Data()
            #expect(bytes.range(of: Data(id.utf8)) == nil, "\(path)")
            #expect(bytes.range(of: Data("陈志1".utf8)) == nil, "\(path)")
        }
        let audit = try roster.auditLog()
        #expect(audit.last?.action == "忘记" && audit.last?.detail.contains("一位人员") == true)
        #expect(audit.allSatisfy { !$0.detail.contains("陈志") && !$0.detail.contains(id) })
        #expect(try roster.card(uscc: Make.uscc(1))?.legalRepresentative == nil)
        #expect(try roster.integrityCheck() == "ok")
    }

    @Test("forget an organisation: its name, people and certificates are gone from the bytes; others stay")
    func forgetOrganisation() throws {
        let (roster, url) = try Self.issuedRoster()
        try roster.importItems([ImportItem(place: "2", application: Make.application(2))])
        let preview = try roster.forget(Make.uscc(1), dryRun: true)
        #expect(try roster.card(uscc: Make.uscc(1)) != nil && roster.auditLog().isEmpty)
        let report = try roster.forget(Make.uscc(1))
        #expect(preview == report)
        #expect(report.what == "一家单位" && report.people == 2 && report.certificates == 2)
        let bytes = try Data(contentsOf: url) + ((try? Data(contentsOf: URL(fileURLWithPath: url.path + "-wal"))) ?? Data())
        for needle in [Make.uscc(1), "第1号康宁诊所", Make.id(1), "5A3F00C2B81D4E7A"] {
            #expect(bytes.range(of: Data(needle.utf8)) == nil, "\(needle)")
        }
        #expect(try roster.list().map(\.uscc) == [Make.uscc(2)])
        #expect(throws: RosterError.self) { try roster.forget(Make.uscc(1)) }
    }

    @Test("drafts: saved, updated in place, listed latest first, deleted")
    func drafts() throws {
        let (roster, _) = try Make.roster()
        var d = try roster.saveDraft(Draft(title: "新办", json: "{}"), now: Date(timeIntervalSince1970: 1_000))
        _ = try roster.saveDraft(Draft(title: "续期", json: "{}"), now: Date(timeIntervalSince1970: 2_000))
        d.json = "{\"a\": 1}"
        d = try roster.saveDraft(d, now: Date(timeIntervalSince1970: 3_000))
        #expect(try roster.drafts().map(\.title) == ["新办", "续期"])
        #expect(try roster.drafts().first?.json == "{\"a\": 1}")
        try roster.deleteDraft(id: d.id!)
        #expect(try roster.drafts().map(\.title) == ["续期"])
    }
}
