import Foundation
import Rules
import Testing
import Typeset

@testable import Images

@Suite struct CopyPictureTests {
    /// A box as big as a page at 300 dpi, nothing exact: the picture keeps its own size and shape.
    let free = CopyPicture.Target(width: 500, height: 700, dpi: 300, exact: false, passthroughBytes: 1_000_000)

    func shown(_ p: PreparedPicture) throws -> PixelBuffer {
        try JPEG.decode(try #require(p.image.jpeg))
    }

    @Test(arguments: 1...8) func eachEXIFOrientationIsShownUpright(orientation: Int) throws {
        let folder = try Pictures.folder()
        let upright = Pictures.card(width: 160, height: 100)
        let jpeg = try JPEG.encode(Pictures.stored(upright, orientation: orientation), quality: 95)
        for littleEndian in [true, false] {
            let url = try Pictures.write(
                Pictures.withEXIF(jpeg, orientation: orientation, littleEndian: littleEndian), "o\(orientation).jpg", in: folder)
            let p = try CopyPicture.load(CopyImage(file: url.path), for: free)
            let b = try shown(p)
            #expect(b.width == 160 && b.height == 100)
            // The marked corner ends top-left.
            let red = try #require(Pictures.centroid(of: Pictures.red, in: b))
            #expect(red.x < 40 && red.y < 40, "orientation \(orientation): red at \(red)")
            #expect(p.passthrough == (orientation == 1))
        }
    }

    @Test func cornersAreGivenInTheUprightPicture() throws {
        // A photo stored turned (orientation 6, as a phone held upright writes it), corners as shown.
        let card = Pictures.card(width: 320, height: 202)
        let quad = [PixelPoint(60, 80), PixelPoint(400, 95), PixelPoint(390, 310), PixelPoint(70, 300)]
        let photo = Pictures.photo(of: card, at: quad, width: 460, height: 380)
        let jpeg = Pictures.withEXIF(try JPEG.encode(Pictures.stored(photo, orientation: 6), quality: 95), orientation: 6)
        let url = try Pictures.write(jpeg, "photo.jpg", in: try Pictures.folder())
        let target = CopyPicture.Target(width: 320 * 72 / 100, height: 202 * 72 / 100, dpi: 100, exact: true, passthroughBytes: 1_000_000)
        let p = try CopyPicture.load(CopyImage(file: url.path, corners: quad.map { CopyPoint(x: $0.x, y: $0.y) }), for: target)
        let b = try shown(p)
        #expect(b.width == 320 && b.height == 202)
        let red = try #require(Pictures.centroid(of: Pictures.red, in: b))
        let want = try #require(Pictures.centroid(of: Pictures.red, in: card))
        #expect(abs(red.x - want.x) < 2 && abs(red.y - want.y) < 2)
        #expect(!p.passthrough)
    }

    @Test func aPassedThroughJPEGLosesItsEXIFAndOtherMetadata() throws {
        var jpeg = Pictures.withEXIF(try JPEG.encode(Pictures.card(), quality: 90), orientation: 1)
        // A comment and an XMP-like APP1 with a name in it, too.
        let comment = Array("GPS 22.5431N 114.0579E 陈志明".utf8)
        jpeg.insert(contentsOf: [0xFF, 0xFE, UInt8((comment.count + 2) >> 8), UInt8((comment.count + 2) & 0xFF)] + comment, at: 2)
        let url = try Pictures.write(jpeg, "scan.jpg", in: try Pictures.folder())
        let p = try CopyPicture.load(CopyImage(file: url.path), for: free)
        #expect(p.passthrough)
        let out = try #require(p.image.jpeg)
        #expect(segments(out).allSatisfy { !((0xE0...0xEF).contains($0) && $0 != 0xEE) && $0 != 0xFE })
        #expect(!contains(out, Array("Exif".utf8)) && !contains(out, Array("GPS".utf8)) && !contains(out, Array("Phone".utf8)))
        // The coded picture is the file's own, byte for byte.
        let sos = try #require(index(of: [0xFF, 0xDA], in: out))
        let fileSOS = try #require(index(of: [0xFF, 0xDA], in: jpeg))
        #expect(Array(out[sos...]) == Array(jpeg[fileSOS...]))
    }

    @Test func anEncodedJPEGHasNoMetadataSegmentsEither() throws {
        let out = try JPEG.encode(Pictures.card(), quality: 88)
        #expect(segments(out).allSatisfy { !(0xE0...0xEF).contains($0) || $0 == 0xEE })
    }

    @Test func aTransparentPNGPrintsOnWhitePaper() throws {
        // Left half fully transparent red, right half opaque blue, a half-transparent black band.
        let w = 120
        let h = 80
        var pixels = PixelBuffer(width: w, height: h, fill: Pictures.red)
        var alpha = [UInt8](repeating: 0, count: w * h)
        for y in 0..<h {
            for x in 0..<w {
                if x >= w / 2 {
                    pixels[x, y] = Pictures.blue
                    alpha[y * w + x] = 255
                }
                if y >= 60 && x < w / 2 {
                    pixels[x, y] = 0
                    alpha[y * w + x] = 128
                }
            }
        }
        let url = try Pictures.write(PNG.encode(pixels, alpha: alpha), "licence.png", in: try Pictures.folder())
        let p = try CopyPicture.load(CopyImage(file: url.path), for: free)
        let b = try shown(p)
        #expect(b.width == w && b.height == h)
        #expect(Pictures.distance(b[10, 10], 0xFFFFFF) < 20)
        #expect(Pictures.distance(b[100, 10], Pictures.blue) < 40)
        #expect(abs(Int(b[10, 70] & 0xFF) - 127) < 20)
        #expect(!p.passthrough)
    }

    // MARK: - Refusals

    func refusal(_ bytes: [UInt8], _ name: String = "x.jpg") throws -> String {
        let url = try Pictures.write(bytes, name, in: try Pictures.folder())
        do { _ = try CopyPicture.load(CopyImage(file: url.path), for: free) } catch let r as PictureRefusal {
            #expect(r.path == url.path)
            return r.reason
        }
        Issue.record("\(name) was not refused")
        return ""
    }

    @Test func aPNGHeaderOf100000By100000IsRefusedBeforeDecoding() throws {
        var png = PNG.encode(PixelBuffer(width: 4, height: 4))
        for (k, v) in [100_000, 100_000].enumerated() {
            png[16 + 4 * k] = UInt8(v >> 24)
            png[17 + 4 * k] = UInt8(v >> 16 & 0xFF)
            png[18 + 4 * k] = UInt8(v >> 8 & 0xFF)
            png[19 + 4 * k] = UInt8(v & 0xFF)
        }
        let reason = try refusal(png, "bomb.png")
        #expect(reason.contains("100000 × 100000") && reason.contains("过大"))
    }

    @Test func aJPEGHeaderOf65000By65000IsRefusedBeforeDecoding() throws {
        var jpeg = try JPEG.encode(PixelBuffer(width: 8, height: 8), quality: 80)
        let sof = try #require(index(of: [0xFF, 0xC0], in: jpeg))
        jpeg[sof + 5] = 0xFD
        jpeg[sof + 6] = 0xE8
        jpeg[sof + 7] = 0xFD
        jpeg[sof + 8] = 0xE8
        let reason = try refusal(jpeg, "bomb.jpg")
        #expect(reason.contains("65000 × 65000") && reason.contains("过大"))
    }

    @Test func aCorruptJPEGIsRefusedWithAMessage() throws {
        let good = try JPEG.encode(Pictures.card(), quality: 90)
        let sos = try #require(index(of: [0xFF, 0xDA], in: good))
        // Cut in the middle of the scan.
        #expect(try refusal(Array(good[..<(sos + (good.count - sos) / 2)]), "cut.jpg").contains("损坏"))
        // Markers that run past the end of the file.
        #expect(try refusal([0xFF, 0xD8, 0xFF, 0xE1, 0x40, 0x00, 1, 2, 3], "short.jpg").contains("损坏"))
    }

    @Test func aFileOverTheLimitIsRefusedUnread() throws {
        let url = try Pictures.folder().appendingPathComponent("huge.jpg")
        #expect(FileManager.default.createFile(atPath: url.path, contents: Data([0xFF, 0xD8, 0xFF])))
        let handle = try FileHandle(forWritingTo: url)
        try handle.truncate(atOffset: UInt64(CopyPicture.fileLimit + 1))  // sparse: nothing written
        try handle.close()
        do {
            _ = try CopyPicture.load(CopyImage(file: url.path), for: free)
            Issue.record("not refused")
        } catch let r as PictureRefusal {
            #expect(r.reason.contains("文件太大"))
        }
    }

    @Test func HEICIsRefusedSayingWhatToDo() throws {
        let heic: [UInt8] = [0, 0, 0, 0x18] + Array("ftypheic".utf8) + [0, 0, 0, 0] + Array("mif1heic".utf8) + [UInt8](repeating: 0, count: 64)
        let reason = try refusal(heic, "IMG_0001.HEIC")
        #expect(reason.contains("HEIC") && reason.contains("JPEG") && reason.contains("兼容性最佳"))
        #expect(try refusal(Array("RIFF\0\0\0\0WEBPVP8 ".utf8) + [UInt8](repeating: 0, count: 32), "a.webp").contains("WebP"))
        #expect(try refusal(Array("GIF89a".utf8) + [UInt8](repeating: 0, count: 32), "a.gif").contains("JPEG"))
    }

    @Test func aFolderOrAMissingFileIsRefused() throws {
        let folder = try Pictures.folder()
        for path in [folder.path, folder.appendingPathComponent("missing.jpg").path] {
            #expect(throws: PictureRefusal.self) { try CopyPicture.load(CopyImage(file: path), for: free) }
        }
    }

    // MARK: - Helpers

    /// The markers of the segments before the first scan.
    func segments(_ jpeg: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        var i = 2
        while i + 4 <= jpeg.count, jpeg[i] == 0xFF, jpeg[i + 1] != 0xDA {
            out.append(jpeg[i + 1])
            i += 2 + (Int(jpeg[i + 2]) << 8 | Int(jpeg[i + 3]))
        }
        return out
    }

    func index(of needle: [UInt8], in hay: [UInt8]) -> Int? {
        guard hay.count >= needle.count else { return nil }
        return (0...(hay.count - needle.count)).first { Array(hay[$0..<($0 + needle.count)]) == needle }
    }

    func contains(_ hay: [UInt8], _ needle: [UInt8]) -> Bool { index(of: needle, in: hay) != nil }
}
