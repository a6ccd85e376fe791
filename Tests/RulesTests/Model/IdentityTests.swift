import Testing

@testable import Rules

/// One 证件号码 is one person; one name may be two people.
@Suite("Identities: one ID number, one person")
struct IdentityTests {
    @Test("the same 证件号码 under two names is refused, naming both places")
    func oneNumberTwoNamesRefused() {
        var app = Sample.app(.new, [.odc, .personal])
        app.handler.idNumber = Sample.legalRep.idNumber  // 李俊杰 carrying 陈志明's number
        let issues = Validator.validate(app, catalog: catalog, today: date("2026-12-02"))
        let issue = try? #require(issues.first { $0.field == "handler.idNumber" })
        #expect(issue?.message.contains("经办人（handler）「李俊杰」") == true)
        #expect(issue?.message.contains("法定代表人（legalRepresentative）「陈志明」") == true)
        #expect(issue?.message.contains("110105********002X") == true && issue?.message.contains(Sample.legalRep.idNumber) == false)
    }

    @Test("a holder with the 法定代表人's number under another name is refused on the holder")
    func holderWithAnothersNumber() {
        var other = Sample.holder2
        other.idNumber = Sample.legalRep.idNumber
        let app = Sample.app(.new, [.personal], holders: [Sample.legalRep, other])
        let issues = Validator.validate(app, catalog: catalog, today: date("2026-12-02"))
        #expect(issues.contains { $0.field == "holders[1].idNumber" && $0.message.contains("持证人 2") && $0.message.contains("法定代表人") })
    }

    @Test("the same person in two roles (same name, same number) is fine")
    func samePersonTwoRoles() {
        let app = Sample.app(.new, [.personal], holders: [Sample.legalRep, Sample.holder2])
        #expect(Validator.validate(app, catalog: catalog, today: date("2026-12-02")).isEmpty)
    }

    @Test("the same name with two numbers is a warning naming both, in the checklist text and JSON")
    func sameNameTwoNumbersWarned() throws {
        var namesake = Sample.handler
        namesake.name = Sample.legalRep.name  // a second 陈志明, another number
        var app = Sample.app(.new, [.odc, .personal])
        app.handler = namesake
        #expect(Validator.validate(app, catalog: catalog, today: date("2026-12-02")).isEmpty, "two people may share a name")
        let c = try Checklist.make(for: app, catalog: catalog)
        let warning = try #require(c.warnings.first { $0.contains("同名") })
        #expect(warning.contains("法定代表人与经办人同名「陈志明」") && warning.contains("110105********002X") && warning.contains("440305********5672"))
        #expect(ChecklistText.render(c, style: .terminal(color: false)).contains(warning))
        let json = String(decoding: try ChecklistJSON.encode(c), as: UTF8.self)
        #expect(json.contains("法定代表人与经办人同名「陈志明」"))
    }
}
