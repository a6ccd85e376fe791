import Batch
import Foundation
import Hummingbird
import Logging
import Mustache
import Roster
import Rules
import Typeset

/// The server's limits: uploads, rows, time and the render queue.
public enum WebLimits {
    /// Largest upload accepted (a batch file, an application file).
    public static let uploadBytes = 20 * 1_048_576
    /// Organisations accepted in one uploaded batch.
    public static let batchRows = 500
    /// Uploaded batches waiting to be run (or running) at once: each holds its rows in memory and a
    /// folder until it is run and downloaded, or for `jobLifetime`.
    public static let pendingBatches = 16
    /// Bytes of those uploads together.
    public static let pendingBatchBytes = 100 * 1_048_576
    /// Seconds a connection may stay idle, or take to send a request's head, before it is closed.
    public static let idleTimeout: Double = 30
}

/// `certpack serve`: the web page for clerks, built from the same Rules / Forms / Typeset code as the CLI.
public struct WebServer: Sendable {
    public struct Configuration: Sendable {
        public var host: String
        public var port: Int
        /// The access token; generated when the host is not loopback and none is given.
        public var token: String?
        /// `--templates`, else found as the CLI finds it.
        public var templates: String?
        /// Render jobs (running + waiting) the lane holds before answering 503.
        public var queueCapacity: Int
        /// Longest time a request may take before it is answered 503.
        public var requestTimeLimit: Double
        public var uploadLimit: Int
        public var rowLimit: Int
        /// How long a job's files are kept when nobody downloads them.
        public var jobLifetime: TimeInterval
        /// Today in Asia/Shanghai (a fixed day in tests).
        public var today: @Sendable () -> CivilDate
        /// An application file (YAML/JSON) the 申请 page opens with.
        public var example: String?
        /// How to start a batch's worker processes (`certpack batch-worker …`); nil makes a batch's
        /// packs in this process, on the render lane's one thread.
        public var batchWorker: [String]?
        /// Uploaded batches not yet done, and their bytes, beyond which an upload is answered 503.
        public var pendingBatches: Int = WebLimits.pendingBatches
        public var pendingBatchBytes: Int = WebLimits.pendingBatchBytes
        /// Idle and read timeout of a connection (Hummingbird's HTTP/1 `idleTimeout`), seconds.
        public var idleTimeout: Double = WebLimits.idleTimeout
        /// `--roster PATH`: the 机构库 the 机构库 tab shows and drafts are kept in (created when missing:
        /// naming it is asking for it). nil: nothing is kept, and the page says so.
        public var roster: String?

        public init(
            host: String = "127.0.0.1", port: Int = 8080, token: String? = nil, templates: String? = nil,
            queueCapacity: Int = 8, requestTimeLimit: Double = 60, uploadLimit: Int = WebLimits.uploadBytes,
            rowLimit: Int = WebLimits.batchRows, jobLifetime: TimeInterval = 3600,
            today: @escaping @Sendable () -> CivilDate = WebServer.shanghaiToday, example: String? = nil
        ) {
            self.host = host
            self.port = port
            self.token = token
            self.templates = templates
            self.queueCapacity = queueCapacity
            self.requestTimeLimit = requestTimeLimit
            self.uploadLimit = uploadLimit
            self.rowLimit = rowLimit
            self.jobLifetime = jobLifetime
            self.today = today
            self.example = example
        }

        /// Loopback binds need no token: only this computer can connect.
        public var isLoopback: Bool { ["127.0.0.1", "localhost", "::1"].contains(host) }
    }

    public let configuration: Configuration
    let resources: WebResources
    let jobs: JobStore
    let lane: RenderLane
    let pages: MustacheLibrary
    let logger: Logger
    /// The example's draft as JSON, when `example` was given.
    let exampleJSON: Data?
    /// The roster, when `configuration.roster` names one.
    let roster: Roster?

    /// Loads the catalog, fonts, form templates and pages. A non-loopback host without a token gets
    /// a generated one (`configuration.token` tells which).
    public init(_ configuration: Configuration, logger: Logger? = nil) async throws {
        var config = configuration
        if !config.isLoopback && (config.token ?? "").isEmpty { config.token = randomHex(bytes: 16) }
        if config.token?.isEmpty == true { config.token = nil }
        self.configuration = config
        var resources = try WebResources.load(templates: config.templates)
        resources.batchWorker = config.batchWorker
        self.resources = resources
        jobs = try JobStore(lifetime: config.jobLifetime)
        lane = RenderLane(capacity: config.queueCapacity)
        pages = try await MustacheLibrary(directory: resources.webFolder.path)
        exampleJSON = try config.example.map { path in
            let app = try ApplicationLoader.load(url: URL(fileURLWithPath: path))
            return try JSONSerialization.data(withJSONObject: ["application": try Checks.draft(app)])
        }
        roster = try config.roster.map { path in
            let url = URL(fileURLWithPath: path)
            return Roster.exists(at: url) ? try Roster.open(at: url) : try Roster.create(at: url)
        }
        self.logger = logger ?? Logger(label: "certpack.web") { MaskingLogHandler(inner: StreamLogHandler.standardError(label: $0)) }
    }

    /// Today in Asia/Shanghai (Rules' one "today", as the CLI's).
    public static let shanghaiToday: @Sendable () -> CivilDate = { CivilDate.today() }

    /// The address to open, with the token when there is one.
    public var startURL: String {
        let host = configuration.host.contains(":") ? "[\(configuration.host)]" : configuration.host
        let shown = host == "0.0.0.0" ? (ProcessInfo.processInfo.hostName) : host
        return "http://\(shown):\(configuration.port)/" + (configuration.token.map { "?token=\($0)" } ?? "")
    }

    /// The router with every page and endpoint, behind the guard (token, origin, limits, headers).
    public func router() -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        // The log is outermost so that refusals are logged too (the guard turns every error into an answer).
        router.add(middleware: RequestLogMiddleware())
        router.add(
            middleware: GuardMiddleware(
                policy: AccessPolicy(
                    token: configuration.token, port: configuration.port,
                    loopback: configuration.isLoopback),
                timeLimit: configuration.requestTimeLimit))
        Routes(server: self).register(on: router)
        return router
    }

    /// The Hummingbird application (tests drive it with HummingbirdTesting).
    /// `onRunning` is called once the port is bound.
    public func application(onRunning: @escaping @Sendable () -> Void = {}) -> some ApplicationProtocol {
        // An idle connection, or one that never finishes sending its request's head, is closed after
        // `idleTimeout`: thousands of half-open connections cannot hold the server's memory.
        Hummingbird.Application(
            router: router(),
            server: .http1(configuration: .init(idleTimeout: .milliseconds(Int64(configuration.idleTimeout * 1000)))),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "certpack"),
            onServerRunning: { [logger, startURL] _ in
                logger.notice("certpack serve: \(maskToken(startURL))")
                onRunning()
            },
            logger: logger)
    }

    /// Serves until SIGINT/SIGTERM; every job's files are removed at exit.
    public func run(onRunning: @escaping @Sendable () -> Void = {}) async throws {
        let sweeper = Task { [jobs] in
            while !Task.isCancelled {
                try? await Task.sleep(nanoseconds: 60 * 1_000_000_000)
                jobs.sweep()
            }
        }
        defer {
            sweeper.cancel()
            shutDown()
        }
        try await application(onRunning: onRunning).runService()
    }

    /// At exit (SIGTERM/SIGINT end `runService`): no new job, the batch workers stopped and waited for,
    /// then every job's folder deleted — nothing of a job (packs with full ID numbers) is left behind.
    func shutDown() {
        jobs.close()
        BatchRun.stopWorkers()
        BatchRun.removeParts()
        jobs.removeAll()
    }

    /// Removes every job's files now (at exit; tests).
    public func removeAllJobs() { jobs.removeAll() }
}

/// The token kept out of log files (it is printed once, on the terminal).
func maskToken(_ url: String) -> String {
    guard let r = url.range(of: "?token=") else { return url }
    return url[..<r.upperBound] + "…"
}
