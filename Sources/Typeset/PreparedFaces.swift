import CCairo
import CHarfBuzz
import Foundation

/// The faces of a long run of documents (a batch), cut down once to the glyphs the run can use, with
/// FreeType and cairo faces that live as long as the run.
///
/// ## Why a run prepares its faces once, and draws on one thread per process
///
/// cairo 1.16 keeps one process-wide cache of glyph pages (`cairo_scaled_glyph_page_cache`, 512
/// pages of 32 glyphs), guarded by one global mutex, while each scaled font has a mutex of its own.
/// Drawing text locks the scaled font first and the global cache second (`freeze_cache`, then
/// `_cairo_scaled_font_allocate_glyph`/`thaw_cache`). When the cache is over its size, `thaw_cache`
/// evicts random pages *while holding the global mutex*, and evicting a page of another scaled font
/// (`_cairo_scaled_glyph_page_pluck`) locks that font's mutex: the opposite order. The eviction
/// predicate reads the other font's `cache_frozen` flag without its lock, so a thread that has just
/// locked that font to draw with it is waiting for the global mutex that the evicting thread holds,
/// and the evicting thread waits for it: a deadlock. Destroying a scaled font (`cairo_surface_finish`
/// and `show_page` release the fonts a PDF used) takes the same two locks. Every pack made its own
/// FreeType faces over its own subset, so every pack brought new scaled fonts, the cache was always
/// full, evictions were constant, and about one batch in 15 hung.
///
/// Fewer, longer-lived fonts make the hang rarer, not impossible: the cache is global and any two
/// threads drawing text with enough distinct glyphs still evict each other's pages. So the batch
/// engine never draws on two threads of one process: each process (the batch's coordinator and each
/// worker process) draws on one thread only, where cairo's locks cannot be taken in both orders.
/// Within a process, this type makes the font work once per run instead of once per document:
/// one HarfBuzz subset per face for the whole run (shaping is unchanged; glyph ids are mapped), and
/// one FreeType face and cairo font face per face, so glyph caches stay warm from pack to pack and
/// cairo's own per-PDF subsetting works on a small face. A glyph outside the prepared set (a
/// character the run did not announce) is drawn from the whole face, so the page is always right.
///
/// Use it from one thread at a time, and keep it alive until every document drawn with it is finished.
public final class PreparedFaces: @unchecked Sendable {
    let context: RenderContext
    /// Glyph runs drawn from a whole face because a glyph was not prepared (for benchmarks and tests).
    public var unpreparedRuns: Int { context.unpreparedRuns }

    init(context: RenderContext) { self.context = context }
}

extension FontBook {
    /// Prepares the faces for a run whose text uses (at most) `characters`: each face of every chain
    /// is cut down to the glyphs its cmap gives these characters, plus ASCII.
    public func prepareFaces<S: Sequence>(for characters: S) -> PreparedFaces where S.Element == Unicode.Scalar {
        var scalars = Set(characters)
        for v in UInt32(0x20)...0x7E { scalars.insert(Unicode.Scalar(v)!) }
        var subsets: [Int: FontBlob] = [:]
        for (index, face) in faces.enumerated() {
            var glyphs: Set<UInt32> = []
            for s in scalars {
                var g: hb_codepoint_t = 0
                if hb_font_get_nominal_glyph(face.hbFont, s.value, &g) != 0, g != 0 { glyphs.insert(g) }
            }
            if let blob = face.subset(glyphs) { subsets[index] = blob }
        }
        return PreparedFaces(context: RenderContext(book: self, subsets: subsets, wholeFaceFallback: true))
    }
}
