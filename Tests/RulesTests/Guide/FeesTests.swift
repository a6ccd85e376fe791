import Testing

@testable import Rules

/// 收费标准, tab by tab. Amounts in 元.
@Suite struct FeesTests {
    func total(_ s: Service, _ kinds: [CertKind], years: Int = 1, holders: [Person]? = nil) throws -> Int? {
        try Fees.compute(for: Sample.app(s, kinds, years: years, holders: holders), catalog: catalog).total
    }

    // 申请: 「机构证书(ODC证书):300元(只能办理1年期)」「机构个人证书(法人证书):150元/个/年(可办理1-5年期)」
    @Test func newFees() throws {
        #expect(try total(.new, [.odc]) == 300)
        #expect(try total(.new, [.personal]) == 150)
        #expect(try total(.new, [.personal], years: 5) == 750)
        #expect(try total(.new, [.odc, .personal], years: 3, holders: [Sample.legalRep, Sample.holder2]) == 300 + 150 * 2 * 3)
    }
    // 续期: 「机构证书(ODC证书):免费(只能办理1年期)」「机构个人证书(法人证书):150元/个/年(可办理1-5年期)」
    @Test func renewFees() throws {
        #expect(try total(.renew, [.odc]) == 0)
        #expect(try total(.renew, [.personal], years: 2, holders: [Sample.legalRep, Sample.holder2]) == 600)
    }
    // 变更: 「机构证书(ODC证书):免费」「机构个人证书(法人证书):免费」
    @Test func changeFees() throws {
        #expect(try total(.change, [.odc, .personal], years: 3) == 0)
    }
    // 解锁: 「收费标准 免费」
    @Test func unlockFees() throws {
        #expect(try total(.unlock, [.odc, .personal]) == 0)
    }
    // 介质补办: 「机构证书(ODC证书):120元/个」「机构个人证书(法人证书):50元/个」 — per Ukey, per holder; years do not count.
    @Test func replaceFees() throws {
        #expect(try total(.replace, [.odc]) == 120)
        #expect(try total(.replace, [.personal], years: 3) == 50)
        #expect(try total(.replace, [.odc, .personal], holders: [Sample.legalRep, Sample.holder2]) == 120 + 50 * 2)
    }
    // 吊销: not in the guide.
    @Test func revokeFeesUnknown() throws {
        let f = try Fees.compute(for: Sample.app(.revoke, [.odc, .personal]), catalog: catalog)
        #expect(f.total == nil && f.knownTotal == 0 && !f.isComplete)
        #expect(f.items.allSatisfy { $0.label.contains("未公布") && $0.amount == nil })
    }
    @Test func itemisedLines() throws {
        let f = try Fees.compute(for: Sample.app(.new, [.odc, .personal], years: 2, holders: [Sample.legalRep, Sample.holder2]), catalog: catalog)
        #expect(f.items.map(\.amount) == [300, 600])
        #expect(f.items[1].label.contains("150元/个/年 × 2人 × 2年"))
        #expect(f.items[0].guide == "机构证书(ODC证书):300元(只能办理1年期)")
    }
    // 「只能办理1年期」「可办理1-5年期」: errors, with a clear message.
    @Test func forbiddenYears() {
        var app = Sample.app(.new, [.odc])
        app.certificates.odc = ODCRequest(years: 2)
        let e = #expect(throws: RulesError.self) { try Fees.compute(for: app, catalog: catalog) }
        #expect("\(e!)".contains("只能办理1年期"))
        for y in [0, 6] {
            let e2 = #expect(throws: RulesError.self) { try Fees.compute(for: Sample.app(.renew, [.personal], years: y), catalog: catalog) }
            #expect("\(e2!)".contains("1-5年期"))
        }
    }
    @Test func noCertificates() {
        #expect(throws: RulesError.noCertificates) { try Fees.compute(for: Sample.app(.new, []), catalog: catalog) }
    }
}
