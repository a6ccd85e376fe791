import Dispatch
import Foundation
import Images
import Rules
import Typeset

/// The copy pages of a pack (复印件), made from the applicant's pictures instead of a photocopier:
/// per person one A4 with the ID card's 正面 above its 反面 at true size (ID-1, 85.6 × 54.0 mm),
/// and the business licence fitted to an A4. Each picture carries the use restriction across it
/// (semi-transparent, repeated, as text) and a thin outline; each page has the place for the seal.
public struct CopyDocument: Sendable {
    /// e.g. 法人有效身份证复印件
    public var title: String
    /// The checklist item it is made for (`businessLicense`, `legalRepID`, `handlerID`).
    public var id: String
    public var pages: [Page]
    /// Per picture, in page order: embedded as the file's own JPEG (true) or made again (false).
    public var passthrough: [Bool]
}

/// A picture that could not be used, naming the field of the applicant file.
public struct CopyPictureError: Error, CustomStringConvertible, Equatable, Sendable {
    /// e.g. `copies.legalRepresentative.front`
    public var field: String
    public var refusal: PictureRefusal
    public var description: String { "\(field)：\(refusal.path)：\(refusal.reason)" }
}

public enum CopyPages {
    /// 「仅供办理深圳医保在线签约数字证书使用，他用无效」: the use a copy is restricted to.
    public static let restriction = "仅供办理深圳医保在线签约数字证书使用，他用无效"
    /// ID-1 (ISO/IEC 7810), the 居民身份证's size.
    public static let cardWidth = mm(85.6), cardHeight = mm(54.0)

    static let cardTarget = CopyPicture.Target(width: cardWidth, height: cardHeight, dpi: 300, exact: true, passthroughBytes: 700_000)
    static let licenceBox = Rect(x: mm(20), y: mm(34), width: mm(170), height: mm(218))
    static let licenceTarget = CopyPicture.Target(
        width: licenceBox.width, height: licenceBox.height, dpi: 200, exact: false,
        passthroughBytes: 1_500_000)
    /// A licence is printed no larger than this resolution allows (never blown up past its pixels).
    static let licenceMinimumDPI = 150.0

    /// The copy pages the checklist says CertPack prints (its items with `printed`), in its order.
    public static func build(checklist: Checklist, fonts: FontBook) throws -> [CopyDocument] {
        let app = checklist.application
        guard let copies = app.copies else { return [] }
        let date = app.applicationDate ?? checklist.visit?.date ?? app.visit?.date
        let mark = restriction + (date.map { "　\($0.chinese)" } ?? "")
        // What to read: per document, its pictures with their fields.
        var wanted: [(item: ChecklistItem, pictures: [(CopyImage, String)])] = []
        for item in checklist.documents where item.printed {
            switch item.id {
            case "businessLicense":
                if let p = copies.businessLicence { wanted.append((item, [(p, "copies.businessLicence")])) }
            case "legalRepID":
                if let s = copies.legalRepresentative {
                    wanted.append((item, [(s.front, "copies.legalRepresentative.front"), (s.back, "copies.legalRepresentative.back")]))
                }
            case "handlerID":
                if let s = copies.handler { wanted.append((item, [(s.front, "copies.handler.front"), (s.back, "copies.handler.back")])) }
            default: continue
            }
        }
        let loaded = try load(wanted.flatMap { w in w.pictures.map { ($0.0, $0.1, w.item.id == "businessLicense" ? licenceTarget : cardTarget) } })
        var out: [CopyDocument] = []
        var next = 0
        for (item, pictures) in wanted {
            let these = Array(loaded[next..<(next + pictures.count)])
            next += pictures.count
            let page: Page
            if item.id == "businessLicense" {
                page = try licencePage(these[0].image, title: item.title, app: app, mark: mark, fonts: fonts)
            } else {
                let person = item.id == "legalRepID" ? app.legalRepresentative : app.handler
                page = try cardPage(
                    front: these[0].image, back: these[1].image, title: item.title, person: person, app: app, mark: mark, fonts: fonts)
            }
            out.append(CopyDocument(title: item.title, id: item.id, pages: [page], passthrough: these.map(\.passthrough)))
        }
        return out
    }

    /// The checklist with the note of each printed copy naming its page in 申请材料.pdf
    /// (「已生成，打印后加盖公章（申请材料第 9 页）」), the copy pages starting at `firstPage`.
    public static func numbering(_ checklist: Checklist, copies: [CopyDocument], firstPage: Int) -> Checklist {
        var c = checklist
        var page = firstPage
        for copy in copies {
            if let i = c.documents.firstIndex(where: { $0.id == copy.id && $0.printed }), !c.documents[i].notes.isEmpty {
                let pages = copy.pages.count == 1 ? "第 \(page) 页" : "第 \(page)–\(page + copy.pages.count - 1) 页"
                c.documents[i].notes[0] = ChecklistItem.printedNote + "（申请材料\(pages)）"
            }
            page += copy.pages.count
        }
        return c
    }

    /// The card in `picture` (with its `corners`, or already cropped) as the copy page prints it:
    /// upright, warped to 85.6 × 54.0 mm at 300 dpi, a JPEG without metadata. For the web page's crop.
    public static func croppedCard(_ picture: CopyImage, field: String = "copies") throws -> [UInt8] {
        let prepared = try load([(picture, field, cardTarget)])[0]
        return prepared.image.jpeg ?? []
    }

    /// Reads the pictures, several at once (decoding is most of a copy page's cost, and touches no
    /// font: cairo's font locks are not involved); the first refusal in order is thrown.
    static func load(_ jobs: [(CopyImage, String, CopyPicture.Target)]) throws -> [PreparedPicture] {
        final class Results: @unchecked Sendable {
            var values: [Result<PreparedPicture, any Error>?]
            let lock = NSLock()
            init(_ n: Int) { values = Array(repeating: nil, count: n) }
        }
        let results = Results(jobs.count)
        DispatchQueue.concurrentPerform(iterations: jobs.count) { k in
            let (picture, field, target) = jobs[k]
            let r: Result<PreparedPicture, any Error>
            do { r = .success(try CopyPicture.load(picture, for: target)) } catch let e as PictureRefusal {
                r = .failure(CopyPictureError(field: field, refusal: e))
            } catch { r = .failure(error) }
            results.lock.lock()
            results.values[k] = r
            results.lock.unlock()
        }
        return try results.values.map { try $0!.get() }
    }

    /// 正面 above 反面, each at true size, centred.
    static func cardPage(
        front: PageImage, back: PageImage, title: String, person: Person, app: Application, mark: String,
        fonts: FontBook
    ) throws -> Page {
        var b = PageBuilder(fonts: fonts)
        let owner = "复印件 › \(title)"
        let width = Size.a4.width
        try heading(&b, title: title, subtitle: "\(person.name)（\(person.idType.label)）", owner: owner)
        let x = (width - cardWidth) / 2
        for (n, (image, side)) in [(front, "正面"), (back, "反面")].enumerated() {
            let top = mm(48) + Double(n) * mm(54 + 30)
            try b.text(
                side, in: Rect(x: x, y: top - mm(6.5), width: cardWidth, height: mm(5.5)),
                style: TextStyle(role: .sans, size: 9, gray: 0.35), owner: owner)
            let card = Rect(x: x, y: top, width: cardWidth, height: cardHeight)
            try picture(&b, image, in: card, mark: mark, markSize: 7, owner: owner)
            // The line to cut along, just outside the picture.
            b.rect(Rect(x: card.x - 1, y: card.y - 1, width: card.width + 2, height: card.height + 2), width: 0.3)
            try caption(&b, mark, under: card, owner: owner)
        }
        try sealPlace(&b, top: mm(48) + 2 * mm(54 + 30), app: app, owner: owner)
        return b.page
    }

    /// The licence fitted inside the margins, never larger than its pixels at `licenceMinimumDPI`.
    static func licencePage(_ image: PageImage, title: String, app: Application, mark: String, fonts: FontBook) throws -> Page {
        var b = PageBuilder(fonts: fonts)
        let owner = "复印件 › \(title)"
        try heading(&b, title: title, subtitle: app.organization.name, owner: owner)
        let box = licenceBox
        let most = min(box.width / Double(image.width), box.height / Double(image.height))
        let scale = min(most, 72 / licenceMinimumDPI)
        let (w, h) = (Double(image.width) * scale, Double(image.height) * scale)
        let placed = Rect(x: box.midX - w / 2, y: box.y, width: w, height: h)
        try picture(&b, image, in: placed, mark: mark, markSize: 11, owner: owner)
        b.rect(Rect(x: placed.x - 1, y: placed.y - 1, width: placed.width + 2, height: placed.height + 2), width: 0.3)
        try caption(&b, mark, under: placed, owner: owner)
        try sealPlace(&b, top: max(placed.maxY + mm(12), mm(262)), app: app, owner: owner)
        return b.page
    }

    static func heading(_ b: inout PageBuilder, title: String, subtitle: String, owner: String) throws {
        let width = Size.a4.width
        try b.text(
            title, in: Rect(x: mm(20), y: mm(16), width: width - mm(40), height: mm(9)),
            style: TextStyle(role: .sans, size: 16, align: .center), owner: owner)
        try b.text(
            subtitle, in: Rect(x: mm(20), y: mm(25), width: width - mm(40), height: mm(6)),
            style: TextStyle(role: .serif, size: 10.5, align: .center), owner: owner)
    }

    /// The picture with the restriction across it.
    static func picture(_ b: inout PageBuilder, _ image: PageImage, in r: Rect, mark: String, markSize: Double, owner: String) throws {
        b.image(image, in: r)
        try b.watermark(mark, over: r, size: markSize, angle: -Double.pi / 7, opacity: 0.3, gray: 0.2, owner: owner)
    }

    /// The restriction once more, plainly, under the picture.
    static func caption(_ b: inout PageBuilder, _ mark: String, under r: Rect, owner: String) throws {
        try b.text(
            mark, in: Rect(x: mm(20), y: r.maxY + mm(1.5), width: Size.a4.width - mm(40), height: mm(5)),
            style: TextStyle(role: .serif, size: 8, minSize: 7, align: .center, gray: 0.25), owner: owner)
    }

    /// Where the seal goes: 「单位（盖章）」 and the organisation, on the right.
    static func sealPlace(_ b: inout PageBuilder, top: Double, app: Application, owner: String) throws {
        let box = Rect(x: Size.a4.width - mm(20) - mm(80), y: min(top, Size.a4.height - mm(30)), width: mm(80), height: mm(7))
        try b.text("单位（盖章）：", in: box, style: TextStyle(role: .serif, size: 10.5), owner: owner)
        try b.text(
            app.organization.name, in: Rect(x: box.x, y: box.maxY, width: box.width, height: mm(7)),
            style: TextStyle(role: .serif, size: 9, minSize: 7, gray: 0.3), owner: owner)
    }
}
