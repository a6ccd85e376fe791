import Foundation
import Testing

@testable import Typeset

/// Shrink → wrap → fail, as the foundation issue orders it.
@Suite struct FittingTextInABox {
    let box = Rect(x: 0, y: 0, width: 120, height: 24)
    let style = TextStyle(role: .serif, size: 10.5, minSize: 7)

    private func layout(_ text: String, in box: Rect) throws -> [GlyphRun] {
        var b = PageBuilder(fonts: fonts)
        try b.text(text, in: box, style: style, owner: "表 › field")
        return runs(b.page)
    }

    @Test func textThatFitsKeepsTheNominalSizeOnOneLine() throws {
        let r = try layout("深圳市康宁诊所", in: box)
        #expect(r.allSatisfy { $0.size == 10.5 })
        #expect(Set(r.flatMap { $0.glyphs.map(\.y) }).count == 1)
    }

    @Test func textTooWideShrinksOnOneLineBeforeWrapping() throws {
        // 14 ideographs: 147 pt at 10.5 pt, fits 120 pt at 8.5 pt.
        let r = try layout("深圳市南山区科技园康宁诊所甲", in: box)
        let size = try #require(r.first?.size)
        #expect(size < 10.5 && size >= 7)
        #expect(Set(r.flatMap { $0.glyphs.map(\.y) }).count == 1, "still one line")
        #expect(r.flatMap(\.glyphs).allSatisfy { $0.x + size <= 120.01 }, "inside the box")
    }

    @Test func textTooWideEvenAtTheFloorWrapsAtTheLargestSizeThatFits() throws {
        let text = "深圳市南山区科兴路10号科技园文化广场深圳CA受理中心一楼大厅"
        let r = try layout(text, in: Rect(x: 0, y: 0, width: 120, height: 40))
        let baselines = Set(r.flatMap { $0.glyphs.map(\.y) })
        #expect(baselines.count >= 2)
        #expect(r.map(\.text).joined() == text, "every character is drawn once")
    }

    @Test func textThatCannotFitFailsNamingItsOwnerAndTheOverflow() throws {
        let text = String(repeating: "深圳市南山区科技园康宁诊所", count: 6)
        #expect {
            try layout(text, in: box)
        } throws: { error in
            guard case let TypesetError.overflow(owner, _, overflow, _, floor) = error else { return false }
            return owner == "表 › field" && overflow > 0 && floor == 7
                && "\(error)".contains("表 › field") && "\(error)".contains("overflows by")
        }
    }

    @Test func aBoxThatMayGrowIsToldTheHeightOfTheTextWrappedAtTheFloor() throws {
        let b = PageBuilder(fonts: fonts)
        // What fits keeps the box's own height.
        #expect(try b.heightNeeded("深圳市康宁诊所", width: 120, height: 24, style: style, owner: "t") == 24)
        // 80 ideographs in 120 pt at the 7 pt floor: 17 a line, 5 lines, 7 + 4 × 7 × 1.3 pt.
        let address = String(repeating: "深圳市南山区粤海街道科技园", count: 7).prefix(80)
        let h = try b.heightNeeded(String(address), width: 120, height: 24, style: style, owner: "t")
        #expect(abs(h - (7 + 4 * 7 * 1.3)) < 0.01, "\(h)")
        // …and in a box that tall the text is set, at no less than the floor, within it.
        var page = PageBuilder(fonts: fonts)
        let used = try page.text(String(address), in: Rect(x: 0, y: 0, width: 120, height: h), style: style, owner: "t")
        #expect(used <= h + 0.01)
        #expect(runs(page.page).allSatisfy { $0.size >= 7 })
    }

    @Test func sizeStepsEndExactlyAtTheFloor() {
        #expect(sizeSteps(from: 10.5, to: 7) == [10.5, 10, 9.5, 9, 8.5, 8, 7.5, 7])
        #expect(sizeSteps(from: 9, to: 7.2).last == 7.2)
    }

    @Test func centredTextIsCentredHorizontally() throws {
        var b = PageBuilder(fonts: fonts)
        try b.text("证书", in: Rect(x: 0, y: 0, width: 100, height: 20), style: TextStyle(size: 10, align: .center), owner: "t")
        let g = runs(b.page).flatMap(\.glyphs)
        #expect(abs(g.first!.x - 40) < 0.01)
    }
}

@Suite struct FontFallback {
    /// DejaVu Sans has Latin but no Han: the chain must hand the ideographs to Noto Serif CJK.
    @Test func aRunSwitchesToTheNextFontOnlyForCharactersTheFirstLacks() throws {
        let book = try FontBook(
            chains: [
                .serif: [.init(file: "DejaVuSans.ttf"), .init(file: "NotoSerifCJK-Regular.ttc", index: 2)],
                .sans: [.init(file: "NotoSansCJK-Bold.ttc", index: 2)],
            ], searchFolders: FontBook.systemFontFolders)
        var b = PageBuilder(fonts: book)
        try b.text("ODC证书 2026年", in: Rect(x: 0, y: 0, width: 300, height: 20), owner: "t")
        let r = runs(b.page)
        #expect(r.map(\.text) == ["ODC", "证书", " 2026", "年"])
        let latin = r.filter { $0.text.hasPrefix("ODC") || $0.text.hasPrefix("2026") }
        let han = r.filter { $0.text.contains("证") || $0.text.contains("年") }
        #expect(latin.allSatisfy { book.faces[$0.face].path.hasSuffix("DejaVuSans.ttf") })
        #expect(han.allSatisfy { book.faces[$0.face].path.hasSuffix("NotoSerifCJK-Regular.ttc") })
        #expect(r.map(\.text).joined().replacingOccurrences(of: " ", with: "") == "ODC证书2026年")
    }

    @Test func aCharacterNoFontHasIsAnErrorNamingItAsUPlusHex() throws {
        var b = PageBuilder(fonts: fonts)
        #expect {
            try b.text("张\u{9FFF}", in: Rect(x: 0, y: 0, width: 100, height: 20), owner: "单位数字证书申请表 › legalRepresentative.name")
        } throws: { error in
            let message = "\(error)"
            return message.contains("U+9FFF") && message.contains("legalRepresentative.name")
        }
        #expect(runs(b.page).isEmpty, "nothing drawn, no tofu")
    }

    @Test func rareNamesFromExtensionsAAndBAreInTheDefaultChain() throws {
        var b = PageBuilder(fonts: fonts)
        try b.text("张堃 李喆 王赟 刘䶮 𠮷田", in: Rect(x: 0, y: 0, width: 300, height: 20), owner: "t")
        #expect(runs(b.page).flatMap(\.glyphs).allSatisfy { $0.id != 0 }, "no .notdef glyph")
    }

    @Test func theDefaultManifestGivesTheSCFacesOfNotoCJK() {
        #expect(fonts.chain(.serif).first?.path.hasSuffix("NotoSerifCJK-Regular.ttc") == true)
        #expect(fonts.chain(.serif).first?.index == 2)
        #expect(fonts.chain(.sans).first?.path.hasSuffix("NotoSansCJK-Bold.ttc") == true)
    }

    @Test func aFontDroppedIntoTheFontsFolderIsFoundBeforeTheSystemOne() throws {
        let folder = try temporaryFolder()
        try FileManager.default.copyItem(
            atPath: "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", toPath: folder.appendingPathComponent("DejaVuSans.ttf").path)
        #expect(
            FontBook.locate("DejaVuSans.ttf", in: [folder.path] + FontBook.systemFontFolders) == folder.appendingPathComponent("DejaVuSans.ttf").path)
    }

    @Test func aMissingFontIsAClearError() {
        #expect(throws: TypesetError.self) {
            try FontBook(chains: [.serif: [.init(file: "NoSuchFont.ttf")], .sans: [.init(file: "NoSuchFont.ttf")]], searchFolders: ["/nonexistent"])
        }
    }
}
