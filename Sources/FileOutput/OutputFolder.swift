import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The folder a run writes into, held for the whole run: one run per folder.
///
/// Opening it creates it when missing (0700), resolves a symlink the user named on purpose (`-o`)
/// to the real folder, and takes an exclusive `flock` on `.certpack.lock` inside; a second run into
/// the same folder is refused at once. The lock file also says whether the last run finished: it
/// holds `running <pid>` while a run is under way and is emptied by `finish()`, so a run that was
/// killed is seen by the next one. Closing the descriptor (also by the kernel when the process dies)
/// releases the lock.
public final class OutputFolder: @unchecked Sendable {
    /// The folder (resolved when the path named is itself a symlink).
    public let url: URL
    /// True when the last run into this folder did not finish (killed, power cut).
    public let previousRunInterrupted: Bool
    private var lockFD: Int32
    /// What the lock file held before this run, put back by `leave()` when the run ends without work.
    private let previousNote: [UInt8]
    private var settled = false

    public static let lockName = ".certpack.lock"

    /// Why the folder cannot be used.
    public enum Failure: Error, CustomStringConvertible, Sendable {
        /// Another run holds the lock.
        case busy(String)
        case unusable(OutputError)

        public var description: String {
            switch self {
            case let .busy(path): "另一个 certpack 正在写入 \(path)；请等它结束，或换一个输出目录（-o）"
            case let .unusable(e): "\(e)"
            }
        }
    }

    /// Creates (when missing) and locks `url`.
    public init(_ url: URL) throws {
        let path = url.path
        try Self.makeFolders(path)
        // A folder the user named through a symlink is where they want the files: the link is resolved
        // once, here. Links inside it (a pack folder) are refused later.
        var resolved = path
        var st = stat()
        if lstat(path, &st) == 0, st.st_mode & S_IFMT == S_IFLNK {
            guard let real = realpath(path, nil) else { throw Failure.unusable(OutputError(path: path, code: errno)) }
            resolved = String(cString: real)
            free(real)
        }
        guard stat(resolved, &st) == 0, st.st_mode & S_IFMT == S_IFDIR else {
            throw Failure.unusable(OutputError(path: path, code: ENOTDIR))
        }
        self.url = URL(fileURLWithPath: resolved, isDirectory: true)
        let lockPath = resolved + "/" + Self.lockName
        lockFD = open(lockPath, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard lockFD >= 0 else { throw Failure.unusable(OutputError(path: lockPath, code: errno)) }
        if flock(lockFD, LOCK_EX | LOCK_NB) != 0 {
            let e = errno
            close(lockFD)
            lockFD = -1
            if e == EWOULDBLOCK { throw Failure.busy(path) }
            throw Failure.unusable(OutputError(path: lockPath, code: e))
        }
        var buffer = [UInt8](repeating: 0, count: 64)
        let n = pread(lockFD, &buffer, buffer.count, 0)
        previousRunInterrupted = n > 0
        previousNote = n > 0 ? Array(buffer[0..<n]) : []
        // Best effort: a full disk may refuse even these few bytes; the lock itself holds regardless.
        let note = Array("running \(getpid())\n".utf8)
        if ftruncate(lockFD, 0) == 0 { _ = pwrite(lockFD, note, note.count, 0) }
    }

    /// `mkdir -p` with 0700 for every folder it makes, and errors in words (输出路径是一个文件, 目录只读…).
    public static func makeFolders(_ path: String) throws {
        var st = stat()
        if stat(path, &st) == 0 {
            guard st.st_mode & S_IFMT == S_IFDIR else { throw Failure.unusable(OutputError(path: path, code: ENOTDIR)) }
            return
        }
        let parent = (path as NSString).deletingLastPathComponent
        if !parent.isEmpty && parent != path { try makeFolders(parent) }
        if mkdir(path, 0o700) != 0 && errno != EEXIST { throw Failure.unusable(OutputError(path: path, code: errno)) }
    }

    /// The run is over and what it wrote is whole: the next run will not be told this one was interrupted.
    public func finish() {
        guard lockFD >= 0 else { return }
        _ = ftruncate(lockFD, 0)
        settled = true
    }

    /// The run ends having changed nothing (refused, or failed before writing): the folder's note is
    /// put back as it was, so an interrupted run before this one is still reported next time. Does
    /// nothing after `finish()`.
    public func leave() {
        guard lockFD >= 0, !settled else { return }
        settled = true
        if ftruncate(lockFD, 0) == 0 && !previousNote.isEmpty { _ = pwrite(lockFD, previousNote, previousNote.count, 0) }
    }

    /// Removes what dead runs left in `folders` (names relative to this folder; "" is the folder
    /// itself): temporaries (`.<name>.partial-…`), and a pack folder that held nothing else. The lock
    /// is held, so no temporary here can belong to a live run. Symlinks are never followed.
    /// Returns how many temporaries were removed.
    @discardableResult
    public func removeStaleTemporaries(in folders: [String]) -> Int {
        Self.removeStaleTemporaries(in: folders, under: url)
    }

    /// `removeStaleTemporaries(in:)` for a folder whose writers are known to be done (a batch's
    /// folder after its workers have ended), with or without its lock.
    @discardableResult
    public static func removeStaleTemporaries(in folders: [String], under url: URL) -> Int {
        var removed = 0
        for name in Set(folders) {
            let path = name.isEmpty ? url.path : url.appendingPathComponent(name).path
            var st = stat()
            guard lstat(path, &st) == 0, st.st_mode & S_IFMT == S_IFDIR,
                let entries = try? FileManager.default.contentsOfDirectory(atPath: path)
            else { continue }
            var stale = 0
            for entry in entries where AtomicFile.temporaryOwner(entry) != nil {
                if unlink(path + "/" + entry) == 0 { stale += 1 }
            }
            removed += stale
            // A pack folder left with nothing in it was made by the dead run: as it was before, gone.
            if !name.isEmpty && stale > 0 && stale == entries.count { rmdir(path) }
        }
        return removed
    }

    deinit {
        if lockFD >= 0 { close(lockFD) }
    }
}
