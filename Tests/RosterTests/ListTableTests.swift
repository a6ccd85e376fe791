import Foundation
import GRDB
import Rules
import Testing

@testable import Roster

/// The list's own table (`orgList`, kept by SQLite's triggers) and the search texts held in memory:
/// whatever changes the roster, and whoever changes it, the list and a search see it.
@Suite struct ListTableTests {
    static let today = Make.day("2026-12-01")

    /// `orgList` as it stands, and as its source computes it now: the two must always agree.
    static func agree(_ roster: Roster, sourceLocation: SourceLocation = #_sourceLocation) throws {
        try roster.pool.read { db in
            let held = try Row.fetchAll(db, sql: "SELECT uscc, \(ListTable.columns) FROM orgList ORDER BY uscc")
            let computed = try Row.fetchAll(db, sql: "SELECT uscc, \(ListTable.columns) FROM orgListSource ORDER BY uscc")
            #expect(held == computed, sourceLocation: sourceLocation)
        }
    }

    static func version(_ roster: Roster) throws -> Int64 { try roster.pool.read { try SearchIndex.version($0) } }

    static func found(_ roster: Roster, _ search: String) throws -> [String] {
        try roster.page(search: search, today: today).entries.map(\.uscc)
    }

    @Test("the list table follows import, 记录办结, 吊销, a new name, forgetting, and a change made by another program")
    func followsEveryChange() throws {
        let (roster, _) = try Make.roster()
        try roster.importItems(
            (1...5).map { n in
                ImportItem(
                    place: "\(n)", application: Make.application(n),
                    certificates: [KnownCertificate(kind: .odc, serial: "SER\(n)", validUntil: Self.today.adding(days: 10 * n))])
            }, today: Self.today)
        try Self.agree(roster)
        #expect(try Self.found(roster, "ser3") == [Make.uscc(3)])

        // A certificate the counter issued: its serial is found, the organisation's first expiry moves.
        try roster.recordIssued(
            IssuedCertificate(
                uscc: Make.uscc(1), kind: .odc, serial: "NEWSERIAL1", issuedOn: Self.today, validUntil: Self.today.adding(days: 365)))
        try Self.agree(roster)
        #expect(try Self.found(roster, "NEWSERIAL") == [Make.uscc(1)])
        #expect(try roster.page(limit: 1, today: Self.today).entries.first?.uscc == Make.uscc(2))

        // 吊销: no valid certificate left, so organisation 2 goes to the end of the list.
        try roster.recordRevoked(uscc: Make.uscc(2), serial: "SER2")
        try Self.agree(roster)
        #expect(try roster.list(today: Self.today).last?.uscc == Make.uscc(2))

        // A new 法定代表人: the list's line names them.
        try roster.importItems([ImportItem(place: "新法人", application: Make.application(2, legal: Make.person("赵六", 77)))], today: Self.today)
        try Self.agree(roster)
        #expect(try roster.list(today: Self.today).first { $0.uscc == Make.uscc(2) }?.legalRepresentative == "赵六")

        // A new name: found by either name.
        var renamed = Make.application(4, name: "深圳市福田区仁心门诊部", service: .change)
        renamed.change = ChangeDetails(items: [ChangeItem(item: "单位名称", from: "深圳市南山区第4号康宁诊所有限公司", to: "深圳市福田区仁心门诊部")])
        try roster.importItems([ImportItem(place: "改名", application: renamed)], today: Self.today)
        try Self.agree(roster)
        #expect(try Self.found(roster, "仁心") == [Make.uscc(4)])
        #expect(try Self.found(roster, "第4号康宁") == [Make.uscc(4)])

        // Forgetting an organisation takes its row; forgetting a person takes their name out of every text.
        try roster.forget(Make.uscc(5))
        try Self.agree(roster)
        #expect(try Self.found(roster, "第5号").isEmpty)
        try roster.forget(Make.id(3, born: "19900202"))
        try Self.agree(roster)
        #expect(try Self.found(roster, "李俊3").isEmpty)
        #expect(try Self.found(roster, "陈志3") == [Make.uscc(3)])

        // Another program writing the tables directly: a person renamed, a certificate's day moved.
        try roster.pool.write { db in
            try db.execute(sql: "UPDATE person SET name = '陈志一' WHERE name = '陈志1'")
            try db.execute(sql: "UPDATE certificate SET validUntil = '2026-12-02' WHERE serial = 'SER4'")
        }
        try Self.agree(roster)
        #expect(try Self.found(roster, "陈志一") == [Make.uscc(1)])
        #expect(try roster.page(limit: 1, today: Self.today).entries.first?.uscc == Make.uscc(4))
    }

    @Test("the version moves when the lists would show something else — a certificate, an import — and not for a draft or a pack recorded again")
    func versionMovesOnlyForTheList() throws {
        let (roster, _) = try Make.roster()
        try roster.importItems([ImportItem(place: "1", application: Make.application(1))], today: Self.today)
        let before = try Self.version(roster)
        // The web saves a draft as the clerk types, and records each pack it makes: the lists stay.
        _ = try roster.saveDraft(Draft(uscc: Make.uscc(1), title: "草稿", json: "{}"))
        _ = try roster.recordApplication(Make.application(1), packSHA256: "ab", today: Self.today)
        #expect(try Self.version(roster) == before)
        try roster.recordIssued(IssuedCertificate(uscc: Make.uscc(1), kind: .odc, serial: "S1", issuedOn: Self.today))
        let issued = try Self.version(roster)
        #expect(issued > before)
        // An import (or a batch recorded) moves it once, whatever it changed.
        try roster.importItems([ImportItem(place: "1", application: Make.application(1))], today: Self.today)
        #expect(try Self.version(roster) == issued + 1)
    }

    @Test("an import refused for a conflict leaves the list's triggers in place, as a whole import does")
    func triggersSurviveARefusedImport() throws {
        let (roster, _) = try Make.roster()
        try roster.importItems([ImportItem(place: "1", application: Make.application(1))], today: Self.today)
        let clash = Make.application(2, legal: Make.person("王五", 1, born: "19800101"))
        #expect(throws: ImportConflicts.self) {
            try roster.importItems(
                [ImportItem(place: "2", application: Make.application(3)), ImportItem(place: "3", application: clash)], today: Self.today)
        }
        let count = try roster.pool.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master WHERE type = 'trigger'") ?? 0
        }
        #expect(count == ListTable.triggerNames.count)
        try roster.recordIssued(IssuedCertificate(uscc: Make.uscc(1), kind: .odc, serial: "AFTER1", issuedOn: Self.today))
        try Self.agree(roster)
        #expect(try Self.found(roster, "AFTER1") == [Make.uscc(1)])
        #expect(try Self.found(roster, "第3号").isEmpty)
    }

    @Test("a search held in memory sees what another process wrote to the same file")
    func searchSeesAnotherWriter() throws {
        let (server, url) = try Make.roster()
        try server.importItems([ImportItem(place: "1", application: Make.application(1))], today: Self.today)
        #expect(try Self.found(server, "SZCA77").isEmpty)
        let clerk = try Roster.open(at: url)
        try clerk.recordIssued(IssuedCertificate(uscc: Make.uscc(1), kind: .odc, serial: "SZCA7700", issuedOn: Self.today))
        #expect(try Self.found(server, "SZCA77") == [Make.uscc(1)])
    }

    @Test("a roster written by the previous version gets its list table, filled, when opened")
    func filledOnMigration() throws {
        let (roster, url) = try Make.roster()
        try roster.importItems(
            (1...3).map { n in
                ImportItem(
                    place: "\(n)", application: Make.application(n),
                    certificates: [KnownCertificate(kind: .odc, serial: "OLD\(n)", validUntil: Self.today.adding(days: 30 - n))])
            }, today: Self.today)
        // Back to the file as version 2 left it: no list table, no triggers, no version.
        try roster.pool.write { db in
            for name in try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'trigger'") {
                try db.execute(sql: "DROP TRIGGER \(name)")
            }
            try db.execute(sql: "DROP VIEW orgListSource; DROP TABLE orgList; DROP TABLE rosterVersion")
            try db.execute(sql: "DELETE FROM grdb_migrations WHERE identifier = 'v3 list table'")
        }
        let reopened = try Roster.open(at: url)
        try Self.agree(reopened)
        #expect(try reopened.list(today: Self.today).map(\.uscc) == [3, 2, 1].map(Make.uscc))
        #expect(try Self.found(reopened, "OLD2") == [Make.uscc(2)])
    }

    @Test("a search matches within one field, never across two, whatever the letters' case")
    func searchWithinAField() throws {
        let (roster, _) = try Make.roster()
        try roster.importItems(
            [ImportItem(place: "1", application: Make.application(1), certificates: [KnownCertificate(kind: .odc, serial: "ab12cd")])],
            today: Self.today)
        #expect(try Self.found(roster, "AB12") == [Make.uscc(1)])
        #expect(try Self.found(roster, "Ab12Cd") == [Make.uscc(1)])
        // The name ends 「有限公司」 and the code follows it: together they are not one field.
        #expect(try Self.found(roster, "公司91440300").isEmpty)
        #expect(try Self.found(roster, "公司\u{1F}91440300").isEmpty)
    }
}
