/// Pixels in memory: `width × height` of cairo's RGB24 (`0x00RRGGBB`, one `UInt32` each), row by row.
/// What TurboJPEG decodes into (TJPF_BGRX on a little-endian machine) and cairo draws from.
public struct PixelBuffer: Sendable, Equatable {
    public var width: Int
    public var height: Int
    public var pixels: [UInt32]

    public init(width: Int, height: Int, pixels: [UInt32]) {
        precondition(pixels.count == width * height, "a pixel buffer holds width × height pixels")
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// A buffer of one colour.
    public init(width: Int, height: Int, fill: UInt32 = 0xFFFFFF) {
        self.init(width: width, height: height, pixels: [UInt32](repeating: fill, count: width * height))
    }

    public subscript(x: Int, y: Int) -> UInt32 {
        get { pixels[y * width + x] }
        set { pixels[y * width + x] = newValue }
    }

    /// `0x00RRGGBB` from its channels.
    public static func rgb(_ r: UInt8, _ g: UInt8, _ b: UInt8) -> UInt32 { UInt32(r) << 16 | UInt32(g) << 8 | UInt32(b) }
}

/// EXIF orientation (tag 0x0112): how the stored pixels are turned to show the picture upright.
public enum Orientation: Int, Sendable, CaseIterable {
    case up = 1, upMirrored, down, downMirrored, leftMirrored, right, rightMirrored, left

    /// True when the stored pixels are shown as they are.
    public var isUpright: Bool { self == .up }
    /// True when showing the picture swaps width and height.
    public var swapsSides: Bool { rawValue >= 5 }
}

extension PixelBuffer {
    /// The pixels turned upright for an EXIF orientation: what a viewer shows.
    public func upright(_ o: Orientation) -> PixelBuffer {
        guard o != .up else { return self }
        let (w, h) = (width, height)
        let (ow, oh) = o.swapsSides ? (h, w) : (w, h)
        var out = [UInt32](repeating: 0, count: w * h)
        pixels.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for y in 0..<h {
                    for x in 0..<w {
                        // Where stored pixel (x, y) is shown.
                        let (dx, dy): (Int, Int)
                        switch o {
                        case .up: (dx, dy) = (x, y)
                        case .upMirrored: (dx, dy) = (w - 1 - x, y)
                        case .down: (dx, dy) = (w - 1 - x, h - 1 - y)
                        case .downMirrored: (dx, dy) = (x, h - 1 - y)
                        case .leftMirrored: (dx, dy) = (y, x)
                        case .right: (dx, dy) = (h - 1 - y, x)
                        case .rightMirrored: (dx, dy) = (h - 1 - y, w - 1 - x)
                        case .left: (dx, dy) = (y, w - 1 - x)
                        }
                        dst[dy * ow + dx] = src[y * w + x]
                    }
                }
            }
        }
        return PixelBuffer(width: ow, height: oh, pixels: out)
    }
}
