import CCairo
import Foundation

/// FreeType faces and their cairo font faces for one thread of drawing.
///
/// FreeType is not thread-safe, so each context owns its own `FT_Library` and faces (made from the
/// font bytes HarfBuzz already mapped). A context is used by one writer at a time; writers borrow one
/// from the book's pool and give it back, so a batch on N threads makes N contexts, not one per pack.
/// A writer of a short document makes its own context instead, over subset fonts (`subsets`).
final class RenderContext: @unchecked Sendable {
    private let library: FreeTypeLibrary
    private var faces: [Int: OpaquePointer] = [:]
    private let book: FontBook
    /// Per-document subsets by face index; other faces come whole from the book.
    private let subsets: [Int: FontBlob]
    /// Whole faces by book index, for runs with a glyph their subset lacks (when `wholeFaceFallback`).
    private var wholeFaces: [Int: OpaquePointer] = [:]
    private let wholeFaceFallback: Bool
    private(set) var unpreparedRuns = 0

    init(book: FontBook, subsets: [Int: FontBlob] = [:], wholeFaceFallback: Bool = false) {
        self.book = book
        self.subsets = subsets
        self.wholeFaceFallback = wholeFaceFallback
        self.library = FreeTypeLibrary()
    }

    deinit {
        // cairo may still hold these faces in its font caches; each FT_Face (and, last, the library)
        // is released by the face's user-data destructor when cairo lets go of it.
        for (_, face) in faces { cairo_font_face_destroy(face) }
        for (_, face) in wholeFaces { cairo_font_face_destroy(face) }
    }

    /// The cairo face and glyph ids to draw a run with: its subset when the subset has every glyph of
    /// the run, else (with `wholeFaceFallback`) the whole face with the run's own ids.
    func resolve(_ run: GlyphRun) -> (face: OpaquePointer, ids: [UInt32]) {
        guard let subset = subsets[run.face] else { return (cairoFace(run.face), run.glyphs.map(\.id)) }
        var ids: [UInt32] = []
        ids.reserveCapacity(run.glyphs.count)
        for g in run.glyphs {
            guard let id = subset.glyphMap[g.id] else {
                guard wholeFaceFallback else { return (cairoFace(run.face), run.glyphs.map { subset.glyphMap[$0.id] ?? 0 }) }
                unpreparedRuns += 1
                return (wholeFace(run.face), run.glyphs.map(\.id))
            }
            ids.append(id)
        }
        return (cairoFace(run.face), ids)
    }

    /// The subset face `index` is drawn from (nil: the whole face).
    func subset(_ index: Int) -> FontBlob? { subsets[index] }

    private func wholeFace(_ index: Int) -> OpaquePointer {
        if let known = wholeFaces[index] { return known }
        let font = book.faces[index]
        let cf = makeCairoFace(FaceOwner(library: library, bytes: font.bytes, index: font.index, keepAlive: font))
        wholeFaces[index] = cf
        return cf
    }

    private func makeCairoFace(_ owner: FaceOwner) -> OpaquePointer {
        let cf = cairo_ft_font_face_create_for_ft_face(owner.face, 0)!
        cairo_font_face_set_user_data(cf, &faceOwnerKey, Unmanaged.passRetained(owner).toOpaque()) { pointer in
            Unmanaged<FaceOwner>.fromOpaque(pointer!).release()
        }
        return cf
    }

    /// The cairo font face for face `index` of the book, made on first use.
    func cairoFace(_ index: Int) -> OpaquePointer {
        if let known = faces[index] { return known }
        let font = book.faces[index]
        let owner: FaceOwner
        if let subset = subsets[index] {
            owner = FaceOwner(library: library, bytes: subset.bytes, index: 0, keepAlive: subset)
        } else {
            owner = FaceOwner(library: library, bytes: font.bytes, index: font.index, keepAlive: font)
        }
        let cf = makeCairoFace(owner)
        faces[index] = cf
        return cf
    }
}

nonisolated(unsafe) private var faceOwnerKey = cairo_user_data_key_t()

/// An `FT_Library`, closed when the last face made from it is gone.
final class FreeTypeLibrary: @unchecked Sendable {
    var handle: FT_Library?
    init() { FT_Init_FreeType(&handle) }
    deinit { FT_Done_FreeType(handle) }
}

/// One `FT_Face` over bytes kept alive by `keepAlive`, on a library kept alive by this owner.
final class FaceOwner: @unchecked Sendable {
    let face: FT_Face
    private let library: FreeTypeLibrary
    private let keepAlive: AnyObject

    init(library: FreeTypeLibrary, bytes: UnsafeRawBufferPointer, index: Int, keepAlive: AnyObject) {
        var face: FT_Face?
        FT_New_Memory_Face(library.handle, bytes.baseAddress!.assumingMemoryBound(to: FT_Byte.self), FT_Long(bytes.count), FT_Long(index), &face)
        self.face = face!
        self.library = library
        self.keepAlive = keepAlive
    }

    deinit { FT_Done_Face(face) }
}

/// Render contexts waiting to be borrowed.
final class RenderContextPool: @unchecked Sendable {
    private var idle: [RenderContext] = []
    private let lock = NSLock()

    func borrow(_ book: FontBook) -> RenderContext {
        lock.lock()
        defer { lock.unlock() }
        return idle.popLast() ?? RenderContext(book: book)
    }

    func giveBack(_ context: RenderContext) {
        lock.lock()
        idle.append(context)
        lock.unlock()
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
                if let o = run.overlay {
                    cairo_save(cr)
                    cairo_rectangle(cr, o.clip.x, o.clip.y, o.clip.width, o.clip.height)
                    cairo_clip(cr)
                    cairo_translate(cr, o.center.x, o.center.y)
                    cairo_rotate(cr, o.angle)
                    cairo_translate(cr, -o.center.x, -o.center.y)
                    cairo_set_source_rgba(cr, run.gray, run.gray, run.gray, o.opacity)
                } else {
                    cairo_set_source_rgb(cr, run.gray, run.gray, run.gray)
                }
                defer { if run.overlay != nil { cairo_restore(cr) } }
                let (face, ids) = context.resolve(run)
                cairo_set_font_face(cr, face)
                cairo_set_font_size(cr, run.size)
                var glyphs: [cairo_glyph_t] = []
                glyphs.reserveCapacity(ids.count)
                for (g, id) in zip(run.glyphs, ids) { glyphs.append(cairo_glyph_t(index: UInt(id), x: g.x, y: g.y)) }
                let clusters = run.clusters.map { cairo_text_cluster_t(num_bytes: $0.bytes, num_glyphs: $0.glyphs) }
                run.text.withCString { text in
                    cairo_show_text_glyphs(
                        cr, text, Int32(run.text.utf8.count), glyphs, Int32(glyphs.count),
                        clusters, Int32(clusters.count), cairo_text_cluster_flags_t(rawValue: 0))
                }
            case let .line(a, b, width):
                stroke(cr, width: width) {
                    cairo_move_to(cr, a.x, a.y)
                    cairo_line_to(cr, b.x, b.y)
                }
            case let .rect(r, width):
                stroke(cr, width: width) { cairo_rectangle(cr, r.x, r.y, r.width, r.height) }
            case let .fill(r, gray):
                cairo_set_source_rgb(cr, gray, gray, gray)
                cairo_rectangle(cr, r.x, r.y, r.width, r.height)
                cairo_fill(cr)
            case let .image(image, r):
                image.draw(in: r, on: cr)
            }
        }
    }

    private func stroke(_ cr: OpaquePointer, width: Double, path: () -> Void) {
        cairo_set_source_rgb(cr, 0, 0, 0)
        cairo_set_line_width(cr, width)
        path()
        cairo_stroke(cr)
    }
}
