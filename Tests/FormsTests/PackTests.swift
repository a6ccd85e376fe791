import Forms
import Foundation
import Rules
import Testing
import Typeset

/// The values of the application each page must carry, by the kind of document on it.
private func expectedValues(_ app: Application, _ checklist: Checklist, _ doc: PackDocument, service: Service) -> [String] {
    let org = app.organization
    func person(_ p: Person) -> [String] { [p.name, p.idType.label, p.idNumber, p.mobile] + [p.email].compactMap { $0 } }
    switch doc.kind {
    case .cover:
        return [org.name, org.uscc, app.service.label]
    case .unitApplication, .institutionApplication:
        var v = [org.name, org.uscc, org.address] + [org.postcode, org.phone].compactMap { $0 }
        v += person(app.legalRepresentative) + person(app.handler)
        if service != .new, let serial = app.existingCertificate?.serial { v.append(serial) }
        if service == .change, doc.kind == .unitApplication || service == app.service {
            for item in app.change?.items ?? [] { v += [item.item, item.from, item.to] }
        }
        if let d = app.applicationDate { v.append(d.chinese) }
        if doc.kind == .institutionApplication, app.certificates.personal != nil {
            if let years = checklist.years[.personal] { v.append("\(years)年") }  // none for 吊销
            v += app.personalHolders.map(\.name)
        }
        return v
    case .holderAppendix:
        return [org.name, org.uscc]
            + app.personalHolders.flatMap { [$0.name, $0.idType.label, $0.idNumber, $0.mobile] + [$0.title].compactMap { $0 } }
    case .authorization:
        return [org.name, org.uscc] + (doc.person.map { [$0.name, $0.idType.label, $0.idNumber, $0.mobile] } ?? [])
    }
}

@Suite("Packs of the examples")
struct ExamplePackTests {
    @Test(
        "every value of the application is on the page where it belongs, one service ticked, A4, fonts embedded, qpdf clean",
        arguments: try exampleNames())
    func packCarriesEveryValue(name: String) throws {
        let app = try example(name)
        let pack = try Pack.build(application: app, catalog: sharedCatalog, fonts: sharedFonts, library: sharedLibrary)
        let out = try temporaryFolder("example")
        defer { try? FileManager.default.removeItem(at: out) }
        let files = try pack.write(into: out, fonts: sharedFonts, overwrite: false)

        // Page count: what the checklist's forms imply (cover 1, institution 2 联, appendix 1, one letter each).
        // The cover is one page unless warnings and a long checklist push it onto a second.
        let coverPages = pack.documents.first?.pages.count ?? 0
        #expect((1...2).contains(coverPages))
        var expected = coverPages
        for f in pack.checklist.forms {
            switch f.form {
            case .institutionApplication: expected += 2
            case .holderAppendix: expected += (app.personalHolders.count + 17) / 18
            default: expected += 1
            }
        }
        #expect(files.pageCount == expected, "\(name): \(files.pageCount) pages, the manifest implies \(expected)")
        #expect(pack.documents.first?.kind == .cover)

        let starts = firstPages(pack)
        let requests = [nil] + pack.checklist.forms.map { Optional($0) }
        for (d, doc) in pack.documents.enumerated() {
            let service = requests[d]?.service ?? app.service
            for p in 0..<doc.pages.count {
                let text = try pageText(files.pdf, starts[d] + p)
                #expect(text.contains("深圳医保在线签约"), "\(name) page \(starts[d] + p): project line")
                #expect(text.contains(squeeze(doc.title)), "\(name) page \(starts[d] + p): title \(doc.title)")
                if p == 0 || doc.kind != .holderAppendix && doc.kind != .cover {
                    for value in expectedValues(app, pack.checklist, doc, service: service) {
                        #expect(text.contains(squeeze(value)), "\(name) page \(starts[d] + p) (\(doc.title)): missing \(value)")
                    }
                }
                if doc.kind == .unitApplication || doc.kind == .institutionApplication {
                    // Exactly one ✓, before the ticked service's word.
                    #expect(text.filter { $0 == "✓" }.count == 1, "\(name) page \(starts[d] + p): one tick")
                    #expect(text.contains("✓" + service.label), "\(name) page \(starts[d] + p): \(service.label) ticked")
                    for other in Service.allCases where other != service {
                        #expect(!text.contains("✓" + other.label), "\(name): \(other.label) must not be ticked")
                    }
                } else {
                    #expect(!text.contains("✓"), "\(name) page \(starts[d] + p): no tick outside the 业务类型 row")
                }
            }
            if doc.kind == .institutionApplication {
                #expect(try pageText(files.pdf, starts[d]).contains("第一联深圳CA留存"))
                #expect(try pageText(files.pdf, starts[d] + 1).contains("第二联客户存根"))
            }
        }

        let info = try run("pdfinfo", [files.pdf.path])
        #expect(info.status == 0)
        #expect(info.output.contains("595.28 x 841.89 pts (A4)"))
        #expect(info.output.contains("Pages:           \(expected)"))

        let fonts = try run("pdffonts", [files.pdf.path])
        #expect(fonts.status == 0)
        let rows = fonts.output.split(separator: "\n").dropFirst(2)
        #expect(!rows.isEmpty)
        for row in rows {
            let cols = row.split(separator: " ", omittingEmptySubsequences: true)
            // name type… encoding emb sub uni object ID: emb, sub and uni are yes.
            #expect(cols.count >= 7 && cols[cols.count - 5] == "yes" && cols[cols.count - 3] == "yes", "font not embedded with ToUnicode: \(row)")
        }

        let check = try run("qpdf", ["--check", files.pdf.path])
        #expect(check.status == 0, "qpdf --check: \(check.output)")
        #expect(check.output.contains("No syntax or stream encoding errors"))

        let md = try String(contentsOf: files.checklist, encoding: .utf8)
        #expect(md.contains(app.organization.name))
        let mode = try FileManager.default.attributesOfItem(atPath: files.pdf.path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
    }

    @Test("ODC + personal, one holder, different 法定代表人 and 经办人: cover, 单位申请表, 机构申请表 ×2, 附页, 授权书 ×2")
    func newODCPersonalPageOrder() throws {
        let app = try example("new-odc-personal.yaml")
        let pack = try Pack.build(application: app, catalog: sharedCatalog, fonts: sharedFonts, library: sharedLibrary)
        #expect(pack.documents.map(\.kind) == [.cover, .unitApplication, .institutionApplication, .holderAppendix, .authorization, .authorization])
        #expect(pack.documents.map(\.pages.count) == [1, 1, 2, 1, 1, 1])
        #expect(pack.documents.compactMap(\.person?.name) == [app.legalRepresentative.name, app.handler.name])
    }

    // 变更 tab: 「若法人变更,则按新申请流程办理新法人证书」 — only the new legal representative's certificate is new.
    @Test("变更 with a new 法定代表人 and another holder: a 新办 application and 附页 for the new 法定代表人, a 变更 pair for the other")
    func legalRepresentativeChangeSplitsThePersonalForms() throws {
        var app = try example("change-legal-rep.yaml")
        let other = Person(name: "黄丽娟", idNumber: "440307198506202347", mobile: "13700002222", title: "药房负责人")
        app.holders = [app.legalRepresentative, other]
        let pack = try Pack.build(application: app, catalog: sharedCatalog, fonts: sharedFonts, library: sharedLibrary)
        #expect(
            pack.documents.map(\.kind) == [
                .cover, .unitApplication, .institutionApplication, .holderAppendix,
                .institutionApplication, .holderAppendix, .authorization, .authorization, .authorization,
            ])
        let out = try temporaryFolder("split")
        defer { try? FileManager.default.removeItem(at: out) }
        let files = try pack.write(into: out, fonts: sharedFonts, overwrite: false)
        let starts = firstPages(pack)
        let lr = app.legalRepresentative
        // 新办: the new legal representative alone, 新办 ticked, one certificate.
        let newApp = try pageText(files.pdf, starts[2])
        let newAppendix = try pageText(files.pdf, starts[3])
        #expect(newApp.contains("✓新办") && newApp.contains(squeeze("1 个（持有人详见附页）")))
        #expect(newAppendix.contains(lr.idNumber) && !newAppendix.contains(other.idNumber))
        // 变更: the other holder, 变更 ticked, with the 变更事项.
        let changeApp = try pageText(files.pdf, starts[4])
        let changeAppendix = try pageText(files.pdf, starts[5])
        #expect(changeApp.contains("✓变更") && changeApp.contains("王建国"))
        #expect(changeAppendix.contains(other.idNumber) && !changeAppendix.contains(lr.idNumber))
        // The cover's fee: 150 × 1 × 2 years for the new 法人证书 only.
        #expect(try pageText(files.pdf, 1).contains("300元"))
    }

    @Test("two runs give byte-identical packs")
    func deterministic() throws {
        let app = try example("new-odc-personal.yaml")
        let a = try temporaryFolder("det-a")
        let b = try temporaryFolder("det-b")
        defer {
            try? FileManager.default.removeItem(at: a)
            try? FileManager.default.removeItem(at: b)
        }
        let fa = try Pack.fill(application: app, catalog: sharedCatalog, fonts: sharedFonts, library: sharedLibrary, into: a, overwrite: false)
        let fb = try Pack.fill(application: app, catalog: sharedCatalog, fonts: sharedFonts, library: sharedLibrary, into: b, overwrite: false)
        #expect(try Data(contentsOf: fa.pdf) == Data(contentsOf: fb.pdf))
        #expect(try Data(contentsOf: fa.checklist) == Data(contentsOf: fb.checklist))
    }

    @Test("an existing pack is not overwritten without the force flag, and is with it")
    func refusesToOverwrite() throws {
        let app = try example("new-odc-personal.yaml")
        let out = try temporaryFolder("overwrite")
        defer { try? FileManager.default.removeItem(at: out) }
        let files = try Pack.fill(application: app, catalog: sharedCatalog, fonts: sharedFonts, library: sharedLibrary, into: out, overwrite: false)
        #expect(throws: PackError.exists(files.pdf.path)) {
            try Pack.fill(application: app, catalog: sharedCatalog, fonts: sharedFonts, library: sharedLibrary, into: out, overwrite: false)
        }
        try Pack.fill(application: app, catalog: sharedCatalog, fonts: sharedFonts, library: sharedLibrary, into: out, overwrite: true)
        let left = try FileManager.default.contentsOfDirectory(atPath: files.folder.path).sorted()
        #expect(left == [".certpack-row", "清单.md", "申请材料.pdf"], "no temporaries left, the row digest beside the pack: \(left)")
    }

    @Test("packs built on many threads at once equal those built one by one")
    func concurrentBuilds() async throws {
        let apps = try exampleNames().map { try example($0) }
        let serial = try apps.map { try Pack.build(application: $0, catalog: sharedCatalog, fonts: sharedFonts, library: sharedLibrary).pages.count }
        let parallel = try await withThrowingTaskGroup(of: (Int, Int).self) { group in
            for (i, app) in apps.enumerated() {
                group.addTask {
                    (i, try Pack.build(application: app, catalog: sharedCatalog, fonts: sharedFonts, library: sharedLibrary).pages.count)
                }
            }
            var out = [Int](repeating: 0, count: apps.count)
            for try await (i, n) in group { out[i] = n }
            return out
        }
        #expect(parallel == serial)
    }

    @Test("folder names are sanitised")
    func sanitisedFolderName() {
        let org = Organization(name: "../深圳/某:公司*?\n", uscc: "91350100M000100Y43", address: "x")
        let name = Pack.folderName(for: org)
        #expect(!name.contains("/") && !name.contains(":") && !name.contains("\n") && !name.hasPrefix("."))
        #expect(name.hasPrefix("91350100M000100Y43-"))
    }
}

@Suite("The holders appendix")
struct AppendixTests {
    @Test("25 holders continue over pages with the header repeated and no row split")
    func continuation() throws {
        var app = try example("new-odc-personal.yaml")
        app.holders = (1...25).map { n in
            let nn = n < 10 ? "0\(n)" : "\(n)"
            return Person(name: "持证人\(nn)号", idNumber: "4403051980010100\(nn)", mobile: "139000000\(nn)", title: "医师")
        }
        let pack = try Pack.build(application: app, catalog: sharedCatalog, fonts: sharedFonts, library: sharedLibrary)
        let index = try #require(pack.documents.firstIndex { $0.kind == .holderAppendix })
        let appendix = pack.documents[index]
        #expect(appendix.pages.count >= 2)
        let out = try temporaryFolder("appendix")
        defer { try? FileManager.default.removeItem(at: out) }
        let files = try pack.write(into: out, fonts: sharedFonts, overwrite: false)
        let start = firstPages(pack)[index]
        let texts = try (0..<appendix.pages.count).map { try pageText(files.pdf, start + $0) }
        for (p, text) in texts.enumerated() {
            for header in ["序号", "姓名", "证件类型", "证件号码", "手机号码", "本人签字"] {
                #expect(text.contains(header), "appendix page \(p + 1): header \(header) repeated")
            }
            #expect(text.contains("第\(p + 1)页/共\(appendix.pages.count)页"))
            if p > 0 { #expect(text.contains("机构个人数字证书附页（续页）")) }
        }
        for h in app.holders! {
            // The whole row on one page: name, ID number and mobile together, once.
            let pages = texts.indices.filter { texts[$0].contains(h.idNumber) }
            #expect(pages.count == 1, "\(h.name) on pages \(pages)")
            if let p = pages.first {
                #expect(texts[p].contains(h.name) && texts[p].contains(h.mobile), "\(h.name): row split")
            }
        }
        // The seal box comes after the last row.
        #expect(texts.last!.contains("申请单位（盖章）"))
    }
}

@Suite("Errors stop the pack and leave no file")
struct PackErrorTests {
    func expectNothingWritten(_ out: URL) throws {
        let left = try FileManager.default.contentsOfDirectory(atPath: out.path)
        #expect(left.isEmpty, "left behind: \(left)")
    }

    @Test("a value that cannot fit (its row would grow taller than a page) names the form, the field and the owner")
    func overflow() throws {
        var app = try example("new-odc-personal.yaml")
        app.organization.address = String(repeating: "深圳市南山区粤海街道科技南十二路18号康宁大厦", count: 60)
        let out = try temporaryFolder("overflow")
        defer { try? FileManager.default.removeItem(at: out) }
        do {
            try Pack.fill(application: app, catalog: sharedCatalog, fonts: sharedFonts, library: sharedLibrary, into: out, overwrite: false)
            Issue.record("expected an overflow error")
        } catch let e as TypesetError {
            guard case .overflow = e else {
                Issue.record("expected overflow, got \(e)")
                return
            }
            #expect(e.description.contains("单位数字证书申请表 › organization.address (深圳市南山区康宁诊所有限公司)"), "\(e)")
        }
        try expectNothingWritten(out)
    }

    @Test("a character no font has (U+9FFF) is named with the field")
    func missingGlyph() throws {
        var app = try example("new-odc-personal.yaml")
        app.legalRepresentative.name = "陈\u{9FFF}明"
        let out = try temporaryFolder("glyph")
        defer { try? FileManager.default.removeItem(at: out) }
        do {
            try Pack.fill(application: app, catalog: sharedCatalog, fonts: sharedFonts, library: sharedLibrary, into: out, overwrite: false)
            Issue.record("expected a missing-glyph error")
        } catch let e as TypesetError {
            guard case .missingGlyph = e else {
                Issue.record("expected missingGlyph, got \(e)")
                return
            }
            #expect(e.description.contains("U+9FFF"), "\(e)")
            #expect(e.description.contains("陈\u{9FFF}明"), "\(e)")
            #expect(e.description.contains("legalRepresentative.name"), "the data field is named, not the first form printing it: \(e)")
        }
        try expectNothingWritten(out)
    }
}
