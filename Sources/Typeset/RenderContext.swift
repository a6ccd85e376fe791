import CCairo
import Foundation

/// FreeType faces and their cairo font faces for one thread of drawing.
///
/// FreeType is not thread-safe, so each context owns its own `FT_Library` and faces (made from the
/// font bytes HarfBuzz already mapped). A context is used by one writer at a time; writers borrow one
/// from the book's pool and give it back, so a batch on N threads makes N contexts, not one per pack.
final class RenderContext: @unchecked Sendable {
    private var library: FT_Library?
    private var faces: [Int: (ft: FT_Face, cairo: OpaquePointer)] = [:]
    private let book: FontBook

    init(book: FontBook) {
        self.book = book
        FT_Init_FreeType(&library)
    }

    deinit {
        for (_, f) in faces {
            cairo_font_face_destroy(f.cairo)
            FT_Done_Face(f.ft)
        }
        FT_Done_FreeType(library)
    }

    /// The cairo font face for face `index` of the book, made on first use.
    func cairoFace(_ index: Int) -> OpaquePointer {
        if let known = faces[index] { return known.cairo }
        let font = book.faces[index]
        let bytes = font.bytes
        var face: FT_Face?
        FT_New_Memory_Face(library, bytes.baseAddress!.assumingMemoryBound(to: FT_Byte.self), FT_Long(bytes.count), FT_Long(font.index), &face)
        let cf = cairo_ft_font_face_create_for_ft_face(face, 0)!
        faces[index] = (face!, cf)
        return cf
    }
}

/// Render contexts waiting to be borrowed.
final class RenderContextPool: @unchecked Sendable {
    private var idle: [RenderContext] = []
    private let lock = NSLock()

    func borrow(_ book: FontBook) -> RenderContext {
        lock.lock(); defer { lock.unlock() }
        return idle.popLast() ?? RenderContext(book: book)
    }

    func giveBack(_ context: RenderContext) {
        lock.lock(); idle.append(context); lock.unlock()
    }
}

/// Draws display lists with cairo. One painter per writer; never shared between threads.
struct Painter {
    let context: RenderContext

    func draw(_ page: Page, on cr: OpaquePointer) {
        cairo_set_line_cap(cr, CAIRO_LINE_CAP_SQUARE)
        for item in page.items {
            switch item {
            case let .glyphs(run):
                cairo_set_source_rgb(cr, run.gray, run.gray, run.gray)
                cairo_set_font_face(cr, context.cairoFace(run.face))
                cairo_set_font_size(cr, run.size)
                let glyphs = run.glyphs.map { cairo_glyph_t(index: UInt($0.id), x: $0.x, y: $0.y) }
                let clusters = run.clusters.map { cairo_text_cluster_t(num_bytes: $0.bytes, num_glyphs: $0.glyphs) }
                run.text.withCString { text in
                    cairo_show_text_glyphs(cr, text, Int32(run.text.utf8.count), glyphs, Int32(glyphs.count),
                                           clusters, Int32(clusters.count), cairo_text_cluster_flags_t(rawValue: 0))
                }
            case let .line(a, b, width, dashed):
                stroke(cr, width: width, dashed: dashed) {
                    cairo_move_to(cr, a.x, a.y); cairo_line_to(cr, b.x, b.y)
                }
            case let .rect(r, width, dashed):
                stroke(cr, width: width, dashed: dashed) { cairo_rectangle(cr, r.x, r.y, r.width, r.height) }
            case let .fill(r, gray):
                cairo_set_source_rgb(cr, gray, gray, gray)
                cairo_rectangle(cr, r.x, r.y, r.width, r.height)
                cairo_fill(cr)
            }
        }
    }

    private func stroke(_ cr: OpaquePointer, width: Double, dashed: Bool, path: () -> Void) {
        cairo_set_source_rgb(cr, 0, 0, 0)
        cairo_set_line_width(cr, width)
        if dashed {
            let pattern: [Double] = [2, 2]
            cairo_set_dash(cr, pattern, 2, 0)
        }
        path()
        cairo_stroke(cr)
        if dashed { cairo_set_dash(cr, nil, 0, 0) }
    }
}
