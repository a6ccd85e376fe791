import Foundation
import Hummingbird
import Logging
import Rules

/// Header names Hummingbird does not name (HTTPTypes' `HTTPField` reached through `HTTPFields`).
enum Header {
    static let origin = HTTPFields.Element.Name("Origin")!
    static let secFetchSite = HTTPFields.Element.Name("Sec-Fetch-Site")!
    /// Sent by the page's own scripts: a cross-site form cannot send it, and a cross-site script
    /// cannot without a CORS preflight this server never answers.
    static let certpack = HTTPFields.Element.Name("X-CertPack")!
    static let contentTypeOptions = HTTPFields.Element.Name("X-Content-Type-Options")!
    static let referrerPolicy = HTTPFields.Element.Name("Referrer-Policy")!
    static let frameOptions = HTTPFields.Element.Name("X-Frame-Options")!
}

/// The rules a request must pass before any route sees it.
struct AccessPolicy: Sendable {
    /// The access token; nil on a loopback bind without `--token` (only this computer can connect).
    var token: String?
    /// The port, to recognise this server's own origin on a loopback bind.
    var port: Int
    /// A loopback bind: only `127.0.0.1`, `localhost` and `[::1]` are accepted as Host (no DNS rebinding).
    var loopback: Bool

    static let cookieName = "certpack_token"

    /// Compares two strings in time that depends on their lengths only, not on where they differ.
    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8)
        let y = Array(b.utf8)
        var diff = UInt8(x.count == y.count ? 0 : 1)
        for i in 0..<max(x.count, y.count) {
            diff |= (i < x.count ? x[i] : 0) ^ (i < y.count ? y[i] : 0)
        }
        return diff == 0
    }

    /// On a loopback bind without a token, only a loopback name may be the Host: a page from another
    /// site whose name resolves to 127.0.0.1 (DNS rebinding) is refused.
    func acceptsHost(_ host: String?) -> Bool {
        guard loopback, token == nil else { return true }
        guard var name = host?.lowercased() else { return false }
        if name.hasPrefix("[") {
            name = String(name.prefix { $0 != "]" }) + "]"
        } else if let colon = name.lastIndex(of: ":") {
            name = String(name[..<colon])
        }
        return ["127.0.0.1", "localhost", "[::1]"].contains(name)
    }
}

/// A log handler that masks ID numbers in every message and metadata value before passing them on.
struct MaskingLogHandler: LogHandler {
    var inner: any LogHandler

    func log(event: LogEvent) {
        var masked = event
        masked.message = "\(maskIDNumbers(in: event.message.description))"
        masked.metadata = event.metadata?.mapValues { Logger.MetadataValue.string(maskIDNumbers(in: $0.description)) }
        inner.log(event: masked)
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { inner[metadataKey: key] }
        set { inner[metadataKey: key] = newValue }
    }
    var metadata: Logger.Metadata {
        get { inner.metadata }
        set { inner.metadata = newValue }
    }
    var logLevel: Logger.Level {
        get { inner.logLevel }
        set { inner.logLevel = newValue }
    }
}

/// A plain answer in Chinese: an HTML page for a browser's navigation, JSON for the page's scripts.
struct WebRefusal: Error, Sendable {
    var status: HTTPResponse.Status
    var message: String
    var retryAfter: Int?

    init(status: HTTPResponse.Status, message: String, retryAfter: Int? = nil) {
        self.status = status
        self.message = message
        self.retryAfter = retryAfter
    }

    init(status: HTTPResponse.Status, retryAfter: Int, message: String) {
        self.init(status: status, message: message, retryAfter: retryAfter)
    }
}

enum Answer {
    static func json(_ object: Any, status: HTTPResponse.Status = .ok) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        return Response(status: status, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func html(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "text/html; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    /// A file to save: `name` is given both as ASCII fallback and UTF-8 (RFC 6266).
    static func download(_ data: Data, name: String, type: String) -> Response {
        let encoded = name.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "download"
        let ext = (name as NSString).pathExtension
        var headers: HTTPFields = [.contentType: type]
        headers[.contentDisposition] = "attachment; filename=\"certpack.\(ext)\"; filename*=UTF-8''\(encoded)"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func refusal(_ r: WebRefusal, wantsHTML: Bool) -> Response {
        var response: Response
        if wantsHTML {
            let escaped = r.message.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            response = html(
                """
                <!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>CertPack</title>
                <link rel="stylesheet" href="/static/app.css"></head><body><main class="refusal"><h1>无法打开</h1><p>\(escaped)</p></main></body></html>
                """, status: r.status)
        } else {
            response = json(["error": r.message], status: r.status)
        }
        if let s = r.retryAfter { response.headers[.retryAfter] = String(s) }
        return response
    }
}

/// Outermost: a time limit on every request, refusals and errors answered in Chinese, and the
/// security headers on every response.
struct GuardMiddleware<Context: RequestContext>: RouterMiddleware {
    var policy: AccessPolicy
    var timeLimit: Double

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let wantsHTML = request.method == .get && (request.headers[.accept] ?? "").contains("text/html")
        var response: Response
        do {
            if let answer = try await check(request, context: context) {
                response = answer
            } else {
                response = try await limited(request, context: context, next: next)
            }
        } catch let r as WebRefusal {
            response = Answer.refusal(r, wantsHTML: wantsHTML)
        } catch is LaneBusy {
            response = Answer.refusal(WebRefusal(status: .serviceUnavailable, message: "服务器正忙（排队已满），请稍候几秒再试。", retryAfter: 5), wantsHTML: wantsHTML)
        } catch is LaneTimeout {
            response = Answer.refusal(WebRefusal(status: .serviceUnavailable, message: "处理超时（服务器正忙），请稍候再试。", retryAfter: 5), wantsHTML: wantsHTML)
        } catch let e as HTTPError {
            let message: String
            switch e.status {
            case .notFound: message = "找不到该页面或文件（可能已下载或已过期，临时文件保留一小时）。"
            case .contentTooLarge: message = "上传的文件太大：最大 \(WebLimits.uploadBytes / 1_048_576) MB。"
            case .methodNotAllowed: message = "不支持该请求方式。"
            default: message = "请求有误（\(e.status.code)）。"
            }
            response = Answer.refusal(WebRefusal(status: e.status, message: message), wantsHTML: wantsHTML)
        } catch {
            context.logger.error("request failed: \(error)")
            response = Answer.refusal(WebRefusal(status: .internalServerError, message: "服务器内部错误，请重试；若反复出现请联系管理员。"), wantsHTML: wantsHTML)
        }
        response.headers[.cacheControl] = "no-store"
        // blob: images: the 申请 page shows a chosen ID card photo from the page's memory (never sent to be shown)
        response.headers[.contentSecurityPolicy] = "default-src 'self'; img-src 'self' blob:; frame-ancestors 'none'; form-action 'self'"
        response.headers[Header.contentTypeOptions] = "nosniff"
        response.headers[Header.referrerPolicy] = "no-referrer"
        response.headers[Header.frameOptions] = "DENY"
        return response
    }

    /// Races the route against the clock: a request that takes longer is answered 503.
    private func limited(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let limit = timeLimit
        return try await withoutActuallyEscaping(next) { next in
            let route = UncheckedBox(value: next)
            return try await withThrowingTaskGroup(of: Response?.self) { group in
                group.addTask { try await route.value(request, context) }
                group.addTask {
                    try await Task.sleep(nanoseconds: UInt64(limit * 1e9))
                    return nil
                }
                let first = try await group.next() ?? nil
                group.cancelAll()
                guard let response = first else { throw LaneTimeout() }
                return response
            }
        }
    }

    /// The token and the origin: nil when the request may go on, else the answer.
    private func check(_ request: Request, context: Context) async throws -> Response? {
        guard policy.acceptsHost(request.head.authority) else {
            throw WebRefusal(status: .forbidden, message: "拒绝访问：请用 http://127.0.0.1:\(policy.port)/ 打开本页。")
        }
        // Styles and scripts hold no data: the refusal page itself needs its stylesheet. /healthz says
        // only that the server answers (a service manager or a load balancer asks it without a token).
        let isOpen = request.method == .get && (request.uri.path.hasPrefix("/static/") || request.uri.path == "/healthz")
        if let token = policy.token, !isOpen {
            let query = request.uri.queryParameters
            if let given = query["token"].map(String.init) {
                guard AccessPolicy.constantTimeEqual(given, token) else {
                    throw WebRefusal(status: .unauthorized, message: "访问令牌不正确：请使用启动本服务时显示的完整网址；没有这个网址，请向管理员索取。")
                }
                // Keep the token in a cookie and drop it from the address bar (and from history).
                var response = Response(status: .seeOther, headers: [.location: request.uri.path.isEmpty ? "/" : request.uri.path])
                response.setCookie(Cookie(name: AccessPolicy.cookieName, value: token, path: "/", httpOnly: true, sameSite: .strict))
                return response
            }
            guard let cookie = request.cookies[AccessPolicy.cookieName]?.value, AccessPolicy.constantTimeEqual(cookie, token) else {
                throw WebRefusal(status: .unauthorized, message: "需要访问令牌：请使用启动本服务时显示的完整网址（含 ?token=…）打开本页；没有这个网址，请向管理员索取。")
            }
        }
        if request.method != .get && request.method != .head {
            try checkSameOrigin(request)
        }
        return nil
    }

    /// CSRF: a POST must come from this server's own pages.
    private func checkSameOrigin(_ request: Request) throws {
        let refuse = WebRefusal(status: .forbidden, message: "拒绝跨站请求：请在本服务的页面上操作。")
        if let site = request.headers[Header.secFetchSite], site != "same-origin", site != "none" { throw refuse }
        let origin = request.headers[Header.origin]
        if let origin, origin != "null" {
            guard let host = request.head.authority, origin.lowercased() == "http://\(host.lowercased())" else { throw refuse }
            return
        }
        // No usable Origin: only the page's own scripts, which send this header (a cross-site form cannot).
        guard request.headers[Header.certpack] == "1" else { throw refuse }
    }
}

/// Logs one line per request (method, path, status, time), ID numbers masked.
struct RequestLogMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = DispatchTime.now()
        let response = try await next(request, context)
        let ms = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e6
        context.logger.info("\(request.method) \(maskIDNumbers(in: request.uri.path)) \(response.status.code) \(String(format: "%.0f", ms)) ms")
        return response
    }
}

/// The route closure handed to the racing child task; it runs only while the middleware waits.
private struct UncheckedBox<T>: @unchecked Sendable { let value: T }
