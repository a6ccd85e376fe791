import Foundation
import Hummingbird
import HummingbirdTesting
import Roster
import Rules
import Testing

@testable import Web

/// The 机构库 tab's API and the drafts, on a roster made for each test: the example clinic with an
/// ODC issued a year ago, due in 13 days (the server's today is 2026-12-01).
@Suite("Web: the 机构库 and drafts")
struct RosterRouteTests {
    static let uscc = "91440305MA5DPL4W0G"
    static let serial = "SZCA2025ODC0001"

    /// A roster holding the example applicant and its ODC (valid until 2026-12-14).
    static func roster() throws -> (URL, Rules.Application) {
        let folder = try temporaryFolder()
        let url = folder.appendingPathComponent("roster.sqlite")
        let store = try Roster.create(at: url)
        let app = try ApplicationLoader.load(url: repoRoot.appendingPathComponent("Examples/new-odc-personal.yaml"))
        _ = try store.importItems([ImportItem(place: "test", application: app)], today: CivilDate("2025-12-10")!)
        try store.recordIssued(
            IssuedCertificate(
                uscc: uscc, kind: .odc, serial: serial, issuedOn: CivilDate("2025-12-15")!,
                validUntil: CivilDate("2026-12-14")!))
        return (url, app)
    }

    @Test("lists come a page at a time: `total` counts the whole list, `limit` and `offset` choose the page, 100 unless asked")
    func listPages() async throws {
        let (url, app) = try Self.roster()
        defer { try? FileManager.default.removeItem(at: url.deletingLastPathComponent()) }
        // 120 more organisations (the example's name with a number), none with a certificate.
        let store = try Roster.open(at: url)
        let more = (1...120).map { n -> ImportItem in
            var a = app
            let code17 = String(format: "91440300MA5%06d", n)
            a.organization.uscc = code17 + String(CheckDigits.usccCheckCharacter(code17)!)
            a.organization.name = "深圳市测试第\(n)号诊所"
            return ImportItem(place: "\(n)", application: a)
        }
        _ = try store.importItems(more, today: CivilDate("2025-12-10")!)
        let server = try await makeServer(roster: url)
        defer { server.removeAllJobs() }
        try await server.application().test(.router) { client in
            try await client.execute(uri: "/api/roster?q=", method: .get) { r in
                let j = try json(r.body)
                #expect(j["total"] as? Int == 121)
                #expect((j["entries"] as? [[String: Any]])?.count == 100)
                // the organisation with a certificate first (fewest days left)
                #expect((j["entries"] as? [[String: Any]])?.first?["uscc"] as? String == Self.uscc)
            }
            try await client.execute(uri: "/api/roster?q=&offset=100", method: .get) { r in
                let j = try json(r.body)
                #expect(j["total"] as? Int == 121 && j["offset"] as? Int == 100)
                #expect((j["entries"] as? [[String: Any]])?.count == 21)
            }
            try await client.execute(uri: "/api/roster?q=%E6%B5%8B%E8%AF%95&limit=5", method: .get) { r in
                let j = try json(r.body)
                #expect(j["total"] as? Int == 120 && (j["entries"] as? [[String: Any]])?.count == 5)
            }
            try await client.execute(uri: "/api/roster/due?limit=1", method: .get) { r in
                let j = try json(r.body)
                #expect(j["total"] as? Int == 1 && (j["entries"] as? [[String: Any]])?.count == 1)
            }
        }
    }

    @Test("the due board gives days left; lists and the card mask every ID number")
    func dueBoardAndCard() async throws {
        let (url, app) = try Self.roster()
        defer { try? FileManager.default.removeItem(at: url.deletingLastPathComponent()) }
        let server = try await makeServer(roster: url)
        defer { server.removeAllJobs() }
        try await server.application().test(.router) { client in
            try await client.execute(uri: "/api/roster/due", method: .get) { r in
                #expect(r.status == .ok)
                let entries = try json(r.body)["entries"] as? [[String: Any]] ?? []
                #expect(entries.count == 1)
                let cert = entries.first?["certificate"] as? [String: Any]
                #expect(cert?["daysLeft"] as? Int == 13)
                #expect(cert?["serial"] as? String == Self.serial)
            }
            for q in ["康宁", Self.uscc, "陈志明", "ODC0001"] {
                try await client.execute(uri: "/api/roster?q=" + q.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!, method: .get) { r in
                    let entries = try json(r.body)["entries"] as? [[String: Any]] ?? []
                    #expect(entries.map { $0["uscc"] as? String } == [Self.uscc], "search \(q)")
                }
            }
            try await client.execute(uri: "/api/roster/org/\(Self.uscc)", method: .get) { r in
                #expect(r.status == .ok)
                let text = String(buffer: r.body)
                for id in [app.legalRepresentative.idNumber, app.handler.idNumber, app.handler.mobile] { #expect(!text.contains(id)) }
                let people = try json(r.body)["people"] as? [[String: Any]] ?? []
                #expect(people.contains { $0["name"] as? String == "陈志明" && ($0["idMasked"] as? String ?? "").contains("*") })
            }
            try await client.execute(uri: "/api/roster/org/91440300MA5000000X", method: .get) { r in #expect(r.status == .notFound) }
            // the page and its tab
            try await client.execute(uri: "/roster", method: .get) { r in
                #expect(r.status == .ok)
                #expect(String(buffer: r.body).contains("到期提醒"))
            }
            try await client.execute(uri: "/", method: .get) { r in
                let html = String(buffer: r.body)
                #expect(html.contains("href=\"/roster\""))
                #expect(html.contains("data-roster=\"1\""))
            }
        }
    }

    @Test("a renewal from the card: prefilled with the serial, its PDF carries it, and it is recorded")
    func renewalFromCard() async throws {
        let (url, _) = try Self.roster()
        defer { try? FileManager.default.removeItem(at: url.deletingLastPathComponent()) }
        let server = try await makeServer(roster: url)
        defer { server.removeAllJobs() }
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try await server.application().test(.router) { client in
            let application = try await client.execute(uri: "/api/roster/org/\(Self.uscc)/application?service=renew", method: .get) { r in
                #expect(r.status == .ok)
                let j = try json(r.body)
                #expect((j["note"] as? String ?? "").contains(Self.serial))
                return try #require(j["application"] as? [String: Any])
            }
            #expect(application["service"] as? String == "renew")
            #expect((application["existingCertificate"] as? [String: Any])?["serial"] as? String == Self.serial)
            let body = try jsonBuffer(application)
            try await client.execute(uri: "/api/pdf", method: .post, headers: sameOrigin, body: body) { r in
                #expect(r.status == .ok)
                let pdf = folder.appendingPathComponent("renew.pdf")
                try Data(r.body.readableBytesView).write(to: pdf)
                #expect(try run("pdftotext", ["-layout", pdf.path, "-"]).out.contains(Self.serial))
            }
            try await client.execute(uri: "/api/roster/org/\(Self.uscc)", method: .get) { r in
                let apps = try json(r.body)["applications"] as? [[String: Any]] ?? []
                #expect(apps.contains { $0["service"] as? String == "renew" && $0["state"] as? String == "已生成" })
            }
            // 解锁 and 介质补办 start from the same card
            for service in ["unlock", "replace", "change"] {
                try await client.execute(uri: "/api/roster/org/\(Self.uscc)/application?service=\(service)", method: .get) { r in
                    #expect(r.status == .ok)
                    let app = try json(r.body)["application"] as? [String: Any] ?? [:]
                    #expect(app["service"] as? String == service)
                }
            }
        }
    }

    @Test("记录办结 takes the certificate off the due board and marks the old one renewed")
    func recordIssued() async throws {
        let (url, _) = try Self.roster()
        defer { try? FileManager.default.removeItem(at: url.deletingLastPathComponent()) }
        let server = try await makeServer(roster: url)
        defer { server.removeAllJobs() }
        try await server.application().test(.router) { client in
            try await client.execute(
                uri: "/api/roster/org/\(Self.uscc)/issued", method: .post, headers: sameOrigin,
                body: try jsonBuffer(["kind": "odc", "serial": "SZCA2026ODC0002", "issuedOn": "2026-12-01"])
            ) { r in
                #expect(r.status == .ok)
                let cert = try json(r.body)["certificate"] as? [String: Any] ?? [:]
                #expect(cert["validUntil"] as? String == "2027-11-30")
                #expect(cert["estimated"] as? Bool == true)
            }
            try await client.execute(uri: "/api/roster/due", method: .get) { r in
                let answer = try json(r.body)
                #expect((answer["entries"] as? [Any])?.isEmpty == true)
            }
            try await client.execute(uri: "/api/roster/org/\(Self.uscc)", method: .get) { r in
                let certs = try json(r.body)["certificates"] as? [[String: Any]] ?? []
                #expect(certs.contains { $0["serial"] as? String == Self.serial && $0["status"] as? String == "已续期" })
            }
            // the same serial twice is refused, in words
            try await client.execute(
                uri: "/api/roster/org/\(Self.uscc)/issued", method: .post, headers: sameOrigin,
                body: try jsonBuffer(["kind": "odc", "serial": "SZCA2026ODC0002", "issuedOn": "2026-12-01"])
            ) { r in
                #expect(r.status == .unprocessableContent)
                let answer = try json(r.body)
                #expect((answer["error"] as? String ?? "").contains("已在机构库中"))
            }
        }
    }

    @Test("forgetting says what it deletes, needs the confirmation, and leaves nothing")
    func forget() async throws {
        let (url, app) = try Self.roster()
        defer { try? FileManager.default.removeItem(at: url.deletingLastPathComponent()) }
        let server = try await makeServer(roster: url)
        defer { server.removeAllJobs() }
        try await server.application().test(.router) { client in
            try await client.execute(uri: "/api/roster/org/\(Self.uscc)/forget", method: .get) { r in
                let summary = try json(r.body)["summary"] as? String ?? ""
                #expect(summary.contains("深圳市南山区康宁诊所有限公司"))
                #expect(summary.contains("证书 1 张"))
            }
            try await client.execute(uri: "/api/roster/org/\(Self.uscc)/forget", method: .post, headers: sameOrigin, body: try jsonBuffer([:])) { r in
                #expect(r.status == .unprocessableContent)
            }
            try await client.execute(
                uri: "/api/roster/org/\(Self.uscc)/forget", method: .post, headers: sameOrigin,
                body: try jsonBuffer(["confirm": Self.uscc])
            ) { r in
                #expect(r.status == .ok)
                let answer = try json(r.body)
                #expect((answer["message"] as? String ?? "").contains("一家单位"))
            }
            try await client.execute(uri: "/api/roster/org/\(Self.uscc)", method: .get) { r in #expect(r.status == .notFound) }
        }
        let bytes = try Data(contentsOf: url)
        #expect(bytes.range(of: Data(app.legalRepresentative.idNumber.utf8)) == nil)
    }

    @Test("drafts: saved as typed, listed, reopened, and gone once the pack is made")
    func drafts() async throws {
        let (url, _) = try Self.roster()
        defer { try? FileManager.default.removeItem(at: url.deletingLastPathComponent()) }
        let server = try await makeServer(roster: url)
        defer { server.removeAllJobs() }
        let halfBody = try jsonBuffer(["application": ["service": "new", "organization": ["name": "深圳市福田区安心药店", "uscc": ""]]])
        let wholeData = try JSONSerialization.data(withJSONObject: try exampleDraft())
        try await server.application().test(.router) { client in
            let whole = try JSONSerialization.jsonObject(with: wholeData) as! [String: Any]
            let id = try await client.execute(uri: "/api/drafts", method: .post, headers: sameOrigin, body: halfBody) { r in
                #expect(r.status == .ok)
                return try json(r.body)["id"] as? Int ?? 0
            }
            #expect(id > 0)
            // typing on: the same draft
            try await client.execute(
                uri: "/api/drafts", method: .post, headers: sameOrigin,
                body: try jsonBuffer(["id": id, "application": whole])
            ) { r in
                let answer = try json(r.body)
                #expect(answer["id"] as? Int == id)
            }
            try await client.execute(uri: "/api/drafts", method: .get) { r in
                let drafts = try json(r.body)["drafts"] as? [[String: Any]] ?? []
                #expect(drafts.count == 1)
                #expect((drafts.first?["title"] as? String ?? "").contains("深圳市南山区康宁诊所有限公司"))
            }
            // another browser opens it
            try await client.execute(uri: "/api/drafts/\(id)", method: .get) { r in
                let app = try json(r.body)["application"] as? [String: Any] ?? [:]
                #expect((app["organization"] as? [String: Any])?["uscc"] as? String == Self.uscc)
            }
            try await client.execute(uri: "/api/pdf?draft=\(id)", method: .post, headers: sameOrigin, body: try jsonBuffer(whole)) { r in
                #expect(r.status == .ok)
            }
            try await client.execute(uri: "/api/drafts/\(id)", method: .get) { r in #expect(r.status == .notFound) }
        }
    }

    @Test("several clerks writing at once: every draft and every 记录办结 is kept, none lost")
    func concurrentWrites() async throws {
        let (url, _) = try Self.roster()
        defer { try? FileManager.default.removeItem(at: url.deletingLastPathComponent()) }
        let server = try await makeServer(roster: url)
        defer { server.removeAllJobs() }
        try await server.application().test(.router) { client in
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for n in 0..<24 {
                    group.addTask {
                        let body = try jsonBuffer(["application": ["service": "new", "organization": ["name": "并发草稿\(n)"]]])
                        return try await client.execute(uri: "/api/drafts", method: .post, headers: sameOrigin, body: body) { r in Int(r.status.code)
                        }
                    }
                }
                for n in 0..<6 {
                    group.addTask {
                        let body = try jsonBuffer(["kind": "odc", "serial": "SZCA2026PAR\(n)", "issuedOn": "2026-12-0\(n + 1)"])
                        return try await client.execute(uri: "/api/roster/org/\(Self.uscc)/issued", method: .post, headers: sameOrigin, body: body) {
                            r in
                            Int(r.status.code)
                        }
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses.count == 30 && statuses.allSatisfy { $0 == 200 }, "\(statuses)")
            try await client.execute(uri: "/api/drafts", method: .get) { r in
                let titles = (try json(r.body)["drafts"] as? [[String: Any]] ?? []).compactMap { $0["title"] as? String }
                #expect(Set(titles).count == 24)
            }
            try await client.execute(uri: "/api/roster/org/\(Self.uscc)", method: .get) { r in
                let certs = try json(r.body)["certificates"] as? [[String: Any]] ?? []
                // one valid ODC at the end, the others renewed in turn: seven in all
                #expect(certs.count == 7)
                #expect(certs.filter { $0["status"] as? String == "有效" }.count == 1)
            }
        }
    }

    @Test("export .xlsx, then import it back: the organisation and its certificate return; a bad file imports nothing")
    func exportImport() async throws {
        let (url, _) = try Self.roster()
        defer { try? FileManager.default.removeItem(at: url.deletingLastPathComponent()) }
        let server = try await makeServer(roster: url)
        defer { server.removeAllJobs() }
        try await server.application().test(.router) { client in
            let workbook = try await client.execute(uri: "/roster/export.xlsx", method: .get) { r in
                #expect(r.status == .ok)
                return ByteBuffer(bytes: Array(r.body.readableBytesView))
            }
            try await client.execute(
                uri: "/api/roster/org/\(Self.uscc)/forget", method: .post, headers: sameOrigin,
                body: try jsonBuffer(["confirm": Self.uscc])
            ) { r in #expect(r.status == .ok) }
            try await client.execute(
                uri: "/api/roster/import?name=%E6%9C%BA%E6%9E%84%E5%BA%93.xlsx", method: .post, headers: sameOrigin,
                body: workbook
            ) { r in
                #expect(r.status == .ok)
                let answer = try json(r.body)
                #expect((answer["message"] as? String ?? "").contains("新增单位 1 家"))
            }
            try await client.execute(uri: "/api/roster/due", method: .get) { r in
                let answer = try json(r.body)
                #expect((answer["entries"] as? [[String: Any]])?.first?["uscc"] as? String == Self.uscc)
            }
            try await client.execute(
                uri: "/api/roster/import?name=a.csv", method: .post, headers: sameOrigin,
                body: ByteBuffer(string: "名字,电话\n甲,1\n")
            ) { r in
                #expect(r.status == .unprocessableContent)
                let answer = try json(r.body)
                #expect(!(answer["error"] as? String ?? "").contains("certpack"))
            }
        }
    }

    @Test(
        "a renewal batch of everything due: made as an uploaded batch, one zip with the pack, each pack recorded in the roster as the CLI records it")
    func renewalBatch() async throws {
        let (url, _) = try Self.roster()
        defer { try? FileManager.default.removeItem(at: url.deletingLastPathComponent()) }
        let before = try #require(try Roster.open(at: url).card(uscc: Self.uscc)).applications
        let server = try await makeServer(roster: url)
        defer { server.removeAllJobs() }
        try await BatchGate.shared.run {
            try await server.application().test(.router) { client in
                let job = try await client.execute(uri: "/api/roster/renewals", method: .post, headers: sameOrigin) { r in
                    #expect(r.status == .ok)
                    let answer = try json(r.body)
                    #expect(answer["good"] as? Int == 1)
                    return answer["job"] as? String ?? ""
                }
                try await client.execute(uri: "/api/batch/\(job)/run", method: .post, headers: sameOrigin) { r in #expect(r.status == .ok) }
                var phase = ""
                for _ in 0..<600 where phase != "done" && phase != "failed" {
                    try await Task.sleep(nanoseconds: 100_000_000)
                    phase = try await client.execute(uri: "/api/batch/\(job)", method: .get) { r in try json(r.body)["phase"] as? String ?? "" }
                }
                #expect(phase == "done")
                try await client.execute(uri: "/api/batch/\(job)", method: .get) { r in
                    let status = try json(r.body)
                    #expect(status["recorded"] as? Int == 1)
                }
                try await client.execute(uri: "/batch/\(job)/download.zip", method: .get) { r in
                    #expect(r.status == .ok)
                    #expect(r.body.readableBytes > 10_000)
                }
            }
        }
        // The card now lists the renewal as made (已生成), with its pack's digest.
        let after = try #require(try Roster.open(at: url).card(uscc: Self.uscc)).applications
        #expect(after.count == before.count + 1)
        let made = try #require(after.first)
        #expect(made.service == .renew && made.state == .made && made.packSHA256?.count == 64)
    }

    @Test(
        "a page answered before is answered again only while nothing it shows has changed: a write by another program beside the server shows at once"
    )
    func answeredPagesFollowWrites() async throws {
        let (url, _) = try Self.roster()
        defer { try? FileManager.default.removeItem(at: url.deletingLastPathComponent()) }
        let server = try await makeServer(roster: url)
        defer { server.removeAllJobs() }
        @Sendable func dueSerials(_ client: some TestClientProtocol) async throws -> [String] {
            try await client.execute(uri: "/api/roster/due", method: .get) { r in
                let entries = try json(r.body)["entries"] as? [[String: Any]] ?? []
                return entries.compactMap { ($0["certificate"] as? [String: Any])?["serial"] as? String }
            }
        }
        try await server.application().test(.router) { client in
            let first = try await dueSerials(client)
            let again = try await dueSerials(client)
            #expect(first == [Self.serial] && again == first)
            // The CLI beside the server records the renewal the counter issued.
            try Roster.open(at: url).recordIssued(
                IssuedCertificate(
                    uscc: Self.uscc, kind: .odc, serial: "SZCA2026ODC0002", issuedOn: CivilDate("2026-12-01")!,
                    validUntil: CivilDate("2027-11-30")!))
            let after = try await dueSerials(client)
            #expect(after.isEmpty)
            // A draft saved changes nothing the lists show: the version stays.
            let before = try Roster.open(at: url).version()
            try await client.execute(
                uri: "/api/drafts", method: .post, headers: sameOrigin, body: ByteBuffer(string: #"{"application":{"service":"renew"}}"#)
            ) { r in #expect(r.status == .ok) }
            #expect(try Roster.open(at: url).version() == before)
        }
    }

    @Test("without a roster: no 机构库 tab, no drafts API, and the page says nothing is kept")
    func withoutRoster() async throws {
        let server = try await makeServer()
        defer { server.removeAllJobs() }
        try await server.application().test(.router) { client in
            try await client.execute(uri: "/roster", method: .get) { r in #expect(r.status == .notFound) }
            try await client.execute(uri: "/api/drafts", method: .get) { r in #expect(r.status == .notFound) }
            try await client.execute(uri: "/", method: .get) { r in
                let html = String(buffer: r.body)
                #expect(!html.contains("href=\"/roster\""))
                #expect(html.contains("本页不保存填写的内容"))
                #expect(html.contains("保存草稿到文件"))
            }
        }
    }
}
