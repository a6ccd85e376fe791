import Foundation
import GRDB
import Rules

/// One organisation to import: its application (organisation, people, roles) and the certificates
/// a roster export or the user's sheet lists for it.
public struct ImportItem: Sendable {
    /// 第 3 行 / 第 2 项: where it came from, for messages.
    public var place: String
    public var application: Application
    public var certificates: [KnownCertificate]
    public init(place: String, application: Application, certificates: [KnownCertificate] = []) {
        self.place = place
        self.application = application
        self.certificates = certificates
    }
}

/// A certificate as a file states it.
public struct KnownCertificate: Sendable, Equatable {
    public var kind: CertKind
    /// The holder's 证件号码 (机构个人证书).
    public var holderIDNumber: String?
    public var serial: String?
    public var years: Int?
    public var issuedOn: CivilDate?
    public var validUntil: CivilDate?
    /// True when the file marked `validUntil` as 估算.
    public var estimated: Bool
    public init(
        kind: CertKind, holderIDNumber: String? = nil, serial: String?, years: Int? = nil, issuedOn: CivilDate? = nil, validUntil: CivilDate? = nil,
        estimated: Bool = false
    ) {
        self.kind = kind
        self.holderIDNumber = holderIDNumber
        self.serial = serial
        self.years = years
        self.issuedOn = issuedOn
        self.validUntil = validUntil
        self.estimated = estimated
    }
}

/// What an import did.
public struct ImportReport: Sendable, Equatable, Codable {
    public var organisationsAdded = 0
    public var organisationsUpdated = 0
    public var peopleAdded = 0
    public var certificatesAdded = 0
    public var certificatesUpdated = 0
    public init() {}
}

/// An import that was refused as a whole: every conflict, ID numbers masked. Nothing was written.
public struct ImportConflicts: Error, CustomStringConvertible, Sendable {
    public var conflicts: [String]
    public var description: String { conflicts.joined(separator: "\n") }
}

extension Roster {
    /// Records the organisations, people, roles and certificates of `items` in one transaction:
    /// all of them, or — on any conflict — none, with every conflict listed. Re-importing updates
    /// (address, phones, a new 法定代表人 or 经办人 from today) but never changes silently what
    /// identifies someone: a 统一社会信用代码 under another name (without a 变更 of 单位名称) and one
    /// 证件号码 under two names are conflicts, as is a certificate whose printed dates differ.
    @discardableResult
    public func importItems(_ items: [ImportItem], today: CivilDate = .today(), now: Date = Date()) throws -> ImportReport {
        try pool.write { db in
            try ListTable.bulk(db, organisations: items.map(\.application.organization.uscc)) {
                var w = ImportWriter(db: db, today: today, stamp: Stamp.string(now))
                for item in items { try w.add(item) }
                if !w.conflicts.isEmpty { throw ImportConflicts(conflicts: w.conflicts) }
                return w.report
            }
        }
    }
}

/// The import's work inside its transaction.
struct ImportWriter {
    let db: Database
    let today: CivilDate
    let stamp: String
    var report = ImportReport()
    var conflicts: [String] = []
    /// 证件号码 → (name, place) as first met in this import.
    var seenPeople: [String: (String, String)] = [:]

    init(db: Database, today: CivilDate, stamp: String) {
        self.db = db
        self.today = today
        self.stamp = stamp
    }

    // The same few statements run for every organisation: prepared once (an import of 20 000
    // organisations runs some 500 000 of them).
    func run(_ sql: String, _ arguments: StatementArguments) throws {
        try db.cachedStatement(sql: sql).execute(arguments: arguments)
    }
    func row(_ sql: String, _ arguments: StatementArguments) throws -> Row? {
        try Row.fetchOne(db.cachedStatement(sql: sql), arguments: arguments)
    }
    func rows(_ sql: String, _ arguments: StatementArguments) throws -> [Row] {
        try Row.fetchAll(db.cachedStatement(sql: sql), arguments: arguments)
    }

    mutating func add(_ item: ImportItem) throws {
        let app = item.application
        let org = app.organization
        let place = item.place
        // The organisation: a known code under another name is a 变更 or a conflict.
        let existing = try row("SELECT name FROM organisation WHERE uscc = ?", [org.uscc])
        if let existing {
            let old: String = existing["name"]
            if old != org.name {
                let renamed =
                    app.service == .change
                    && (app.change?.items ?? []).contains {
                        $0.item.trimmingCharacters(in: .whitespaces) == "单位名称" && $0.to == org.name && $0.from == old
                    }
                if !renamed {
                    conflicts.append(
                        "\(place)：统一社会信用代码 \(org.uscc) 在机构库中是「\(old)」，这里是「\(org.name)」。未导入：单位改名请导入一份 变更（单位名称：\(old)→\(org.name)）的申请；若是填错了，请改正文件")
                    return
                }
                try run("INSERT INTO organisationName (uscc, name, until) VALUES (?, ?, ?)", [org.uscc, old, today.description])
            }
            try run(
                """
                UPDATE organisation SET name = ?, address = CASE WHEN ? = '' THEN address ELSE ? END,
                    postcode = coalesce(?, postcode), phone = coalesce(?, phone), updatedAt = ? WHERE uscc = ?
                """, [org.name, org.address, org.address, org.postcode, org.phone, stamp, org.uscc])
            report.organisationsUpdated += 1
        } else {
            try run(
                "INSERT INTO organisation (uscc, name, address, postcode, phone, updatedAt) VALUES (?, ?, ?, ?, ?, ?)",
                [org.uscc, org.name, org.address, org.postcode, org.phone, stamp])
            report.organisationsAdded += 1
        }

        // The people, each once by 证件类型 + 证件号码.
        guard let legal = try person(app.legalRepresentative, place: place, field: "法定代表人"),
            let handler = try person(app.handler, place: place, field: "经办人")
        else { return }
        var holders: [(Int64, Person)] = []
        if app.certificates.personal != nil {
            for h in app.personalHolders {
                guard let id = try person(h, place: place, field: "持证人") else { return }
                holders.append((id, h))
            }
        }
        try setRole(.legalRepresentative, person: legal, uscc: org.uscc, exclusive: true)
        try setRole(.handler, person: handler, uscc: org.uscc, exclusive: true)
        for (id, h) in holders { try setRole(.holder, person: id, uscc: org.uscc, exclusive: false, title: h.title) }

        // Certificates the file states, and the serial an application names.
        var known = item.certificates
        if known.isEmpty, let serial = app.existingCertificate?.serial, !serial.isEmpty {
            let kind: CertKind = app.certificates.odc != nil ? .odc : .personal
            known.append(KnownCertificate(kind: kind, holderIDNumber: kind == .personal ? app.personalHolders.first?.idNumber : nil, serial: serial))
        }
        for cert in known { try certificate(cert, uscc: org.uscc, legal: legal, place: place) }
    }

    /// The person's row id, added or updated; nil (and a conflict) when the number is known under another name.
    mutating func person(_ p: Person, place: String, field: String) throws -> Int64? {
        let masked = maskID(p.idNumber)
        if let (name, firstPlace) = seenPeople[p.idNumber], name != p.name {
            conflicts.append("\(place)：\(field)证件号码 \(masked) 在\(firstPlace)是「\(name)」，这里是「\(p.name)」：同一证件号码不能是两个人，请改正文件")
            return nil
        }
        seenPeople[p.idNumber] = seenPeople[p.idNumber] ?? (p.name, place)
        if let row = try row("SELECT id, name FROM person WHERE idType = ? AND idNumber = ?", [p.idType.rawValue, p.idNumber]) {
            let name: String = row["name"]
            if name != p.name {
                conflicts.append(
                    "\(place)：\(field)证件号码 \(masked) 在机构库中是「\(name)」，这里是「\(p.name)」。未导入：同一证件号码不能是两个人；若是改了名，请先 certpack roster forget 该证件号码再导入")
                return nil
            }
            let id: Int64 = row["id"]
            try run(
                "UPDATE person SET mobile = CASE WHEN ? = '' THEN mobile ELSE ? END, email = coalesce(?, email) WHERE id = ?",
                [p.mobile, p.mobile, p.email, id])
            return id
        }
        try run(
            "INSERT INTO person (idType, idNumber, name, mobile, email) VALUES (?, ?, ?, ?, ?)",
            [p.idType.rawValue, p.idNumber, p.name, p.mobile, p.email])
        report.peopleAdded += 1
        return db.lastInsertedRowID
    }

    /// Makes `person` hold `role` now; an exclusive role (法定代表人, 经办人) held by someone else ends today.
    func setRole(_ role: RoleKind, person: Int64, uscc: String, exclusive: Bool, title: String? = nil) throws {
        let current = try rows("SELECT id, personId FROM role WHERE uscc = ? AND role = ? AND until IS NULL", [uscc, role.rawValue])
        if let mine = current.first(where: { ($0["personId"] as Int64) == person }) {
            if let title { try run("UPDATE role SET title = ? WHERE id = ?", [title, mine["id"] as Int64]) }
            return
        }
        if exclusive {
            try run("UPDATE role SET until = ? WHERE uscc = ? AND role = ? AND until IS NULL", [today.description, uscc, role.rawValue])
        }
        try run(
            "INSERT INTO role (uscc, personId, role, title, since) VALUES (?, ?, ?, ?, ?)",
            [uscc, person, role.rawValue, title, today.description])
    }

    mutating func certificate(_ c: KnownCertificate, uscc: String, legal: Int64, place: String) throws {
        var holder: Int64?
        if c.kind == .personal {
            let number = c.holderIDNumber
            holder = try row("SELECT id FROM person WHERE idNumber = ?", [number ?? ""]).map { $0["id"] as Int64 } ?? legal
        }
        var until = c.validUntil
        var estimated = c.estimated && c.validUntil != nil
        if until == nil, let issued = c.issuedOn, let years = c.years {
            until = Self.estimate(issued: issued, years: years)
            estimated = true
        }
        let match: Row?
        if let serial = c.serial, !serial.isEmpty {
            match = try row("SELECT * FROM certificate WHERE uscc = ? AND serial = ?", [uscc, serial])
        } else {
            match = nil
        }
        if let match {
            let id: Int64 = match["id"]
            let oldUntil: String? = match["validUntil"]
            let oldEstimated: Bool = match["estimated"]
            if let oldUntil, !oldEstimated, let until, !estimated, oldUntil != until.description {
                conflicts.append("\(place)：证书序列号 \(c.serial ?? "") 在机构库中有效期至 \(oldUntil)，这里是 \(until)。未导入：证书上印的日期只有一个，请核对")
                return
            }
            // A printed date replaces an estimate; an estimate never replaces a printed date.
            if until != nil && (oldUntil == nil || oldEstimated) {
                try run(
                    "UPDATE certificate SET validUntil = ?, estimated = ?, issuedOn = coalesce(?, issuedOn), years = coalesce(?, years), updatedAt = ? WHERE id = ?",
                    [until?.description, estimated, c.issuedOn?.description, c.years, stamp, id])
                report.certificatesUpdated += 1
            }
            return
        }
        let name = try row("SELECT name FROM organisation WHERE uscc = ?", [uscc]).map { $0["name"] as String }
        try run(
            """
            INSERT INTO certificate (uscc, kind, holderId, serial, years, issuedOn, validUntil, estimated, status, nameAtIssue, legalRepAtIssue, updatedAt)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [
                uscc, c.kind.rawValue, holder, c.serial, c.years, c.issuedOn?.description, until?.description, estimated,
                CertificateStatus.valid.rawValue, name, legal, stamp,
            ])
        report.certificatesAdded += 1
    }

    /// The last valid day of a certificate issued on `issued` for `years`: the day before the anniversary.
    static func estimate(issued: CivilDate, years: Int) -> CivilDate {
        let y = issued.year + years
        let day = min(issued.day, CivilDate.daysIn(month: issued.month, year: y))
        return CivilDate(year: y, month: issued.month, day: day)!.adding(days: -1)
    }
}
