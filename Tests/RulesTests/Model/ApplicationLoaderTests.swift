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
        let list =
            "- " + indented.dropFirst(2) + "\n- " + indented.dropFirst(2).replacingOccurrences(of: "mobile: \"13700002222\"", with: "mobilePhone: x")
            + "\n"
        let e = #expect(throws: ApplicationLoadError.self) { try ApplicationLoader.decodeList(list, format: .yaml, source: "batch.yaml") }
        #expect(
            e?.field == "[1].handler.mobilePhone" && e?.message == "未知字段 mobilePhone，是否想写 mobile？",
            "an unknown key is named with the nearest known one before the missing key it stands for")
        let ok = try ApplicationLoader.decodeList("applications:\n- " + indented.dropFirst(2) + "\n", format: .yaml, source: "x.yaml")
        #expect(ok.count == 1 && ok[0].service == .renew)
    }

    @Test func unreadableFile() {
        let e = #expect(throws: ApplicationLoadError.self) { try ApplicationLoader.load(url: URL(fileURLWithPath: "/nonexistent/x.yaml")) }
        #expect(e?.source.contains("x.yaml") == true)
    }
}
