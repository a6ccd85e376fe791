import FileOutput
import Forms
import Foundation
import PDF
import Rules
import Typeset
#if canImport(Glibc)
import Glibc
#endif

// The batch's worker processes: how the coordinator (`BatchRun`) and a worker (`certpack batch-worker`)
// talk. One JSON object per line: the coordinator sends a `WorkerSetup`, then one `WorkerChunk` at a
// time, then closes the worker's input; the worker answers a `WorkerReply` per pack and one per chunk.

/// What a worker needs besides its templates and fonts (which it loads itself, from the same folders).
public struct WorkerSetup: Codable, Sendable {
    /// Where the packs go.
    public var output: String
    /// Where the parts of 全部打印.pdf go (a private folder of the run).
    public var parts: String
    public var overwrite: Bool
    public var resume: Bool
}

/// One pack to make.
public struct WorkerJob: Codable, Sendable {
    public var index: Int
    public var application: Application
}

/// Consecutive packs, made by one process, and drawn together into one part of 全部打印.pdf.
public struct WorkerChunk: Codable, Sendable {
    public var number: Int
    public var packs: [WorkerJob]
}

/// What became of a pack (`index`: the pages written, or why not), or of a chunk's part (`chunk`).
public struct WorkerReply: Codable, Sendable {
    public var index: Int?
    public var pages: Int?
    public var error: String?
    public var chunk: Int?
    public var partPages: Int?
    public var partError: String?
}

/// Makes chunks of packs in this process, on the calling thread (see `PreparedFaces` for why one).
final class PackMaker {
    let setup: WorkerSetup
    let catalog: Catalog
    let fonts: FontBook
    let library: FormLibrary

    init(setup: WorkerSetup, catalog: Catalog, fonts: FontBook, library: FormLibrary) {
        self.setup = setup; self.catalog = catalog; self.fonts = fonts; self.library = library
    }

    /// For the engine's own tests: a worker that is slow (`CERTPACK_TEST_WORKER_DELAY` seconds before
    /// each pack) or dies at one record (`CERTPACK_TEST_WORKER_CRASH_AT`, a record index).
    private static func testHooks(_ index: Int) {
        let env = ProcessInfo.processInfo.environment
        if let delay = env["CERTPACK_TEST_WORKER_DELAY"].flatMap(Double.init) { Thread.sleep(forTimeInterval: delay) }
        if env["CERTPACK_TEST_WORKER_CRASH_AT"].flatMap(Int.init) == index { kill(getpid(), SIGKILL) }
    }

    static func partPath(_ setup: WorkerSetup, _ chunk: Int) -> String {
        setup.parts + "/" + String(format: "part-%05d.pdf", chunk)
    }

    /// Lays out each pack of the chunk once, cuts the faces down to exactly the glyphs the chunk's
    /// pages use, draws each pack, hands its files to the committer and its pages to the chunk's part.
    /// A pack whose files could not be put in place makes the part unusable (it would show a pack
    /// that is not there): 全部打印.pdf is then not written.
    func make(_ chunk: WorkerChunk, stop: () -> Bool = { false }, reply: (WorkerReply) -> Void) {
        let root = URL(fileURLWithPath: setup.output)
        var built: [(job: WorkerJob, pack: Result<Pack, Error>)] = []
        for job in chunk.packs {
            if stop() { return }
            Self.testHooks(job.index)
            built.append((job, Result { try Pack.build(application: job.application, catalog: catalog, fonts: fonts, library: library) }))
        }
        // cairo copies and parses a whole embedded face for every PDF: the fewer glyphs it holds, the less
        // each pack costs. The chunk's glyphs are known once it is laid out; the cut depends on the
        // chunk's records only, so the bytes do not depend on which process makes them.
        let faces = fonts.prepareFaces(for: built.compactMap { try? $0.pack.get().pages }.flatMap { $0 })
        var part: PrintAllPart?, partError: String?
        do {
            part = try PrintAllPart(url: URL(fileURLWithPath: Self.partPath(setup, chunk.number)), faces: faces)
        } catch {
            partError = "\(error)"
        }
        // Each pack's files are synced and renamed on the committer's thread while this one draws the
        // next; a pack is answered once its files are in place (or could not be put there).
        let committer = PackCommitter()
        func answerCommitted() { for a in committer.take() { reply(a) } }
        for (job, result) in built {
            if stop() { committer.wait(); return }  // the part is dropped unfinished: its temporary goes with it
            answerCommitted()
            do {
                let pack = try result.get()
                if setup.resume && pack.isComplete(in: root) {
                    let pdf = root.appendingPathComponent(pack.folderName, isDirectory: true).appendingPathComponent("申请材料.pdf")
                    if partError == nil {
                        do { try part?.add(pack: pdf, pages: pack.pages) } catch { partError = "\(error)"; part = nil }
                    }
                    reply(WorkerReply(index: job.index, pages: pack.pages.count))
                } else {
                    let files = try pack.prepare(into: root, fonts: fonts, overwrite: setup.overwrite || setup.resume, faces: faces,
                                                 keepingBytes: partError == nil)
                    // The pack's pages, as written, go into the part (see `PrintAllPart`); should its
                    // files then fail to be put in place, the part is not used.
                    if partError == nil, let bytes = files.pdfBytes {
                        do { try part?.add(pdf: bytes, of: files.folder, pages: pack.pages) } catch { partError = "\(error)"; part = nil }
                    }
                    committer.submit(job.index, files)
                }
            } catch {
                reply(WorkerReply(index: job.index, error: "\(error)"))
            }
        }
        committer.wait()
        let committed = committer.take()
        for a in committed { reply(a) }
        if committer.failures > 0 && partError == nil {
            partError = "有 \(committer.failures) 家单位的申请材料未能保存，全部打印.pdf 不能包含它们"
        }
        var done = WorkerReply(chunk: chunk.number, partPages: part?.pageCount ?? 0)
        if partError == nil, let part, part.pageCount > 0 {
            do { try part.finish() } catch { partError = "\(error)" }
        }
        done.partError = partError
        reply(done)
    }
}

/// Syncs and renames packs' files (`PendingPackFiles.commit()`) on a thread of its own, in the order
/// given, while the drawing thread goes on: a sync waits for the disk, and a worker that waited for
/// each of its three files and its folder left its core idle for a tenth of the batch. The thread never
/// draws, so a process still draws on one thread only. At most `backlog` packs wait, so a slow disk
/// holds back the drawing instead of piling up open files.
final class PackCommitter: @unchecked Sendable {
    private let queue = DispatchQueue(label: "certpack.commit")
    private let slots: DispatchSemaphore
    private let lock = NSLock()
    private var answers: [WorkerReply] = []
    private var failed = 0
    /// Packs whose files could not be put in place.
    var failures: Int { lock.lock(); defer { lock.unlock() }; return failed }

    init(backlog: Int = 8) { slots = DispatchSemaphore(value: backlog) }

    /// Commits `files` (of record `index`) after those already given; waits while the backlog is full.
    func submit(_ index: Int, _ files: PendingPackFiles) {
        slots.wait()
        queue.async { [self] in
            var answer = WorkerReply(index: index)
            do { answer.pages = try files.commit().pageCount } catch { answer.error = "\(error)" }
            lock.lock()
            answers.append(answer)
            if answer.error != nil { failed += 1 }
            lock.unlock()
            slots.signal()
        }
    }

    /// The answers of the packs committed since the last call.
    func take() -> [WorkerReply] {
        lock.lock(); defer { answers = []; lock.unlock() }
        return answers
    }

    /// Waits until every pack given is committed.
    func wait() { queue.sync {} }
}

/// The worker's side: reads chunks from `input` until it closes, makes them, answers on `output`.
public enum BatchWorker {
    public static func serve(input: Int32 = STDIN_FILENO, output: Int32 = STDOUT_FILENO,
                             catalog: Catalog, fonts: FontBook, library: FormLibrary) throws {
        let reader = LineReader(fd: input)
        let decoder = JSONDecoder(), encoder = JSONEncoder()
        guard let first = reader.next() else { return }
        let maker = PackMaker(setup: try decoder.decode(WorkerSetup.self, from: first), catalog: catalog, fonts: fonts, library: library)
        var coordinatorGone = false
        while !coordinatorGone, let line = reader.next() {
            maker.make(try decoder.decode(WorkerChunk.self, from: line), stop: { coordinatorGone }) { reply in
                if !coordinatorGone, let data = try? encoder.encode(reply), !writeLine(output, data) { coordinatorGone = true }
            }
        }
    }
}

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

    init(command: [String], count: Int, setup: WorkerSetup, chunks: [WorkerChunk],
         onReply: @escaping @Sendable (WorkerReply) -> Void) throws {
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
            let toWorker = Pipe(), fromWorker = Pipe()
            process.standardInput = toWorker
            process.standardOutput = fromWorker
            try process.run()
            Self.pidLock.lock(); Self.livePIDs.insert(process.processIdentifier); Self.pidLock.unlock()
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
        guard nextChunk < queue.count else { closeInput(n); return }
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
        Self.pidLock.lock(); Self.livePIDs.remove(process.processIdentifier); Self.pidLock.unlock()
        condition.lock()
        workers[n].alive = false
        closeInput(n)
        let reason = process.terminationReason == .uncaughtSignal
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
              let close = stat.lastIndex(of: ")") else { return true }
        return stat[stat.index(close, offsetBy: 2)...].hasPrefix("Z")
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
