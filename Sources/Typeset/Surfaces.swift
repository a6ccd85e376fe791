import CCairo
import FileOutput
import Foundation

/// PDF metadata. The date is fixed (not "now") so the same input gives byte-identical files.
public struct PDFMetadata: Sendable {
    public var title: String
    public var author: String
    public var subject: String
    public var creator: String
    /// ISO 8601, written as both creation and modification date.
    public var date: String

    public init(title: String, author: String = "", subject: String = "", creator: String = "CertPack", date: String = "2026-01-01T00:00:00") {
        self.title = title
        self.author = author
        self.subject = subject
        self.creator = creator
        self.date = date
    }
}

/// How a PDF gets its fonts.
public enum FontEmbedding: Sendable {
    /// cairo subsets the whole faces. Right for a long document written as it streams (a batch's
    /// 全部打印.pdf): cairo 1.16's cost per CJK face (~600 KB of CFF subroutines, ~20 ms) is paid once.
    case wholeFaces
    /// The faces are first cut down by HarfBuzz to the glyphs these pages use, so a short document
    /// (a pack) embeds a few dozen KB per face. The pages must be the ones then added.
    case subsets(for: [Page])
    /// The faces a run prepared once for all its documents (a batch): see `PreparedFaces`.
    case prepared(PreparedFaces)
}

/// Writes pages into one A4 PDF, streamed to disk as they come.
///
/// The file is written under a temporary name beside `url`, readable by its owner only, and renamed
/// into place by `finish()`; a writer dropped unfinished (error, interruption) removes it, so a
/// half-written PDF never appears under the real name.
///
/// A writer may be handed to another thread, but is used by one thread at a time.
public final class PDFWriter: @unchecked Sendable {
    private let file: AtomicFile
    private let fonts: FontBook
    private let context: RenderContext
    private let pooled: Bool
    /// Kept alive while the surface may still use its faces.
    private let prepared: PreparedFaces?
    private var surface: OpaquePointer?
    private var cr: OpaquePointer?
    private var streamBox: Unmanaged<AtomicFile>
    public private(set) var pageCount = 0

    /// - Parameter keepingBytes: keep every byte written, for `finishUncommitted()`'s caller.
    public init(url: URL, metadata: PDFMetadata, fonts: FontBook, embedding: FontEmbedding = .wholeFaces, keepingBytes: Bool = false) throws {
        self.file = try AtomicFile(url, keepingBytes: keepingBytes)
        self.fonts = fonts
        switch embedding {
        case .wholeFaces:
            context = fonts.renderPool.borrow(fonts)
            pooled = true
            prepared = nil
        case let .subsets(pages):
            context = RenderContext(book: fonts, subsets: fonts.subsets(for: pages))
            pooled = false
            prepared = nil
        case let .prepared(faces):
            context = faces.context
            pooled = false
            prepared = faces
        }
        streamBox = Unmanaged.passRetained(file)
        let write: cairo_write_func_t = { closure, data, length in
            let file = Unmanaged<AtomicFile>.fromOpaque(closure!).takeUnretainedValue()
            return file.write(data!, Int(length)) ? CAIRO_STATUS_SUCCESS : CAIRO_STATUS_WRITE_ERROR
        }
        surface = cairo_pdf_surface_create_for_stream(write, streamBox.toOpaque(), Size.a4.width, Size.a4.height)
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, metadata.title)
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_AUTHOR, metadata.author)
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_SUBJECT, metadata.subject)
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, metadata.creator)
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATE_DATE, metadata.date)
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_MOD_DATE, metadata.date)
        cr = cairo_create(surface)
    }

    /// Draws `page` as the next page.
    public func add(_ page: Page) throws {
        guard let cr else { throw TypesetError.render(path: file.url.path, detail: "writer already finished") }
        cairo_pdf_surface_set_size(surface, page.size.width, page.size.height)
        Painter(context: context).draw(page, on: cr)
        cairo_show_page(cr)
        pageCount += 1
        try check()
    }

    /// Adds every page in order.
    public func add<S: Sequence>(contentsOf pages: S) throws where S.Element == Page {
        for page in pages { try add(page) }
    }

    /// Flushes the PDF, checks it is whole, and renames it into place. A PDF is whole when cairo
    /// reports no error after finishing it and its bytes end with the trailer's `%%EOF`; otherwise
    /// (disk full, a write error) the temporary is removed and nothing appears under the real name.
    public func finish() throws {
        guard cr != nil else { return }
        try finishUncommitted().commit()
    }

    /// Flushes the PDF and checks it is whole, as `finish()`, but leaves it under its temporary name:
    /// the caller commits the returned file (syncs and renames it) when it likes — on another
    /// thread, while this one draws the next document.
    public func finishUncommitted() throws -> AtomicFile {
        guard let cr else { throw TypesetError.render(path: file.url.path, detail: "writer already finished") }
        cairo_destroy(cr)
        self.cr = nil
        cairo_surface_finish(surface)
        try check()
        cairo_surface_destroy(surface)
        surface = nil
        if pooled { fonts.renderPool.giveBack(context) }
        let end = String(decoding: file.tail, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard end.hasSuffix("%%EOF") else {
            throw OutputError(path: file.url.path, code: file.writeError, detail: file.writeError == 0 ? "PDF 不完整（没有写完结尾 %%EOF），未保存" : "")
        }
        return file
    }

    private func check() throws {
        // A write error first: cairo only knows "error while writing to output stream", the file knows why.
        if file.writeError != 0 { throw OutputError(path: file.url.path, code: file.writeError) }
        let status = cairo_surface_status(surface)
        if status != CAIRO_STATUS_SUCCESS {
            throw TypesetError.render(path: file.url.path, detail: String(cString: cairo_status_to_string(status)))
        }
    }

    deinit {
        if let cr { cairo_destroy(cr) }
        if let surface {
            cairo_surface_destroy(surface)
            if pooled { fonts.renderPool.giveBack(context) }
        }
        streamBox.release()
        // `file` removes its temporary when it was never committed.
    }
}

/// Renders pages to PNG images for previews, from the same display lists (and the same `Painter`)
/// as the PDF: cairo's image surface instead of its PDF surface.
public enum PNGWriter {
    /// Renders one page at `dpi` into a PNG at `url` (written atomically).
    public static func write(_ page: Page, to url: URL, dpi: Double, fonts: FontBook) throws {
        let scale = dpi / 72
        let w = Int32((page.size.width * scale).rounded())
        let h = Int32((page.size.height * scale).rounded())
        let surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h)
        let cr = cairo_create(surface)!
        defer {
            cairo_destroy(cr)
            cairo_surface_destroy(surface)
        }
        cairo_set_source_rgb(cr, 1, 1, 1)
        cairo_paint(cr)
        cairo_scale(cr, scale, scale)
        let context = fonts.renderPool.borrow(fonts)
        Painter(context: context).draw(page, on: cr)
        fonts.renderPool.giveBack(context)
        cairo_surface_flush(surface)
        let file = try AtomicFile(url)
        let box = Unmanaged.passRetained(file)
        defer { box.release() }
        let status = cairo_surface_write_to_png_stream(
            surface,
            { closure, data, length in
                let file = Unmanaged<AtomicFile>.fromOpaque(closure!).takeUnretainedValue()
                return file.write(data!, Int(length)) ? CAIRO_STATUS_SUCCESS : CAIRO_STATUS_WRITE_ERROR
            }, box.toOpaque())
        guard status == CAIRO_STATUS_SUCCESS else {
            throw TypesetError.render(path: url.path, detail: String(cString: cairo_status_to_string(status)))
        }
        try file.commit()
    }
}
