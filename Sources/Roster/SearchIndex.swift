import Foundation
import GRDB

/// The search texts of `orgList` in the list's order, held in memory: a search is then one pass of
/// `memmem` over a few megabytes (well under a millisecond at 20 000 organisations) instead of
/// SQLite reading and pattern-matching every row, and its hits come out already in the list's order.
///
/// It is a copy, made again when `rosterVersion` says `orgList` changed (whoever changed it), and
/// only ever read in the read transaction that checked the version.
struct SearchIndex: Sendable {
    /// The `rosterVersion` it was read at.
    let version: Int64
    /// The organisations, in the list's order.
    let usccs: [String]
    /// Each organisation's place in `usccs`.
    let place: [String: Int]
    /// Every text followed by a 0 byte; text `i` starts at `starts[i]`.
    private let bytes: [UInt8]
    private let starts: [Int]

    /// The version a read transaction sees.
    static func version(_ db: Database) throws -> Int64 {
        try Int64.fetchOne(db, sql: "SELECT n FROM rosterVersion") ?? 0
    }

    static func load(_ db: Database, version: Int64) throws -> SearchIndex {
        var usccs: [String] = []
        var bytes: [UInt8] = []
        var starts: [Int] = []
        let rows = try Row.fetchCursor(db, sql: "SELECT uscc, text FROM orgList ORDER BY \(ListTable.order())")
        while let row = try rows.next() {
            usccs.append(row[0])
            starts.append(bytes.count)
            let text: String = row[1]
            bytes.append(contentsOf: text.utf8)
            bytes.append(0)
        }
        var place: [String: Int] = [:]
        place.reserveCapacity(usccs.count)
        for (i, uscc) in usccs.enumerated() { place[uscc] = i }
        return SearchIndex(version: version, usccs: usccs, place: place, bytes: bytes, starts: starts)
    }

    /// What a search looks for, as the texts hold it: ASCII upper-cased as SQLite's `upper` does,
    /// without the separators and control characters no text holds inside a field.
    static func needle(_ search: String) -> [UInt8] {
        search.utf8.compactMap { b in
            if b < 0x20 || b == 0x7F { return nil }
            return (0x61...0x7A).contains(b) ? b - 0x20 : b
        }
    }

    /// The places (in the list's order) of the organisations whose text holds `needle`.
    func places(holding needle: [UInt8]) -> [Int] {
        guard !needle.isEmpty, !usccs.isEmpty else { return [] }
        var found: [Int] = []
        bytes.withUnsafeBytes { haystack in
            needle.withUnsafeBytes { n in
                // Candidates are where the needle's last byte is (memchr): for Chinese that is a UTF-8
                // continuation byte, far rarer than a lead byte; each is then compared whole.
                let base = haystack.baseAddress!
                let last = Int32(needle[needle.count - 1])
                var from = needle.count - 1
                while from < haystack.count, let hit = memchr(base + from, last, haystack.count - from) {
                    let end = base.distance(to: UnsafeRawPointer(hit)) + 1
                    let start = end - needle.count
                    guard memcmp(base + start, n.baseAddress!, needle.count) == 0 else {
                        from = end
                        continue
                    }
                    let i = textIndex(at: start)
                    found.append(i)
                    // On to the next organisation's text: one hit each.
                    from = (i + 1 < starts.count ? starts[i + 1] : haystack.count) + needle.count - 1
                }
            }
        }
        return found
    }

    /// The text that byte `offset` falls in.
    private func textIndex(at offset: Int) -> Int {
        var low = 0
        var high = starts.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if starts[mid] <= offset { low = mid } else { high = mid - 1 }
        }
        return low
    }
}

/// The roster's one `SearchIndex`, shared by every read (the web's clerks search the same copy).
final class SearchIndexCache: @unchecked Sendable {
    private let lock = NSLock()
    private var current: SearchIndex?

    /// The index at the version `db`'s transaction sees: the held one, or read now (one reader at a
    /// time reads it; the others wait for it rather than read it too).
    func index(_ db: Database) throws -> SearchIndex {
        let version = try SearchIndex.version(db)
        lock.lock()
        defer { lock.unlock() }
        if let current, current.version == version { return current }
        let loaded = try SearchIndex.load(db, version: version)
        // A reader on an older snapshot keeps its copy to itself.
        if current.map({ $0.version < version }) ?? true { current = loaded }
        return loaded
    }
}
