import Forms
import Foundation
import Rules
import Testing
import Typeset

/// What is wrong with the look of a page, read from its display list: text below 7 pt, text that
/// crosses a rule (spilling out of its cell, or cut by it), two texts drawn over each other.
func lookProblems(_ page: Page, _ name: String) -> [String] {
    struct Box {
        var x0, y0, x1, y1: Double
        var text: String
    }
    var problems: [String] = []
    var texts: [Box] = []
    var rules: [(Point, Point)] = []
    for item in page.items {
        switch item {
        case let .glyphs(run):
            if run.size < 7 - 1e-9 { problems.append("\(name): 「\(run.text)」 set at \(run.size) pt, below 7 pt") }
            // The tick is drawn inside its box on purpose, a little larger than it.
            guard run.text != "✓", let first = run.glyphs.first, let last = run.glyphs.last else { continue }
            let baseline = run.glyphs.map(\.y).max()!
            // The em box: 0.88 em above the baseline, 0.12 below; the last glyph an em wide when it is
            // an ideograph (or full-width), else at least a third of an em.
            let wide = (run.text.unicodeScalars.last?.value ?? 0) >= 0x2E80
            texts.append(
                Box(
                    x0: first.x, y0: baseline - 0.88 * run.size, x1: last.x + run.size * (wide ? 1 : 1.0 / 3),
                    y1: baseline + 0.12 * run.size, text: run.text))
        case let .rect(r, _):
            rules += [
                (Point(r.x, r.y), Point(r.maxX, r.y)), (Point(r.x, r.maxY), Point(r.maxX, r.maxY)),
                (Point(r.x, r.y), Point(r.x, r.maxY)), (Point(r.maxX, r.y), Point(r.maxX, r.maxY)),
            ]
        case let .line(a, b, _):
            rules.append((a, b))
        case .fill, .image:
            break
        }
    }
    let e = 0.3
    for t in texts {
        if t.x0 < 0 || t.y0 < 0 || t.x1 > page.size.width || t.y1 > page.size.height {
            problems.append("\(name): 「\(t.text)」 runs off the page")
        }
        for (a, b) in rules {
            let crosses =
                a.y == b.y
                ? t.y0 + e < a.y && a.y < t.y1 - e && min(a.x, b.x) < t.x1 - e && t.x0 + e < max(a.x, b.x)
                : t.x0 + e < a.x && a.x < t.x1 - e && min(a.y, b.y) < t.y1 - e && t.y0 + e < max(a.y, b.y)
            if crosses { problems.append("\(name): 「\(t.text)」 crosses a rule at (\(Int(a.x)), \(Int(a.y)))–(\(Int(b.x)), \(Int(b.y)))") }
        }
    }
    for (i, s) in texts.enumerated() {
        for t in texts[(i + 1)...] where s.x0 + e < t.x1 && t.x0 + e < s.x1 && s.y0 + e < t.y1 && t.y0 + e < s.y1 {
            problems.append("\(name): 「\(s.text)」 and 「\(t.text)」 overlap")
        }
    }
    return problems
}

/// `app` with every free-text value as long as `FieldLimits` allows.
func atTheLimits(_ app: Application) -> Application {
    func text(_ seed: String, _ n: Int) -> String { String(String(repeating: seed, count: n / seed.count + 1).prefix(n)) }
    let uyghur = "买买提·艾力·阿卜杜热合曼·库尔班江·吐尔逊·阿不都热依木江"
    var a = app
    a.organization.name = text("深圳市南山区粤海街道科技园社区康宁国际医疗集团中西医结合门诊部", FieldLimits.organizationName - 4) + "有限公司"
    a.organization.address = text("广东省深圳市南山区粤海街道科技南十二路18号康宁国际医疗大厦A座2层201室", FieldLimits.address)
    a.organization.phone = a.organization.phone.map { _ in text("0755-2655 8800 ", FieldLimits.phone - 1) + "8" }
    a.legalRepresentative.name = text(uyghur, FieldLimits.personName)
    a.handler.name = "Alexander Maximilian Schneider"
    a.handler.email = text("zhangwei.pharmacy.service.department", FieldLimits.email - 22) + "@kangning-medical.com"
    // Three holders: the most the forms name one by one (more are "…等N人，详见附页").
    if a.certificates.personal != nil {
        let third = Person(name: "", idNumber: "440306198511034564", mobile: "13698765432")
        a.holders = [a.legalRepresentative, a.handler, third].enumerated().map { i, h in
            var h = h
            h.name = [a.legalRepresentative.name, a.handler.name, text("阿依古丽·热合曼·艾尔肯·阿不都克热木·", FieldLimits.personName)][i]
            h.email = nil
            h.title = text("药房质量管理负责人兼执业药师", FieldLimits.title)
            return h
        }
    }
    if let serial = a.existingCertificate?.serial, !serial.isEmpty {
        a.existingCertificate?.serial = text("5A3F9C0D1E2B4A6C8E0F", FieldLimits.serial)
    }
    let newLegalRepresentative = a.legalRepresentative.name
    if var change = a.change {
        change.items = change.items.map { c in
            var c = c
            let n = FieldLimits.changeValue(item: c.item)
            c.from = c.isLegalRepresentative ? text(uyghur, n) : text("深圳市宝安区新安街道惠民口腔门诊部有限公司", n)
            c.to = c.isLegalRepresentative ? newLegalRepresentative : text("深圳市宝安区新安街道惠民口腔医院集团有限公司", n)
            return c
        }
        a.change = change
    }
    return a
}

@Suite("Real-length data fits")
struct LongValuesTests {
    /// Examples/long-values.yaml: 单位名称 60, 单位地址 80, names of 30 (with · and Latin letters), e-mail 60.
    @Test("the long-values example is at the limits, passes the check, and its pack carries every value in full, ≥ 7 pt, nothing overlapping")
    func theLongValuesExampleFits() throws {
        let app = try example("long-values.yaml")
        #expect(app.organization.name.count == FieldLimits.organizationName)
        #expect(app.organization.address.count == FieldLimits.address)
        #expect(app.legalRepresentative.name.count == FieldLimits.personName)
        #expect(app.handler.name.count == FieldLimits.personName)
        #expect(app.handler.email?.count == FieldLimits.email)
        #expect(app.personalHolders.contains { $0.name.count == FieldLimits.personName && $0.name != app.legalRepresentative.name })
        #expect(Preflight.check(app, catalog: sharedCatalog, fonts: sharedFonts, library: sharedLibrary) == [])

        let pack = try Pack.build(application: app, catalog: sharedCatalog, fonts: sharedFonts, library: sharedLibrary)
        let out = try temporaryFolder("long")
        defer { try? FileManager.default.removeItem(at: out) }
        let files = try pack.write(into: out, fonts: sharedFonts, overwrite: false)
        #expect(try run("qpdf", ["--check", files.pdf.path]).status == 0)

        let org = app.organization
        let lr = app.legalRepresentative
        let h = app.handler
        let starts = firstPages(pack)
        for (d, doc) in pack.documents.enumerated() {
            var values: [String]
            switch doc.kind {
            case .cover: values = [org.name] + app.personalHolders.prefix(3).map(\.name)
            case .unitApplication: values = [org.name, org.address, lr.name, h.name, h.email!]
            case .institutionApplication: values = [org.name, org.address, lr.name, h.name, h.email!] + app.personalHolders.map(\.name)
            case .holderAppendix: values = [org.name] + app.personalHolders.flatMap { [$0.name, $0.title ?? ""] }
            case .authorization: values = [org.name, doc.person!.name]
            }
            for p in 0..<doc.pages.count {
                let n = starts[d] + p
                let text = try pageText(files.pdf, n)
                for v in values { #expect(text.contains(squeeze(v)), "page \(n) (\(doc.title)) lacks 「\(v)」") }
                #expect(lookProblems(doc.pages[p], "page \(n) (\(doc.title))") == [])
                // The footer says which organisation the page belongs to, shortened in the middle.
                #expect(text.contains("单位名称：深圳市南山区") && text.contains("…"), "page \(n): footer")
            }
        }
    }

    @Test(
        "every example, as it is and with every value at its limit, lays out at ≥ 7 pt with nothing crossing or overlapping",
        arguments: try exampleNames())
    func everyExampleAtTheLimitsLooksClean(name: String) throws {
        let app = try example(name)
        let long = atTheLimits(app)
        #expect(FieldLimits.issues(long) == [], "\(name): the test data is within the limits")
        for (what, a) in [("as it is", app), ("at the limits", long)] {
            let pack = try Pack.build(application: a, catalog: sharedCatalog, fonts: sharedFonts, library: sharedLibrary)
            for (n, page) in pack.pages.enumerated() {
                #expect(lookProblems(page, "\(name) \(what), page \(n + 1)") == [])
            }
        }
    }

    @Test("a value beyond its limit is refused by the data check, naming the limit")
    func beyondTheLimitTheMessageNamesIt() throws {
        var app = try example("long-values.yaml")
        app.organization.name += "一"
        app.organization.address += "一"
        app.handler.name += "x"
        app.handler.email = "a" + app.handler.email!
        let problems = Preflight.check(app, catalog: sharedCatalog, fonts: sharedFonts, library: sharedLibrary)
        #expect(problems.contains(ValidationIssue(field: "organization.name", message: "单位名称最多 60 个字（按营业执照填写），现为 61 个字")))
        #expect(problems.contains(ValidationIssue(field: "organization.address", message: "单位地址最多 80 个字，现为 81 个字")))
        #expect(problems.contains(ValidationIssue(field: "handler.name", message: "姓名最多 30 个字（含间隔号 ·），现为 31 个字")))
        #expect(problems.contains(ValidationIssue(field: "handler.email", message: "电子邮箱最多 60 个字符，现为 61 个字符")))
    }
}

@Test("the look check itself sees text below 7 pt, text across a rule and texts over each other")
func theLookCheckSeesWhatItLooksFor() throws {
    var b = PageBuilder(fonts: sharedFonts)
    try b.text("单位名称", in: Rect(x: 100, y: 100, width: 100, height: 20), owner: "test")
    #expect(lookProblems(b.page, "clean") == [])
    b.line(from: Point(120, 90), to: Point(120, 130))
    #expect(lookProblems(b.page, "rule").count == 1)
    try b.text("地址", in: Rect(x: 90, y: 100, width: 100, height: 20), owner: "test")
    #expect(lookProblems(b.page, "overlap").contains { $0.contains("overlap") })
    try b.text("小字", in: Rect(x: 300, y: 300, width: 100, height: 20), style: TextStyle(size: 6, minSize: 6), owner: "test")
    #expect(lookProblems(b.page, "small").contains { $0.contains("below 7 pt") })
}
