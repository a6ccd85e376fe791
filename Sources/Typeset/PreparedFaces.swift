import CCairo
import CHarfBuzz
import Foundation

/// The faces of a run of documents (a chunk of a batch), cut down once to the glyphs the run uses,
/// with FreeType and cairo faces that live as long as the run.
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
/// cairo's own per-PDF subsetting (which copies and parses the whole face it is given, for every
/// PDF) works on a small face. A glyph outside the prepared set is drawn from the whole face, so
/// the page is always right.
///
/// Use it from one thread at a time, and keep it alive until every document drawn with it is finished.
public final class PreparedFaces: @unchecked Sendable {
    let context: RenderContext
    /// Glyph runs drawn from a whole face because a glyph was not prepared (for benchmarks and tests).
    public var unpreparedRuns: Int { context.unpreparedRuns }

    init(context: RenderContext) { self.context = context }

    /// Face `face` as it was cut for this run (nil when it could not be cut): what `PrintAllPart`
    /// embeds once per part.
    public func subset(_ face: Int) -> FontBlob? { context.subset(face) }
}

extension FontBook {
    /// Prepares the faces for a run of documents made of `pages` (and of nothing else): each face is
    /// cut down to exactly the glyphs these pages draw with it.
    public func prepareFaces(for pages: [Page]) -> PreparedFaces {
        PreparedFaces(context: RenderContext(book: self, subsets: subsets(for: pages), wholeFaceFallback: true))
    }
}
