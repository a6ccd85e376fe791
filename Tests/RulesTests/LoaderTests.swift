import Foundation
import Testing
@testable import Rules

@Suite struct ApplicationLoading {
    let yaml = """
    organization:
      name: 深圳市南山区康宁诊所有限公司
      uscc: 91350100M000100Y43
      address: 深圳市南山区
    legalRepresentative:
      name: 陈志明
      idNumber: "11010519491231002X"
      mobile: "13823456789"
    handler:
      name: 李俊杰
      idNumber: "440305199212255672"
    service: 新办
    certificates:
      odc: {years: 1}
    """

    @Test func missingFieldNamesFileLineAndField() {
        let e = #expect(throws: ApplicationLoadError.self) { try ApplicationLoader.decode(yaml, format: .yaml, source: "a.yaml") }
        #expect(e?.field == "handler.mobile")
        #expect(e?.line == 10)
        #expect(e?.description.hasPrefix("a.yaml:10: handler.mobile:") == true)
    }

    @Test func badEnumValueNamesField() {
        let text = yaml.replacingOccurrences(of: "  idNumber: \"11010519491231002X\"", with: "  idType: 军官证\n  idNumber: \"11010519491231002X\"")
            .replacingOccurrences(of: "idNumber: \"440305199212255672\"", with: "idNumber: \"440305199212255672\"\n  mobile: \"13912345678\"")
        let e = #expect(throws: ApplicationLoadError.self) { try ApplicationLoader.decode(text, format: .yaml, source: "b.yaml") }
        #expect(e?.field == "legalRepresentative.idType")
        #expect(e?.line == 7)
        #expect(e?.message.contains("军官证") == true)
    }

    @Test func yamlSyntaxErrorHasLine() {
        let e = #expect(throws: ApplicationLoadError.self) { try ApplicationLoader.decode("a: [1, 2\nb: 3\n", format: .yaml, source: "c.yaml") }
        #expect(e?.line != nil)
        #expect(e?.message.contains("YAML") == true)
    }

    @Test func jsonAndChineseEnumWords() throws {
        let json = """
        {"organization": {"name": "深圳市南山区康宁诊所有限公司", "uscc": "91350100M000100Y43", "address": "深圳"},
         "legalRepresentative": {"name": "陈志明", "idNumber": "11010519491231002X", "mobile": "13823456789"},
         "handler": {"name": "李俊杰", "idNumber": "440305199212255672", "mobile": "13912345678"},
         "service": "续期", "channel": "网厅", "certificates": {"personal": {"years": 2}},
         "existingCertificate": {"serial": "ABC123"}}
        """
        let app = try ApplicationLoader.decode(json, format: .json, source: "d.json")
        #expect(app.service == .renew && app.channel == .online && app.certificates.personal?.years == 2)
        let bad = json.replacingOccurrences(of: "\"mobile\": \"13912345678\"", with: "\"mobile\": 13912345678")
        let e = #expect(throws: ApplicationLoadError.self) { try ApplicationLoader.decode(bad, format: .json, source: "d.json") }
        #expect(e?.field == "handler.mobile")
        #expect(e?.line == 3)
    }

    @Test func listNamesTheRecord() throws {
        let one = try String(contentsOf: repoRoot.appendingPathComponent("Examples/renew.yaml"), encoding: .utf8)
        let indented = one.split(separator: "\n").filter { !$0.hasPrefix("#") }.map { "  " + $0 }.joined(separator: "\n")
        let list = "- " + indented.dropFirst(2) + "\n- " + indented.dropFirst(2).replacingOccurrences(of: "mobile: \"13700002222\"", with: "mobilePhone: x") + "\n"
        let e = #expect(throws: ApplicationLoadError.self) { try ApplicationLoader.decodeList(list, format: .yaml, source: "batch.yaml") }
        #expect(e?.field == "[1].handler.mobilePhone" && e?.message == "未知字段 mobilePhone，是否想写 mobile？",
                "an unknown key is named with the nearest known one before the missing key it stands for")
        let ok = try ApplicationLoader.decodeList("applications:\n- " + indented.dropFirst(2) + "\n", format: .yaml, source: "x.yaml")
        #expect(ok.count == 1 && ok[0].service == .renew)
    }

    @Test func unreadableFile() {
        let e = #expect(throws: ApplicationLoadError.self) { try ApplicationLoader.load(url: URL(fileURLWithPath: "/nonexistent/x.yaml")) }
        #expect(e?.source.contains("x.yaml") == true)
    }
}

@Suite struct CatalogLoading {
    let text = try! String(contentsOf: templatesDir.appendingPathComponent("catalog.yaml"), encoding: .utf8)

    func reject(_ t: String) -> String? {
        do { _ = try CatalogLoader.decode(t, file: "catalog.yaml", holidays: catalog.holidays); return nil } catch { return "\(error)" }
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
        #expect(reject(text.replacingOccurrences(of: "documents: [unitApplication, businessLicense, legalRepID, handlerID]\n        fee: {amount: 300",
                                                 with: "documents: [unitApplication, bizLicence]\n        fee: {amount: 300"))?.contains("bizLicence") == true)
    }
    @Test func badSession() {
        #expect(reject(text.replacingOccurrences(of: "{open: \"14:00\", close: \"18:00\"}", with: "{open: \"14:00\", close: \"13:00\"}"))?.contains("sessions") == true)
    }
    @Test func missingFee() {
        #expect(reject(text.replacingOccurrences(of: "        fee: {amount: 120, per: certificate, unit: 个, guide: \"机构证书(ODC证书):120元/个\"}\n", with: ""))?.contains("fee") == true)
    }
    @Test func badHolidays() {
        let e = #expect(throws: CatalogError.self) {
            try HolidayCalendar.load(text: "years:\n  2026:\n    source: x\n    holidays: []\n    makeUpWorkdays:\n      - {date: \"2026-10-09\", for: 国庆节}\n", file: "holidays.yaml")
        }
        #expect(e?.message.contains("周六或周日") == true)
    }
}

@Suite struct Locating {
    @Test func explicitEnvironmentCurrentDirectoryAndExecutable() throws {
        let none = URL(fileURLWithPath: "/")
        #expect(try TemplatesLocator.locate(explicit: templatesDir.path, environment: [:], currentDirectory: none, executable: nil) == templatesDir)
        #expect(try TemplatesLocator.locate(environment: ["CERTPACK_TEMPLATES": templatesDir.path], currentDirectory: none, executable: nil) == templatesDir)
        #expect(try TemplatesLocator.locate(environment: [:], currentDirectory: repoRoot, executable: nil).path == templatesDir.path)
        let exe = repoRoot.appendingPathComponent(".build/debug/certpack")
        #expect(try TemplatesLocator.locate(environment: [:], currentDirectory: none, executable: exe).path == templatesDir.path)
        #expect(throws: TemplatesLocator.NotFound.self) { try TemplatesLocator.locate(explicit: "/nope", environment: [:], currentDirectory: none, executable: nil) }
    }
}
