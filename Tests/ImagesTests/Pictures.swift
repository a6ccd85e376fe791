import Foundation

@testable import Images

/// Test pictures made here, in memory (no binary files in the repository).
enum Pictures {
    static let red: UInt32 = 0xD01010, paper: UInt32 = 0xF0F0E8, blue: UInt32 = 0x1030C0, table: UInt32 = 0x604030

    /// A card-like picture: pale paper, a red square marking its top-left corner, a blue bar at the
    /// bottom right and a few dark lines of "print".
    static func card(width: Int = 300, height: Int = 189) -> PixelBuffer {
        var b = PixelBuffer(width: width, height: height, fill: paper)
        let m = width / 8
        for y in (m / 2)..<(m / 2 + m) { for x in (m / 2)..<(m / 2 + m) { b[x, y] = red } }
        for y in (height - m)..<(height - m / 2) { for x in (width / 2)..<(width - m / 2) { b[x, y] = blue } }
        for line in 0..<4 {
            let y = height / 3 + line * height / 10
            for x in (width / 3)..<(width * 7 / 8) where (x / 5) % 3 != 0 {
                b[x, y] = 0x202020
                b[x, y + 1] = 0x202020
            }
        }
        return b
    }

    /// Centroid of the pixels close to `colour`.
    static func centroid(of colour: UInt32, in b: PixelBuffer, tolerance: Int = 60) -> (x: Double, y: Double)? {
        var sx = 0.0
        var sy = 0.0
        var n = 0.0
        for y in 0..<b.height {
            for x in 0..<b.width where distance(b[x, y], colour) <= tolerance {
                sx += Double(x) + 0.5
                sy += Double(y) + 0.5
                n += 1
            }
        }
        return n > 0 ? (sx / n, sy / n) : nil
    }

    static func distance(_ a: UInt32, _ b: UInt32) -> Int {
        abs(Int(a >> 16 & 0xFF) - Int(b >> 16 & 0xFF)) + abs(Int(a >> 8 & 0xFF) - Int(b >> 8 & 0xFF)) + abs(Int(a & 0xFF) - Int(b & 0xFF))
    }

    /// A "phone photo" of `card` lying on a table: the card's rectangle drawn into the quadrilateral
    /// `quad` (top-left, top-right, bottom-right, bottom-left) of a `width × height` picture.
    static func photo(of card: PixelBuffer, at quad: [PixelPoint], width: Int, height: Int) -> PixelBuffer {
        let rect = [
            PixelPoint(0, 0), PixelPoint(Double(card.width), 0), PixelPoint(Double(card.width), Double(card.height)),
            PixelPoint(0, Double(card.height)),
        ]
        let toCard = Homography(from: quad, to: rect)!
        var out = PixelBuffer(width: width, height: height, fill: table)
        for y in 0..<height {
            for x in 0..<width {
                // 2 × 2 samples per pixel, nearest card pixel each.
                var r = 0
                var g = 0
                var b = 0
                var hits = 0
                for s in 0..<4 {
                    let p = toCard.apply(PixelPoint(Double(x) + 0.25 + 0.5 * Double(s % 2), Double(y) + 0.25 + 0.5 * Double(s / 2)))
                    let v: UInt32
                    if p.x >= 0, p.y >= 0, p.x < Double(card.width), p.y < Double(card.height) {
                        v = card[Int(p.x), Int(p.y)]
                        hits += 1
                    } else {
                        v = table
                    }
                    r += Int(v >> 16 & 0xFF)
                    g += Int(v >> 8 & 0xFF)
                    b += Int(v & 0xFF)
                }
                if hits > 0 { out[x, y] = UInt32(r / 4) << 16 | UInt32(g / 4) << 8 | UInt32(b / 4) }
            }
        }
        return out
    }

    /// `jpeg` with an EXIF APP1 segment carrying `orientation` inserted after SOI, as a camera writes
    /// it (big-endian "MM" or little-endian "II" TIFF).
    static func withEXIF(_ jpeg: [UInt8], orientation: Int, littleEndian: Bool = true) -> [UInt8] {
        func u16(_ v: Int) -> [UInt8] { littleEndian ? [UInt8(v & 0xFF), UInt8(v >> 8)] : [UInt8(v >> 8), UInt8(v & 0xFF)] }
        func u32(_ v: Int) -> [UInt8] { littleEndian ? u16(v & 0xFFFF) + u16(v >> 16) : u16(v >> 16) + u16(v & 0xFFFF) }
        var tiff: [UInt8] = littleEndian ? [0x49, 0x49] : [0x4D, 0x4D]
        tiff += u16(42) + u32(8)
        // IFD0: Make (a string elsewhere, so the parser must skip it), then Orientation.
        tiff += u16(2)
        tiff += u16(0x010F) + u16(2) + u32(6) + u32(8 + 2 + 24 + 4)
        tiff += u16(0x0112) + u16(3) + u32(1) + u16(orientation) + u16(0)
        tiff += u32(0)
        tiff += Array("Phone\0".utf8)
        let body = Array("Exif\0\0".utf8) + tiff
        let segment: [UInt8] = [0xFF, 0xE1, UInt8((body.count + 2) >> 8), UInt8((body.count + 2) & 0xFF)] + body
        return [0xFF, 0xD8] + segment + jpeg[2...]
    }

    /// The stored pixels a camera writes with `orientation` for a picture that shows as `upright`.
    static func stored(_ upright: PixelBuffer, orientation: Int) -> PixelBuffer {
        let o = Orientation(rawValue: orientation)!
        for candidate in Orientation.allCases {
            let s = upright.upright(candidate)
            if s.upright(o) == upright { return s }
        }
        fatalError("no inverse for \(o)")
    }

    /// A fresh empty folder.
    static func folder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("certpack-images-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func write(_ bytes: [UInt8], _ name: String, in folder: URL) throws -> URL {
        let url = folder.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url
    }
}
