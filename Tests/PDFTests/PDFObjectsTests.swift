import Foundation
import Testing

@testable import PDF
@testable import Typeset

/// Reading PDFs at the level of objects, as `PDFConcatenation` and `PrintAllPart` do.
@Suite struct PDFObjects {
    /// cairo writes `/DescendantFonts [ 37 0 R]`: the reference ends at the bracket.
    @Test func aReferenceFollowedByABracketIsRenumbered() throws {
        var out: [UInt8] = []
        let text = Array("/DescendantFonts [ 37 0 R] /ToUnicode 34 0 R\n/W [0 [ 1000 ]]".utf8)
        try text.withUnsafeBytes { try CairoPDF.renumber($0, [37: 5, 34: 9], into: &out, url: URL(fileURLWithPath: "/x.pdf")) }
        #expect(String(decoding: out, as: UTF8.self) == "/DescendantFonts [ 5 0 R] /ToUnicode 9 0 R\n/W [0 [ 1000 ]]")
    }

    /// cairo breaks long hex strings across lines, inside a glyph's four digits too.
    @Test func glyphCodesAreReadAcrossLineBreaksInsideACode() throws {
        let content = Array("q 0 0 0 rg BT\n10 0 0 -10 5 5 Tm\n/f-0-0 1 Tf\n[<00010\n002>-20<0003>]TJ\nET\nBT /f-1-0 1 Tf <0004>Tj ET Q".utf8)
        let found = try #require(PrintAllPart.glyphCodes(in: content))
        #expect(found.codes.map(\.code) == [1, 2, 3, 4])
        #expect(found.fonts.map { String(decoding: $0, as: UTF8.self) } == ["/f-0-0", "/f-1-0"])
        #expect(found.codes.map(\.font) == [0, 0, 0, 1])
        // The second code's digits straddle the line break: 0, then 002.
        let second = found.codes[1].digits
        #expect([second.0, second.1, second.2, second.3].map { content[Int($0)] } == Array("0002".utf8))
        #expect(content[Int(second.0) + 1] == 0x0A)
    }

    @Test func aTextObjectWithALiteralStringIsNotReadAsGlyphCodes() {
        #expect(PrintAllPart.glyphCodes(in: Array("BT /F1 12 Tf (Hello) Tj ET".utf8)) == nil)
        #expect(PrintAllPart.glyphCodes(in: Array("BT /f-0-0 1 Tf <001> Tj ET".utf8)) == nil, "a code of other than two bytes")
    }

    @Test func aPreparedFaceGivesACIDForEveryGlyph() throws {
        let face = try #require(fonts.faces.first)
        let subset = try #require(face.subset([1, 2, 3, 500, 1000]))
        let cff = try #require(CFFCharset.cffTable(in: subset.bytes))
        let cids = try #require(CFFCharset.cids(cff: cff), "Noto CJK is CID-keyed")
        #expect(cids.count == 6, ".notdef and the five glyphs")
        #expect(cids[0] == 0)
        #expect(Set(cids).count == cids.count, "one CID per glyph")
    }
}
