import Foundation
import GRDB
import Rules

/// The roster (机构库): what CertPack remembers between visits — organisations, people, their roles,
/// certificates and when they expire, the applications made, drafts and an audit of what left the
/// file — in one SQLite file.
///
/// One `Roster` is one open file, safe to share between threads and tasks (a GRDB `DatabasePool`:
/// WAL, readers beside one writer); the CLI and `certpack serve` may have the same file open at once
/// (a writer waits up to `busyTimeout` for the other). Every method takes and returns plain values.
/// Nothing is recorded until a roster is created on purpose (`Roster.create`, `certpack roster init`).
public final class Roster: Sendable {
    /// Where the file is.
    public let url: URL
    let pool: DatabasePool
    /// The list's search texts in memory (see `SearchIndex`).
    let searchIndex = SearchIndexCache()

    /// How long a write waits for another process's write before giving up.
    public static let busyTimeout: TimeInterval = 15

    /// How much of the file SQLite may map into memory (address space, not memory used).
    static let mmapSize = 1 << 30

    /// A SQLite `application_id` naming the file as a CertPack roster ("CPRO").
    static let applicationID: Int32 = 0x4350_524F

    private init(url: URL, pool: DatabasePool) {
        self.url = url
        self.pool = pool
    }

    /// Creates a new roster at `url` (folder 0700, file 0600) and opens it. An existing file is refused.
    public static func create(at url: URL) throws -> Roster {
        let fm = FileManager.default
        let folder = url.deletingLastPathComponent()
        if !fm.fileExists(atPath: folder.path) {
            try fm.createDirectory(at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        }
        // The file is made here, 0600, before SQLite opens it; its -wal and -shm take its mode.
        let fd = Foundation.open(url.path, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0o600)
        if fd < 0 {
            if errno == EEXIST { throw RosterError.exists(url.path) }
            throw RosterError.unusable(url.path, String(cString: strerror(errno)))
        }
        close(fd)
        do {
            let roster = try openFile(url, creating: true)
            return roster
        } catch {
            unlink(url.path)
            unlink(url.path + "-wal")
            unlink(url.path + "-shm")
            throw error
        }
    }

    /// Opens an existing roster, bringing an older file up to this version's schema. A missing file,
    /// a file that is not a roster, or one written by a newer CertPack is refused with what to do.
    public static func open(at url: URL) throws -> Roster {
        guard FileManager.default.fileExists(atPath: url.path) else { throw RosterError.missing(url.path) }
        return try openFile(url, creating: false)
    }

    /// True when a roster file exists at `url` (fill and batch record only then).
    public static func exists(at url: URL) -> Bool { FileManager.default.fileExists(atPath: url.path) }

    private static func openFile(_ url: URL, creating: Bool) throws -> Roster {
        var config = Configuration()
        config.busyMode = .timeout(busyTimeout)
        config.foreignKeysEnabled = true
        config.label = "certpack.roster"
        config.prepareDatabase { db in
            // Deleted content is overwritten with zeros, not left in free pages (forget).
            try db.execute(sql: "PRAGMA secure_delete = ON")
            // Reads straight from the OS's page cache, shared by every connection and process, instead
            // of each connection copying pages in with pread into its own small cache: the lists of a
            // 20 000-organisation roster read hundreds of scattered pages.
            try db.execute(sql: "PRAGMA mmap_size = \(mmapSize)")
            // Statement journals (every write that fires the list's triggers has one) and sorts in
            // memory, not in temporary files: an import's 300 000 changes spent most of their time
            // in the kernel creating and writing them.
            try db.execute(sql: "PRAGMA temp_store = MEMORY")
        }
        let pool: DatabasePool
        do { pool = try DatabasePool(path: url.path, configuration: config) } catch {
            throw RosterError.unusable(url.path, "\(error)")
        }
        try pool.barrierWriteWithoutTransaction { db in
            let appID = try Int32.fetchOne(db, sql: "PRAGMA application_id") ?? 0
            let hasTables = try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master") ?? 0
            if appID == 0 && hasTables == 0 {
                guard creating else { throw RosterError.notARoster(url.path) }
                try db.execute(sql: "PRAGMA application_id = \(applicationID)")
            } else if appID != applicationID {
                throw RosterError.notARoster(url.path)
            }
            if try Schema.migrator.hasBeenSuperseded(db) {
                throw RosterError.newer(url.path)
            }
            let applied = try Schema.migrator.appliedIdentifiers(db)
            let known = Set(Schema.migrator.migrations)
            if !applied.isSubset(of: known) { throw RosterError.newer(url.path) }
        }
        do { try Schema.migrator.migrate(pool) } catch {
            throw RosterError.unusable(url.path, "无法升级机构库：\(error)")
        }
        return Roster(url: url, pool: pool)
    }

    /// SQLite's own check of the file: "ok" when sound.
    public func integrityCheck() throws -> String {
        try pool.read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check").joined(separator: "\n") }
    }

    /// Writes a consistent copy of the roster to `destination` with SQLite's online backup (safe
    /// while another process writes), 0600, and notes it in the audit table.
    public func backup(to destination: URL) throws {
        let fm = FileManager.default
        if fm.fileExists(atPath: destination.path) { throw RosterError.exists(destination.path) }
        let temporary = destination.deletingLastPathComponent()
            .appendingPathComponent(".\(destination.lastPathComponent).partial-\(getpid())")
        unlink(temporary.path)
        let fd = Foundation.open(temporary.path, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw RosterError.unusable(destination.path, String(cString: strerror(errno))) }
        close(fd)
        do {
            let copy = try DatabaseQueue(path: temporary.path)
            try pool.backup(to: copy)
            try copy.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA journal_mode = DELETE") }
            try copy.close()
            guard rename(temporary.path, destination.path) == 0 else {
                throw RosterError.unusable(destination.path, String(cString: strerror(errno)))
            }
        } catch {
            unlink(temporary.path)
            unlink(temporary.path + "-journal")
            throw error
        }
        try audit(action: "备份", detail: "机构库已备份到一个文件")
    }

    /// Appends a line to the audit table (exports, backups, forgets). `detail` says what kind of
    /// thing happened, never whose data it was.
    public func audit(action: String, detail: String, at now: Date = Date()) throws {
        try pool.write { db in
            try db.execute(
                sql: "INSERT INTO audit (at, action, detail) VALUES (?, ?, ?)",
                arguments: [Stamp.string(now), action, detail])
        }
    }

    /// The audit lines, oldest first.
    public func auditLog() throws -> [AuditEntry] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT at, action, detail FROM audit ORDER BY id").map {
                AuditEntry(at: $0["at"], action: $0["action"], detail: $0["detail"])
            }
        }
    }
}

/// One line of the audit table.
public struct AuditEntry: Sendable, Equatable, Codable {
    public var at: String
    public var action: String
    public var detail: String
}

/// Why a roster cannot be used, in the user's words.
public enum RosterError: Error, CustomStringConvertible, Equatable {
    case missing(String)
    case exists(String)
    case notARoster(String)
    case newer(String)
    case unusable(String, String)
    case notFound(String)
    case invalid(String)

    public var description: String {
        switch self {
        case let .missing(p): "还没有机构库 \(p)：先运行 certpack roster init 建立（机构库只在您要求时才建立，之前不记录任何信息）"
        case let .exists(p): "\(p) 已存在，未覆盖"
        case let .notARoster(p): "\(p) 不是 CertPack 机构库文件，未改动它"
        case let .newer(p): "机构库 \(p) 由更新版本的 CertPack 写入，这个版本无法安全地使用它：请升级 CertPack（未改动该文件）"
        case let .unusable(p, why): "无法使用机构库 \(p)：\(why)"
        case let .notFound(what): "机构库中没有\(what)"
        case let .invalid(why): why
        }
    }
}

/// Timestamps as stored: UTC, ISO 8601, to the second.
enum Stamp {
    static func string(_ date: Date) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        return f.string(from: date)
    }
}
