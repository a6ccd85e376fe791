import Foundation
import Rules
import Testing

@testable import Batch

/// 汇总's 证书 column reads the checklist's one model of what is applied for.
@Suite("汇总: the certificates as applied for")
struct SummaryCertificatesTests {
    @Test("a new 法定代表人 under 变更: 新办 for one, 变更 for the two others, as the fees and forms count them")
    func newLegalRepresentativeSplit() throws {
        let templates = repoRoot.appendingPathComponent("Templates")
        let catalog = try Catalog.load(templates: templates)
        var app = try ApplicationLoader.load(url: repoRoot.appendingPathComponent("Examples/change-legal-rep.yaml"))
        app.holders = [
            app.legalRepresentative,
            Person(name: "黄丽娟", idNumber: "440307198506202347", mobile: "13700002222"),
            Person(name: "赵敏", idNumber: "440306199002150027", mobile: "13700003333"),
        ]
        let c = try Checklist.make(for: app, catalog: catalog)
        #expect(PackFigures(c).certificates == "机构证书 1年；法人证书（新办） 2年×1人；法人证书（变更） 2年×2人")
        let one = try Checklist.make(for: try ApplicationLoader.load(url: repoRoot.appendingPathComponent("Examples/renew.yaml")), catalog: catalog)
        #expect(PackFigures(one).certificates == BatchSummary.certificates(one.application))
    }
}
