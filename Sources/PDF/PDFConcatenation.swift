import FileOutput
import Foundation
import Typeset

/// Joins PDFs page after page into one: how a batch's processes, each making its share of
/// 全部打印.pdf (`PrintAllPart`), make one file to print.
///
/// The parts are streamed through: each object is copied as it is (streams neither decoded nor
/// recompressed), with its object number moved and its references renumbered; only the objects'
/// offsets are held in memory, so joining costs a fraction of drawing and memory stays flat however
/// many pages. (libqpdf joined the same parts correctly, but held every object of the result in
/// memory: 170 MB for 7000 pages, and it grows with the batch.) It reads PDFs shaped as cairo 1.16
/// writes them (and `PrintAllPart` too) — one classic cross-reference table, a flat page tree,
/// references only outside streams — and refuses anything else; the tests check the result with qpdf.
public enum PDFConcatenation {
    /// Writes the pages of `parts`, in order, to `url` (atomically, owner-only, checked whole).
    /// Returns the number of pages.
    @discardableResult
    public static func write(_ parts: [URL], to url: URL, metadata: PDFMetadata) throws -> Int {
        let file = try AtomicFile(url)
        var out = PDFOutput(file: file)
        // Objects 1–3 are ours (catalog, page tree, info); each part's objects follow, renumbered.
        var offsets: [Int] = [0, 0, 0]
        var kids: [Int] = []
        out.append("%PDF-1.5\n%\u{B5}\u{ED}\u{AE}\u{FB}\n")
        for part in parts {
            let pdf = try CairoPDF(url: part)
            var number: [Int: Int] = [:]
            for old in pdf.objects where !pdf.skipped.contains(old) {
                number[old] = offsets.count + 1 + number.count
            }
            number[pdf.pages] = 2  // the pages' /Parent becomes the joined page tree
            for old in pdf.objects where !pdf.skipped.contains(old) {
                offsets.append(out.count)
                try pdf.copy(old, renumbered: number, to: &out)
            }
            kids += try pdf.kids().map {
                guard let n = number[$0] else { throw pdf.malformed("page \($0) missing") }
                return n
            }
        }
        offsets[0] = out.count
        out.append("1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n")
        offsets[1] = out.count
        out.append("2 0 obj\n<< /Type /Pages /Kids [" + kids.map { " \($0) 0 R" }.joined() + " ] /Count \(kids.count) >>\nendobj\n")
        offsets[2] = out.count
        out.append(
            "3 0 obj\n<< /Title \(pdfText(metadata.title)) /Author \(pdfText(metadata.author)) /Creator \(pdfText(metadata.creator))"
                + " /CreationDate (D:\(pdfDate(metadata.date))) /ModDate (D:\(pdfDate(metadata.date))) >>\nendobj\n")
        let xref = out.count
        var table = "xref\n0 \(offsets.count + 1)\n0000000000 65535 f \n"
        for o in offsets { table += String(format: "%010d 00000 n \n", o) }
        out.append(table + "trailer\n<< /Size \(offsets.count + 1) /Root 1 0 R /Info 3 0 R >>\nstartxref\n\(xref)\n%%EOF\n")
        try out.finish()
        try file.commit()
        return kids.count
    }

    /// A PDF string for any text: UTF-16BE with its byte-order mark, in hex.
    static func pdfText(_ s: String) -> String {
        "<FEFF" + s.utf16.map { String(format: "%04X", $0) }.joined() + ">"
    }

    /// `2026-01-01T00:00:00` → `20260101000000`.
    static func pdfDate(_ iso: String) -> String { String(iso.filter(\.isNumber).prefix(14)) }
}
