import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A file system error in words a user can act on: the path, what went wrong in plain Chinese
/// (磁盘已满, 目录只读, 输出路径是一个文件…) and what to do. Never an NSError dump.
public struct OutputError: Error, CustomStringConvertible, Equatable, Sendable {
    public var path: String
    /// The `errno` behind it; 0 when the cause is not a system call (e.g. an incomplete PDF).
    public var code: Int32
    /// What went wrong when `code` does not say it (e.g. 「PDF 不完整」).
    public var detail: String

    public init(path: String, code: Int32, detail: String = "") {
        self.path = path
        self.code = code
        self.detail = detail
    }

    /// True when the disk (or the user's quota) is full.
    public var diskFull: Bool { code == ENOSPC || code == EDQUOT }

    public var description: String { "\(path)：\(detail.isEmpty ? Self.explain(code) : detail)" }

    /// `errno` in plain Chinese, with what to do.
    public static func explain(_ code: Int32) -> String {
        switch code {
        case ENOSPC, EDQUOT: "磁盘已满，写不下了；请腾出空间（或换一个输出目录）后重试"
        case EROFS: "目录只读（所在磁盘以只读方式挂载）；请换一个输出目录"
        case EACCES, EPERM: "目录只读或没有写入权限；请换一个输出目录，或修改该目录的权限"
        case ENOTDIR: "输出路径是一个文件（或路径中有一段是文件），不是目录；请换一个输出目录"
        case EISDIR: "这里是一个目录，不是文件"
        case ELOOP: "是一个符号链接；为安全起见，不经由符号链接写入（请删除该链接或换一个输出目录）"
        case EEXIST: "已有同名文件"
        case ENOENT: "目录不存在"
        case EIO: "磁盘读写出错；请检查磁盘后重试"
        case ENAMETOOLONG: "路径太长"
        case EMFILE, ENFILE: "同时打开的文件太多"
        default: "写入失败（\(String(cString: strerror(code)))）"
        }
    }
}

/// A file written under a private temporary name in the same folder and renamed into place on
/// `commit()`; nothing ever appears under the real name that is not complete.
///
/// - The folder is opened with `O_NOFOLLOW`: a folder that is a symlink is refused, and every later
///   step (create, rename, sync) is relative to that open folder, so swapping a path component for a
///   link midway cannot redirect the file.
/// - The temporary, `.<name>.partial-<pid>-<random>`, is created with `O_CREAT|O_EXCL|O_NOFOLLOW`
///   and mode 0600 (packs hold ID numbers): a file or link planted at that name is never written
///   through. Its name does not end in the real extension.
/// - Every write, `fsync`, `close` and `rename` is checked; the folder is synced after the rename.
/// - Until committed it is listed in `AtomicFile.pending`, which a signal handler can sweep with
///   `removePending()`; dropped uncommitted, it removes its temporary.
public final class AtomicFile: @unchecked Sendable {
    public let url: URL
    /// The temporary's name inside the folder.
    public let temporaryName: String
    private var folder: Int32
    private var fd: Int32
    private var committed = false
    /// The first write error's `errno` (0: none), so a caller that only sees "write failed" (cairo)
    /// can say why.
    public private(set) var writeError: Int32 = 0
    /// The last bytes written (at most `tailLength`): how `PDFWriter` sees the trailer without re-reading.
    public private(set) var tail: [UInt8] = []
    static let tailLength = 32

    /// The marker in every temporary's name; `isTemporary(_:)` and stale sweeps look for it.
    public static let marker = ".partial-"

    /// Every byte written, when asked for at creation (`keepingBytes`): how a batch hands a pack it
    /// has just written to 全部打印.pdf without reading it back.
    public private(set) var keptBytes: [UInt8]?

    public init(_ url: URL, keepingBytes: Bool = false) throws {
        self.url = url
        if keepingBytes { keptBytes = [] }
        let folderPath = url.deletingLastPathComponent().path
        folder = open(folderPath, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard folder >= 0 else {
            let e = errno
            throw OutputError(path: folderPath, code: e == ENOTDIR && Self.isSymlink(folderPath) ? ELOOP : e)
        }
        var name = ""
        var fd: Int32 = -1
        var e: Int32 = 0
        // Created and listed under the lock, so a signal handler's sweep sees every temporary that
        // exists; after the sweep (the process is exiting) none is created.
        AtomicFile.lock.lock()
        if AtomicFile.swept {
            e = EINTR
        } else {
            for _ in 0..<8 {  // a name taken (or planted) is skipped, never written through
                name = "." + url.lastPathComponent + Self.marker + "\(getpid())-" + Self.randomSuffix()
                fd = Self.openExclusive(in: folder, name)
                e = errno
                if fd >= 0 || e != EEXIST { break }
            }
            if fd >= 0 { AtomicFile.pendingPaths.insert(folderPath + "/" + name) }
        }
        AtomicFile.lock.unlock()
        guard fd >= 0 else {
            close(folder)
            folder = -1
            throw OutputError(path: url.path, code: e)
        }
        self.fd = fd
        temporaryName = name
    }

    /// Creates `name` in the open folder for writing, owner-only; fails (EEXIST, ELOOP) rather than
    /// open anything already there, a symlink above all.
    static func openExclusive(in folder: Int32, _ name: String) -> Int32 {
        openat(folder, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
    }

    private static func randomSuffix() -> String {
        String(UInt64.random(in: 0..<UInt64.max), radix: 36)
    }

    public static func isSymlink(_ path: String) -> Bool {
        var st = stat()
        return lstat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFLNK
    }

    private var temporaryPath: String { url.deletingLastPathComponent().path + "/" + temporaryName }

    /// Appends bytes (buffered: cairo hands over a PDF a few bytes at a time, and a system call for
    /// each cost more than drawing); false on a write error (its `errno` is kept in `writeError`).
    public func write(_ data: UnsafePointer<UInt8>, _ length: Int) -> Bool {
        guard fd >= 0, writeError == 0 else { return false }
        keptBytes?.append(contentsOf: UnsafeBufferPointer(start: data, count: length))
        if buffer.count + length > Self.bufferSize, !flush() { return false }
        if length >= Self.bufferSize {
            guard writeAll(data, length) else { return false }
        } else {
            buffer.append(contentsOf: UnsafeBufferPointer(start: data, count: length))
        }
        let keep = min(length, Self.tailLength)
        tail.append(contentsOf: UnsafeBufferPointer(start: data + (length - keep), count: keep))
        if tail.count > Self.tailLength { tail.removeFirst(tail.count - Self.tailLength) }
        return true
    }

    private static let bufferSize = 1 << 16
    private var buffer: [UInt8] = []

    /// Writes what is buffered; false on a write error.
    private func flush() -> Bool {
        guard !buffer.isEmpty else { return writeError == 0 }
        let ok = buffer.withUnsafeBufferPointer { writeAll($0.baseAddress!, $0.count) }
        buffer.removeAll(keepingCapacity: true)
        return ok
    }

    private func writeAll(_ data: UnsafePointer<UInt8>, _ length: Int) -> Bool {
        var done = 0
        while done < length {
            let n = Glibc.write(fd, data + done, length - done)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 {
                writeError = n < 0 ? errno : EIO
                return false
            }
            done += n
        }
        return true
    }

    /// Appends `data`.
    public func write(_ data: Data) throws {
        let ok = data.withUnsafeBytes { raw in
            raw.count == 0 || write(raw.baseAddress!.assumingMemoryBound(to: UInt8.self), raw.count)
        }
        if !ok { throw OutputError(path: url.path, code: writeError == 0 ? EIO : writeError) }
    }

    /// Flushes the temporary to disk and closes it, without renaming: the file is complete but not
    /// yet visible. `commit()` does this first when it has not been done.
    public func seal() throws {
        guard fd >= 0 else { return }
        _ = flush()
        if writeError != 0 { throw OutputError(path: url.path, code: writeError) }
        let synced = fsync(fd) == 0 ? 0 : errno
        let closed = close(fd) == 0 ? 0 : errno
        fd = -1
        if synced != 0 || closed != 0 {
            writeError = synced != 0 ? synced : closed
            throw OutputError(path: url.path, code: writeError)
        }
    }

    /// Seals the temporary and renames it over `url` (replacing a file, or a symlink itself — never
    /// its target), then syncs the folder so the rename survives a crash (`syncingFolder: false`
    /// leaves that to the last of several files renamed into one folder).
    public func commit(syncingFolder: Bool = true) throws {
        guard !committed else { return }
        try seal()
        guard renameat(folder, temporaryName, folder, url.lastPathComponent) == 0 else {
            throw OutputError(path: url.path, code: errno)
        }
        committed = true
        AtomicFile.unregister(temporaryPath)
        if syncingFolder { _ = fsync(folder) }  // best effort: some file systems do not sync folders
        close(folder)
        folder = -1
    }

    /// Drops the temporary now — closed and removed, as being freed uncommitted does. Nothing once committed.
    public func discard() {
        guard !committed else { return }
        if fd >= 0 {
            close(fd)
            fd = -1
        }
        if folder >= 0 {
            unlinkat(folder, temporaryName, 0)
            close(folder)
            folder = -1
        }
        AtomicFile.unregister(temporaryPath)
    }

    deinit {
        if !committed {
            if fd >= 0 { close(fd) }
            if folder >= 0 { unlinkat(folder, temporaryName, 0) }
            AtomicFile.unregister(temporaryPath)
        }
        if folder >= 0 { close(folder) }
    }

    /// Writes `data` to `url` atomically, owner-only.
    public static func write(_ data: Data, to url: URL) throws {
        let file = try AtomicFile(url)
        try file.write(data)
        try file.commit()
    }

    /// Writes several files so that either all appear under their names or none does (as far as
    /// renames allow): every temporary is written and synced before the first rename.
    public static func write(_ files: [(URL, Data)]) throws {
        let open = try files.map { url, data in
            let f = try AtomicFile(url)
            try f.write(data)
            try f.seal()
            return f
        }
        for f in open { try f.commit() }
    }

    /// True for the name of a temporary (`.<name>.partial-<pid>-<suffix>`); the pid is returned.
    public static func temporaryOwner(_ name: String) -> Int32? {
        guard name.hasPrefix("."), let range = name.range(of: marker, options: .backwards) else { return nil }
        return Int32(name[range.upperBound...].split(separator: "-").first ?? "")
    }

    // MARK: - Temporaries in flight

    nonisolated(unsafe) private static var pendingPaths: Set<String> = []
    /// Set by `removePending()`: the process is exiting, so a temporary created after the sweep (by
    /// a thread still running) is removed at once instead of outliving the exit.
    nonisolated(unsafe) private static var swept = false
    private static let lock = NSLock()

    private static func unregister(_ p: String) {
        lock.lock()
        pendingPaths.remove(p)
        lock.unlock()
    }

    /// Temporaries not yet committed.
    public static var pending: [String] {
        lock.lock()
        defer { lock.unlock() }
        return Array(pendingPaths)
    }

    /// Removes every uncommitted temporary (for SIGINT/SIGTERM handlers before exiting). Files opened
    /// afterwards are removed as they are created (their commit then fails): call it only on the way out.
    public static func removePending() {
        lock.lock()  // held while unlinking: no temporary is created meanwhile
        swept = true
        for p in pendingPaths { unlink(p) }
        lock.unlock()
    }
}
