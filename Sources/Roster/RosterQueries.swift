import Foundation
import GRDB
import Rules

extension Roster {
    /// The organisation's card, or nil when the roster does not hold it.
    public func card(uscc: String) throws -> OrganisationCard? {
        try pool.read { db in try Self.card(db, uscc: uscc) }
    }

    static func card(_ db: Database, uscc: String) throws -> OrganisationCard? {
        guard let o = try Row.fetchOne(db, sql: "SELECT * FROM organisation WHERE uscc = ?", arguments: [uscc]) else { return nil }
        let org = Organization(name: o["name"], uscc: o["uscc"], address: o["address"], postcode: o["postcode"], phone: o["phone"])
        let names = try Row.fetchAll(db, sql: "SELECT name, until FROM organisationName WHERE uscc = ? ORDER BY until, id", arguments: [uscc]).map {
            OrganisationCard.EarlierName(name: $0["name"], until: CivilDate($0["until"] as String)!)
        }
        let people = try Row.fetchAll(
            db,
            sql: """
                SELECT r.role, r.title, r.since, r.until, p.* FROM role r JOIN person p ON p.id = r.personId
                WHERE r.uscc = ? ORDER BY r.until IS NOT NULL, r.role, r.since, r.id
                """, arguments: [uscc]
        ).map { r in
            PersonRole(
                person: Person(
                    name: r["name"], idType: IDType(rawValue: r["idType"]) ?? .residentID, idNumber: r["idNumber"],
                    mobile: r["mobile"] ?? "", email: r["email"], title: r["title"]),
                role: RoleKind(rawValue: r["role"]) ?? .holder,
                since: CivilDate(r["since"] as String)!, until: day(r["until"]))
        }
        let certs = try Row.fetchAll(
            db,
            sql: """
                SELECT c.*, h.name AS holderName, h.idType AS holderIDType, h.idNumber AS holderIDNumber
                FROM certificate c LEFT JOIN person h ON h.id = c.holderId WHERE c.uscc = ?
                ORDER BY c.status != '有效', c.validUntil IS NULL, c.validUntil, c.id
                """, arguments: [uscc]
        ).map { certificate($0) }
        let apps = try Row.fetchAll(db, sql: "SELECT * FROM application WHERE uscc = ? ORDER BY madeOn DESC, id DESC", arguments: [uscc]).map(
            application)
        return OrganisationCard(organisation: org, earlierNames: names, people: people, certificates: certs, applications: apps)
    }

    static func certificate(_ row: Row, _ columns: ColumnPlaces? = nil) -> CertificateRecord {
        let c = columns ?? ColumnPlaces(row)
        let kind: String = c[row, "kind"]
        let status: String = c[row, "status"]
        let idType: String? = c[row, "holderIDType"]
        return CertificateRecord(
            id: c[row, "id"], uscc: c[row, "uscc"], kind: CertKind(rawValue: kind) ?? .odc,
            holderName: c[row, "holderName"], holderIDType: idType.flatMap { IDType(rawValue: $0) },
            holderIDNumber: c[row, "holderIDNumber"], serial: c[row, "serial"], years: c[row, "years"],
            issuedOn: day(c[row, "issuedOn"]), validUntil: day(c[row, "validUntil"]),
            estimated: c[row, "estimated"], status: CertificateStatus(rawValue: status) ?? .valid)
    }

    /// A stored `YYYY-MM-DD`.
    static func day(_ text: String?) -> CivilDate? { text.flatMap { CivilDate($0) } }

    static func application(_ row: Row) -> ApplicationRecord {
        let service: String = row["service"]
        let state: String = row["state"]
        return ApplicationRecord(
            id: row["id"], uscc: row["uscc"], service: Service(rawValue: service) ?? .new,
            madeOn: day(row["madeOn"]) ?? CivilDate(year: 2000, month: 1, day: 1)!,
            state: ApplicationState(rawValue: state) ?? .made, packSHA256: row["packSHA256"], yaml: row["yaml"])
    }

    // MARK: - What the counter did

    /// Records a certificate the counter issued. The certificate of the same kind (and holder) it
    /// replaces becomes 已续期, and the organisation's latest application still open becomes 已办结.
    /// Without a printed `validUntil` the last day is estimated from `years` (估算): given, or the
    /// latest application's, or 1 for the ODC.
    @discardableResult
    public func recordIssued(_ issued: IssuedCertificate, now: Date = Date()) throws -> CertificateRecord {
        try pool.write { db in
            guard let card = try Self.card(db, uscc: issued.uscc) else {
                throw RosterError.notFound("统一社会信用代码为 \(issued.uscc) 的单位：先 certpack roster import 它的申请数据")
            }
            var holderID: Int64?
            if issued.kind == .personal {
                let number = issued.holderIDNumber ?? card.legalRepresentative?.idNumber
                guard let number,
                    let id = try Int64.fetchOne(
                        db,
                        sql: """
                            SELECT p.id FROM person p JOIN role r ON r.personId = p.id WHERE r.uscc = ? AND p.idNumber = ? LIMIT 1
                            """, arguments: [issued.uscc, number])
                else {
                    throw RosterError.notFound("证件号码为 \(maskID(issued.holderIDNumber ?? "")) 的\(card.organisation.name)人员（--holder）")
                }
                holderID = id
            }
            if try Int.fetchOne(
                db, sql: "SELECT count(*) FROM certificate WHERE serial = ? AND kind = ?", arguments: [issued.serial, issued.kind.rawValue])! > 0
            {
                throw RosterError.invalid("证书序列号 \(issued.serial) 已在机构库中：一张证书只记录一次")
            }
            var years = issued.years
            if years == nil {
                if issued.kind == .odc {
                    years = 1
                } else if let last = card.applications.first,
                    let app = try? ApplicationLoader.decode(last.yaml, format: .yaml, source: "机构库")
                {
                    years = app.certificates.personal?.years
                }
            }
            var until = issued.validUntil
            var estimated = false
            if until == nil {
                guard let years else { throw RosterError.invalid("不知道这张法人证书的年限：请给出 --until（证书上印的有效期）或 --years") }
                until = ImportWriter.estimate(issued: issued.issuedOn, years: years)
                estimated = true
            }
            let stamp = Stamp.string(now)
            try db.execute(
                sql: "UPDATE certificate SET status = '已续期', updatedAt = ? WHERE uscc = ? AND kind = ? AND holderId IS ? AND status = '有效'",
                arguments: [stamp, issued.uscc, issued.kind.rawValue, holderID])
            let legal = try Int64.fetchOne(
                db, sql: "SELECT personId FROM role WHERE uscc = ? AND role = '法定代表人' AND until IS NULL", arguments: [issued.uscc])
            try db.execute(
                sql: """
                    INSERT INTO certificate (uscc, kind, holderId, serial, years, issuedOn, validUntil, estimated, status, nameAtIssue, legalRepAtIssue, updatedAt)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, '有效', ?, ?, ?)
                    """,
                arguments: [
                    issued.uscc, issued.kind.rawValue, holderID, issued.serial, years, issued.issuedOn.description,
                    until!.description, estimated, card.organisation.name, legal, stamp,
                ])
            let id = db.lastInsertedRowID
            try db.execute(
                sql: """
                    UPDATE application SET state = '已办结', updatedAt = ? WHERE id = (SELECT id FROM application WHERE uscc = ? AND state IN ('已生成', '已递交') ORDER BY madeOn DESC, id DESC LIMIT 1)
                    """, arguments: [stamp, issued.uscc])
            return try Self.card(db, uscc: issued.uscc)!.certificates.first { $0.id == id }!
        }
    }

    /// Marks the certificate with `serial` of the organisation 已吊销.
    public func recordRevoked(uscc: String, serial: String, now: Date = Date()) throws {
        try pool.write { db in
            try db.execute(
                sql: "UPDATE certificate SET status = '已吊销', updatedAt = ? WHERE uscc = ? AND serial = ?",
                arguments: [Stamp.string(now), uscc, serial])
            if db.changesCount == 0 { throw RosterError.notFound("统一社会信用代码 \(uscc) 名下序列号为 \(serial) 的证书") }
        }
    }

    // MARK: - Applications and drafts

    /// Records a pack made for `application` (`fill`, the web page): the application as YAML, the
    /// pack's SHA-256, state 已生成. The organisation and its people are imported (updated) first; a
    /// conflict with what the roster holds records nothing and throws `ImportConflicts`.
    @discardableResult
    public func recordApplication(
        _ application: Application, packSHA256: String?, state: ApplicationState = .made,
        today: CivilDate = .today(), now: Date = Date()
    ) throws -> Int64 {
        let yaml = try ApplicationYAML.encode(application)
        return try pool.write { db in
            try Self.insertApplication(db, application, yaml: yaml, packSHA256: packSHA256, state: state, today: today, now: now)
        }
    }

    /// Records the packs of a batch (`batch`, `roster renew`, the web's 批量 and renewal batch) as
    /// `recordApplication` records one, in one transaction: a pack whose application conflicts with
    /// the roster is left out (its own savepoint rolled back) and the others are recorded. Returns
    /// why each one left out was, by its index in `packs`.
    @discardableResult
    public func recordApplications(
        _ packs: [(application: Application, packSHA256: String?)], today: CivilDate = .today(), now: Date = Date()
    ) throws -> [Int: String] {
        let yamls = try packs.map { try ApplicationYAML.encode($0.application) }
        return try pool.write { db in
            var refused: [Int: String] = [:]
            try ListTable.bulk(db, organisations: packs.map(\.application.organization.uscc)) {
                for (i, pack) in packs.enumerated() {
                    try db.inSavepoint {
                        do {
                            _ = try Self.insertApplication(
                                db, pack.application, yaml: yamls[i], packSHA256: pack.packSHA256, state: .made, today: today, now: now)
                            return .commit
                        } catch let e as ImportConflicts {
                            refused[i] = e.conflicts.joined(separator: "；")
                            return .rollback
                        }
                    }
                }
            }
            return refused
        }
    }

    private static func insertApplication(
        _ db: Database, _ application: Application, yaml: String, packSHA256: String?, state: ApplicationState,
        today: CivilDate, now: Date
    ) throws -> Int64 {
        var w = ImportWriter(db: db, today: today, stamp: Stamp.string(now))
        try w.add(ImportItem(place: "申请", application: application))
        if !w.conflicts.isEmpty { throw ImportConflicts(conflicts: w.conflicts) }
        try db.execute(
            sql: "INSERT INTO application (uscc, service, madeOn, yaml, packSHA256, state, updatedAt) VALUES (?, ?, ?, ?, ?, ?, ?)",
            arguments: [
                application.organization.uscc, application.service.rawValue, today.description, yaml, packSHA256, state.rawValue,
                Stamp.string(now),
            ])
        return db.lastInsertedRowID
    }

    /// Moves an application to `state` (已递交, 已办结, 退回…).
    public func setApplicationState(id: Int64, _ state: ApplicationState, now: Date = Date()) throws {
        try pool.write { db in
            try db.execute(sql: "UPDATE application SET state = ?, updatedAt = ? WHERE id = ?", arguments: [state.rawValue, Stamp.string(now), id])
            if db.changesCount == 0 { throw RosterError.notFound("编号为 \(id) 的申请") }
        }
    }

    /// Saves a draft (a new one when `draft.id` is nil) and returns it as stored, with its time.
    public func saveDraft(_ draft: Draft, now: Date = Date()) throws -> Draft {
        try pool.write { db in
            var d = draft
            d.updatedAt = Stamp.string(now)
            if let id = d.id {
                try db.execute(
                    sql: "UPDATE draft SET uscc = ?, title = ?, json = ?, updatedAt = ? WHERE id = ?",
                    arguments: [d.uscc, d.title, d.json, d.updatedAt, id])
                if db.changesCount == 0 { throw RosterError.notFound("编号为 \(id) 的草稿") }
            } else {
                try db.execute(
                    sql: "INSERT INTO draft (uscc, title, json, updatedAt) VALUES (?, ?, ?, ?)", arguments: [d.uscc, d.title, d.json, d.updatedAt])
                d.id = db.lastInsertedRowID
            }
            return d
        }
    }

    /// The drafts, the latest first.
    public func drafts() throws -> [Draft] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM draft ORDER BY updatedAt DESC, id DESC").map {
                Draft(id: $0["id"], uscc: $0["uscc"], title: $0["title"], json: $0["json"], updatedAt: $0["updatedAt"])
            }
        }
    }

    public func deleteDraft(id: Int64) throws {
        try pool.write { db in try db.execute(sql: "DELETE FROM draft WHERE id = ?", arguments: [id]) }
    }
}

/// Where each column of a query's rows is, by name, read once for all the rows: GRDB finds a column
/// by name case-insensitively, lower-casing it on every access, and a list of 100 lines reads 2 000.
/// The first column of a name wins, as with GRDB's own lookup.
struct ColumnPlaces {
    private var places: [String: Int] = [:]

    init(_ row: Row) {
        for (i, name) in row.columnNames.enumerated() where places[name] == nil { places[name] = i }
    }

    /// The value of column `name` (an optional type reads NULL as nil).
    subscript<T: DatabaseValueConvertible>(row: Row, name: String) -> T {
        guard let place = places[name] else { return row[name] }  // not selected: as GRDB answers (nil for an optional)
        return row[place]
    }
}
