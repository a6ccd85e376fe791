import Foundation
import GRDB
import Rules

extension Roster {
    /// Organisations, or with `dueWithin` every valid certificate whose last day is at most that many
    /// days from `today` (expired ones included), soonest first. `search` matches part of a name (now
    /// or before), of a 统一社会信用代码, of a person's name or of a serial, or a whole 证件号码.
    ///
    /// Everything at once: for a page use `page`, to go through a long list `forEachEntry`.
    public func list(dueWithin: Int? = nil, search: String? = nil, today: CivilDate = .today()) throws -> [RosterEntry] {
        var all: [RosterEntry] = []
        try forEachEntry(dueWithin: dueWithin, search: search, today: today) { all.append($0) }
        return all
    }

    /// The entries of `list`, in its order: as SQLite reads them, or — for a search — a few hundred at
    /// a time (only the keys of what it found are gathered first).
    public func forEachEntry(
        dueWithin: Int? = nil, search: String? = nil, today: CivilDate = .today(),
        _ body: (RosterEntry) throws -> Void
    ) throws {
        try pool.read { db in
            let query = ListQuery(dueWithin: dueWithin, search: search, today: today)
            if query.needle == nil {
                let rows = try Row.fetchCursor(db, sql: query.wholeSQL, arguments: StatementArguments(query.due.map { [$0] } ?? []))
                var columns: ColumnPlaces?
                while let row = try rows.next() {
                    let c = columns ?? ColumnPlaces(row)
                    columns = c
                    try body(Roster.entry(row, c))
                }
                return
            }
            let keys = try query.keys(db, searchIndex: searchIndex).keys
            for start in stride(from: 0, to: keys.count, by: 500) {
                for entry in try query.entries(db, keys: Array(keys[start..<min(start + 500, keys.count)])) { try body(entry) }
            }
        }
    }

    /// One page of `list`: at most `limit` entries from `offset`, in the list's order, and how many
    /// there are in all. Only the page's rows are read in full, so a page costs about the same at
    /// 20 000 organisations as at 20.
    public func page(
        dueWithin: Int? = nil, search: String? = nil, limit: Int = 100, offset: Int = 0,
        today: CivilDate = .today()
    ) throws -> RosterPage {
        try pool.read { db in
            let query = ListQuery(dueWithin: dueWithin, search: search, today: today)
            let (keys, total) = try query.keys(db, searchIndex: searchIndex, limit: max(0, limit), offset: max(0, offset))
            return RosterPage(total: total, entries: try query.entries(db, keys: keys), version: try SearchIndex.version(db))
        }
    }

    /// A number that changes whenever what the lists show changes (anyone's write of an organisation,
    /// a name, a person, a role or a certificate; not drafts, applications or the audit): a page
    /// read at this version is still right while it returns the same.
    public func version() throws -> Int64 {
        try pool.read { try SearchIndex.version($0) }
    }

    /// A list's line from its row (`ListQuery.entries`).
    static func entry(_ row: Row, _ c: ColumnPlaces) -> RosterEntry {
        RosterEntry(
            uscc: c[row, "ouscc"], name: c[row, "oname"], legalRepresentative: c[row, "legal"],
            certificate: (c[row, "id"] as Int64?) == nil ? nil : certificate(row, c))
    }
}

/// A list as asked for: which keys (organisations, or certificates on the due board) in which
/// order, and the rows of a page of them.
struct ListQuery {
    /// The due board's last day, `YYYY-MM-DD`; nil for the list of organisations.
    var due: String?
    /// What a search looks for in the texts, and a whole 证件号码 (upper-cased) it may be.
    var needle: [UInt8]?
    var idNumber: String?

    init(dueWithin: Int?, search: String?, today: CivilDate) {
        due = dueWithin.map { today.adding(days: $0).description }
        if let search = search.map(Normaliser.trimmed), !search.isEmpty {
            needle = SearchIndex.needle(search)
            idNumber = search.uppercased()
        }
    }

    /// The keys in the list's order — all of them, or the page from `offset` — and how many in all.
    func keys(
        _ db: Database, searchIndex: SearchIndexCache, limit: Int = .max, offset: Int = 0
    ) throws -> (keys: [DatabaseValue], total: Int) {
        func window<T>(_ all: [T]) -> [T] { Array(all.dropFirst(offset).prefix(limit)) }
        let found = try needle.map { try organisations(db, holding: $0, searchIndex: searchIndex) }
        if let due {
            // The due board is a few hundred certificates: read them in order, narrow, take the page.
            let wanted = found.map { Set($0.places.map { [index = $0.index] in index.usccs[$0] }) }
            var ids: [Int64] = []
            let rows = try Row.fetchCursor(
                db,
                sql: """
                    SELECT c.id, c.uscc FROM certificate c JOIN orgList l ON l.uscc = c.uscc
                    WHERE c.status = '有效' AND c.validUntil IS NOT NULL AND c.validUntil <= ?
                    ORDER BY c.validUntil, l.name, c.kind, c.id
                    """, arguments: [due])
            while let row = try rows.next() {
                if let wanted, !wanted.contains(row[1]) { continue }
                ids.append(row[0])
            }
            return (window(ids).map(\.databaseValue), ids.count)
        }
        if let found {
            return (window(found.places).map { found.index.usccs[$0].databaseValue }, found.places.count)
        }
        // The whole list's order is the search index's own: a page anywhere in it is a slice.
        let index = try searchIndex.index(db)
        return (window(index.usccs).map(\.databaseValue), index.usccs.count)
    }

    /// The organisations a search finds, as their places in the list (ascending): a text holding the
    /// needle, or a person whose 证件号码 is the search, whole.
    func organisations(
        _ db: Database, holding needle: [UInt8], searchIndex: SearchIndexCache
    ) throws -> (index: SearchIndex, places: [Int]) {
        let index = try searchIndex.index(db)
        var places = index.places(holding: needle)
        if let idNumber {
            let holders = try String.fetchAll(
                db, sql: "SELECT r.uscc FROM person p JOIN role r ON r.personId = p.id WHERE p.idNumber = ?", arguments: [idNumber])
            let more = holders.compactMap { index.place[$0] }
            if !more.isEmpty { places = Array(Set(places + more)).sorted() }
        }
        return (index, places)
    }

    /// A line's columns: the organisation and its 法定代表人 from `orgList` (`l`), the certificate (`c`)
    /// and its holder (`h`).
    static let columns =
        "l.uscc AS ouscc, l.name AS oname, l.legal AS legal, c.*, h.name AS holderName, h.idType AS holderIDType, h.idNumber AS holderIDNumber"

    /// Where a line comes from: a certificate on the due board, or an organisation with its first
    /// valid certificate (both kept in `orgList`, so no line needs a query of its own).
    var from: String {
        due != nil
            ? "certificate c JOIN orgList l ON l.uscc = c.uscc LEFT JOIN person h ON h.id = c.holderId"
            : "orgList l LEFT JOIN certificate c ON c.id = l.firstCertificate LEFT JOIN person h ON h.id = c.holderId"
    }

    /// The whole list, no search, in its order, in one pass (`due`, if any, is its one argument).
    var wholeSQL: String {
        due != nil
            ? """
            SELECT \(Self.columns) FROM \(from)
            WHERE c.status = '有效' AND c.validUntil IS NOT NULL AND c.validUntil <= ?
            ORDER BY c.validUntil, l.name, c.kind, c.id
            """
            : "SELECT \(Self.columns) FROM \(from) ORDER BY \(ListTable.order("l"))"
    }

    /// The rows of `keys`, in the order of `keys`.
    func entries(_ db: Database, keys: [DatabaseValue]) throws -> [RosterEntry] {
        guard !keys.isEmpty else { return [] }
        let marks = Array(repeating: "?", count: keys.count).joined(separator: ",")
        let sql = "SELECT \(Self.columns) FROM \(from) WHERE \(due != nil ? "c.id" : "l.uscc") IN (\(marks))"
        let rows = try Row.fetchAll(db, sql: sql, arguments: StatementArguments(keys))
        let keyColumn = due != nil ? "id" : "ouscc"
        var byKey: [DatabaseValue: RosterEntry] = [:]
        guard let first = rows.first else { return [] }
        let columns = ColumnPlaces(first)
        for row in rows { byKey[columns[row, keyColumn]] = Roster.entry(row, columns) }
        return keys.compactMap { byKey[$0] }
    }
}
