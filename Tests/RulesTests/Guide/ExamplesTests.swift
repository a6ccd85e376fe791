import Foundation
import Testing

@testable import Rules

/// Each example of Examples/ is valid and gives what the guide says.
@Suite struct Examples {
    @Test(arguments: [
        "new-odc-personal.yaml", "renew.yaml", "change-name.yaml", "change-legal-rep.yaml", "unlock.yaml",
        "replace-lost-ukey.yaml", "online-new-personal.yaml", "revoke.yaml",
    ])
    func valid(_ name: String) throws {
        let app = try example(name)
        #expect(Validator.validate(app, catalog: catalog, today: date("2026-12-02")) == [])
        _ = try Checklist.make(for: app, catalog: catalog, today: date("2026-12-02"))
    }

    @Test func newODCPersonal() throws {
        let app = try example("new-odc-personal.yaml")
        #expect(app.legalRepresentative.idNumber != app.handler.idNumber)
        #expect(app.applicationDate != nil && app.visit?.date != nil)
        let c = try Checklist.make(for: app, catalog: catalog)
        #expect(c.fees.total == 450)
        #expect(c.visit?.complete == true)
        #expect(c.forms.map(\.form) == [.unitApplication, .institutionApplication, .holderAppendix, .authorization, .authorization])
        let json = String(decoding: try ChecklistJSON.encode(c), as: UTF8.self)
        for key in [
            "\"service\"", "\"certificates\"", "\"documents\"", "\"fees\"", "\"total\" : 450", "\"visit\"", "\"complete\" : true", "\"warnings\"",
        ] {
            #expect(json.contains(key), "\(key)")
        }
        #expect(!json.contains("440305198003121235"))  // masked
    }
    @Test func renew() throws {
        let c = try Checklist.make(for: try example("renew.yaml"), catalog: catalog)
        #expect(c.fees.total == 450)  // ODC 免费 + 150 × 1 × 3
        #expect(c.items(.ukey).count == 2)
    }
    @Test func changeName() throws {
        let c = try Checklist.make(for: try example("change-name.yaml"), catalog: catalog)
        #expect(c.fees.total == 0 && c.services[.personal] == .change)
    }
    @Test func changeLegalRep() throws {
        let c = try Checklist.make(for: try example("change-legal-rep.yaml"), catalog: catalog)
        #expect(c.services[.personal] == .new && c.fees.total == 300)
        #expect(c.visit?.status == .partial)  // a Saturday: ODC not at weekends
    }
    @Test func unlock() throws {
        let c = try Checklist.make(for: try example("unlock.yaml"), catalog: catalog)
        #expect(c.visit?.time?.description == "14:00")
        #expect(c.forms.filter { $0.form == .authorization }.count == 1)  // legal rep = handler
    }
    @Test func replaceLostUkey() throws {
        let c = try Checklist.make(for: try example("replace-lost-ukey.yaml"), catalog: catalog)
        #expect(c.fees.total == 220 && c.items(.ukey).isEmpty)
    }
    @Test func onlineNewPersonal() throws {
        let c = try Checklist.make(for: try example("online-new-personal.yaml"), catalog: catalog)
        #expect(c.visit?.expectedCompletion == date("2026-12-29"))
        #expect(c.fees.total == 300)
    }
    @Test func revoke() throws {
        let c = try Checklist.make(for: try example("revoke.yaml"), catalog: catalog)
        #expect(c.fees.total == nil && !c.warnings.isEmpty)
    }
    @Test func textRenderingMasksIDs() throws {
        let c = try Checklist.make(for: try example("new-odc-personal.yaml"), catalog: catalog)
        for style in [ChecklistText.Style.terminal(color: false), .terminal(color: true), .markdown] {
            let t = ChecklistText.render(c, style: style)
            #expect(t.contains("440305********1235") && !t.contains("440305198003121235"))
            #expect(t.contains("正反两面复印在同一张A4纸"))
            #expect(t.contains("154 739 697 600 74"))
            #expect(t.contains("\u{1B}[") == (style == .terminal(color: true)))
        }
    }
}
