import Foundation
import Hummingbird
import HummingbirdTesting
import Images
import Testing

@testable import Web

@Suite("Web: the card crop")
struct CropRouteTests {
    /// A photo with a pale card (red mark at its top-left) on a dark table, the card's corners given.
    func photo() throws -> (jpeg: [UInt8], corners: String) {
        var b = PixelBuffer(width: 600, height: 450, fill: 0x503828)
        for y in 100..<326 { for x in 80..<440 { b[x, y] = 0xEEF0F4 } }
        for y in 115..<160 { for x in 95..<150 { b[x, y] = 0xD01010 } }
        return (try JPEG.encode(b, quality: 92), "80,100,440,100,440,326,80,326")
    }

    @Test("a photo and four corners come back as the card at 300 dpi, mark top-left")
    func crop() async throws {
        let server = try await makeServer()
        defer { server.removeAllJobs() }
        let (jpeg, corners) = try photo()
        try await server.application().test(.router) { client in
            try await client.execute(
                uri: "/api/copies/crop?corners=\(corners)", method: .post, headers: sameOrigin,
                body: ByteBuffer(bytes: jpeg)
            ) { r in
                #expect(r.status == .ok)
                #expect(r.headers[.contentType] == "image/jpeg")
                let card = try JPEG.decode(Array(r.body.readableBytesView))
                #expect(card.width == 1011 && card.height == 638)
                #expect(card[100, 100] >> 16 & 0xFF > 150 && card[100, 100] & 0xFF < 90, "the mark is top-left")
                #expect(card[900, 550] & 0xFF > 200, "no table inside the card")
            }
            try await client.execute(
                uri: "/api/copies/crop?corners=1,2,3", method: .post, headers: sameOrigin,
                body: ByteBuffer(bytes: jpeg)
            ) { r in
                #expect(r.status == .badRequest)
            }
            let heic: [UInt8] = [0, 0, 0, 0x18] + Array("ftypheic".utf8) + [UInt8](repeating: 0, count: 64)
            try await client.execute(uri: "/api/copies/crop", method: .post, headers: sameOrigin, body: ByteBuffer(bytes: heic)) { r in
                #expect(r.status == .unprocessableContent)
                #expect(String(buffer: r.body).contains("HEIC"))
            }
        }
        // Nothing of the upload is left behind.
        #expect(try FileManager.default.contentsOfDirectory(atPath: server.jobs.root.path).isEmpty)
    }
}
