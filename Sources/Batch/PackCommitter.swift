import Forms
import Foundation

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
    var failures: Int {
        lock.lock()
        defer { lock.unlock() }
        return failed
    }

    init(backlog: Int = 8) { slots = DispatchSemaphore(value: backlog) }

    /// Commits `files` (of record `index`) after those already given; waits while the backlog is full.
    /// The answer carries `figures` once the files are in place.
    func submit(_ index: Int, _ files: PendingPackFiles, figures: PackFigures) {
        slots.wait()
        queue.async { [self] in
            var answer = WorkerReply(index: index)
            do {
                answer.pages = try files.commit().pageCount
                answer.figures = figures
            } catch { answer.error = "\(error)" }
            lock.lock()
            answers.append(answer)
            if answer.error != nil { failed += 1 }
            lock.unlock()
            slots.signal()
        }
    }

    /// The answers of the packs committed since the last call.
    func take() -> [WorkerReply] {
        lock.lock()
        defer {
            answers = []
            lock.unlock()
        }
        return answers
    }

    /// Waits until every pack given is committed.
    func wait() { queue.sync {} }
}
