import Testing

@testable import Rules

/// A genuine ID number ending in 000: refused by default with advice that fits where it was typed,
/// accepted once confirmed (`confirmedIdNumbers`) wherever it appears in the application.
@Suite("ID numbers ending in 000")
struct ConfirmedIdNumbersTests {
    static let ending000 = "440305197712015000"  // a valid check digit

    func app(confirmed: [String]? = nil) -> Application {
        var a = Sample.app(.new, [.odc, .personal], holders: [Sample.legalRep, Sample.holder2])
        a.handler.idNumber = Self.ending000
        a.holders![1].idNumber = Self.ending000
        a.holders![1].name = a.handler.name
        a.confirmedIdNumbers = confirmed
        return a
    }

    @Test("refused by default; a YAML/JSON file is not told about Excel but how to confirm")
    func refusedWithAdviceForTheFile() {
        let issues = Validator.validate(app(), today: date("2026-12-02"), entry: .file)
        #expect(issues.map(\.field) == ["handler.idNumber", "holders[1].idNumber"])
        for i in issues {
            #expect(i.message.contains("以 000 结尾") && i.message.contains("confirmedIdNumbers") && !i.message.contains("Excel"))
            #expect(!i.message.contains(Self.ending000), "masked")
        }
    }

    @Test("a spreadsheet is told about Excel's rounding and the 已核对证件号码 column; the web page about its tick box")
    func adviceFitsTheEntry() {
        let sheet = Validator.validate(app(), today: date("2026-12-02"), entry: .spreadsheet)
        #expect(sheet.first?.message.contains("Excel 把长数字四舍五入了") == true && sheet.first?.message.contains("已核对证件号码") == true)
        let web = Validator.validate(app(), today: date("2026-12-02"), entry: .web)
        #expect(web.first?.message.contains("号码确以 000 结尾，已核对原件") == true && web.first?.message.contains("Excel") == false)
    }

    @Test("a confirmed number is accepted wherever it appears in the application")
    func confirmedIsAccepted() {
        #expect(Validator.validate(app(confirmed: [Self.ending000]), today: date("2026-12-02")).isEmpty)
        #expect(
            Validator.validate(app(confirmed: ["４４０３０５１９７７１２０１５０００"]), today: date("2026-12-02")).isEmpty,
            "the confirmation is normalised as an ID number (full-width digits)")
        #expect(!Validator.validate(app(confirmed: ["440305197712016000"]), today: date("2026-12-02")).isEmpty, "another number confirms nothing")
    }

    @Test("confirmedIdNumbers is a top-level key of the applicant file (YAML and JSON)")
    func decodedFromTheFile() throws {
        let yaml =
            try String(contentsOf: repoRoot.appendingPathComponent("Examples/renew.yaml"), encoding: .utf8)
            + "\nconfirmedIdNumbers: [\"\(Self.ending000)\"]\n"
        let a = try ApplicationLoader.decode(yaml, format: .yaml, source: "a.yaml")
        #expect(a.confirmedIdNumbers == [Self.ending000])
    }
}
