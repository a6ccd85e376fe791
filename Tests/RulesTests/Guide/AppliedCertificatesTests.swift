import Foundation
import Testing

@testable import Rules

/// One model of what is applied for (`Checklist.certificates`): the JSON, the text, the forms and the
/// fees agree, also for a new 法定代表人 under 变更.
@Suite("What is applied for, one model")
struct AppliedCertificatesTests {
    /// 变更 with a new 法定代表人 and three holders: the new one's 新办, the two others' 变更.
    func threeHolders() throws -> Checklist {
        var app = try example("change-legal-rep.yaml")
        app.holders = [app.legalRepresentative, Sample.holder2, Person(name: "赵敏", idNumber: "440306199002150027", mobile: "13700003333")]
        return try Checklist.make(for: app, catalog: catalog)
    }

    @Test("the checklist JSON's certificates say 1 new + 2 change, as the fees and forms do")
    func jsonAgreesWithFeesAndForms() throws {
        let c = try threeHolders()
        struct Root: Decodable {
            struct Cert: Decodable {
                var kind: String
                var service: String
                var holders: Int
            }
            var certificates: [Cert]
        }
        let root = try JSONDecoder().decode(Root.self, from: try ChecklistJSON.encode(c))
        let personal = root.certificates.filter { $0.kind == "personal" }
        #expect(personal.map(\.service) == ["new", "change"] && personal.map(\.holders) == [1, 2])
        #expect(root.certificates.first?.kind == "odc" && root.certificates.first?.service == "change")
        // The forms split the same way.
        let appendices = c.forms.filter { $0.form == .holderAppendix }
        #expect(appendices.map(\.service) == [.new, .change] && appendices.map { $0.holders?.count } == [1, 2])
        // And the text.
        let text = ChecklistText.render(c, style: .terminal(color: false))
        #expect(text.contains("机构个人证书（法人证书）（新办） 2年 × 1人（刘海峰）"))
        #expect(text.contains("机构个人证书（法人证书）（变更） 2年 × 2人（黄丽娟、赵敏）"))
    }

    @Test("one part: one personal entry with every holder")
    func onePart() throws {
        let c = try Checklist.make(for: try example("renew.yaml"), catalog: catalog)
        #expect(c.certificates.filter { $0.kind == .personal }.map(\.holders.count) == [c.application.personalHolders.count])
    }
}
