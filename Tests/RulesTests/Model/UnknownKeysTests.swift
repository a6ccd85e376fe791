import Testing

@testable import Rules

/// Keys the model does not know are refused at any level of a YAML/JSON applicant file, naming the key
/// and the nearest known one; the known keys are the model's own.
@Suite("Unknown keys in applicant files")
struct UnknownKeysTests {
    static let renew = try! String(contentsOf: repoRoot.appendingPathComponent("Examples/renew.yaml"), encoding: .utf8)

    func refusal(_ yaml: String) -> ApplicationLoadError? {
        do {
            _ = try ApplicationLoader.decode(yaml, format: .yaml, source: "a.yaml")
            return nil
        } catch { return error as? ApplicationLoadError }
    }

    @Test("holder: for holders: is refused with 「未知字段 holder，是否想写 holders？」 and its line")
    func topLevel() throws {
        let e = try #require(refusal(Self.renew + "holder:\n  - {name: 黄丽娟, idNumber: \"440307198506202347\", mobile: \"13700002222\"}\n"))
        #expect(e.message == "未知字段 holder，是否想写 holders？")
        #expect(e.field == "holder" && e.line != nil)
    }

    @Test(
        "a misspelt key deep in the file is refused with its path",
        arguments: [
            ("  name: 深圳", "  nmae: 深圳", "organization.nmae", "name"),
            ("  mobile: \"13700002222\"", "  mobil: \"13700002222\"", "handler.mobil", "mobile"),
        ])
    func nested(_ from: String, _ to: String, _ field: String, _ near: String) throws {
        let yaml = Self.renew.replacingOccurrences(of: from, with: to)
        try #require(yaml != Self.renew)
        let e = try #require(refusal(yaml))
        #expect(e.field?.hasSuffix(field) == true && e.message.contains("是否想写 \(near)"), "\(e)")
    }

    @Test("visit, certificates and change items refuse unknown keys too; JSON as YAML")
    func everyLevel() throws {
        var e = refusal(Self.renew + "existingCertificate2: x\n")
        #expect(e?.message == "未知字段 existingCertificate2，是否想写 existingCertificate？")
        let visit = Self.renew.replacingOccurrences(of: "visit:\n", with: "visit:\n  tmie: \"10:00\"\n")
        e = refusal(visit)
        #expect(e?.field == "visit.tmie" && e?.message.contains("是否想写 time") == true)
        let json =
            #"{"organization":{"name":"甲","uscc":"91350100M000100Y43","address":"深圳"},"legalRepresentative":{"name":"陈志明","idNumber":"11010519491231002X","mobile":"13823456789"},"handler":{"name":"陈志明","idNumber":"11010519491231002X","mobile":"13823456789"},"service":"new","certificates":{"personal":{"years":1,"yaers":2}}}"#
        do {
            _ = try ApplicationLoader.decode(json, format: .json, source: "a.json")
            Issue.record("accepted")
        } catch let e as ApplicationLoadError {
            #expect(e.field == "certificates.personal.yaers" && e.message == "未知字段 yaers，是否想写 years？")
        }
    }

    @Test("a list file's top level refuses unknown keys too (applicaions: for applications:)")
    func listTopLevel() {
        let indented = Self.renew.split(separator: "\n").filter { !$0.hasPrefix("#") }.map { "  " + $0 }.joined(separator: "\n")
        let text = "applications:\n- " + indented.dropFirst(2) + "\napplicaions: []\n"
        #expect { try ApplicationLoader.decodeList(text, format: .yaml, source: "l.yaml") } throws: {
            ($0 as? ApplicationLoadError)?.message == "未知字段 applicaions，是否想写 applications？"
        }
    }

    @Test("a key far from every known one lists what may be written there")
    func noNearKey() {
        #expect(UnknownKey.message("备注", known: ["date", "time", "office"]) == "未知字段 备注（此处可用的字段：date、time、office）")
    }

    @Test("the model's own keys are known (confirmedIdNumbers)")
    func modelKeysKnown() throws {
        _ = try ApplicationLoader.decode(Self.renew + "confirmedIdNumbers: []\n", format: .yaml, source: "a.yaml")
    }
}
