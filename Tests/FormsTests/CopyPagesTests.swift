import Foundation
import Images
import Rules
import Testing
import Typeset

@testable import Forms

/// Test pictures, made here: a card-like pattern with a red mark at its top-left corner.
private func cardPicture(width: Int, height: Int) -> PixelBuffer {
    var b = PixelBuffer(width: width, height: height, fill: 0xEEF0F4)
    let m = width / 8
    for y in (m / 2)..<(m / 2 + m) { for x in (m / 2)..<(m / 2 + m) { b[x, y] = 0xD01010 } }
    for line in 0..<5 {
        let y = height / 3 + line * height / 9
        for x in (width / 3)..<(width * 7 / 8) where (x / 7) % 4 != 0 {
            b[x, y] = 0x202020
            b[x, y + 1] = 0x202020
        }
    }
    return b
}

/// A "phone photo": the card pattern inside a bigger picture (a table around it), and where its corners are.
private func phonePhoto(width: Int, height: Int) -> (PixelBuffer, [CopyPoint]) {
    var b = PixelBuffer(width: width, height: height, fill: 0x5A4030)
    let card = cardPicture(width: width * 3 / 4, height: width * 3 / 4 * 54 / 86)
    let (x0, y0) = (width / 8, (height - card.height) / 2)
    for y in 0..<card.height { for x in 0..<card.width { b[x0 + x, y0 + y] = card[x, y] } }
    let c = [(x0, y0), (x0 + card.width, y0), (x0 + card.width, y0 + card.height), (x0, y0 + card.height)]
    return (b, c.map { CopyPoint(x: Double($0.0), y: Double($0.1)) })
}

/// The example applicant with pictures for every copy, written into `folder`: the legal
/// representative's as scans at 300 dpi (embedded as they are), the handler's as phone photos with
/// corners, the licence as a PNG.
private func applicantWithCopies(in folder: URL) throws -> Application {
    func write(_ bytes: [UInt8], _ name: String) throws -> String {
        try Data(bytes).write(to: folder.appendingPathComponent(name))
        return name
    }
    let scan = try JPEG.encode(cardPicture(width: 1011, height: 638), quality: 85)
    let (photo, corners) = phonePhoto(width: 1600, height: 1200)
    let photoJPEG = try JPEG.encode(photo, quality: 85)
    var licence = PixelBuffer(width: 1200, height: 1700, fill: 0xFFFFFF)
    for y in stride(from: 200, to: 1500, by: 60) { for x in 150..<1050 { licence[x, y] = 0x303030 } }
    var app = try example("new-odc-personal.yaml")
    app.copies = Copies(
        businessLicence: CopyImage(file: try write(PNG.encode(licence), "营业执照.png")),
        legalRepresentative: IDCardImages(front: CopyImage(file: try write(scan, "法人-正面.jpg")), back: CopyImage(file: try write(scan, "法人-反面.jpg"))),
        handler: IDCardImages(
            front: CopyImage(file: try write(photoJPEG, "经办人-正面.jpg"), corners: corners),
            back: CopyImage(file: try write(photoJPEG, "经办人-反面.jpg"), corners: corners)))
    app.copies = app.copies?.resolved(against: folder)
    return app
}

/// One row of `pdfimages -list`.
private struct ListedImage {
    var page: Int
    var width: Int
    var height: Int
    var encoding: String
    var xppi: Double
    var yppi: Double
}

private func listImages(_ pdf: URL) throws -> [ListedImage] {
    let lines = try run("pdfimages", ["-list", pdf.path]).output.split(separator: "\n").dropFirst(2)
    return lines.compactMap { line in
        let f = line.split(whereSeparator: \.isWhitespace).map(String.init)
        guard f.count >= 14, let page = Int(f[0]), let w = Int(f[3]), let h = Int(f[4]), let x = Double(f[12]), let y = Double(f[13]) else {
            return nil
        }
        return ListedImage(page: page, width: w, height: h, encoding: f[8], xppi: x, yppi: y)
    }
}

@Suite struct CopyPagesTests {
    @Test func eachIDCardIsPlacedAtItsTrueSizeFrontAboveBack() throws {
        let folder = try temporaryFolder("copies")
        defer { try? FileManager.default.removeItem(at: folder) }
        let app = try applicantWithCopies(in: folder)
        let pack = try Pack.build(application: app, catalog: sharedCatalog, fonts: sharedFonts, library: sharedLibrary)
        #expect(pack.copies.map(\.id) == ["businessLicense", "legalRepID", "handlerID"])
        let files = try pack.write(into: folder.appendingPathComponent("out"), fonts: sharedFonts, overwrite: false)
        #expect(try run("qpdf", ["--check", files.pdf.path]).status == 0)
        let images = try listImages(files.pdf)
        let formPages = pack.documents.reduce(0) { $0 + $1.pages.count }
        #expect(images.count == 5)
        #expect(images.allSatisfy { $0.encoding == "jpeg" })
        // The cards: 85.6 × 54.0 mm (± 0.3) as placed, read from the PDF (pixels over placed resolution).
        let cards = images.filter { $0.page > formPages + 1 }
        #expect(cards.count == 4)
        for c in cards {
            #expect(abs(Double(c.width) / c.xppi * 25.4 - 85.6) <= 0.3, "width \(Double(c.width) / c.xppi * 25.4) mm")
            #expect(abs(Double(c.height) / c.yppi * 25.4 - 54.0) <= 0.3, "height \(Double(c.height) / c.yppi * 25.4) mm")
        }
        // And from the page's drawing: each card's picture in a rectangle of that size, centred, front above back.
        let cardPage = try #require(pack.copies.first { $0.id == "legalRepID" }?.pages.first)
        let placed = cardPage.items.compactMap { item -> Rect? in if case let .image(_, r) = item { r } else { nil } }
        #expect(placed.count == 2)
        for r in placed {
            #expect(abs(r.width * 25.4 / 72 - 85.6) < 0.01 && abs(r.height * 25.4 / 72 - 54.0) < 0.01)
            #expect(abs(r.midX - Size.a4.width / 2) < 0.01)
        }
        #expect(placed[0].maxY < placed[1].y)
    }

    @Test func anUnwarpedJPEGIsEmbeddedAsItIsAndAWarpedOneIsEncodedOnce() throws {
        let folder = try temporaryFolder("copies-dct")
        defer { try? FileManager.default.removeItem(at: folder) }
        let app = try applicantWithCopies(in: folder)
        let pack = try Pack.build(application: app, catalog: sharedCatalog, fonts: sharedFonts, library: sharedLibrary)
        #expect(pack.copies.map(\.passthrough) == [[false], [true, true], [false, false]])
        let files = try pack.write(into: folder.appendingPathComponent("out"), fonts: sharedFonts, overwrite: false)
        // `pdfimages -j` writes a DCT image's stream as it is: the scan's own bytes without its metadata.
        let prefix = folder.appendingPathComponent("img").path
        #expect(try run("pdfimages", ["-j", files.pdf.path, prefix]).status == 0)
        let extracted = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasPrefix("img-") && $0.hasSuffix(".jpg") }
            .sorted()
        #expect(extracted.count == 5)
        let scan = try JPEG.stripped([UInt8](Data(contentsOf: folder.appendingPathComponent("法人-正面.jpg"))))
        let embedded = try extracted.map { try [UInt8](Data(contentsOf: folder.appendingPathComponent($0))) }
        #expect(embedded.filter { $0 == scan }.count == 2, "both sides of the scan embedded byte for byte")
        // Nothing the pack embeds carries EXIF.
        for jpeg in embedded { #expect(!Data(jpeg).contains(Data("Exif".utf8))) }
    }

    @Test func everyCopyPageCarriesTheRestrictionAsTextWithTheDate() throws {
        let folder = try temporaryFolder("copies-text")
        defer { try? FileManager.default.removeItem(at: folder) }
        let app = try applicantWithCopies(in: folder)
        let pack = try Pack.build(application: app, catalog: sharedCatalog, fonts: sharedFonts, library: sharedLibrary)
        let files = try pack.write(into: folder.appendingPathComponent("out"), fonts: sharedFonts, overwrite: false)
        let first = pack.documents.reduce(0) { $0 + $1.pages.count } + 1
        for n in first..<(first + 3) {
            let text = try pageText(files.pdf, n)
            #expect(text.contains(CopyPages.restriction + "2026年12月1日"), "page \(n)")
            // Across the pictures, repeated (the rotated marks), besides the line under each.
            #expect(text.components(separatedBy: "仅供办理").count - 1 >= 6, "page \(n)")
        }
        #expect(try pageText(files.pdf, first + 1).contains("陈志明"))
        #expect(try pageText(files.pdf, first + 2).contains("李俊杰"))
    }

    @Test func theChecklistAndTheCoverSayTheCopiesArePrintedToBeStamped() throws {
        let folder = try temporaryFolder("copies-cover")
        defer { try? FileManager.default.removeItem(at: folder) }
        var app = try applicantWithCopies(in: folder)
        app.copies?.handler = nil  // the handler's ID stays a photocopy to make
        let pack = try Pack.build(application: app, catalog: sharedCatalog, fonts: sharedFonts, library: sharedLibrary)
        let byID = Dictionary(uniqueKeysWithValues: pack.checklist.documents.map { ($0.id, $0) })
        #expect(byID["legalRepID"]?.printed == true && byID["businessLicense"]?.printed == true)
        #expect(byID["legalRepID"]?.notes.first?.hasPrefix(ChecklistItem.printedNote) == true)
        #expect(byID["handlerID"]?.printed == false && byID["handlerID"]?.notes.first == "正反两面复印在同一张A4纸")
        #expect(pack.copies.map(\.id) == ["businessLicense", "legalRepID"])
        #expect(pack.markdown.contains("已生成，打印后加盖公章"))
        let files = try pack.write(into: folder.appendingPathComponent("out"), fonts: sharedFonts, overwrite: false)
        // The cover lists the copy pages by their numbers in 申请材料.pdf.
        let first = pack.documents.reduce(1) { $0 + $1.pages.count }
        let cover = try pageText(files.pdf, 1)
        #expect(cover.contains("已生成，打印后加盖公章（申请材料第\(first)页）"), "\(cover)")
        #expect(cover.contains("已生成，打印后加盖公章（申请材料第\(first + 1)页）"))
        #expect(try pageText(files.pdf, first).contains("单位新版营业执照复印件"))
        #expect(try pageText(files.pdf, first + 1).contains("法人有效身份证复印件"))
    }

    @Test func aPictureThatCannotBeUsedStopsThePackNamingTheFieldAndWritingNothing() throws {
        let folder = try temporaryFolder("copies-bad")
        defer { try? FileManager.default.removeItem(at: folder) }
        var app = try applicantWithCopies(in: folder)
        app.copies?.handler?.back = CopyImage(file: folder.appendingPathComponent("没有这个文件.jpg").path)
        let out = folder.appendingPathComponent("out")
        do {
            _ = try Pack.fill(application: app, catalog: sharedCatalog, fonts: sharedFonts, library: sharedLibrary, into: out, overwrite: false)
            Issue.record("made a pack with a missing picture")
        } catch let e as CopyPictureError {
            #expect(e.field == "copies.handler.back")
            #expect(e.description.contains("没有这个文件.jpg") && e.description.contains("找不到"))
        }
        #expect(!FileManager.default.fileExists(atPath: out.path))
    }
}

/// `jpeg` with an EXIF APP1 segment (little-endian TIFF, IFD0 with Orientation) after SOI.
private func withOrientation(_ jpeg: [UInt8], _ o: Int) -> [UInt8] {
    func u16(_ v: Int) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8)] }
    func u32(_ v: Int) -> [UInt8] { u16(v & 0xFFFF) + u16(v >> 16) }
    let tiff: [UInt8] = [0x49, 0x49] + u16(42) + u32(8) + u16(1) + u16(0x0112) + u16(3) + u32(1) + u16(o) + u16(0) + u32(0)
    let body = Array("Exif\0\0".utf8) + tiff
    return [0xFF, 0xD8, 0xFF, 0xE1, UInt8((body.count + 2) >> 8), UInt8((body.count + 2) & 0xFF)] + body + jpeg[2...]
}

@Suite struct CopyPagesRendered {
    /// Phone photos stored turned, with the EXIF orientation saying how: on the printed page, the
    /// card's marked corner is top-left whatever the orientation.
    @Test(arguments: [3, 6, 8]) func aTurnedPhotoIsPrintedUpright(orientation: Int) throws {
        let folder = try temporaryFolder("copies-upright")
        defer { try? FileManager.default.removeItem(at: folder) }
        let upright = cardPicture(width: 1011, height: 638)
        // The stored pixels: the upright picture turned back by the inverse of `orientation`.
        let o = try #require(Orientation(rawValue: orientation))
        let stored = try #require(Orientation.allCases.map { upright.upright($0) }.first { $0.upright(o) == upright })
        let jpeg = withOrientation(try JPEG.encode(stored, quality: 90), orientation)
        try Data(jpeg).write(to: folder.appendingPathComponent("front.jpg"))
        try Data(jpeg).write(to: folder.appendingPathComponent("back.jpg"))
        var app = try example("new-odc-personal.yaml")
        app.copies = Copies(legalRepresentative: IDCardImages(front: CopyImage(file: "front.jpg"), back: CopyImage(file: "back.jpg"))).resolved(
            against: folder)
        let pack = try Pack.build(application: app, catalog: sharedCatalog, fonts: sharedFonts, library: sharedLibrary)
        let files = try pack.write(into: folder.appendingPathComponent("out"), fonts: sharedFonts, overwrite: false)
        let n = pack.pages.count
        let page = try #require(pack.copies.first?.pages.first)
        let cards = page.items.compactMap { item -> Rect? in if case let .image(_, r) = item { r } else { nil } }
        #expect(cards.count == 2)
        // Rendered at 100 dpi; the cards cut out of the page.
        let dpi = 100.0
        #expect(
            try run(
                "pdftoppm",
                [
                    "-r", "\(Int(dpi))", "-png", "-f", "\(n)", "-l", "\(n)", "-singlefile", files.pdf.path,
                    folder.appendingPathComponent("page").path,
                ]
            ).status == 0)
        let png = try PNG.decode([UInt8](Data(contentsOf: folder.appendingPathComponent("page.png"))))
        for r in cards {
            let (x0, y0) = (Int(r.x * dpi / 72), Int(r.y * dpi / 72))
            let (w, h) = (Int(r.width * dpi / 72), Int(r.height * dpi / 72))
            var sx = 0.0
            var sy = 0.0
            var count = 0.0
            for y in y0..<(y0 + h) {
                for x in x0..<(x0 + w) {
                    let p = png[x, y]
                    // Red: strong red, little green and blue (the watermark greys it a little).
                    if p >> 16 & 0xFF > 150 && p >> 8 & 0xFF < 90 && p & 0xFF < 90 {
                        sx += Double(x - x0)
                        sy += Double(y - y0)
                        count += 1
                    }
                }
            }
            #expect(count > 100)
            #expect(
                sx / count < Double(w) / 4 && sy / count < Double(h) / 3,
                "orientation \(orientation): the mark at \(sx / count), \(sy / count) of \(w) × \(h)")
        }
    }
}

@Suite struct CopyPicturesAndResume {
    @Test func aPictureReplacedUnderTheSameNameChangesTheRowDigest() throws {
        let folder = try temporaryFolder("copies-digest")
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("front.jpg")
        try Data(try JPEG.encode(cardPicture(width: 200, height: 126), quality: 80)).write(to: url)
        var app = try example("new-odc-personal.yaml")
        let before = RowDigest.of(app)
        app.copies = Copies(legalRepresentative: IDCardImages(front: CopyImage(file: url.path), back: CopyImage(file: url.path)))
        let first = RowDigest.of(app)
        #expect(first != before && RowDigest.of(app) == first)
        try Data(try JPEG.encode(cardPicture(width: 300, height: 189), quality: 80)).write(to: url)
        #expect(RowDigest.of(app) != first)
    }
}
