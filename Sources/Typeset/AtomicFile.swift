import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A file written under a temporary name in the same folder and renamed into place on `commit()`.
///
/// The temporary is created with mode 0600 (packs hold ID numbers) and its name does not end in the
/// real extension, so an interrupted run leaves no half-written `.pdf`. Until committed, it is listed
/// in `AtomicFile.pending`, which a signal handler can sweep with `removePending()`.
public final class AtomicFile: @unchecked Sendable {
    public let url: URL
    let temporary: String
    private var fd: Int32
    private var committed = false

    public init(_ url: URL) throws {
        self.url = url
        let folder = url.deletingLastPathComponent().path
        temporary = folder + "/." + url.lastPathComponent + ".partial-\(getpid())-\(AtomicFile.nextSerial())"
        fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw TypesetError.render(path: url.path, detail: "cannot create \(temporary): \(String(cString: strerror(errno)))")
        }
        AtomicFile.register(temporary)
    }

    /// Appends bytes; false on a write error.
    func write(_ data: UnsafePointer<UInt8>, _ length: Int) -> Bool {
        var done = 0
        while done < length {
            let n = Glibc.write(fd, data + done, length - done)
            if n <= 0 { return false }
            done += n
        }
        return true
    }

    /// Appends `data`.
    public func write(_ data: Data) throws {
        let ok = data.withUnsafeBytes { raw in
            raw.count == 0 || write(raw.baseAddress!.assumingMemoryBound(to: UInt8.self), raw.count)
        }
        if !ok { throw TypesetError.render(path: url.path, detail: "write failed: \(String(cString: strerror(errno)))") }
    }

    /// Closes the temporary and renames it over `url`.
    public func commit() throws {
        guard !committed else { return }
        close(fd); fd = -1
        guard rename(temporary, url.path) == 0 else {
            throw TypesetError.render(path: url.path, detail: "cannot rename into place: \(String(cString: strerror(errno)))")
        }
        committed = true
        AtomicFile.unregister(temporary)
    }

    deinit {
        if !committed {
            if fd >= 0 { close(fd) }
            unlink(temporary)
            AtomicFile.unregister(temporary)
        }
    }

    /// Writes `data` to `url` atomically, owner-only.
    public static func write(_ data: Data, to url: URL) throws {
        let file = try AtomicFile(url)
        try file.write(data)
        try file.commit()
    }

    // MARK: - Temporaries in flight

    nonisolated(unsafe) private static var pendingPaths: Set<String> = []
    nonisolated(unsafe) private static var serial = 0
    /// Set by `removePending()`: the process is exiting, so a temporary created after the sweep (by
    /// a thread still running) is removed at once instead of outliving the exit.
    nonisolated(unsafe) private static var swept = false
    private static let lock = NSLock()

    private static func nextSerial() -> Int { lock.lock(); defer { lock.unlock() }; serial += 1; return serial }
    private static func register(_ p: String) {
        lock.lock(); defer { lock.unlock() }
        if swept { unlink(p) } else { pendingPaths.insert(p) }
    }
    private static func unregister(_ p: String) { lock.lock(); pendingPaths.remove(p); lock.unlock() }

    /// Temporaries not yet committed.
    public static var pending: [String] { lock.lock(); defer { lock.unlock() }; return Array(pendingPaths) }

    /// Removes every uncommitted temporary (for SIGINT/SIGTERM handlers before exiting). Files opened
    /// afterwards are removed as they are created (their commit then fails): call it only on the way out.
    public static func removePending() {
        lock.lock()
        swept = true
        let all = pendingPaths
        lock.unlock()
        for p in all { unlink(p) }
    }
}
