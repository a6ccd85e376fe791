import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The coordinator's side: `count` worker processes fed from one queue of chunks, in input order.
final class WorkerPool: @unchecked Sendable {
    private struct Worker {
        let process: Process
        /// Closed through its FileHandle only: the handle closes its descriptor when it goes, and a
        /// descriptor closed twice may by then be another file's (a lesson this code learnt).
        var input: FileHandle?
        var chunk: WorkerChunk?
        var answered: Set<Int> = []
        var alive = true
    }

    private let condition = NSCondition()
    private var workers: [Worker] = []
    private let queue: [WorkerChunk]
    private var nextChunk = 0
    private var open: Int
    private let onReply: @Sendable (WorkerReply) -> Void
    private let encoder = JSONEncoder()

    /// Worker processes alive in this process, for signal handlers (`BatchRun.stopWorkers()`).
    nonisolated(unsafe) static var livePIDs: Set<Int32> = []
    /// Set by `stopWorkers()`: the process is being stopped; the batch must not carry on as if its
    /// workers had failed.
    nonisolated(unsafe) static var stopping = false
    static let pidLock = NSLock()

    init(
        command: [String], count: Int, setup: WorkerSetup, chunks: [WorkerChunk],
        onReply: @escaping @Sendable (WorkerReply) -> Void
    ) throws {
        signal(SIGPIPE, SIG_IGN)  // a worker that died is noticed by its closed output, not by a signal
        self.queue = chunks
        self.open = chunks.count
        self.onReply = onReply
        let setupLine = try encoder.encode(setup)
        // The listeners start as the workers do and touch `workers` only under the lock: held until
        // every worker is started and fed.
        condition.lock()
        defer { condition.unlock() }
        do { try start(count, command: command, setupLine: setupLine) } catch {
            for n in workers.indices { closeInput(n) }  // those started see their input end, and stop
            throw error
        }
        for n in workers.indices { feed(n) }
    }

    private func start(_ count: Int, command: [String], setupLine: Data) throws {
        for n in 0..<count {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: command[0])
            process.arguments = Array(command.dropFirst())
            let toWorker = Pipe()
            let fromWorker = Pipe()
            process.standardInput = toWorker
            process.standardOutput = fromWorker
            try process.run()
            Self.pidLock.lock()
            Self.livePIDs.insert(process.processIdentifier)
            Self.pidLock.unlock()
            // Process closes our copies of the ends the worker uses, so its input ends when we close ours.
            let input = toWorker.fileHandleForWriting
            workers.append(Worker(process: process, input: input))
            _ = writeLine(input.fileDescriptor, setupLine)
            let output = fromWorker.fileHandleForReading
            Thread.detachNewThread { [self] in
                listen(worker: n, process: process, reader: LineReader(fd: output.fileDescriptor))
                try? output.close()
            }
        }
    }

    /// Sends worker `n` the next chunk, or closes its input when there is none. Called with the lock held.
    private func feed(_ n: Int) {
        guard workers[n].alive, workers[n].chunk == nil else { return }
        guard nextChunk < queue.count else {
            closeInput(n)
            return
        }
        let chunk = queue[nextChunk]
        nextChunk += 1
        workers[n].chunk = chunk
        workers[n].answered = []
        if let input = workers[n].input, let line = try? encoder.encode(chunk), writeLine(input.fileDescriptor, line) { return }
        workers[n].alive = false  // its reader sees the end and reports the chunk
    }

    private func closeInput(_ n: Int) {
        try? workers[n].input?.close()
        workers[n].input = nil
    }

    /// Reads worker `n`'s answers until its output ends. `workers` is only touched under the lock;
    /// the process is passed in, so waiting for it needs no lock.
    private func listen(worker n: Int, process: Process, reader: LineReader) {
        let decoder = JSONDecoder()
        while let line = reader.next() {
            guard let reply = try? decoder.decode(WorkerReply.self, from: line) else { break }
            onReply(reply)  // recorded before the chunk counts as answered: `wait()` returns with every reply in
            condition.lock()
            if let i = reply.index { workers[n].answered.insert(i) }
            if reply.chunk != nil {
                workers[n].chunk = nil
                open -= 1
                feed(n)
                condition.broadcast()
            }
            condition.unlock()
        }
        // The worker's output ended: it finished, or it died in the middle of a chunk.
        process.waitUntilExit()
        Self.pidLock.lock()
        Self.livePIDs.remove(process.processIdentifier)
        Self.pidLock.unlock()
        condition.lock()
        workers[n].alive = false
        closeInput(n)
        let reason =
            process.terminationReason == .uncaughtSignal
            ? "信号 \(process.terminationStatus)" : "退出码 \(process.terminationStatus)"
        let message = "生成进程意外结束（\(reason)），未生成"
        // Its chunk is not tried again (it may be what killed it); the others go on with the queue,
        // or, when none is left, the rest of the queue fails too.
        var lost: [WorkerChunk] = workers[n].chunk.map { [$0] } ?? []
        let answered = workers[n].answered
        workers[n].chunk = nil
        if !workers.contains(where: \.alive) {
            lost += queue[nextChunk...]
            nextChunk = queue.count
        }
        condition.unlock()
        for (k, chunk) in lost.enumerated() {
            for job in chunk.packs where k > 0 || !answered.contains(job.index) {
                onReply(WorkerReply(index: job.index, error: message))
            }
            onReply(WorkerReply(chunk: chunk.number, partError: message))
        }
        condition.lock()
        open -= lost.count
        condition.broadcast()
        condition.unlock()
    }

    /// Waits until every chunk is answered. When the process is being stopped (its signal handler
    /// stopped the workers and will exit), it never returns.
    func wait() {
        condition.lock()
        while open > 0 { condition.wait() }
        condition.unlock()
        while Self.stopping { pause() }
    }

    /// Stops every worker still running (the batch ended early, by an error).
    func terminate() {
        condition.lock()
        for w in workers where w.alive { kill(w.process.processIdentifier, SIGTERM) }
        condition.unlock()
    }
}

extension BatchRun {
    /// Stops every worker process of this process and waits (a second at most) until they are gone,
    /// so that what they left can be swept (for a SIGINT/SIGTERM handler).
    public static func stopWorkers() {
        WorkerPool.pidLock.lock()
        WorkerPool.stopping = true
        let pids = WorkerPool.livePIDs
        WorkerPool.pidLock.unlock()
        for pid in pids { kill(pid, SIGTERM) }
        for _ in 0..<100 where pids.contains(where: { kill($0, 0) == 0 && !isZombie($0) }) { usleep(10_000) }
    }

    private static func isZombie(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return true }
        return stat[stat.index(close, offsetBy: 2)...].hasPrefix("Z")
    }
}
