import Foundation
import Hummingbird
import HummingbirdTesting
import Rules
import Testing
import ZIPFoundation

@testable import Web

@Suite("Web: one application")
struct ApplicationRouteTests {
    @Test("codes are made half-width; names and addresses keep their full-width （）")
    func normalising() {
        #expect(Checks.normalize(key: "uscc", " ９１４４０３０５ma5dpl4w0g ") == "91440305MA5DPL4W0G")
        #expect(Checks.normalize(key: "mobile", "+86 139-1234-5678") == "13912345678")
        #expect(Checks.normalize(key: "time", "9：30") == "09:30")
        #expect(Checks.normalize(key: "date", "2026/12/7") == "2026-12-07")
        #expect(Checks.normalize(key: "phone", "０７５５-2655 8800") == "0755-2655 8800")
        #expect(Checks.normalize(key: "name", "　深圳市康宁（南山）诊所 ") == "深圳市康宁（南山）诊所")
        #expect(Checks.normalize(key: "address", "科技南十二路１８号") == "科技南十二路１８号")
    }

    @Test("a full-width mobile number comes back half-width, with no problem")
    func fieldNormalisedAndGood() async throws {
        let server = try await makeServer()
        defer { server.removeAllJobs() }
        try await server.application().test(.router) { client in
            try await client.execute(
                uri: "/api/field", method: .post, headers: sameOrigin,
                body: try jsonBuffer(["field": "handler.mobile", "value": "１３９ １２３４ ５６７８"])
            ) { r in
                #expect(r.status == .ok)
                let j = try json(r.body)
                #expect(j["value"] as? String == "13912345678")
                #expect(j["problem"] is NSNull)
            }
        }
    }

    @Test("a wrong ID check digit is answered with Rules' message naming the expected digit")
    func fieldBadCheckDigit() async throws {
        let server = try await makeServer()
        defer { server.removeAllJobs() }
        try await server.application().test(.router) { client in
            try await client.execute(
                uri: "/api/field", method: .post, headers: sameOrigin,
                body: try jsonBuffer(["field": "legalRepresentative.idNumber", "value": "440305198003121236"])
            ) { r in
                let j = try json(r.body)
                let expected = Validator.idProblem("440305198003121236", type: .residentID)
                #expect(j["problem"] as? String == expected)
                #expect((j["problem"] as? String ?? "").contains("末位应为「5」"))
            }
            // a lower-case x is made upper-case before the check
            try await client.execute(
                uri: "/api/field", method: .post, headers: sameOrigin,
                body: try jsonBuffer(["field": "handler.idNumber", "value": "44030419880115342x"])
            ) { r in
                let j = try json(r.body)
                #expect(j["value"] as? String == "44030419880115342X")
                #expect(j["problem"] is NSNull)
            }
        }
    }

    @Test("the checklist JSON: documents, fees, the visit verdict and the earliest day")
    func checklistJSON() async throws {
        let server = try await makeServer()
        defer { server.removeAllJobs() }
        var draft = try exampleDraft()
        draft["visit"] = ["date": "2026-12-05", "time": "10:00", "office": "科技园文化广场"]  // a Saturday: no ODC
        let body = try jsonBuffer(draft)
        try await server.application().test(.router) { client in
            try await client.execute(uri: "/api/check", method: .post, headers: sameOrigin, body: body) { r in
                #expect(r.status == .ok)
                let j = try json(r.body)
                #expect(j["renderable"] as? Bool == true)
                #expect((j["problems"] as? [Any])?.isEmpty == true)
                let c = try #require(j["checklist"] as? [String: Any])
                let fees = try #require(c["fees"] as? [String: Any])
                #expect(fees["total"] as? Int == 450)  // as `certpack checklist --format json` says for the example
                #expect(((c["documents"] as? [Any])?.count ?? 0) > 3)
                let visit = try #require(c["visit"] as? [String: Any])
                #expect(visit["status"] as? String == "partial")
                let proposal = try #require(visit["proposal"] as? [String: Any])
                #expect(proposal["date"] as? String == "2026-12-07")
            }
        }
    }

    @Test("a bad 统一社会信用代码 is a problem of that field, and the pack is not rendered")
    func badDraftRefused() async throws {
        let server = try await makeServer()
        defer { server.removeAllJobs() }
        var draft = try exampleDraft()
        var org = draft["organization"] as! [String: Any]
        org["uscc"] = "91440305MA5DPL4W0X"
        draft["organization"] = org
        let body = try jsonBuffer(draft)
        try await server.application().test(.router) { client in
            try await client.execute(uri: "/api/check", method: .post, headers: sameOrigin, body: body) { r in
                let j = try json(r.body)
                #expect(j["renderable"] as? Bool == false)
                let problems = j["problems"] as? [[String: String]] ?? []
                #expect(problems.contains { $0["field"] == "organization.uscc" && $0["message"]!.contains("末位应为「G」") })
            }
            try await client.execute(uri: "/api/pdf", method: .post, headers: sameOrigin, body: body) { r in
                #expect(r.status == .unprocessableContent)
                let j = try json(r.body)
                #expect((j["problems"] as? [[String: String]] ?? []).contains { $0["field"] == "organization.uscc" })
            }
        }
    }

    @Test("problems inside lists name their row: 变更事项 and holders")
    func listProblems() async throws {
        let server = try await makeServer()
        defer { server.removeAllJobs() }
        var draft = try exampleDraft()
        draft["service"] = "change"
        draft["existingCertificate"] = ["serial": "SZCA20250001234"]
        draft["change"] = ["items": [["item": "单位名称", "from": "旧名", "to": ""]]]
        let person = ["name": "陈美玲", "idType": "居民身份证", "idNumber": "44030619870412024X", "mobile": "13700008888", "title": "主治医师"]
        draft["holders"] = [person, person]
        let body = try jsonBuffer(draft)
        try await server.application().test(.router) { client in
            try await client.execute(uri: "/api/check", method: .post, headers: sameOrigin, body: body) { r in
                let fields = (try json(r.body)["problems"] as? [[String: String]] ?? []).compactMap { $0["field"] }
                #expect(fields.contains("change.items[0].to"))
                #expect(fields.contains("holders[1].idNumber"))
            }
        }
    }

    @Test("申请材料.pdf is a valid A4 PDF holding the typed values")
    func pdfDownload() async throws {
        let server = try await makeServer()
        defer { server.removeAllJobs() }
        var draft = try exampleDraft()
        var handler = draft["handler"] as! [String: Any]
        handler["mobile"] = "１３９１２３４５６７８"  // full-width, as typed on a Chinese keyboard
        draft["handler"] = handler
        let body = try jsonBuffer(draft)
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try await server.application().test(.router) { client in
            try await client.execute(uri: "/api/pdf", method: .post, headers: sameOrigin, body: body) { r in
                #expect(r.status == .ok)
                #expect(r.headers[.contentType] == "application/pdf")
                #expect(r.headers[.contentDisposition]?.contains("filename*=UTF-8''%E7%94%B3%E8%AF%B7") == true)
                #expect(r.headers[.cacheControl] == "no-store")
                let pdf = folder.appendingPathComponent("a.pdf")
                try Data(r.body.readableBytesView).write(to: pdf)
                #expect(try run("qpdf", ["--check", pdf.path]).status == 0)
                let info = try run("pdfinfo", [pdf.path]).out
                #expect(info.contains("595.28 x 841.89 pts (A4)"))
                let text = try run("pdftotext", ["-layout", pdf.path, "-"]).out
                #expect(text.contains("深圳市南山区康宁诊所有限公司"))
                #expect(text.contains("91440305MA5DPL4W0G"))
                #expect(text.contains("13912345678"))
                #expect(text.contains("李俊杰"))
            }
        }
        #expect(server.jobs.count == 0)  // the job's folder went with the download
    }

    @Test("preview pages are PNGs served from the job, 清单.md and YAML come as files")
    func previewChecklistYAML() async throws {
        let server = try await makeServer()
        defer { server.removeAllJobs() }
        let body = try jsonBuffer(try exampleDraft())
        try await server.application().test(.router) { client in
            let pages = try await client.execute(uri: "/api/preview", method: .post, headers: sameOrigin, body: body) { r in
                #expect(r.status == .ok)
                return try json(r.body)["pages"] as? [String] ?? []
            }
            #expect(pages.count >= 5)
            try await client.execute(uri: pages[0], method: .get) { r in
                #expect(r.status == .ok)
                #expect(r.headers[.contentType] == "image/png")
                #expect(Array(r.body.readableBytesView.prefix(4)) == [0x89, 0x50, 0x4E, 0x47])
            }
            try await client.execute(uri: "/api/checklist.md", method: .post, headers: sameOrigin, body: body) { r in
                #expect(r.status == .ok)
                #expect(String(buffer: r.body).contains("深圳市南山区康宁诊所有限公司"))
            }
            let yaml = try await client.execute(uri: "/api/yaml", method: .post, headers: sameOrigin, body: body) { r in
                #expect(r.status == .ok)
                return String(buffer: r.body)
            }
            // The CLI reads what the page exports, and the page reads it back.
            let app = try ApplicationLoader.decode(yaml, format: .yaml, source: "exported")
            #expect(app == (try ApplicationLoader.load(url: repoRoot.appendingPathComponent("Examples/new-odc-personal.yaml"))))
            try await client.execute(uri: "/api/import?name=a.yaml", method: .post, headers: sameOrigin, body: ByteBuffer(string: yaml)) { r in
                #expect(r.status == .ok)
                let draft = try #require(try json(r.body)["application"] as? [String: Any])
                #expect((draft["organization"] as? [String: Any])?["uscc"] as? String == "91440305MA5DPL4W0G")
            }
        }
    }

    @Test("the offices' next 30 days: three offices, 调休 and holidays flagged")
    func offices() async throws {
        let server = try await makeServer()
        defer { server.removeAllJobs() }
        try await server.application().test(.router) { client in
            try await client.execute(uri: "/api/offices", method: .get) { r in
                let offices = try json(r.body)["offices"] as? [[String: Any]] ?? []
                #expect(offices.count == 3)
                let days = offices[0]["days"] as? [[String: Any]] ?? []
                #expect(days.count == 30)
                #expect(days[0]["date"] as? String == "2026-12-01")
            }
            try await client.execute(uri: "/offices", method: .get) { r in
                #expect(r.status == .ok)
                let html = String(buffer: r.body)
                #expect(html.contains("科技园文化广场"))
                #expect(html.contains("2026-12-30"))
            }
        }
    }
}

@Suite("Web: offices")
struct OfficeRouteTests {
    @Test("around 国庆: the 调休 Sunday is a working day with the ODC, the holiday is closed and named")
    func holidaysAndMakeUpDays() async throws {
        let server = try await makeServer(today: CivilDate(year: 2026, month: 9, day: 18)!)
        defer { server.removeAllJobs() }
        try await server.application().test(.router) { client in
            try await client.execute(uri: "/api/offices", method: .get) { r in
                let offices = try json(r.body)["offices"] as? [[String: Any]] ?? []
                let days = try #require(offices.first { $0["name"] as? String == "龙岗行政服务大厅受理点" }?["days"] as? [[String: Any]])
                let makeUp = try #require(days.first { $0["date"] as? String == "2026-09-20" })
                #expect(makeUp["makeUpWorkday"] as? Bool == true)
                #expect(makeUp["open"] as? Bool == true)
                #expect(makeUp["odc"] as? Bool == true)
                let national = try #require(days.first { $0["date"] as? String == "2026-10-01" })
                #expect(national["open"] as? Bool == false)
                #expect(national["holiday"] as? String == "国庆节")
            }
            try await client.execute(uri: "/offices", method: .get) { r in
                let html = String(buffer: r.body)
                #expect(html.contains("调休上班"))
                #expect(html.contains("国庆节"))
            }
        }
    }
}

@Suite("Web: batches")
struct BatchRouteTests {
    @Test("a batch with a bad row: its problem by row and column, the good rows made into one zip")
    func batchZip() async throws {
        let server = try await makeServer()
        defer { server.removeAllJobs() }
        // Row 8 (as Excel numbers it): a wrong check digit on 周建国's ID.
        let csv = try String(contentsOf: repoRoot.appendingPathComponent("Examples/batch.csv"), encoding: .utf8)
            .replacingOccurrences(of: "440303196811117718", with: "440303196811117717")
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try await BatchGate.shared.run {
            try await server.application().test(.router) { client in
                let job = try await client.execute(
                    uri: "/api/batch?name=%E6%89%B9%E9%87%8F.csv", method: .post, headers: sameOrigin,
                    body: ByteBuffer(string: csv)
                ) { r in
                    #expect(r.status == .ok)
                    let j = try json(r.body)
                    #expect(j["total"] as? Int == 5)
                    #expect(j["good"] as? Int == 4)
                    let problems = j["problems"] as? [[String: Any]] ?? []
                    #expect(problems.count == 1)
                    #expect(problems.first?["line"] as? Int == 8)
                    #expect((problems.first?["column"] as? String)?.contains("法定代表人证件号码") == true)
                    return j["job"] as? String ?? ""
                }
                try await client.execute(uri: "/api/batch/\(job)/run", method: .post, headers: sameOrigin) { r in #expect(r.status == .ok) }
                var phase = ""
                var status: [String: Any] = [:]
                for _ in 0..<600 where phase != "done" && phase != "failed" {
                    try await Task.sleep(nanoseconds: 100_000_000)
                    status = try await client.execute(uri: "/api/batch/\(job)", method: .get) { r in try json(r.body) }
                    phase = status["phase"] as? String ?? ""
                    // the progress counts the packs being made: the row with a problem is not one of them
                    #expect(status["total"] as? Int == 4)
                    #expect((status["done"] as? Int ?? 0) <= 4)
                }
                #expect(phase == "done")
                #expect(status["done"] as? Int == 4)
                let zip = folder.appendingPathComponent("batch.zip")
                try await client.execute(uri: "/batch/\(job)/download.zip", method: .get) { r in
                    #expect(r.status == .ok)
                    try Data(r.body.readableBytesView).write(to: zip)
                }
                let names = try Archive(url: zip, accessMode: .read).map(\.path)
                #expect(names.contains("全部打印.pdf"))
                #expect(names.contains("汇总.csv"))
                #expect(names.contains("汇总.md"))
                #expect(names.contains("汇总.xlsx"))
                #expect(names.contains("91440305MA5DPL4W0G-深圳市南山区康宁诊所有限公司/申请材料.pdf"))
                #expect(names.filter { $0.hasSuffix("/申请材料.pdf") }.count == 4)
                #expect(!names.contains { $0.contains("安心药店") })
                // downloaded once, then gone
                try await client.execute(uri: "/batch/\(job)/download.zip", method: .get) { r in #expect(r.status == .notFound) }
            }
        }
    }

    @Test("the template is the CLI's workbook (certpack batch --template 批量.xlsx)")
    func template() async throws {
        let server = try await makeServer()
        defer { server.removeAllJobs() }
        try await server.application().test(.router) { client in
            try await client.execute(uri: "/batch/template.xlsx", method: .get) { r in
                #expect(r.status == .ok)
                let data = Data(r.body.readableBytesView)
                #expect(Array(data.prefix(2)) == [0x50, 0x4B], "a zip: an .xlsx workbook")
                let archive = try Archive(data: data, accessMode: .read)
                #expect(archive["xl/workbook.xml"] != nil)
            }
        }
    }
}

@Suite("Web: refusals")
struct RefusalTests {
    @Test("a LAN bind without the token is refused; the token URL sets an HttpOnly SameSite=Strict cookie")
    func tokenRequired() async throws {
        let token = "0123456789abcdef0123456789abcdef"
        let server = try await makeServer(host: "0.0.0.0", token: token)
        defer { server.removeAllJobs() }
        try await server.application().test(.router) { client in
            try await client.execute(uri: "/", method: .get, headers: [.accept: "text/html"]) { r in
                #expect(r.status == .unauthorized)
                #expect(String(buffer: r.body).contains("需要访问令牌"))
            }
            try await client.execute(uri: "/?token=wrong", method: .get) { r in #expect(r.status == .unauthorized) }
            try await client.execute(uri: "/api/offices", method: .get) { r in #expect(r.status == .unauthorized) }
            try await client.execute(uri: "/static/app.css", method: .get) { r in #expect(r.status == .ok) }  // no data in it
            let cookie = try await client.execute(uri: "/?token=\(token)", method: .get) { r in
                #expect(r.status == .seeOther)
                #expect(r.headers[.location] == "/")
                let set = r.headers[.setCookie] ?? ""
                #expect(set.contains("HttpOnly"))
                #expect(set.contains("SameSite=Strict"))
                return String(set.split(separator: ";")[0])
            }
            try await client.execute(uri: "/", method: .get, headers: [.cookie: cookie]) { r in #expect(r.status == .ok) }
            try await client.execute(uri: "/", method: .get, headers: [.cookie: "certpack_token=0123456789abcdef0123456789abcdee"]) { r in
                #expect(r.status == .unauthorized)
            }
        }
        // A non-local host with no token given gets a generated one.
        let open = try await makeServer(host: "0.0.0.0")
        defer { open.removeAllJobs() }
        #expect((open.configuration.token ?? "").count == 32)
        #expect(open.startURL.contains("?token="))
    }

    @Test("a POST from another origin is refused (CSRF)")
    func crossOrigin() async throws {
        let server = try await makeServer()
        defer { server.removeAllJobs() }
        let body = try jsonBuffer(try exampleDraft())
        try await server.application().test(.router) { client in
            try await client.execute(
                uri: "/api/pdf", method: .post,
                headers: [.contentType: "application/json", Header.origin: "http://evil.example"],
                body: body
            ) { r in
                #expect(r.status == .forbidden)
                let error = try json(r.body)["error"] as? String ?? ""
                #expect(error.contains("拒绝跨站请求"))
            }
            // no Origin and no page header: a plain cross-site form cannot set it
            try await client.execute(uri: "/api/check", method: .post, headers: [.contentType: "application/json"], body: body) { r in
                #expect(r.status == .forbidden)
            }
            try await client.execute(
                uri: "/api/check", method: .post,
                headers: [Header.secFetchSite: "cross-site", Header.certpack: "1"],
                body: body
            ) { r in
                #expect(r.status == .forbidden)
            }
            // the page's own scripts (Origin: null under Referrer-Policy no-referrer)
            try await client.execute(
                uri: "/api/check", method: .post,
                headers: [Header.origin: "null", Header.secFetchSite: "same-origin", Header.certpack: "1"],
                body: body
            ) { r in
                #expect(r.status == .ok)
            }
        }
    }

    @Test("an upload over the limit is refused with a Chinese message")
    func oversizeUpload() async throws {
        let server = try await makeServer(upload: 4096)
        defer { server.removeAllJobs() }
        let big = String(repeating: "单位名称,统一社会信用代码\n", count: 400)
        try await server.application().test(.router) { client in
            try await client.execute(uri: "/api/batch?name=big.csv", method: .post, headers: sameOrigin, body: ByteBuffer(string: big)) { r in
                #expect(r.status == .contentTooLarge)
                let error = try json(r.body)["error"] as? String ?? ""
                #expect(error.contains("文件太大"))
            }
        }
    }

    @Test("more organisations than the row limit are refused, naming the limit")
    func rowLimit() async throws {
        let server = try await makeServer(rows: 2)
        defer { server.removeAllJobs() }
        let csv = try String(contentsOf: repoRoot.appendingPathComponent("Examples/batch.csv"), encoding: .utf8)
        try await server.application().test(.router) { client in
            try await client.execute(uri: "/api/batch?name=a.csv", method: .post, headers: sameOrigin, body: ByteBuffer(string: csv)) { r in
                #expect(r.status == .contentTooLarge)
                let error = try json(r.body)["error"] as? String ?? ""
                #expect(error.contains("超过每次上限 2 家"))
            }
        }
        #expect(server.jobs.count == 0)
    }

    @Test("a full render queue answers 503 with Retry-After at once")
    func fullQueue() async throws {
        let server = try await makeServer(queue: 1)
        defer { server.removeAllJobs() }
        let hold = DispatchSemaphore(value: 0)
        try server.lane.start { hold.wait() }  // the one slot is taken
        defer { hold.signal() }
        let body = try jsonBuffer(try exampleDraft())
        try await server.application().test(.router) { client in
            try await client.execute(uri: "/api/pdf", method: .post, headers: sameOrigin, body: body) { r in
                #expect(r.status == .serviceUnavailable)
                #expect(r.headers[.retryAfter] == "5")
                let error = try json(r.body)["error"] as? String ?? ""
                #expect(error.contains("服务器正忙"))
            }
        }
    }

    @Test("every answer carries no-store, the CSP and nosniff")
    func securityHeaders() async throws {
        let server = try await makeServer()
        defer { server.removeAllJobs() }
        try await server.application().test(.router) { client in
            for uri in ["/", "/batch", "/offices", "/static/app.css", "/nothing-here"] {
                try await client.execute(uri: uri, method: .get) { r in
                    #expect(r.headers[.cacheControl] == "no-store")
                    #expect(r.headers[.contentSecurityPolicy]?.hasPrefix("default-src 'self'") == true)
                    #expect(r.headers[Header.contentTypeOptions] == "nosniff")
                    #expect(r.headers[Header.referrerPolicy] == "no-referrer")
                }
            }
            try await client.execute(uri: "/static/..%2FTemplates", method: .get) { r in #expect(r.status == .notFound) }
        }
    }

    @Test("ID numbers are masked in log lines")
    func logMasking() {
        #expect(maskIDNumbers(in: "pdf: 440305198003121235 ok") == "pdf: 440305********1235 ok")
        #expect(maskIDNumbers(in: "/jobs/0123456789abcdef0123456789abcdef/page-01.png") == "/jobs/0123456789abcdef0123456789abcdef/page-01.png")
        #expect(AccessPolicy.constantTimeEqual("abc", "abc"))
        #expect(!AccessPolicy.constantTimeEqual("abc", "abd"))
        #expect(!AccessPolicy.constantTimeEqual("abc", "abcd"))
    }
}

@Suite("Web: the render lane")
struct RenderLaneTests {
    @Test("a job that cannot start within the time limit is answered, not left waiting")
    func timeLimit() async throws {
        let lane = RenderLane(capacity: 4)
        let hold = DispatchSemaphore(value: 0)
        try lane.start { hold.wait() }
        let start = Date()
        await #expect(throws: LaneTimeout.self) { try await lane.run(timeout: 0.3) { 1 } }
        // Without the limit this would wait for ever; the bound is loose because the whole suite
        // runs in parallel on two cores, where blocking tests can hold the cooperative pool for half
        // a minute (31 s seen with a release build running beside the suite): this is a liveness
        // check, not a timing one.
        #expect(Date().timeIntervalSince(start) < 120)
        hold.signal()
        #expect(try await lane.run(timeout: 5) { 2 } == 2)
    }

    @Test("jobs run one at a time, in order")
    func serial() async throws {
        let lane = RenderLane(capacity: 8)
        let running = Counter()
        async let a = lane.run(timeout: 5) {
            running.enter()
            usleep(50_000)
            return running.leave()
        }
        async let b = lane.run(timeout: 5) {
            running.enter()
            usleep(50_000)
            return running.leave()
        }
        let most = try await [a, b].max()
        #expect(most == 1)
    }
}

/// How many jobs ran at once, at most.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var now = 0, most = 0
    func enter() {
        lock.lock()
        now += 1
        most = max(most, now)
        lock.unlock()
    }
    func leave() -> Int {
        lock.lock()
        defer { lock.unlock() }
        now -= 1
        return most
    }
}

@Suite("Web: jobs")
struct JobStoreTests {
    @Test("each job's folder is its owner's only, and goes after its lifetime and at exit")
    func lifetime() throws {
        let store = try JobStore(lifetime: 3600)
        let fm = FileManager.default
        #expect((try fm.attributesOfItem(atPath: store.root.path)[.posixPermissions] as? Int) == 0o700)
        let old = try store.create()
        let fresh = try store.create()
        #expect((try fm.attributesOfItem(atPath: old.folder.path)[.posixPermissions] as? Int) == 0o700)
        store.sweep(now: Date().addingTimeInterval(1800))
        #expect(store.job(old.id) != nil)
        store.sweep(now: Date().addingTimeInterval(3700))
        #expect(store.job(old.id) == nil && store.job(fresh.id) == nil)
        #expect(!fm.fileExists(atPath: old.folder.path))
        _ = try store.create()
        store.removeAll()
        #expect(!fm.fileExists(atPath: store.root.path))
    }
}
