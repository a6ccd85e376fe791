import Foundation

/// The queue is full: the caller answers 503 with Retry-After.
struct LaneBusy: Error, Sendable {}
/// The work did not start or finish within the request's time limit.
struct LaneTimeout: Error, Sendable {}

/// One lane on which every rendering runs, one job at a time, shared by all requests.
///
/// cairo 1.16 can deadlock when several threads create and destroy fonts while others draw, so the
/// server never renders on two threads at once except inside the batch engine, which itself takes
/// the lane as one job. The lane holds at most `capacity` jobs (running + waiting); beyond that a
/// request is refused at once — never left hanging.
final class RenderLane: @unchecked Sendable {
    let capacity: Int
    private let queue = DispatchQueue(label: "certpack.web.render")
    /// The clock of the time limits, apart from the lane so a busy lane never delays it.
    private let clock = DispatchQueue(label: "certpack.web.deadlines", qos: .userInitiated)
    private let lock = NSLock()
    private var pending = 0

    init(capacity: Int) { self.capacity = max(1, capacity) }

    /// Jobs running or waiting.
    var load: Int {
        lock.lock()
        defer { lock.unlock() }
        return pending
    }

    private func reserve() throws {
        lock.lock()
        defer { lock.unlock() }
        guard pending < capacity else { throw LaneBusy() }
        pending += 1
    }

    private func release() {
        lock.lock()
        pending -= 1
        lock.unlock()
    }

    /// Runs `work` on the lane and waits for it, at most `timeout` seconds; a job still waiting when
    /// the time is up is skipped (a job already running finishes, its result dropped).
    func run<T: Sendable>(timeout: Double, _ work: @escaping @Sendable () throws -> T) async throws -> T {
        try reserve()
        let once = Once<T>()
        let deadline = DispatchTime.now() + timeout
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (c: CheckedContinuation<T, Error>) in
                once.set(c)
                queue.async { [self] in
                    defer { release() }
                    guard !once.isDone, DispatchTime.now() < deadline else {
                        once.resume(.failure(LaneTimeout()))
                        return
                    }
                    once.resume(Result { try work() })
                }
                clock.asyncAfter(deadline: deadline) { once.resume(.failure(LaneTimeout())) }
            }
        } onCancel: {
            once.resume(.failure(CancellationError()))
        }
    }

    /// Starts `work` on the lane without waiting (a batch run); throws `LaneBusy` when full.
    func start(_ work: @escaping @Sendable () -> Void) throws {
        try reserve()
        queue.async { [self] in
            defer { release() }
            work()
        }
    }
}

/// A continuation resumed exactly once, whoever comes first: the work, the clock or cancellation.
private final class Once<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var continuation: CheckedContinuation<T, Error>?
    private var early: Result<T, Error>?
    private var done = false

    var isDone: Bool {
        lock.lock()
        defer { lock.unlock() }
        return done
    }

    func set(_ c: CheckedContinuation<T, Error>) {
        lock.lock()
        if let r = early {
            lock.unlock()
            c.resume(with: r)
            return
        }
        continuation = c
        lock.unlock()
    }

    func resume(_ r: Result<T, Error>) {
        lock.lock()
        guard !done else {
            lock.unlock()
            return
        }
        done = true
        if let c = continuation {
            continuation = nil
            lock.unlock()
            c.resume(with: r)
        } else {
            early = r
            lock.unlock()
        }
    }
}
