import Testing

@testable import Rules

@Suite struct Validation {
    @Test func validApplicationHasNoIssues() {
        #expect(Validator.validate(Sample.app(.new, [.odc, .personal])).isEmpty)
    }

    // RULES.md「Mobile numbers: 11 digits starting with 1 (mainland)」
    @Test func mobile() {
        #expect(Validator.mobileProblem("13912345678") == nil)
        #expect(Validator.mobileProblem("23912345678") != nil)
        #expect(Validator.mobileProblem("1391234567") != nil)
        #expect(Validator.mobileProblem("139-1234-5678") != nil)
        #expect(Validator.mobileProblem("")?.contains("短信") == true)
    }

    // RULES.md「other phone numbers: digits, spaces, -, +, ()」
    @Test func otherPhones() {
        #expect(Validator.phoneProblem("0755-2655 8800") == nil)
        #expect(Validator.phoneProblem("+86 (755) 26558800") == nil)
        #expect(Validator.phoneProblem("0755-ABCD") != nil)
        #expect(Validator.phoneProblem("123") != nil)
    }

    @Test func email() {
        #expect(Validator.isEmail("lijunjie@kangning-clinic.cn"))
        #expect(!Validator.isEmail("lijunjie@"))
        #expect(!Validator.isEmail("li junjie@a.cn"))
        #expect(!Validator.isEmail("a@b"))
    }

    // RULES.md「Every check failure names the field … a batch reports all failures at once, not just the first.」
    @Test func allFailuresReportedTogetherEachNamingItsField() {
        var app = Sample.app(.renew, [.odc, .personal], years: 6)
        app.organization.uscc = "91350100M000100Y44"
        app.handler.mobile = "2391234567"
        app.handler.email = "nope"
        app.legalRepresentative.idNumber = "110105194912310021"
        app.existingCertificate = nil
        app.certificates.odc = ODCRequest(years: 2)
        let fields = Set(Validator.validate(app).map(\.field))
        #expect(
            fields == [
                "organization.uscc", "handler.mobile", "handler.email", "legalRepresentative.idNumber",
                "existingCertificate.serial", "certificates.odc.years", "certificates.personal.years",
            ])
    }

    // FORMS.md「原证书序列号 existingCertificate.serial: required for 续期, 变更, 解锁, 吊销; optional for 介质补办」
    @Test(arguments: Service.allCases) func serialRequiredPerService(_ s: Service) {
        var app = Sample.app(s, [.odc])
        app.existingCertificate = nil
        let missing = Validator.validate(app).contains { $0.field == "existingCertificate.serial" }
        #expect(missing == [.renew, .change, .unlock, .revoke].contains(s))
    }

    @Test func changeNeedsItems() {
        var app = Sample.app(.change, [.odc])
        app.change = nil
        #expect(Validator.validate(app).map(\.field).contains("change.items"))
        app.change = ChangeDetails(items: [ChangeItem(item: "单位名称", from: "旧", to: "")])
        #expect(Validator.validate(app).map(\.field) == ["change.items[0].to"])
    }

    @Test func atLeastOneCertificate() {
        let app = Sample.app(.new, [])
        #expect(Validator.validate(app).map(\.field) == ["certificates"])
    }

    // RULES.md「Reject what the guide forbids with a clear message: ODC years ≠ 1, personal years outside 1–5.」
    @Test func yearsOutOfRange() {
        #expect(Validator.validate(Sample.app(.new, [.personal], years: 0)).map(\.field) == ["certificates.personal.years"])
        #expect(Validator.validate(Sample.app(.new, [.personal], years: 5)).isEmpty)
    }

    // 「注:仅支持机构个人证书网厅办理。」 and 网上办理 only on the 申请 and 续期 tabs.
    @Test func onlineChannelLimits() {
        #expect(Validator.validate(Sample.app(.new, [.odc, .personal], channel: .online)).map(\.field) == ["channel"])
        #expect(Validator.validate(Sample.app(.new, [.personal], channel: .online)).isEmpty)
        #expect(Validator.validate(Sample.app(.renew, [.odc, .personal], channel: .online)).isEmpty)
        for s in [Service.change, .unlock, .replace, .revoke] {
            #expect(Validator.validate(Sample.app(s, [.personal], channel: .online)).map(\.field) == ["channel"])
        }
    }

    @Test func holdersPathsAndDuplicates() {
        var h = Sample.holder2
        h.mobile = "123"
        let app = Sample.app(.new, [.personal], holders: [Sample.legalRep, h, Sample.legalRep])
        let fields = Validator.validate(app).map(\.field)
        #expect(fields.contains("holders[1].mobile"))
        #expect(fields.contains("holders[2].idNumber"))
    }

    @Test func unknownOfficeNeedsCatalog() {
        var app = Sample.app(.new, [.odc])
        app.visit = PlannedVisit(date: date("2026-12-07"), time: "25:00", office: "福田受理点")
        let fields = Validator.validate(app, catalog: catalog).map(\.field)
        #expect(fields == ["visit.time", "visit.office"])
    }
}
