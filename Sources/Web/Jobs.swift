import Foundation
import Input

/// A random identifier, hex, from the system's secure generator: job ids and access tokens.
func randomHex(bytes: Int) -> String {
    var g = SystemRandomNumberGenerator()
    return (0..<bytes).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &g)) }.joined()
}

/// The state of a batch job, as the page polls it.
struct BatchState: Sendable {
    enum Phase: String, Sendable { case checked, queued, running, done, failed }
    var fileName: String
    var records: [BatchRecord]
    var phase: Phase = .checked
    var done = 0
    var total = 0
    var message: String?
    var written = 0
    var failedRows: [(line: Int, name: String, message: String)] = []
    var feeTotal = 0
    /// With a roster: how many of the packs were recorded as applications.
    var recorded: Int?
}

/// One job: its own 0700 folder under the server's temporary root, holding a preview's pages or a
/// batch's upload and output. Jobs are deleted after download, after `lifetime`, and at exit.
final class Job: @unchecked Sendable {
    let id: String
    let folder: URL
    let created = Date()
    private let lock = NSLock()
    private var _batch: BatchState?
    private var _bytes = 0

    /// The bytes uploaded for this job (counted against the pending batches' cap).
    var bytes: Int {
        get {
            lock.lock()
            defer { lock.unlock() }
            return _bytes
        }
        set {
            lock.lock()
            _bytes = newValue
            lock.unlock()
        }
    }

    /// A batch uploaded and not yet done (checked, queued or running): it holds memory and a folder.
    var isPendingBatch: Bool {
        guard let phase = batch?.phase else { return false }
        return [.checked, .queued, .running].contains(phase)
    }

    init(id: String, folder: URL) {
        self.id = id
        self.folder = folder
    }

    var batch: BatchState? {
        get {
            lock.lock()
            defer { lock.unlock() }
            return _batch
        }
        set {
            lock.lock()
            _batch = newValue
            lock.unlock()
        }
    }

    func updateBatch(_ change: (inout BatchState) -> Void) {
        lock.lock()
        defer { lock.unlock() }
        if var b = _batch {
            change(&b)
            _batch = b
        }
    }
}

/// Every job of the server, in one temporary root that is removed at exit.
final class JobStore: @unchecked Sendable {
    let root: URL
    let lifetime: TimeInterval
    private let lock = NSLock()
    private var jobs: [String: Job] = [:]
    /// Set at exit: no job may be created any more.
    private var closed = false

    /// Creates the root: `<tmp>/certpack-web-XXXXXX`, mode 0700.
    init(lifetime: TimeInterval = 3600, parent: URL = FileManager.default.temporaryDirectory) throws {
        var template = Array(parent.appendingPathComponent("certpack-web-XXXXXX").path.utf8CString)
        guard let made = mkdtemp(&template) else { throw CocoaError(.fileWriteUnknown) }
        root = URL(fileURLWithPath: String(cString: made), isDirectory: true)
        self.lifetime = lifetime
    }

    func create() throws -> Job {
        let id = randomHex(bytes: 16)
        let folder = root.appendingPathComponent(id, isDirectory: true)
        lock.lock()
        defer { lock.unlock() }
        guard !closed else { throw WebRefusal(status: .serviceUnavailable, message: "服务正在停止，请稍后再试。", retryAfter: 10) }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        let job = Job(id: id, folder: folder)
        jobs[id] = job
        return job
    }

    /// Uploaded batches not yet done, and their bytes.
    var pendingBatches: (count: Int, bytes: Int) {
        lock.lock()
        let all = Array(jobs.values)
        lock.unlock()
        let pending = all.filter(\.isPendingBatch)
        return (pending.count, pending.reduce(0) { $0 + $1.bytes })
    }

    /// At exit: refuse new jobs from now on.
    func close() {
        lock.lock()
        closed = true
        lock.unlock()
    }

    func job(_ id: String) -> Job? {
        guard id.count == 32, id.allSatisfy(\.isHexDigit) else { return nil }
        lock.lock()
        defer { lock.unlock() }
        return jobs[id]
    }

    func remove(_ id: String) {
        lock.lock()
        let job = jobs.removeValue(forKey: id)
        lock.unlock()
        if let job { try? FileManager.default.removeItem(at: job.folder) }
    }

    /// Removes the jobs older than `lifetime` (called every few minutes).
    func sweep(now: Date = Date()) {
        lock.lock()
        let old = jobs.values.filter { now.timeIntervalSince($0.created) > lifetime }
        lock.unlock()
        for j in old { remove(j.id) }
    }

    var count: Int {
        lock.lock()
        defer { lock.unlock() }
        return jobs.count
    }

    /// Removes everything: at exit.
    func removeAll() {
        lock.lock()
        jobs.removeAll()
        lock.unlock()
        try? FileManager.default.removeItem(at: root)
    }
}
