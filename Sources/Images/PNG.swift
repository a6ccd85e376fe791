import CCairo
import Foundation

/// PNG files through cairo (libpng underneath): the size read from IHDR first, then decoded and laid
/// on white paper (a transparent part prints as the paper it is printed on).
public enum PNG {
    /// Width and height from the IHDR chunk; nil when this is not a PNG.
    public static func size(_ data: [UInt8]) -> (width: Int, height: Int)? {
        let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        guard data.count >= 24, Array(data[0..<8]) == signature, Array(data[12..<16]) == Array("IHDR".utf8) else { return nil }
        func u32(_ o: Int) -> Int { Int(data[o]) << 24 | Int(data[o + 1]) << 16 | Int(data[o + 2]) << 8 | Int(data[o + 3]) }
        return (u32(16), u32(20))
    }

    /// Decodes the PNG (its size already checked by the caller) composited over white.
    public static func decode(_ data: [UInt8]) throws(JPEG.Problem) -> PixelBuffer {
        final class Reader {
            let bytes: [UInt8]
            var at = 0
            init(_ b: [UInt8]) { bytes = b }
        }
        let reader = Reader(data)
        let box = Unmanaged.passRetained(reader)
        defer { box.release() }
        guard
            let surface = cairo_image_surface_create_from_png_stream(
                { closure, out, length in
                    let r = Unmanaged<Reader>.fromOpaque(closure!).takeUnretainedValue()
                    let n = Int(length)
                    guard r.at + n <= r.bytes.count else { return CAIRO_STATUS_READ_ERROR }
                    r.bytes.withUnsafeBufferPointer { out!.update(from: $0.baseAddress! + r.at, count: n) }
                    r.at += n
                    return CAIRO_STATUS_SUCCESS
                }, box.toOpaque())
        else { throw .corrupt("无法读取 PNG") }
        defer { cairo_surface_destroy(surface) }
        let status = cairo_surface_status(surface)
        guard status == CAIRO_STATUS_SUCCESS else { throw .corrupt(String(cString: cairo_status_to_string(status))) }
        let w = Int(cairo_image_surface_get_width(surface))
        let h = Int(cairo_image_surface_get_height(surface))
        let stride = Int(cairo_image_surface_get_stride(surface))
        let format = cairo_image_surface_get_format(surface)
        guard let base = cairo_image_surface_get_data(surface), w > 0, h > 0 else { throw .corrupt("PNG 没有像素") }
        var pixels = [UInt32](repeating: 0xFFFFFF, count: w * h)
        pixels.withUnsafeMutableBufferPointer { dst in
            for y in 0..<h {
                let row = UnsafeRawPointer(base + y * stride).assumingMemoryBound(to: UInt32.self)
                for x in 0..<w {
                    let p = row[x]
                    if format == CAIRO_FORMAT_ARGB32 {
                        // Premultiplied: over white is colour + (255 − alpha).
                        let a = p >> 24
                        let inverse = 255 - a
                        dst[y * w + x] =
                            (min(255, (p >> 16 & 0xFF) + inverse)) << 16 | (min(255, (p >> 8 & 0xFF) + inverse)) << 8 | min(255, (p & 0xFF) + inverse)
                    } else {
                        dst[y * w + x] = p & 0xFFFFFF
                    }
                }
            }
        }
        return PixelBuffer(width: w, height: h, pixels: pixels)
    }

    /// Encodes pixels as a PNG (for tests and previews).
    public static func encode(_ image: PixelBuffer, alpha: [UInt8]? = nil) -> [UInt8] {
        let format = alpha == nil ? CAIRO_FORMAT_RGB24 : CAIRO_FORMAT_ARGB32
        let surface = cairo_image_surface_create(format, Int32(image.width), Int32(image.height))!
        defer { cairo_surface_destroy(surface) }
        cairo_surface_flush(surface)
        let stride = Int(cairo_image_surface_get_stride(surface))
        let base = cairo_image_surface_get_data(surface)!
        for y in 0..<image.height {
            let row = UnsafeMutableRawPointer(base + y * stride).assumingMemoryBound(to: UInt32.self)
            for x in 0..<image.width {
                let p = image[x, y]
                if let alpha {
                    let a = UInt32(alpha[y * image.width + x])
                    func pm(_ c: UInt32) -> UInt32 { (c * a + 127) / 255 }
                    row[x] = a << 24 | pm(p >> 16 & 0xFF) << 16 | pm(p >> 8 & 0xFF) << 8 | pm(p & 0xFF)
                } else {
                    row[x] = p
                }
            }
        }
        cairo_surface_mark_dirty(surface)
        final class Sink { var bytes: [UInt8] = [] }
        let sink = Sink()
        let box = Unmanaged.passRetained(sink)
        defer { box.release() }
        cairo_surface_write_to_png_stream(
            surface,
            { closure, data, length in
                Unmanaged<Sink>.fromOpaque(closure!).takeUnretainedValue().bytes.append(
                    contentsOf: UnsafeBufferPointer(start: data, count: Int(length)))
                return CAIRO_STATUS_SUCCESS
            }, box.toOpaque())
        return sink.bytes
    }
}
