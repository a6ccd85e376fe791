import Foundation
import Rules
import Typeset
#if canImport(Glibc)
import Glibc
#endif

// The batch's worker processes: how the coordinator (`BatchRun`) and a worker (`certpack batch-worker`)
// talk. One JSON object per line: the coordinator sends a `WorkerSetup`, then `WorkerJob`s, then closes
// the worker's input; the worker answers one `WorkerReply` per job, in the order it got them.

/// What a worker needs besides its templates and fonts (which it loads itself, from the same folders).
public struct WorkerSetup: Codable, Sendable {
    public var output: String
    public var overwrite: Bool
    /// Every character of the batch: the worker prepares its faces from these, as the coordinator does.
    public var characters: String
}

/// One pack to make.
public struct WorkerJob: Codable, Sendable {
    public var index: Int
    public var application: Application
}

/// What became of a job: the pages written, or why not.
public struct WorkerReply: Codable, Sendable {
    public var index: Int
    public var pages: Int?
    public var error: String?
}

/// The worker's side: reads jobs from `input` until it closes, makes each pack, answers on `output`.
/// Draws on the calling thread only (see `PreparedFaces` for why a process never draws on two).
public enum BatchWorker {
    public static func serve(input: Int32 = STDIN_FILENO, output: Int32 = STDOUT_FILENO,
                             catalog: Catalog, fonts: FontBook, library: FormLibrary) throws {
        let reader = LineReader(fd: input)
        let decoder = JSONDecoder(), encoder = JSONEncoder()
        guard let first = reader.next() else { return }
        let setup = try decoder.decode(WorkerSetup.self, from: first)
        let faces = fonts.prepareFaces(for: setup.characters.unicodeScalars)
        let root = URL(fileURLWithPath: setup.output)
        while let line = reader.next() {
            let job = try decoder.decode(WorkerJob.self, from: line)
            var reply = WorkerReply(index: job.index)
            do {
                let pack = try Pack.build(application: job.application, catalog: catalog, fonts: fonts, library: library)
                reply.pages = try pack.write(into: root, fonts: fonts, overwrite: setup.overwrite, faces: faces).pageCount
            } catch {
                reply.error = "\(error)"
            }
            guard writeLine(output, try encoder.encode(reply)) else { return }  // the coordinator is gone
        }
    }
}

/// The coordinator's side: `count` worker processes fed from one queue of jobs, in input order, with
/// two jobs in flight per worker so none waits for its next job.
final class WorkerPool: @unchecked Sendable {
    private struct Worker {
        let process: Process
        var input: Int32
        var inFlight: [Int] = []
        var alive = true
    }

    private let condition = NSCondition()
    private var workers: [Worker] = []
    private var queue: [WorkerJob]
    private var nextJob = 0
    private var replies: [Int: WorkerReply] = [:]
    private var open: Int
    private let onReply: @Sendable (WorkerReply) -> Void
    private let encoder = JSONEncoder()

    /// Worker processes alive in this process, for signal handlers (`BatchRun.stopWorkers()`).
    nonisolated(unsafe) static var livePIDs: Set<Int32> = []
    static let pidLock = NSLock()

    init(command: [String], count: Int, setup: WorkerSetup, jobs: [WorkerJob],
         onReply: @escaping @Sendable (WorkerReply) -> Void) throws {
        signal(SIGPIPE, SIG_IGN)  // a worker that died is noticed by its closed output, not by a signal
        self.queue = jobs
        self.open = jobs.count
        self.onReply = onReply
        let setupLine = try encoder.encode(setup)
        for n in 0..<count {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: command[0])
            process.arguments = Array(command.dropFirst())
            let toWorker = Pipe(), fromWorker = Pipe()
            process.standardInput = toWorker
            process.standardOutput = fromWorker
            try process.run()
            Self.pidLock.lock(); Self.livePIDs.insert(process.processIdentifier); Self.pidLock.unlock()
            let input = toWorker.fileHandleForWriting.fileDescriptor
            // Our copies of the ends the worker uses: closed, so the worker alone holds them.
            try? toWorker.fileHandleForReading.close()
            try? fromWorker.fileHandleForWriting.close()
            workers.append(Worker(process: process, input: input))
            _ = writeLine(input, setupLine)
            let output = fromWorker.fileHandleForReading
            Thread.detachNewThread { [self] in
                listen(worker: n, reader: LineReader(fd: output.fileDescriptor))
                try? output.close()
            }
        }
        condition.lock()
        for n in workers.indices { feed(n); feed(n) }
        condition.unlock()
    }

    /// Sends worker `n` the next job, or closes its input when there is none. Called with the lock held.
    private func feed(_ n: Int) {
        guard workers[n].alive else { return }
        guard nextJob < queue.count else {
            if workers[n].inFlight.isEmpty { closeInput(n) }
            return
        }
        let job = queue[nextJob]
        nextJob += 1
        workers[n].inFlight.append(job.index)
        if let line = try? encoder.encode(job), writeLine(workers[n].input, line) { return }
        workers[n].inFlight.removeLast()
        nextJob -= 1
        workers[n].alive = false  // its reader will see the end and hand back what was in flight
    }

    private func closeInput(_ n: Int) {
        guard workers[n].input >= 0 else { return }
        close(workers[n].input)
        workers[n].input = -1
    }

    private func listen(worker n: Int, reader: LineReader) {
        let decoder = JSONDecoder()
        while let line = reader.next() {
            guard let reply = try? decoder.decode(WorkerReply.self, from: line) else { break }
            condition.lock()
            workers[n].inFlight.removeAll { $0 == reply.index }
            replies[reply.index] = reply
            open -= 1
            feed(n)
            condition.broadcast()
            condition.unlock()
            onReply(reply)
        }
        // The worker's output ended: it finished, or it died with jobs in flight.
        workers[n].process.waitUntilExit()
        Self.pidLock.lock(); Self.livePIDs.remove(workers[n].process.processIdentifier); Self.pidLock.unlock()
        condition.lock()
        workers[n].alive = false
        closeInput(n)
        let lost = workers[n].inFlight
        workers[n].inFlight = []
        let status = workers[n].process.terminationStatus
        let reason = workers[n].process.terminationReason == .uncaughtSignal ? "信号 \(status)" : "退出码 \(status)"
        // What it had in flight is not tried again (it may be what killed it); the others go on with
        // the rest of the queue, or, when none is left, the rest fails too.
        var pending = lost
        if !workers.contains(where: \.alive) {
            pending += queue[nextJob...].map(\.index)
            nextJob = queue.count
        }
        var failed: [WorkerReply] = []
        for i in pending {
            let reply = WorkerReply(index: i, pages: nil, error: "生成进程意外结束（\(reason)），未生成")
            replies[i] = reply
            failed.append(reply)
        }
        open -= pending.count
        condition.broadcast()
        condition.unlock()
        for reply in failed { onReply(reply) }
    }

    /// Waits until every job has a reply; the replies by record index.
    func wait() -> [Int: WorkerReply] {
        condition.lock(); defer { condition.unlock() }
        while open > 0 { condition.wait() }
        return replies
    }

    /// Stops every worker still running (the batch ended early, by an error).
    func terminate() {
        condition.lock()
        for w in workers where w.alive { kill(w.process.processIdentifier, SIGTERM) }
        condition.unlock()
    }
}

extension BatchRun {
    /// Sends SIGTERM to every worker process of this process (for a SIGINT/SIGTERM handler).
    public static func stopWorkers() {
        WorkerPool.pidLock.lock()
        let pids = WorkerPool.livePIDs
        WorkerPool.pidLock.unlock()
        for pid in pids { kill(pid, SIGTERM) }
    }
}

/// Lines from a file descriptor, read in blocks.
final class LineReader {
    private let fd: Int32
    private var buffer: [UInt8] = []
    private var start = 0
    private var ended = false

    init(fd: Int32) { self.fd = fd }

    /// The next line without its newline; nil at the end of input.
    func next() -> Data? {
        while true {
            if let nl = buffer[start...].firstIndex(of: 0x0A) {
                let line = Data(buffer[start..<nl])
                start = nl + 1
                if start > 65536 { buffer.removeFirst(start); start = 0 }
                return line
            }
            if ended { return nil }
            var block = [UInt8](repeating: 0, count: 65536)
            let n = block.withUnsafeMutableBytes { read(fd, $0.baseAddress, 65536) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { ended = true; continue }
            buffer.append(contentsOf: block[0..<n])
        }
    }
}

/// Writes `data` and a newline; false when the other end is closed.
@discardableResult
func writeLine(_ fd: Int32, _ data: Data) -> Bool {
    var bytes = [UInt8](data)
    bytes.append(0x0A)
    var done = 0
    while done < bytes.count {
        let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + done, bytes.count - done) }
        if n < 0 && errno == EINTR { continue }
        if n <= 0 { return false }
        done += n
    }
    return true
}
