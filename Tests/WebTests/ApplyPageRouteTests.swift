import Foundation
import Hummingbird
import HummingbirdTesting
import Rules
import Testing

@testable import Web

/// What the 申请 page asks of the server beyond one pack: the quick check as fields are left, a
/// clerk's words, drafts in files, the 清单 as a PDF, and /healthz.
@Suite("Web: the 申请 page's desk")
struct ApplyPageRouteTests {
    /// Words a clerk at a web form should never read.
    static let programmers = ["certpack ", "Excel", "CSV", "GBK", "设为「文本」", ".yaml", ".xlsx", "--template"]

    @Test("a message for a spreadsheet reads as a form's: no Excel, no column, no file, no command")
    func clerkWords() {
        let messages = [
            Validator.idProblem("440305198003122000", type: .residentID) ?? "",
            Validator.phoneProblem("75526558800") ?? "",
            Validator.usccProblem("4.40305E+17") ?? "",
            "统一社会信用代码「91440300000000000」以 000 结尾：Excel 把长数字四舍五入了，请把该列设为「文本」后重新输入",
            "法定代表人姓名「陈?明」中有 ?：保存为 GBK 时生僻字变成了 ?，请另存为 CSV UTF-8，并把原字补上",
        ]
        for m in messages where !m.isEmpty {
            let shown = Checks.clerkWords(m)
            for w in Self.programmers { #expect(!shown.contains(w), "\(shown)") }
            #expect(!shown.isEmpty)
        }
        #expect(Checks.clerkWords(messages[0]).contains("号码确以 000 结尾，已核对原件"))
        #expect(Checks.clerkWords(messages[1]).contains("应为 075526558800"))
        // A message with nothing of the kind is left as it is.
        let plain = Validator.idProblem("440305198003121236", type: .residentID)!
        #expect(Checks.clerkWords(plain) == plain)
    }

    @Test("the page's problems come in a clerk's words, from /api/check and /api/field alike")
    func clerkWordsOnTheWire() async throws {
        let server = try await makeServer()
        defer { server.removeAllJobs() }
        var draft = try exampleDraft()
        var lr = draft["legalRepresentative"] as! [String: Any]
        lr["idNumber"] = "440305198003122000"
        draft["legalRepresentative"] = lr
        var org = draft["organization"] as! [String: Any]
        org["phone"] = "75526558800"
        draft["organization"] = org
        let body = try jsonBuffer(draft)
        try await server.application().test(.router) { client in
            try await client.execute(uri: "/api/check", method: .post, headers: sameOrigin, body: body) { r in
                let problems = try json(r.body)["problems"] as? [[String: String]] ?? []
                #expect(problems.contains { $0["field"] == "organization.phone" })
                for p in problems { for w in Self.programmers { #expect(!(p["message"] ?? "").contains(w), "\(p)") } }
            }
            try await client.execute(
                uri: "/api/field", method: .post, headers: sameOrigin,
                body: try jsonBuffer(["field": "organization.phone", "value": "75526558800"])
            ) { r in
                let problem = try json(r.body)["problem"] as? String ?? ""
                #expect(problem.contains("075526558800"))
                for w in Self.programmers { #expect(!problem.contains(w), "\(problem)") }
            }
        }
    }

    @Test("leaving a field checks it and its neighbours without the layout; 检查 runs the layout")
    func quickAndFullChecks() async throws {
        let server = try await makeServer()
        defer { server.removeAllJobs() }
        try await server.application().test(.router) { client in
            // changing the 证件类型 re-checks the number beside it: a resident ID is not a passport number
            try await client.execute(
                uri: "/api/field", method: .post, headers: sameOrigin,
                body: try jsonBuffer([
                    "field": "handler.idType", "value": "护照",
                    "neighbours": ["handler.idNumber": "440305199212255672"],
                ])
            ) { r in
                let j = try json(r.body)
                #expect(j["problem"] is NSNull)
                let neighbours = try #require(j["neighbours"] as? [String: Any])
                #expect(neighbours["handler.idNumber"] is String)
            }
            try await client.execute(
                uri: "/api/field", method: .post, headers: sameOrigin,
                body: try jsonBuffer([
                    "field": "handler.idType", "value": "居民身份证",
                    "neighbours": ["handler.idNumber": "440305199212255672"],
                ])
            ) { r in
                let neighbours = try #require(try json(r.body)["neighbours"] as? [String: Any])
                #expect(neighbours["handler.idNumber"] is NSNull)
            }
            // a character no font has passes the quick check (data) and is refused by the full one (fonts, layout)
            var draft = try exampleDraft()
            var org = draft["organization"] as! [String: Any]
            org["address"] = "深圳市南山区\u{9FFF}路1号"
            draft["organization"] = org
            try await client.execute(uri: "/api/check?quick=1", method: .post, headers: sameOrigin, body: try jsonBuffer(draft)) { r in
                let j = try json(r.body)
                #expect(j["layoutChecked"] as? Bool == false)
                #expect((j["problems"] as? [Any])?.isEmpty == true)
                #expect(j["checklist"] != nil)
            }
            try await client.execute(uri: "/api/check", method: .post, headers: sameOrigin, body: try jsonBuffer(draft)) { r in
                let j = try json(r.body)
                #expect(j["layoutChecked"] as? Bool == true)
                #expect(j["renderable"] as? Bool == false)
                let problems = j["problems"] as? [[String: String]] ?? []
                #expect(problems.contains { $0["field"] == "organization.address" && $0["message"]!.contains("U+9FFF") })
            }
            // and nothing is made from it
            try await client.execute(uri: "/api/pdf", method: .post, headers: sameOrigin, body: try jsonBuffer(draft)) { r in
                #expect(r.status == .unprocessableContent)
            }
        }
    }

    @Test("保存草稿到文件: the CLI's YAML with Chinese as Chinese; a draft not yet complete saves and opens again")
    func draftFiles() async throws {
        let server = try await makeServer()
        defer { server.removeAllJobs() }
        try await server.application().test(.router) { client in
            // a complete application: the CLI's own YAML, which the CLI reads back
            let yaml = try await client.execute(uri: "/api/yaml", method: .post, headers: sameOrigin, body: try jsonBuffer(try exampleDraft())) { r in
                #expect(r.status == .ok)
                return String(buffer: r.body)
            }
            #expect(yaml.contains("深圳市南山区康宁诊所有限公司"))
            #expect(!yaml.contains("\\u"))
            _ = try ApplicationLoader.decode(yaml, format: .yaml, source: "saved")
            // half a form: saved as typed, codes kept as text, keys in the model's order
            let half: [String: Any] = [
                "service": "new", "organization": ["name": "深圳市南山区康宁诊所有限公司", "postcode": "518057", "uscc": ""],
                "legalRepresentative": ["name": "陈志明", "idNumber": "440305198003121235"],
                "handler": [String: Any](), "certificates": ["odc": ["years": 1]],
            ]
            let draft = try await client.execute(uri: "/api/yaml", method: .post, headers: sameOrigin, body: try jsonBuffer(half)) { r in
                #expect(r.status == .ok)
                return String(buffer: r.body)
            }
            #expect(draft.contains("name: 深圳市南山区康宁诊所有限公司"))
            #expect(draft.contains("postcode: \"518057\""))
            #expect(draft.contains("idNumber: \"440305198003121235\""))
            let service = try #require(draft.range(of: "service:"))
            let organization = try #require(draft.range(of: "organization:"))
            #expect(service.lowerBound < organization.lowerBound)
            try await client.execute(
                uri: "/api/import?name=%E8%8D%89%E7%A8%BF.yaml", method: .post, headers: sameOrigin,
                body: ByteBuffer(string: draft)
            ) { r in
                #expect(r.status == .ok)
                let j = try json(r.body)
                let app = try #require(j["application"] as? [String: Any])
                #expect((app["organization"] as? [String: Any])?["postcode"] as? String == "518057")
                #expect((app["legalRepresentative"] as? [String: Any])?["idNumber"] as? String == "440305198003121235")
                #expect((j["note"] as? String)?.contains("尚未填完") == true)
            }
            // not an application at all: refused, naming the file
            try await client.execute(uri: "/api/import?name=x.yaml", method: .post, headers: sameOrigin, body: ByteBuffer(string: "- a\n- b\n")) {
                r in
                #expect(r.status == .unprocessableContent)
                let error = try json(r.body)["error"] as? String ?? ""
                #expect(error.contains("x.yaml"))
            }
        }
    }

    @Test("清单 as a PDF: the cover sheet alone, text that can be searched")
    func checklistPDF() async throws {
        let server = try await makeServer()
        defer { server.removeAllJobs() }
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try await server.application().test(.router) { client in
            try await client.execute(uri: "/api/checklist.pdf", method: .post, headers: sameOrigin, body: try jsonBuffer(try exampleDraft())) { r in
                #expect(r.status == .ok)
                #expect(r.headers[.contentType] == "application/pdf")
                let pdf = folder.appendingPathComponent("c.pdf")
                try Data(r.body.readableBytesView).write(to: pdf)
                #expect(try run("qpdf", ["--check", pdf.path]).status == 0)
                let text = try run("pdftotext", ["-layout", pdf.path, "-"]).out
                #expect(text.contains("递交材料清单"))
                #expect(text.contains("深圳市南山区康宁诊所有限公司"))
                let pages = try run("pdfinfo", [pdf.path]).out.split(separator: "\n").first { $0.hasPrefix("Pages:") }
                #expect(pages.map { Int($0.split(separator: " ").last!)! <= 2 } == true)
            }
        }
    }

    @Test("/healthz answers without the token on a LAN bind; the pages still need it")
    func healthz() async throws {
        let server = try await makeServer(host: "0.0.0.0", token: "healthztoken0123456789")
        defer { server.removeAllJobs() }
        try await server.application().test(.router) { client in
            try await client.execute(uri: "/healthz", method: .get) { r in
                #expect(r.status == .ok)
                let status = try json(r.body)["status"] as? String
                #expect(status == "ok")
            }
            try await client.execute(uri: "/", method: .get) { r in #expect(r.status == .unauthorized) }
        }
    }

    @Test("the batch page names its own template download, not a command")
    func batchPageWords() async throws {
        let server = try await makeServer()
        defer { server.removeAllJobs() }
        try await server.application().test(.router) { client in
            try await client.execute(uri: "/api/batch?name=a.csv", method: .post, headers: sameOrigin, body: ByteBuffer(string: "名字,电话\n甲,1\n")) {
                r in
                #expect(r.status == .unprocessableContent)
                let error = try json(r.body)["error"] as? String ?? ""
                #expect(!error.contains("certpack"), "\(error)")
                #expect(error.contains("表格模板"), "\(error)")
            }
        }
    }
}
