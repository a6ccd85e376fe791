import CCairo
import Foundation

/// A picture to place on a page (a copy page's ID card or licence).
///
/// In a PDF a picture that has JPEG bytes is embedded as those bytes (DCTDecode, through cairo's
/// mime data: never decoded and compressed again); otherwise, and on an image surface (a PNG
/// preview), it is drawn from its pixels, asked for only then. Immutable; shared between threads.
public final class PageImage: Sendable {
    public let width: Int
    public let height: Int
    /// The JPEG the PDF embeds as it is (metadata already stripped), or nil.
    public let jpeg: [UInt8]?
    /// The pixels, row by row, as cairo's RGB24 (one `0x00RRGGBB` per pixel), `width * height` of them.
    private let pixels: @Sendable () -> [UInt32]?

    public init(width: Int, height: Int, jpeg: [UInt8]?, pixels: @escaping @Sendable () -> [UInt32]?) {
        self.width = width
        self.height = height
        self.jpeg = jpeg
        self.pixels = pixels
    }

    /// Draws the picture scaled into `r`.
    func draw(in r: Rect, on cr: OpaquePointer) {
        guard width > 0, height > 0, let surface = surface(for: cairo_get_target(cr)) else { return }
        defer { cairo_surface_destroy(surface) }
        cairo_save(cr)
        cairo_translate(cr, r.x, r.y)
        cairo_scale(cr, r.width / Double(width), r.height / Double(height))
        cairo_set_source_surface(cr, surface, 0, 0)
        cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_GOOD)
        cairo_rectangle(cr, 0, 0, Double(width), Double(height))
        cairo_fill(cr)
        cairo_restore(cr)
    }

    private func surface(for target: OpaquePointer?) -> OpaquePointer? {
        let toPDF = cairo_surface_get_type(target) == CAIRO_SURFACE_TYPE_PDF
        if toPDF, let jpeg, !jpeg.isEmpty {
            // An opaque (RGB24) surface of the right size that is never drawn from: cairo's PDF surface
            // embeds the mime data instead. Its pixels are never touched, so never really allocated.
            guard let s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, Int32(width), Int32(height)) else { return nil }
            let copy = malloc(jpeg.count)!
            jpeg.withUnsafeBytes { copy.copyMemory(from: $0.baseAddress!, byteCount: jpeg.count) }
            let status = cairo_surface_set_mime_data(
                s, CAIRO_MIME_TYPE_JPEG, copy.assumingMemoryBound(to: UInt8.self),
                UInt(jpeg.count), { free($0) }, copy)
            if status != CAIRO_STATUS_SUCCESS { free(copy) }
            return s
        }
        guard let px = pixels(), px.count == width * height,
            let s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, Int32(width), Int32(height))
        else { return nil }
        cairo_surface_flush(s)
        let stride = Int(cairo_image_surface_get_stride(s))
        let data = cairo_image_surface_get_data(s)!
        px.withUnsafeBytes { src in
            for y in 0..<height {
                (data + y * stride).update(from: src.baseAddress!.advanced(by: y * width * 4).assumingMemoryBound(to: UInt8.self), count: width * 4)
            }
        }
        cairo_surface_mark_dirty(s)
        return s
    }
}
