import Foundation

/// A point in pixel coordinates (x right, y down; a pixel's centre is at +0.5).
public struct PixelPoint: Sendable, Equatable {
    public var x: Double
    public var y: Double
    public init(_ x: Double, _ y: Double) {
        self.x = x
        self.y = y
    }
}

/// A plane projective transform (3 × 3, h33 = 1): maps (x, y) to ((ax + by + c)/(gx + hy + 1), (dx + ey + f)/(gx + hy + 1)).
public struct Homography: Sendable, Equatable {
    public var m: [Double]  // a b c d e f g h

    /// The homography taking each of four points `from` to the matching point of `to`; nil when three
    /// of them are on a line (no such transform).
    public init?(from: [PixelPoint], to: [PixelPoint]) {
        guard from.count == 4, to.count == 4 else { return nil }
        // Eight equations in a…h, solved by Gaussian elimination with partial pivoting.
        var a = [[Double]](repeating: [Double](repeating: 0, count: 9), count: 8)
        for i in 0..<4 {
            let (x, y, u, v) = (from[i].x, from[i].y, to[i].x, to[i].y)
            a[2 * i] = [x, y, 1, 0, 0, 0, -u * x, -u * y, u]
            a[2 * i + 1] = [0, 0, 0, x, y, 1, -v * x, -v * y, v]
        }
        for col in 0..<8 {
            var pivot = col
            for r in (col + 1)..<8 where abs(a[r][col]) > abs(a[pivot][col]) { pivot = r }
            guard abs(a[pivot][col]) > 1e-10 else { return nil }
            a.swapAt(col, pivot)
            for r in 0..<8 where r != col {
                let f = a[r][col] / a[col][col]
                if f != 0 { for k in col..<9 { a[r][k] -= f * a[col][k] } }
            }
        }
        m = (0..<8).map { a[$0][8] / a[$0][$0] }
    }

    public func apply(_ p: PixelPoint) -> PixelPoint {
        let w = m[6] * p.x + m[7] * p.y + 1
        return PixelPoint((m[0] * p.x + m[1] * p.y + m[2]) / w, (m[3] * p.x + m[4] * p.y + m[5]) / w)
    }
}

/// The perspective warp of a photographed card to its rectangle. A pure function on pixel buffers,
/// for the command line (`corners:`) and the web page's four corner handles alike.
public enum Warp {
    /// The quadrilateral `corners` of `source` (top-left, top-right, bottom-right, bottom-left of the
    /// card as it should appear, in the source's pixel coordinates: (0, 0) is the top-left corner
    /// of the top-left pixel) warped to a `width × height` rectangle.
    ///
    /// Each output pixel averages n × n bilinear samples spread over its footprint in the source
    /// (n from the local scale, 1 to 4), so a large photo brought down to 300 dpi does not alias
    /// (small print stays legible) and an enlarged one stays smooth. Outside the source: white.
    public static func perspective(_ source: PixelBuffer, corners: [PixelPoint], width: Int, height: Int) -> PixelBuffer? {
        guard corners.count == 4, width > 0, height > 0, source.width > 0, source.height > 0 else { return nil }
        let rect = [PixelPoint(0, 0), PixelPoint(Double(width), 0), PixelPoint(Double(width), Double(height)), PixelPoint(0, Double(height))]
        guard let h = Homography(from: rect, to: corners) else { return nil }
        // Supersampling from the longest side's scale: 1 when enlarging, up to 4 when shrinking.
        func length(_ a: PixelPoint, _ b: PixelPoint) -> Double { ((a.x - b.x) * (a.x - b.x) + (a.y - b.y) * (a.y - b.y)).squareRoot() }
        let scale = max(length(corners[0], corners[1]), length(corners[3], corners[2])) / Double(width)
        let scaleY = max(length(corners[0], corners[3]), length(corners[1], corners[2])) / Double(height)
        let n = min(4, max(1, Int(max(scale, scaleY).rounded(.up))))
        var out = [UInt32](repeating: 0xFFFFFF, count: width * height)
        let (sw, sh) = (source.width, source.height)
        let m = h.m
        source.pixels.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                let inv = 1 / Double(n * n)
                for y in 0..<height {
                    for x in 0..<width {
                        var r = 0.0
                        var g = 0.0
                        var b = 0.0
                        for sy in 0..<n {
                            let py = Double(y) + (Double(sy) + 0.5) / Double(n)
                            for sx in 0..<n {
                                let px = Double(x) + (Double(sx) + 0.5) / Double(n)
                                let w = m[6] * px + m[7] * py + 1
                                // Source position, in pixel-centre coordinates.
                                let u = (m[0] * px + m[1] * py + m[2]) / w - 0.5
                                let v = (m[3] * px + m[4] * py + m[5]) / w - 0.5
                                guard u > -1, v > -1, u < Double(sw), v < Double(sh) else {
                                    r += 255
                                    g += 255
                                    b += 255
                                    continue
                                }
                                let x0 = Int(u.rounded(.down))
                                let y0 = Int(v.rounded(.down))
                                let fx = u - Double(x0)
                                let fy = v - Double(y0)
                                let xa = min(max(x0, 0), sw - 1)
                                let xb = min(max(x0 + 1, 0), sw - 1)
                                let ya = min(max(y0, 0), sh - 1)
                                let yb = min(max(y0 + 1, 0), sh - 1)
                                let p00 = src[ya * sw + xa]
                                let p10 = src[ya * sw + xb]
                                let p01 = src[yb * sw + xa]
                                let p11 = src[yb * sw + xb]
                                let w00 = (1 - fx) * (1 - fy)
                                let w10 = fx * (1 - fy)
                                let w01 = (1 - fx) * fy
                                let w11 = fx * fy
                                r +=
                                    w00 * Double(p00 >> 16 & 0xFF) + w10 * Double(p10 >> 16 & 0xFF) + w01 * Double(p01 >> 16 & 0xFF) + w11
                                    * Double(p11 >> 16 & 0xFF)
                                g +=
                                    w00 * Double(p00 >> 8 & 0xFF) + w10 * Double(p10 >> 8 & 0xFF) + w01 * Double(p01 >> 8 & 0xFF) + w11
                                    * Double(p11 >> 8 & 0xFF)
                                b += w00 * Double(p00 & 0xFF) + w10 * Double(p10 & 0xFF) + w01 * Double(p01 & 0xFF) + w11 * Double(p11 & 0xFF)
                            }
                        }
                        dst[y * width + x] =
                            UInt32(min(255, (r * inv).rounded())) << 16 | UInt32(min(255, (g * inv).rounded())) << 8
                            | UInt32(min(255, (b * inv).rounded()))
                    }
                }
            }
        }
        return PixelBuffer(width: width, height: height, pixels: out)
    }

    /// The whole of `source` resampled to `width × height` (no perspective): a picture brought down
    /// to the resolution it is printed at.
    public static func resize(_ source: PixelBuffer, width: Int, height: Int) -> PixelBuffer? {
        let w = Double(source.width)
        let h = Double(source.height)
        return perspective(source, corners: [PixelPoint(0, 0), PixelPoint(w, 0), PixelPoint(w, h), PixelPoint(0, h)], width: width, height: height)
    }
}
