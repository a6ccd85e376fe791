import Testing

@testable import Rules

/// The smaller slips of issue 16, each a line: postcode with a space, TAB/line break inside 职务, a time
/// typed with seconds, a birth date before 1900, the online 吊销 wording, one date/time tidy.
@Suite("Smaller input slips")
struct SmallerInputTests {
    @Test("a postcode typed with a space is accepted")
    func postcodeWithSpace() {
        #expect(Validator.postcodeProblem("518 057") == nil)
        #expect(Normaliser.normalise(field: "organization.postcode", value: "518 057").problem == nil)
        #expect(Validator.postcodeProblem("5180 5") != nil)
    }

    @Test("a TAB or line break inside 职务 is accepted there (joined), refused in a name")
    func titleJoinsBreaks() {
        var p = Sample.holder2
        p.title = "主任\t医师"
        var app = Sample.app(.new, [.personal], holders: [Sample.legalRep, p])
        #expect(Validator.validate(app, today: date("2026-12-02")).isEmpty)
        app.holders![1].title = "主任\n医师"
        #expect(Validator.validate(app, today: date("2026-12-02")).isEmpty)
        #expect(Normaliser.normalise(app).holders![1].title == "主任医师")
        #expect(Normaliser.normalise(field: "holders[1].title", value: "主任\r\n医师") == ("主任医师", nil))
        app.holders![1].name = "黄\t丽娟"
        #expect(Validator.validate(app, today: date("2026-12-02")).contains { $0.field == "holders[1].name" })
    }

    @Test("one date/time tidy in the normaliser: 10:00:00 and 9:30 become HH:MM, 2026/12/7 becomes 2026-12-07")
    func dateTimeTidy() {
        #expect(Normaliser.normalise("10:00:00", kind: .time) == "10:00")
        #expect(Normaliser.normalise("9:30", kind: .time) == "09:30")
        #expect(Normaliser.normalise("９：３０", kind: .time) == "09:30")
        #expect(Normaliser.normalise("10:00:30", kind: .time) == "10:00:30", "seconds that are not zero are left for the check")
        #expect(Normaliser.normalise("2026/12/7", kind: .date) == "2026-12-07")
        #expect(Normaliser.kind(ofField: "visit.time") == .time && Normaliser.kind(ofField: "applicationDate") == .date)
        var app = Sample.app(.new, [.odc])
        app.visit = PlannedVisit(date: date("2026-12-07"), time: "10:00:00", office: nil)
        let n = Normaliser.normalise(app)
        #expect(n.visit?.time == "10:00" && Validator.validate(n, today: date("2026-12-02")).isEmpty)
    }

    @Test("a birth date before 1900 gets its own message")
    func birthBefore1900() {
        let id17 = "44030518990101123"
        let id = id17 + String(CheckDigits.residentIDCheckDigit(id17)!)
        let m = Validator.idProblem(id, type: .residentID, today: date("2026-12-02"))
        #expect(m?.contains("早于 1900 年") == true, "\(m ?? "")")
    }

    @Test("online 吊销 is refused as the guide lists no online route, not as a rule")
    func onlineRevokeWording() {
        let app = Sample.app(.revoke, [.personal], channel: .online)
        let m = Validator.validate(app, today: date("2026-12-02")).first { $0.field == "channel" }?.message
        #expect(m == "指南未列出吊销的网上办理途径（网上办理只列有机构个人证书新办和续期），请现场办理")
        #expect("\(RulesError.channelNotAllowed(.revoke, .online, kind: nil, guide: nil))" == m)
    }
}
