import GRDB

/// The list's own table, `orgList`: one row per organisation with what the 机构库 list orders and
/// searches by — its name, the last day of its earliest-ending valid certificate (`firstExpiry`) and
/// the text a search looks in (`text`: its names now and before, its 统一社会信用代码, the names of
/// its people and the serials of its certificates, upper-cased, separated by U+001F).
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
          upper(o.name || char(31) || o.uscc
            || coalesce((SELECT char(31) || group_concat(n.name, char(31)) FROM organisationName n WHERE n.uscc = o.uscc), '')
            || coalesce((SELECT char(31) || group_concat(p.name, char(31)) FROM role r JOIN person p ON p.id = r.personId WHERE r.uscc = o.uscc), '')
            || coalesce((SELECT char(31) || group_concat(c.serial, char(31)) FROM certificate c WHERE c.uscc = o.uscc AND c.serial IS NOT NULL), '')
          ) AS text
        FROM organisation o;
        """

    /// The two triggers that keep the rows of the organisations `usccs` (an SQL list: `new.uscc`, or
    /// a subquery) after `event`: brought up to date there and then, or — during a bulk write
    /// (`rosterVersion.bulk`) — noted in `orgListPending` for `bulk` to bring up to date once at the
    /// end. An organisation that is gone is left alone (its own trigger deletes its row).
    static func keep(_ name: String, after event: String, _ usccs: String) -> String {
        """
        CREATE TRIGGER \(name) AFTER \(event) WHEN NOT (SELECT bulk FROM rosterVersion) BEGIN
          UPDATE orgList SET name = s.name, firstExpiry = s.firstExpiry, text = s.text
            FROM orgListSource s WHERE s.uscc = orgList.uscc AND orgList.uscc IN (\(usccs));
        END;
        CREATE TRIGGER \(name)Later AFTER \(event) WHEN (SELECT bulk FROM rosterVersion) BEGIN
          INSERT OR IGNORE INTO orgListPending (uscc) SELECT uscc FROM organisation WHERE uscc IN (\(usccs));
        END;

        """
    }

    /// The triggers that keep `orgList`: on each table an organisation's row is made from, after each
    /// change, the row of the organisation the changed row belongs to (before and after the change).
    static var triggers: String {
        var sql = """
            CREATE TRIGGER orgListAdd AFTER INSERT ON organisation WHEN NOT (SELECT bulk FROM rosterVersion) BEGIN
              INSERT INTO orgList (uscc, name, firstExpiry, text) SELECT uscc, name, firstExpiry, text FROM orgListSource WHERE uscc = new.uscc;
            END;
            CREATE TRIGGER orgListAddLater AFTER INSERT ON organisation WHEN (SELECT bulk FROM rosterVersion) BEGIN
              INSERT OR IGNORE INTO orgListPending (uscc) VALUES (new.uscc);
            END;
            CREATE TRIGGER orgListRemove AFTER DELETE ON organisation BEGIN
              DELETE FROM orgList WHERE uscc = old.uscc;
              DELETE FROM orgListPending WHERE uscc = old.uscc;
            END;

            """
        sql += keep("orgListRename", after: "UPDATE ON organisation", "new.uscc")
        sql += keep("orgListPersonRenamed", after: "UPDATE OF name ON person", "SELECT uscc FROM role WHERE personId = new.id")
        for table in ["certificate", "role", "organisationName"] {
            sql += keep("orgList_\(table)_insert", after: "INSERT ON \(table)", "new.uscc")
            sql += keep("orgList_\(table)_delete", after: "DELETE ON \(table)", "old.uscc")
            sql += keep("orgList_\(table)_update", after: "UPDATE ON \(table)", "old.uscc, new.uscc")
        }
        // The version: every change to what a list, the due board or a search shows — not a draft,
        // an application or the audit, nor a row written again as it was (an import does that often).
        for (table, columns) in watched {
            let old = columns.map { "old.\($0)" }.joined(separator: ", ")
            let new = columns.map { "new.\($0)" }.joined(separator: ", ")
            sql += """
                CREATE TRIGGER rosterVersion_\(table)_insert AFTER INSERT ON \(table) BEGIN UPDATE rosterVersion SET n = n + 1; END;
                CREATE TRIGGER rosterVersion_\(table)_delete AFTER DELETE ON \(table) BEGIN UPDATE rosterVersion SET n = n + 1; END;
                CREATE TRIGGER rosterVersion_\(table)_update AFTER UPDATE ON \(table) WHEN (\(old)) IS NOT (\(new))
                  BEGIN UPDATE rosterVersion SET n = n + 1; END;

                """
        }
        return sql
    }

    /// The tables (and their columns, all but `updatedAt`) whose changes move `rosterVersion.n`.
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

    /// Runs `work` (inside a write transaction) with the list's rows brought up to date once per
    /// organisation at the end instead of after every row: an import touches each organisation's
    /// row some six times. Should `work` throw, the transaction's rollback undoes the mode too.
    static func bulk<T>(_ db: Database, _ work: () throws -> T) throws -> T {
        try db.execute(sql: "UPDATE rosterVersion SET bulk = 1")
        let result = try work()
        try db.execute(
            sql: """
                UPDATE rosterVersion SET bulk = 0;
                UPDATE orgList SET name = s.name, firstExpiry = s.firstExpiry, text = s.text
                  FROM orgListSource s WHERE s.uscc = orgList.uscc AND orgList.uscc IN (SELECT uscc FROM orgListPending);
                INSERT INTO orgList (uscc, name, firstExpiry, text) SELECT s.uscc, s.name, s.firstExpiry, s.text
                  FROM orgListPending p JOIN orgListSource s ON s.uscc = p.uscc WHERE NOT EXISTS (SELECT 1 FROM orgList l WHERE l.uscc = p.uscc);
                DELETE FROM orgListPending;
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
            text TEXT NOT NULL                       -- what a search looks in (upper-cased)
        );
        -- The list's order: the earliest-ending certificate first, then by name; none last, by name.
        CREATE INDEX orgListOrder ON orgList(firstExpiry IS NULL, firstExpiry, name, uscc);
        -- n: changes to what the lists show; bulk: 1 while a bulk write defers orgList's (see `bulk`).
        CREATE TABLE rosterVersion (n INTEGER NOT NULL, bulk INTEGER NOT NULL);
        INSERT INTO rosterVersion (n, bulk) VALUES (0, 0);
        CREATE TABLE orgListPending (uscc TEXT PRIMARY KEY NOT NULL) WITHOUT ROWID;
        \(source)
        INSERT INTO orgList (uscc, name, firstExpiry, text) SELECT uscc, name, firstExpiry, text FROM orgListSource;
        \(triggers)
        """

    /// The list's order, as `orgListOrder` holds it.
    static let order = "firstExpiry IS NULL, firstExpiry, name, uscc"
}
