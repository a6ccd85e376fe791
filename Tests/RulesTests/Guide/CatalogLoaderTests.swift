import Foundation
import Testing

@testable import Rules

@Suite struct CatalogLoading {
    let text = try! String(contentsOf: templatesDir.appendingPathComponent("catalog.yaml"), encoding: .utf8)

    func reject(_ t: String) -> String? {
        do {
            _ = try CatalogLoader.decode(t, file: "catalog.yaml", holidays: catalog.holidays)
            return nil
        } catch { return "\(error)" }
    }

    @Test func theRealCatalogHasAllServicesAndOffices() {
        #expect(Set(catalog.services.keys) == Set(Service.allCases))
        #expect(catalog.offices.map(\.name) == ["科技园文化广场", "龙岗行政服务大厅受理点", "龙岗受理点"])
        #expect(catalog.payment.account == "154 739 697 600 74")
        #expect(catalog.rule(for: .revoke).published == false)
    }
    // Offices table of RULES.md, from 「办理地址」 and 「服务时间」.
    @Test func officeHoursAsData() throws {
        let k = try catalog.office(named: "科技园文化广场")
        #expect(k.days == Set(1...7) && k.sessions.map(\.description) == ["09:00-12:00", "13:30-18:00"])
        let h = try catalog.office(named: "龙岗行政服务大厅受理点")
        #expect(h.days == Set(1...5) && h.lunchBreak?.description == "12:00-14:00")
        #expect(h.address == "深圳市龙岗区龙翔大道8033-1龙岗区行政服务大厅一楼36号窗口")
        let l = try catalog.office(named: "龙岗受理点")
        #expect(l.days == Set(1...5) && l.sessions.map(\.description) == ["09:00-12:00", "13:30-18:00"])
        let allClosed = catalog.offices.allSatisfy { $0.closedOnHolidays }
        #expect(allClosed)
    }
    @Test func malformedYAML() { #expect(reject("version: [1")?.contains("catalog.yaml") == true) }
    @Test func missingService() {
        #expect(reject(text.replacingOccurrences(of: "\n  unlock:\n", with: "\n  unlockx:\n"))?.contains("services.unlock") == true)
    }
    @Test func unknownDocument() {
        #expect(
            reject(
                text.replacingOccurrences(
                    of: "documents: [unitApplication, businessLicense, legalRepID, handlerID]\n        fee: {amount: 300",
                    with: "documents: [unitApplication, bizLicence]\n        fee: {amount: 300"))?.contains("bizLicence") == true)
    }
    @Test func badSession() {
        #expect(
            reject(text.replacingOccurrences(of: "{open: \"14:00\", close: \"18:00\"}", with: "{open: \"14:00\", close: \"13:00\"}"))?.contains(
                "sessions") == true)
    }
    @Test func missingFee() {
        #expect(
            reject(text.replacingOccurrences(of: "        fee: {amount: 120, per: certificate, unit: 个, guide: \"机构证书(ODC证书):120元/个\"}\n", with: ""))?
                .contains("fee") == true)
    }
    @Test func badHolidays() {
        let e = #expect(throws: CatalogError.self) {
            try HolidayCalendar.load(
                text: "years:\n  2026:\n    source: x\n    holidays: []\n    makeUpWorkdays:\n      - {date: \"2026-10-09\", for: 国庆节}\n",
                file: "holidays.yaml")
        }
        #expect(e?.message.contains("周六或周日") == true)
    }
}
