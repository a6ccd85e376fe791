import CQPDF
import Foundation

/// Joins PDFs, page after page, into one, with qpdf: how a batch's workers, each writing its share of
/// 全部打印.pdf, make one file to print. Pages are copied as they are (streams not decoded or
/// recompressed), so joining costs a fraction of drawing; each part keeps its own fonts.
public enum PDFConcatenation {
    /// Writes the pages of `parts`, in order, to `url` (atomically, owner-only, checked whole).
    /// Returns the number of pages.
    @discardableResult
    public static func write(_ parts: [URL], to url: URL, metadata: PDFMetadata) throws -> Int {
        let out = qpdf_init()!
        var inputs: [qpdf_data?] = []
        defer {
            for var input in inputs { qpdf_cleanup(&input) }
            var o: qpdf_data? = out
            qpdf_cleanup(&o)
        }
        func failure(_ q: qpdf_data, _ what: String) -> Error {
            let detail = qpdf_has_error(q) != 0 ? String(cString: qpdf_get_error_full_text(q, qpdf_get_error(q))) : "qpdf"
            return TypesetError.render(path: url.path, detail: "\(what)：\(detail)")
        }
        qpdf_set_suppress_warnings(out, 1)
        guard qpdf_empty_pdf(out) == QPDF_SUCCESS else { throw failure(out, "无法新建 PDF") }
        var pages = 0
        for part in parts {
            let input = qpdf_init()!
            inputs.append(input)  // its objects are copied when written: kept open until then
            qpdf_set_suppress_warnings(input, 1)
            guard qpdf_read(input, part.path, nil) & QPDF_ERRORS == 0 else { throw failure(input, "无法读取 \(part.lastPathComponent)") }
            let count = qpdf_get_num_pages(input)
            guard count >= 0 else { throw failure(input, "无法读取 \(part.lastPathComponent) 的页面") }
            for i in 0..<Int(count) {
                guard qpdf_add_page(out, input, qpdf_get_page_n(input, i), 0) & QPDF_ERRORS == 0 else {
                    throw failure(out, "无法合并 \(part.lastPathComponent)")
                }
            }
            pages += Int(count)
        }
        let info = qpdf_oh_new_dictionary(out)
        qpdf_oh_replace_key(out, info, "/Title", qpdf_oh_new_unicode_string(out, metadata.title))
        qpdf_oh_replace_key(out, info, "/Creator", qpdf_oh_new_unicode_string(out, metadata.creator))
        qpdf_oh_replace_key(out, qpdf_get_trailer(out), "/Info", qpdf_make_indirect_object(out, info))

        let file = try AtomicFile(url)
        guard qpdf_init_write(out, "/proc/self/fd/\(file.descriptor)") & QPDF_ERRORS == 0 else { throw failure(out, "无法写入") }
        qpdf_set_object_stream_mode(out, qpdf_o_disable)
        qpdf_set_stream_data_mode(out, qpdf_s_preserve)
        qpdf_set_decode_level(out, qpdf_dl_none)
        qpdf_set_deterministic_ID(out, 1)
        guard qpdf_write(out) & QPDF_ERRORS == 0 else { throw failure(out, "无法写入") }
        try file.sealWrittenElsewhere(endingWith: "%%EOF")
        try file.commit()
        return pages
    }
}
