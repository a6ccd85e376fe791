import Foundation
import Testing

@testable import Rules

/// The lengths every form holds; one more character is a data problem that names the limit.
@Suite struct FieldLimitsTests {
    static func app() -> Application {
        Application(
            organization: Organization(name: "深圳市南山区康宁诊所有限公司", uscc: "91440305MA5DPL4W0G", address: "深圳市南山区科技南十二路18号"),
            legalRepresentative: Person(name: "陈志明", idNumber: "440305198003121235", mobile: "13823456789"),
            handler: Person(name: "李俊杰", idNumber: "440305199212255672", mobile: "13912345678", email: "lijunjie@kangning-clinic.cn"),
            service: .new, certificates: Certificates(odc: ODCRequest(), personal: PersonalRequest(years: 1)))
    }

    @Test(
        "at the limit is valid, one character more is refused naming the limit",
        arguments: [
            ("organization.name", FieldLimits.organizationName, "单位名称最多 60 个字"),
            ("organization.address", FieldLimits.address, "单位地址最多 80 个字"),
            ("legalRepresentative.name", FieldLimits.personName, "姓名最多 30 个字"),
            ("handler.name", FieldLimits.personName, "姓名最多 30 个字"),
            ("handler.email", FieldLimits.email, "电子邮箱最多 60 个字符"),
        ])
    func limits(field: String, limit: Int, message: String) {
        func with(_ n: Int) -> Application {
            var a = Self.app()
            switch field {
            case "organization.name": a.organization.name = "深圳市" + String(repeating: "康", count: n - 7) + "有限公司"
            case "organization.address": a.organization.address = "深圳市" + String(repeating: "南", count: n - 3)
            case "legalRepresentative.name": a.legalRepresentative.name = "买买提·" + String(repeating: "艾", count: n - 4)
            case "handler.name": a.handler.name = "Alexander Maximilian Schneider" + String(repeating: "s", count: n - 30)
            default: a.handler.email = String(repeating: "a", count: n - 11) + "@example.cn"
            }
            return a
        }
        #expect(Validator.validate(with(limit)).filter { $0.field == field } == [], "\(field) at \(limit)")
        let over = Validator.validate(with(limit + 1)).filter { $0.field == field }
        #expect(
            over.count == 1 && over[0].message.hasPrefix(message)
                && over[0].message.hasSuffix("现为 \(limit + 1) \(message.hasSuffix("字符") ? "个字符" : "个字")"), "\(over)")
    }

    @Test("a 法人证书 without years is refused at reading, not taken as 1 year")
    func personalWithoutYearsIsAProblem() {
        let yaml = """
            organization: {name: 深圳市南山区康宁诊所有限公司, uscc: 91440305MA5DPL4W0G, address: 深圳市南山区}
            legalRepresentative: {name: 陈志明, idNumber: "440305198003121235", mobile: "13823456789"}
            handler: {name: 李俊杰, idNumber: "440305199212255672", mobile: "13912345678"}
            service: 新办
            certificates:
              personal: {}
            """
        let e = #expect(throws: ApplicationLoadError.self) { try ApplicationLoader.decode(yaml, format: .yaml, source: "a.yaml") }
        #expect(e?.field == "certificates.personal.years")
        #expect(e?.message.contains("须写明年限") == true, "\(String(describing: e))")
        // The ODC is one year only: there a missing years is that year.
        let odc = yaml.replacingOccurrences(of: "personal: {}", with: "odc: {}")
        #expect((try? ApplicationLoader.decode(odc, format: .yaml, source: "b.yaml"))?.certificates.odc?.years == 1)
    }
}
