import GRDB

/// The roster's tables, as migrations: a file is brought forward one migration at a time, and a file
/// holding a migration this version does not know is refused (see `Roster.open`).
///
/// Dates are `YYYY-MM-DD` text (they sort and compare as text); timestamps ISO 8601 UTC.
enum Schema {
    static let migrator: DatabaseMigrator = {
        var m = DatabaseMigrator()
        m.registerMigration("v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE organisation (
                        uscc TEXT PRIMARY KEY NOT NULL,          -- 统一社会信用代码
                        name TEXT NOT NULL,
                        address TEXT NOT NULL DEFAULT '',
                        postcode TEXT,
                        phone TEXT,
                        updatedAt TEXT NOT NULL
                    );
                    -- Earlier names, recorded by a 变更 of 单位名称.
                    CREATE TABLE organisationName (
                        id INTEGER PRIMARY KEY,
                        uscc TEXT NOT NULL REFERENCES organisation(uscc) ON DELETE CASCADE,
                        name TEXT NOT NULL,
                        until TEXT NOT NULL
                    );
                    CREATE INDEX organisationNameUSCC ON organisationName(uscc);
                    CREATE TABLE person (
                        id INTEGER PRIMARY KEY,
                        idType TEXT NOT NULL,                    -- 证件类型
                        idNumber TEXT NOT NULL,                  -- 证件号码
                        name TEXT NOT NULL,
                        mobile TEXT,
                        email TEXT,
                        UNIQUE (idNumber, idType)                -- also finds a number whatever its type
                    );
                    CREATE INDEX personName ON person(name);
                    -- 法定代表人 / 经办人 / 持证人 of an organisation, from `since` until `until` (NULL: now).
                    CREATE TABLE role (
                        id INTEGER PRIMARY KEY,
                        uscc TEXT NOT NULL REFERENCES organisation(uscc) ON DELETE CASCADE,
                        personId INTEGER NOT NULL REFERENCES person(id) ON DELETE CASCADE,
                        role TEXT NOT NULL,
                        title TEXT,                              -- 职务
                        since TEXT NOT NULL,
                        until TEXT
                    );
                    CREATE INDEX roleUSCC ON role(uscc);
                    CREATE INDEX rolePerson ON role(personId);
                    CREATE TABLE certificate (
                        id INTEGER PRIMARY KEY,
                        uscc TEXT NOT NULL REFERENCES organisation(uscc) ON DELETE CASCADE,
                        kind TEXT NOT NULL,                      -- odc / personal
                        holderId INTEGER REFERENCES person(id) ON DELETE CASCADE,
                        serial TEXT,
                        years INTEGER,
                        issuedOn TEXT,
                        validUntil TEXT,
                        estimated INTEGER NOT NULL DEFAULT 0,    -- 1: validUntil = issuedOn + years (估算)
                        status TEXT NOT NULL,                    -- 有效 已续期 已变更 已吊销 介质补办
                        nameAtIssue TEXT,                        -- the organisation's name then
                        legalRepAtIssue INTEGER REFERENCES person(id) ON DELETE SET NULL,
                        updatedAt TEXT NOT NULL
                    );
                    CREATE INDEX certificateUSCC ON certificate(uscc);
                    CREATE INDEX certificateDue ON certificate(status, validUntil);
                    CREATE INDEX certificateSerial ON certificate(serial);
                    CREATE INDEX certificateHolder ON certificate(holderId);
                    CREATE TABLE application (
                        id INTEGER PRIMARY KEY,
                        uscc TEXT NOT NULL REFERENCES organisation(uscc) ON DELETE CASCADE,
                        service TEXT NOT NULL,
                        madeOn TEXT NOT NULL,
                        yaml TEXT NOT NULL,                      -- the application as the CLI reads it
                        packSHA256 TEXT,
                        state TEXT NOT NULL,                     -- 草稿 已生成 已递交 已办结 退回
                        updatedAt TEXT NOT NULL
                    );
                    CREATE INDEX applicationUSCC ON application(uscc);
                    -- An application in progress (the web's 申请 form) as JSON, saved as it is typed.
                    CREATE TABLE draft (
                        id INTEGER PRIMARY KEY,
                        uscc TEXT,
                        title TEXT NOT NULL DEFAULT '',
                        json TEXT NOT NULL,
                        updatedAt TEXT NOT NULL
                    );
                    CREATE TABLE audit (
                        id INTEGER PRIMARY KEY,
                        at TEXT NOT NULL,
                        action TEXT NOT NULL,
                        detail TEXT NOT NULL
                    );
                    """)
        }
        // The list's order in one pass over an index: every organisation's earliest valid certificate
        // (`Roster.page`), without reading the table.
        m.registerMigration("v2 list indexes") { db in
            try db.execute(
                sql: """
                    CREATE INDEX certificateFirst ON certificate(status, uscc, validUntil);
                    """)
        }
        // The list's own table, kept by triggers (see `ListTable`).
        m.registerMigration("v3 list table") { db in
            try db.execute(sql: ListTable.creation)
        }
        return m
    }()
}
