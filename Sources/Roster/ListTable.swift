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
/// `rosterVersion.n` counts the changes to `orgList`, so a copy of it held in memory (`SearchIndex`)
/// knows when it is out of date.
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

    /// The statement that brings up to date the rows of the organisations `condition` picks (on
    /// `orgList.uscc`); nothing for an organisation that is gone (its own trigger deletes its row).
    static func refresh(where condition: String) -> String {
        """
        UPDATE orgList SET name = s.name, firstExpiry = s.firstExpiry, text = s.text
          FROM orgListSource s WHERE s.uscc = orgList.uscc AND \(condition);
        """
    }

    /// The triggers that keep `orgList`: on each table an organisation's row is made from, after each
    /// change, the row of the organisation the changed row belongs to (before and after the change).
    static var triggers: String {
        var sql = """
            CREATE TRIGGER orgListAdd AFTER INSERT ON organisation BEGIN
              INSERT INTO orgList (uscc, name, firstExpiry, text) SELECT uscc, name, firstExpiry, text FROM orgListSource WHERE uscc = new.uscc;
            END;
            CREATE TRIGGER orgListRemove AFTER DELETE ON organisation BEGIN
              DELETE FROM orgList WHERE uscc = old.uscc;
            END;
            CREATE TRIGGER orgListRename AFTER UPDATE ON organisation BEGIN
              \(refresh(where: "orgList.uscc = new.uscc"))
            END;
            CREATE TRIGGER orgListPersonRenamed AFTER UPDATE OF name ON person BEGIN
              \(refresh(where: "orgList.uscc IN (SELECT uscc FROM role WHERE personId = new.id)"))
            END;

            """
        for table in ["certificate", "role", "organisationName"] {
            sql += """
                CREATE TRIGGER orgList_\(table)_insert AFTER INSERT ON \(table) BEGIN
                  \(refresh(where: "orgList.uscc = new.uscc"))
                END;
                CREATE TRIGGER orgList_\(table)_delete AFTER DELETE ON \(table) BEGIN
                  \(refresh(where: "orgList.uscc = old.uscc"))
                END;
                CREATE TRIGGER orgList_\(table)_update AFTER UPDATE ON \(table) BEGIN
                  \(refresh(where: "orgList.uscc = old.uscc"))
                  \(refresh(where: "orgList.uscc = new.uscc"))
                END;

                """
        }
        // The version: only a change that shows (the trigger above runs on every import of an
        // organisation, mostly to write what was there).
        sql += """
            CREATE TRIGGER rosterVersionInsert AFTER INSERT ON orgList BEGIN UPDATE rosterVersion SET n = n + 1; END;
            CREATE TRIGGER rosterVersionDelete AFTER DELETE ON orgList BEGIN UPDATE rosterVersion SET n = n + 1; END;
            CREATE TRIGGER rosterVersionUpdate AFTER UPDATE ON orgList
              WHEN old.name IS NOT new.name OR old.firstExpiry IS NOT new.firstExpiry OR old.text IS NOT new.text
              BEGIN UPDATE rosterVersion SET n = n + 1; END;
            """
        return sql
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
        CREATE TABLE rosterVersion (n INTEGER NOT NULL);
        INSERT INTO rosterVersion (n) VALUES (0);
        \(source)
        INSERT INTO orgList (uscc, name, firstExpiry, text) SELECT uscc, name, firstExpiry, text FROM orgListSource;
        \(triggers)
        """

    /// The list's order, as `orgListOrder` holds it.
    static let order = "firstExpiry IS NULL, firstExpiry, name, uscc"
}
