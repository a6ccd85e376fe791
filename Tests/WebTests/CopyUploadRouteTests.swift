import Foundation
import Hummingbird
import HummingbirdTesting
import Images
import Testing

@testable import Web

@Suite("Web: the copies uploaded with a download")
struct CopyUploadRouteTests {
    /// A phone photo of a card: a pale card (red mark top-left) on a dark table, and its corners.
    func photo() throws -> (base64: String, corners: [Int]) {
        var b = PixelBuffer(width: 600, height: 450, fill: 0x503828)
        for y in 100..<326 { for x in 80..<440 { b[x, y] = 0xEEF0F4 } }
        for y in 115..<160 { for x in 95..<150 { b[x, y] = 0xD01010 } }
        return (Data(try JPEG.encode(b, quality: 90)).base64EncodedString(), [80, 100, 440, 100, 440, 326, 80, 326])
    }

    static func problems(_ r: TestResponse) throws -> [[String: String]] {
        try json(r.body)["problems"] as? [[String: String]] ?? []
    }

    static func pdfText(_ r: TestResponse) throws -> String {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let pdf = folder.appendingPathComponent("a.pdf")
        try Data(r.body.readableBytesView).write(to: pdf)
        return try run("pdftotext", [pdf.path, "-"]).out
    }

    @Test("front and back uploaded with corners: the pack has the 法定代表人's copy page, and the pictures are gone after")
    func packWithUploadedCard() async throws {
        let server = try await makeServer()
        defer { server.removeAllJobs() }
        let (picture, corners) = try photo()
        var draft = try exampleDraft()
        draft["uploads"] = [
            "legalRepresentative.front": ["data": picture, "corners": corners],
            "legalRepresentative.back": ["data": picture, "corners": corners],
        ]
        let body = try jsonBuffer(draft)
        let plain = try jsonBuffer(try exampleDraft())
        try await server.application().test(.router) { client in
            try await client.execute(uri: "/api/pdf", method: .post, headers: sameOrigin, body: body) { r in
                #expect(r.status == .ok)
                let text = try Self.pdfText(r)
                #expect(text.contains("仅供办理深圳医保在线签约数字证书使用"))
                #expect(text.contains("法人有效身份证复印件"))
                #expect(text.contains("已生成，打印后加盖公章"))
            }
            // Without pictures, no copy page.
            try await client.execute(uri: "/api/pdf", method: .post, headers: sameOrigin, body: plain) { r in
                #expect(r.status == .ok)
                let text = try Self.pdfText(r)
                #expect(!text.contains("仅供办理深圳医保在线签约数字证书使用"))
            }
        }
        #expect(server.jobs.count == 0)
        #expect(try FileManager.default.contentsOfDirectory(atPath: server.jobs.root.path).isEmpty, "nothing of the upload is left")
    }

    @Test("pictures chosen on the page: the live checklist says those copies are printed, the others stay photocopies")
    func checklistNamesChosenPictures() async throws {
        let server = try await makeServer()
        defer { server.removeAllJobs() }
        var draft = try exampleDraft()
        draft["pictures"] = ["legalRepresentative"]
        let body = try jsonBuffer(draft)
        try await server.application().test(.router) { client in
            try await client.execute(uri: "/api/check?quick=1", method: .post, headers: sameOrigin, body: body) { r in
                #expect(r.status == .ok)
                let text = String(buffer: r.body)
                #expect(text.contains("已生成，打印后加盖公章"))
                let j = try json(r.body)
                #expect((j["application"] as? [String: Any])?["pictures"] == nil)
                let docs = try #require((j["checklist"] as? [String: Any])?["documents"] as? [[String: Any]])
                let printed = docs.filter { ($0["notes"] as? [String] ?? []).contains { $0.hasPrefix("已生成") } }.compactMap { $0["title"] as? String }
                #expect(printed == ["法人有效身份证复印件"])
            }
        }
    }

    @Test("a preview keeps its pages but not the pictures")
    func previewDropsPictures() async throws {
        let server = try await makeServer()
        defer { server.removeAllJobs() }
        let (picture, corners) = try photo()
        var draft = try exampleDraft()
        draft["uploads"] = ["handler.front": ["data": picture, "corners": corners], "handler.back": ["data": picture]]
        let body = try jsonBuffer(draft)
        try await server.application().test(.router) { client in
            try await client.execute(uri: "/api/preview", method: .post, headers: sameOrigin, body: body) { r in
                #expect(r.status == .ok)
                let job = try #require(try json(r.body)["job"] as? String)
                let folder = server.jobs.root.appendingPathComponent(job)
                #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["preview"])
            }
        }
    }

    @Test("a HEIC photo, one side only, or bad data: refused on the upload's field in the clerk's words")
    func refusals() async throws {
        let server = try await makeServer()
        defer { server.removeAllJobs() }
        let (picture, _) = try photo()
        let heic: [UInt8] = [0, 0, 0, 0x18] + Array("ftypheic".utf8) + [UInt8](repeating: 0, count: 64)
        var draft = try exampleDraft()
        draft["uploads"] = [
            "legalRepresentative.front": ["data": picture],
            "legalRepresentative.back": ["data": Data(heic).base64EncodedString()],
        ]
        let heicBody = try jsonBuffer(draft)
        draft["uploads"] = ["handler.front": ["data": picture]]
        let oneSide = try jsonBuffer(draft)
        draft["uploads"] = [
            "businessLicence": ["data": "%%%"], "handler.front": ["data": picture, "corners": [1, 2, 3]],
            "handler.back": ["data": picture],
        ]
        let bad = try jsonBuffer(draft)
        try await server.application().test(.router) { client in
            try await client.execute(uri: "/api/pdf", method: .post, headers: sameOrigin, body: heicBody) { r in
                #expect(r.status == .unprocessableContent)
                let p = try Self.problems(r)
                #expect(p.count == 1)
                #expect(p.first?["field"] == "copies.legalRepresentative.back")
                #expect(p.first?["message"]?.contains("HEIC") == true)
                #expect(!String(buffer: r.body).contains(server.jobs.root.path), "no server path in the answer")
            }
            try await client.execute(uri: "/api/preview", method: .post, headers: sameOrigin, body: oneSide) { r in
                #expect(r.status == .unprocessableContent)
                let p = try Self.problems(r)
                #expect(p.first?["field"] == "copies.handler.back")
                #expect(p.first?["message"]?.contains("反面") == true)
            }
            try await client.execute(uri: "/api/pdf", method: .post, headers: sameOrigin, body: bad) { r in
                #expect(r.status == .unprocessableContent)
                let p = try Self.problems(r)
                #expect(p.map { $0["field"] ?? "" } == ["copies.businessLicence", "copies.handler.front"])
            }
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: server.jobs.root.path).isEmpty)
    }

    @Test("a picture path named in a draft or an imported file is still not followed")
    func serverPathsIgnored() async throws {
        let server = try await makeServer()
        defer { server.removeAllJobs() }
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let (picture, _) = try photo()
        let file = folder.appendingPathComponent("card.jpg")
        try Data(base64Encoded: picture)!.write(to: file)
        let named: [String: Any] = ["front": file.path, "back": file.path]
        var draft = try exampleDraft()
        draft["copies"] = ["legalRepresentative": named]
        let body = try jsonBuffer(draft)
        try await server.application().test(.router) { client in
            try await client.execute(uri: "/api/pdf", method: .post, headers: sameOrigin, body: body) { r in
                #expect(r.status == .ok)
                let text = try Self.pdfText(r)
                #expect(!text.contains("仅供办理深圳医保在线签约数字证书使用"))
            }
            let yaml =
                try String(contentsOf: repoRoot.appendingPathComponent("Examples/new-odc-personal.yaml"), encoding: .utf8)
                + "\ncopies:\n  legalRepresentative: {front: \(file.path), back: \(file.path)}\n"
            try await client.execute(uri: "/api/import?name=a.yaml", method: .post, headers: sameOrigin, body: ByteBuffer(string: yaml)) { r in
                #expect(r.status == .ok)
                let opened = try #require(try json(r.body)["application"] as? [String: Any])
                #expect(opened["copies"] == nil)
                #expect(!String(buffer: r.body).contains(file.path))
            }
        }
    }
}
