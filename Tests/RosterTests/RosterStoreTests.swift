import Foundation
import GRDB
import Rules
import Testing

@testable import Roster

/// The file: where it is, who may read it, what it refuses.
@Suite struct RosterStoreTests {
    @Test("a new roster's folder is 0700 and its file 0600; a second init is refused")
    func createdPrivate() throws {
        let (_, url) = try Make.roster()
        let fm = FileManager.default
        let folderMode = try fm.attributesOfItem(atPath: url.deletingLastPathComponent().path)[.posixPermissions] as! Int
        let fileMode = try fm.attributesOfItem(atPath: url.path)[.posixPermissions] as! Int
        #expect(folderMode == 0o700)
        #expect(fileMode == 0o600)
        #expect(throws: RosterError.exists(url.path)) { try Roster.create(at: url) }
    }

    @Test("nothing is recorded until a roster is created: opening a missing file says to run init and creates nothing")
    func missingRoster() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("certpack-none-\(UUID().uuidString)/roster.sqlite")
        #expect(throws: RosterError.missing(url.path)) { try Roster.open(at: url) }
        #expect(!FileManager.default.fileExists(atPath: url.deletingLastPathComponent().path))
        #expect(RosterError.missing(url.path).description.contains("certpack roster init"))
    }

    @Test("the default place: --roster, then CERTPACK_ROSTER, then XDG_DATA_HOME, then ~/.local/share")
    func location() {
        #expect(RosterLocation.resolve(explicit: "/a/b.sqlite", environment: ["CERTPACK_ROSTER": "/c"]).path == "/a/b.sqlite")
        #expect(RosterLocation.resolve(explicit: nil, environment: ["CERTPACK_ROSTER": "/c/r.sqlite"]).path == "/c/r.sqlite")
        #expect(RosterLocation.resolve(explicit: nil, environment: ["XDG_DATA_HOME": "/x", "HOME": "/h"]).path == "/x/certpack/roster.sqlite")
        #expect(RosterLocation.resolve(explicit: nil, environment: ["HOME": "/h"]).path == "/h/.local/share/certpack/roster.sqlite")
    }

    @Test("a file written by a newer CertPack (a migration this version does not know) is refused, untouched")
    func newerSchemaRefused() throws {
        let (roster, url) = try Make.roster()
        try roster.importItems([ImportItem(place: "1", application: Make.application(1))])
        let queue = try DatabaseQueue(path: url.path)
        try queue.write { try $0.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v9-from-the-future')") }
        try queue.close()
        let before = try Data(contentsOf: url)
        #expect(throws: RosterError.newer(url.path)) { try Roster.open(at: url) }
        #expect(RosterError.newer(url.path).description.contains("更新版本的 CertPack"))
        #expect(try Data(contentsOf: url) == before)
    }

    @Test("a SQLite file that is not a roster is refused, untouched")
    func foreignFileRefused() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("certpack-other-\(UUID().uuidString).sqlite")
        let queue = try DatabaseQueue(path: url.path)
        try queue.write { try $0.execute(sql: "CREATE TABLE t (x)") }
        try queue.close()
        #expect(throws: RosterError.notARoster(url.path)) { try Roster.open(at: url) }
    }

    @Test("WAL, foreign keys and secure_delete are on")
    func pragmas() throws {
        let (roster, _) = try Make.roster()
        let (mode, keys, secure) = try roster.pool.read { db in
            (
                try String.fetchOne(db, sql: "PRAGMA journal_mode"), try Int.fetchOne(db, sql: "PRAGMA foreign_keys"),
                try Int.fetchOne(db, sql: "PRAGMA secure_delete")
            )
        }
        #expect(mode == "wal" && keys == 1 && secure == 1)
    }

    @Test("backup: a whole, consistent copy (0600) that opens as a roster, and an audit line")
    func backup() throws {
        let (roster, url) = try Make.roster()
        try roster.importItems((1...20).map { ImportItem(place: "\($0)", application: Make.application($0)) })
        let copy = url.deletingLastPathComponent().appendingPathComponent("backup.sqlite")
        try roster.backup(to: copy)
        #expect(try FileManager.default.attributesOfItem(atPath: copy.path)[.posixPermissions] as! Int == 0o600)
        let opened = try Roster.open(at: copy)
        #expect(try opened.integrityCheck() == "ok")
        #expect(try opened.list().count == 20)
        #expect(try roster.auditLog().map(\.action) == ["备份"])
        #expect(throws: RosterError.exists(copy.path)) { try roster.backup(to: copy) }
    }

    @Test("two handles writing at once (as the CLI and certpack serve do) both land: the busy timeout waits")
    func concurrentWriters() async throws {
        let (_, url) = try Make.roster()
        let a = try Roster.open(at: url)
        let b = try Roster.open(at: url)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for n in 1...40 {
                let r = n % 2 == 0 ? a : b
                group.addTask { try r.importItems([ImportItem(place: "\(n)", application: Make.application(n))]) }
                group.addTask { _ = try r.saveDraft(Draft(title: "草稿 \(n)", json: "{\"n\": \(n)}")) }
            }
            try await group.waitForAll()
        }
        #expect(try a.list().count == 40)
        #expect(try b.drafts().count == 40)
    }
}
