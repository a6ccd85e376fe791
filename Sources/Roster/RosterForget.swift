import Foundation
import GRDB
import Rules

/// What `forget` removed, by kind and count (never whose data it was).
public struct ForgetReport: Sendable, Equatable, Codable {
    /// 一家单位 / 一位人员
    public var what: String
    public var people = 0
    public var certificates = 0
    public var applications = 0
    public var drafts = 0
    public var description: String {
        "\(what)及其记录（人员 \(people) 位、证书 \(certificates) 张、申请 \(applications) 份、草稿 \(drafts) 份）"
    }
}

extension Roster {
    /// Deletes an organisation (by 统一社会信用代码) or a person (by 证件号码) with their history —
    /// roles, certificates, every application and draft that names them — and makes sure the bytes
    /// are gone: deleted pages are zeroed (`secure_delete`), the file rebuilt (`VACUUM`) and the WAL
    /// checkpointed and truncated. The audit line says what kind of record was forgotten, not whose.
    ///
    /// With `dryRun` nothing is deleted: the report says what would be (for a confirmation that
    /// names it).
    public func forget(_ key: String, dryRun: Bool = false, now: Date = Date()) throws -> ForgetReport {
        let key = Normaliser.normalise(key, kind: .code)
        var report: ForgetReport?
        try pool.writeWithoutTransaction { db in
            try db.inTransaction {
                report = try Self.delete(key, db)
                return dryRun ? .rollback : .commit
            }
        }
        guard let report else { throw RosterError.notFound("统一社会信用代码或证件号码为 \(maskID(key)) 的单位或人员") }
        if dryRun { return report }
        try audit(action: "忘记", detail: "已删除" + report.description, at: now)
        try scrub()
        return report
    }

    private static func delete(_ key: String, _ db: Database) throws -> ForgetReport {
        if try Int.fetchOne(db, sql: "SELECT count(*) FROM organisation WHERE uscc = ?", arguments: [key])! > 0 {
            var r = ForgetReport(what: "一家单位")
            let people = try Int64.fetchAll(db, sql: "SELECT DISTINCT personId FROM role WHERE uscc = ?", arguments: [key])
            r.certificates = try Int.fetchOne(db, sql: "SELECT count(*) FROM certificate WHERE uscc = ?", arguments: [key])!
            r.applications = try Int.fetchOne(db, sql: "SELECT count(*) FROM application WHERE uscc = ?", arguments: [key])!
            try db.execute(sql: "DELETE FROM draft WHERE uscc = ? OR instr(json, ?) > 0", arguments: [key, key])
            r.drafts = db.changesCount
            try db.execute(sql: "DELETE FROM organisation WHERE uscc = ?", arguments: [key])
            // People who belonged to no other organisation go with it.
            for id in people where try Int.fetchOne(db, sql: "SELECT count(*) FROM role WHERE personId = ?", arguments: [id])! == 0 {
                try db.execute(sql: "DELETE FROM person WHERE id = ?", arguments: [id])
                r.people += 1
            }
            return r
        }
        let ids = try Row.fetchAll(db, sql: "SELECT id, idNumber FROM person WHERE idNumber = ?", arguments: [key])
        guard !ids.isEmpty else { throw RosterError.notFound("统一社会信用代码或证件号码为 \(maskID(key)) 的单位或人员") }
        var r = ForgetReport(what: "一位人员", people: ids.count)
        for row in ids {
            let id: Int64 = row["id"]
            r.certificates += try Int.fetchOne(db, sql: "SELECT count(*) FROM certificate WHERE holderId = ?", arguments: [id])!
            try db.execute(sql: "DELETE FROM person WHERE id = ?", arguments: [id])
        }
        // Applications and drafts carry the number in their text.
        try db.execute(sql: "DELETE FROM application WHERE instr(yaml, ?) > 0", arguments: [key])
        r.applications = db.changesCount
        try db.execute(sql: "DELETE FROM draft WHERE instr(json, ?) > 0", arguments: [key])
        r.drafts = db.changesCount
        return r
    }

    /// Rebuilds the file without free pages and empties the WAL, so deleted rows leave no bytes behind.
    func scrub() throws {
        try pool.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)")
            try db.execute(sql: "VACUUM")
            try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)")
        }
    }
}
