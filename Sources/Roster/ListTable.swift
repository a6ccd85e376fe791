import GRDB

/// The list's own table, `orgList`: one row per organisation with what the 机构库 list orders, shows
/// and searches by — its name, the last day of its earliest-ending valid certificate (`firstExpiry`)
/// and that certificate (`firstCertificate`), its 法定代表人's name (`legal`), and the text a search
/// looks in (`text`: its names now and before, its 统一社会信用代码, the names of its people and the
/// serials of its certificates, upper-cased, separated by U+001F).
///
/// SQLite keeps it, by triggers on every table it is made from: whatever writes the roster (this
/// version, a CLI beside the server, a future command) cannot leave it stale. A list page is then
/// an index scan (`orgListOrder`) instead of 20 000 organisations sorted, and a search reads one
/// small text per organisation instead of four tables. ID numbers are not in it: a 证件号码 is found
/// by the person index, whole.
///
/// `rosterVersion.n` counts the changes to what the lists show (the organisations, their names, people,
/// roles and certificates), so what is held in memory — the search texts (`SearchIndex`), a page
/// the web has answered already — knows when it is out of date, whoever wrote the file.
enum ListTable {
    /// What `orgList` holds for each organisation, computed from the tables themselves.
    static let source = """
        CREATE VIEW orgListSource AS SELECT o.uscc AS uscc, o.name AS name,
          (SELECT min(validUntil) FROM certificate c WHERE c.uscc = o.uscc AND c.status = '有效') AS firstExpiry,
          coalesce(
            (SELECT id FROM certificate x WHERE x.uscc = o.uscc AND x.status = '有效' AND x.validUntil IS NOT NULL ORDER BY x.validUntil, x.id LIMIT 1),
            (SELECT id FROM certificate x WHERE x.uscc = o.uscc AND x.status = '有效' AND x.validUntil IS NULL ORDER BY x.id LIMIT 1)
          ) AS firstCertificate,
          (SELECT p.name FROM role r JOIN person p ON p.id = r.personId
            WHERE r.uscc = o.uscc AND r.role = '法定代表人' AND r.until IS NULL ORDER BY r.id LIMIT 1) AS legal,
          upper(o.name || char(31) || o.uscc
            || coalesce((SELECT char(31) || group_concat(n.name, char(31)) FROM organisationName n WHERE n.uscc = o.uscc), '')
            || coalesce((SELECT char(31) || group_concat(p.name, char(31)) FROM role r JOIN person p ON p.id = r.personId WHERE r.uscc = o.uscc), '')
            || coalesce((SELECT char(31) || group_concat(c.serial, char(31)) FROM certificate c WHERE c.uscc = o.uscc AND c.serial IS NOT NULL), '')
          ) AS text
        FROM organisation o;
        """

    /// The columns `orgList` copies from `orgListSource`, beside `uscc`.
    static let copied = ["name", "firstExpiry", "firstCertificate", "legal", "text"]
    static let columns = copied.joined(separator: ", ")
    static let setFromSource = copied.map { "\($0) = s.\($0)" }.joined(separator: ", ")
    static let sourceColumns = copied.map { "s.\($0)" }.joined(separator: ", ")

    /// What every trigger does after a change that shows: the version moves, and the rows of the
    /// organisations `usccs` (an SQL list: `new.uscc`, or a subquery) are brought up to date. An
    /// organisation that is gone is left alone (its own trigger deletes its row).
    static func keep(_ usccs: String) -> String {
        """
          UPDATE rosterVersion SET n = n + 1;
          UPDATE orgList SET \(setFromSource)
            FROM orgListSource s WHERE s.uscc = orgList.uscc AND orgList.uscc IN (\(usccs));
        """
    }

    /// The triggers that keep `orgList` and `rosterVersion`: on each table an organisation's row is
    /// made from, after each change that shows — not a row written again as it was (an import does
    /// that often; `updatedAt` aside) — the row of the organisation the changed row belongs to
    /// (before and after the change). A bulk write takes them away while it works (see `bulk`).
    static var triggers: String {
        func changed(_ table: String) -> String {
            let columns = watched.first { $0.table == table }!.columns
            return "(\(columns.map { "old.\($0)" }.joined(separator: ", "))) IS NOT (\(columns.map { "new.\($0)" }.joined(separator: ", ")))"
        }
        var sql = """
            CREATE TRIGGER rosterOrganisationAdded AFTER INSERT ON organisation BEGIN
              UPDATE rosterVersion SET n = n + 1;
              INSERT INTO orgList (uscc, \(columns)) SELECT uscc, \(columns) FROM orgListSource WHERE uscc = new.uscc;
            END;
            CREATE TRIGGER rosterOrganisationRemoved AFTER DELETE ON organisation BEGIN
              UPDATE rosterVersion SET n = n + 1;
              DELETE FROM orgList WHERE uscc = old.uscc;
            END;
            CREATE TRIGGER rosterOrganisationChanged AFTER UPDATE ON organisation WHEN \(changed("organisation")) BEGIN
            \(keep("old.uscc, new.uscc"))
            END;
            CREATE TRIGGER rosterPersonChanged AFTER UPDATE ON person WHEN \(changed("person")) BEGIN
            \(keep("SELECT uscc FROM role WHERE personId = new.id"))
            END;

            """
        for table in ["certificate", "role", "organisationName"] {
            sql += """
                CREATE TRIGGER roster_\(table)_added AFTER INSERT ON \(table) BEGIN
                \(keep("new.uscc"))
                END;
                CREATE TRIGGER roster_\(table)_removed AFTER DELETE ON \(table) BEGIN
                \(keep("old.uscc"))
                END;
                CREATE TRIGGER roster_\(table)_changed AFTER UPDATE ON \(table) WHEN \(changed(table)) BEGIN
                \(keep("old.uscc, new.uscc"))
                END;

                """
        }
        return sql
    }

    /// The tables (and their columns, all but `updatedAt`) whose changes move `rosterVersion.n` and
    /// the organisation's row in `orgList`.
    static let watched: [(table: String, columns: [String])] = [
        ("organisation", ["uscc", "name", "address", "postcode", "phone"]),
        ("organisationName", ["uscc", "name", "until"]),
        ("person", ["idType", "idNumber", "name", "mobile", "email"]),
        ("role", ["uscc", "personId", "role", "title", "since", "until"]),
        (
            "certificate",
            ["uscc", "kind", "holderId", "serial", "years", "issuedOn", "validUntil", "estimated", "status", "nameAtIssue", "legalRepAtIssue"]
        ),
    ]

    /// The triggers' names, as `triggers` makes them.
    static var triggerNames: [String] {
        ["rosterOrganisationAdded", "rosterOrganisationRemoved", "rosterOrganisationChanged", "rosterPersonChanged"]
            + ["certificate", "role", "organisationName"].flatMap { t in ["added", "removed", "changed"].map { "roster_\(t)_\($0)" } }
    }

    /// Runs `work` (inside a write transaction) without the triggers, then brings the rows of
    /// `organisations` up to date once each and moves the version once: an import changes each
    /// organisation's rows some fifteen times, and a trigger run per change — even one that only
    /// checks a flag — cost a third of the import. SQLite's schema changes are part of the
    /// transaction: should `work` throw, or the process die, the rollback brings the triggers back
    /// with everything else, and no other connection ever sees them gone. `work` must change no
    /// organisation but these (an import and the record of a batch change only those they name).
    static func bulk<T>(_ db: Database, organisations: some Sequence<String>, _ work: () throws -> T) throws -> T {
        try db.execute(sql: triggerNames.map { "DROP TRIGGER \($0);" }.joined(separator: "\n"))
        let result = try work()
        try db.execute(sql: triggers)
        try db.execute(sql: "CREATE TEMP TABLE IF NOT EXISTS orgListTouched (uscc TEXT PRIMARY KEY NOT NULL) WITHOUT ROWID")
        let touch = try db.cachedStatement(sql: "INSERT OR IGNORE INTO temp.orgListTouched (uscc) VALUES (?)")
        for uscc in organisations { try touch.execute(arguments: [uscc]) }
        try db.execute(
            sql: """
                UPDATE rosterVersion SET n = n + 1;
                DELETE FROM orgList WHERE uscc IN (SELECT uscc FROM temp.orgListTouched) AND uscc NOT IN (SELECT uscc FROM organisation);
                UPDATE orgList SET \(setFromSource)
                  FROM orgListSource s WHERE s.uscc = orgList.uscc AND orgList.uscc IN (SELECT uscc FROM temp.orgListTouched);
                INSERT INTO orgList (uscc, \(columns)) SELECT s.uscc, \(sourceColumns)
                  FROM temp.orgListTouched t JOIN orgListSource s ON s.uscc = t.uscc WHERE NOT EXISTS (SELECT 1 FROM orgList l WHERE l.uscc = t.uscc);
                DELETE FROM temp.orgListTouched;
                """)
        return result
    }

    /// Migration v3: the table, its order's index, the version, the triggers, and the rows of the
    /// organisations already held.
    static let creation = """
        CREATE TABLE orgList (
            id INTEGER PRIMARY KEY,
            uscc TEXT NOT NULL UNIQUE,
            name TEXT NOT NULL,
            firstExpiry TEXT,                        -- the earliest last day of a valid certificate
            firstCertificate INTEGER,                -- that certificate (else a valid one without a day)
            legal TEXT,                              -- the 法定代表人's name now
            text TEXT NOT NULL                       -- what a search looks in (upper-cased)
        );
        -- The list's order: the earliest-ending certificate first, then by name; none last, by name.
        CREATE INDEX orgListOrder ON orgList(firstExpiry IS NULL, firstExpiry, name, uscc);
        -- n: changes to what the lists show.
        CREATE TABLE rosterVersion (n INTEGER NOT NULL);
        INSERT INTO rosterVersion (n) VALUES (0);
        \(source)
        INSERT INTO orgList (uscc, \(columns)) SELECT uscc, \(columns) FROM orgListSource;
        \(triggers)
        """

    /// The list's order, as `orgListOrder` holds it (`table`: the name `orgList` goes by in the query).
    static func order(_ table: String = "orgList") -> String {
        "\(table).firstExpiry IS NULL, \(table).firstExpiry, \(table).name, \(table).uscc"
    }
}
