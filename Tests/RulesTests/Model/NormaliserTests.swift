import Foundation
import Testing

@testable import Rules

/// An ID number from its first 17 digits and the check digit CheckDigits computes (codes copied
/// from the web are often wrong; these are right by construction).
func idWithCheck(_ first17: String) -> String { first17 + String(CheckDigits.residentIDCheckDigit(first17)!) }
func usccWithCheck(_ first17: String) -> String { first17 + String(CheckDigits.usccCheckCharacter(first17)!) }

/// One line of the table: a field, the value as typed, the value after normalising, and the
/// refusal (a part of its message) or nil when the value is accepted.
struct Typed: CustomTestStringConvertible, Sendable {
    var field: String, typed: String, value: String, refusal: String?
    init(_ field: String, _ typed: String, _ value: String? = nil, _ refusal: String? = nil) {
        self.field = field
        self.typed = typed
        self.value = value ?? typed
        self.refusal = refusal
    }
    var testDescription: String { "\(field) \(Normaliser.shown(typed, limit: 40))" }
}

let today = CivilDate(year: 2026, month: 11, day: 25)!

/// ISSUE 10「Normalise what people type, refuse what is wrong, explain both」: input as typed →
/// normalised value or refusal message.
let typedTable: [Typed] = [
    // Full-width digits, letters and signs from a Chinese input method → half-width (NFKC).
    Typed("handler.mobile", "１３８２３４５６７８９", "13823456789"),
    Typed("organization.postcode", "５１８０５７", "518057"),
    Typed("organization.phone", "（0755）2655　8800", "(0755)2655 8800"),
    Typed("handler.email", "lijunjie＠kangning-clinic.cn", "lijunjie@kangning-clinic.cn"),
    Typed("handler.email", "lijunjie@kangning-clinic。cn", "lijunjie@kangning-clinic.cn"),
    Typed("handler.idNumber", "４４０３０５１９９２１２２５５６７２", "440305199212255672"),
    Typed("handler.mobile", "+86 138-2345-6789", "13823456789"),
    // x → X at the end of an ID; lowercase 统一社会信用代码 → uppercase.
    Typed("legalRepresentative.idNumber", "11010519491231002x", "11010519491231002X"),
    Typed("organization.uscc", "91350100m000100y43", "91350100M000100Y43"),
    // Spaces (ASCII and U+3000), zero-width characters and BOMs go.
    Typed("organization.uscc", " 91350100M000100Y43　", "91350100M000100Y43"),
    Typed("handler.name", "\u{FEFF}李俊杰\u{200B}", "李俊杰"),
    Typed("handler.name", "　李俊杰 ", "李俊杰"),
    Typed("holders[1].name", "艾力•买买提", "艾力·买买提"),
    Typed("organization.address", "深圳市南山区\n科技南十二路18号", "深圳市南山区科技南十二路18号"),
    // A TAB or line break inside a name is an error that says so; other control characters are named, not echoed.
    Typed("handler.name", "李\t俊杰", nil, "制表符（Tab）"),
    Typed("handler.name", "李俊\n杰", nil, "换行"),
    Typed("organization.name", "康宁\u{1B}[31m诊所", nil, "控制字符（U+001B）"),
    // An ID Excel rounded to 15 significant digits (this one even passes the check digit).
    Typed("handler.idNumber", "440305197712015000", nil, "以 000 结尾：请对照证件原件核对"),
    // ? and U+FFFD where a save as GBK lost a rare character (刘䶮 → 刘?).
    Typed("holders[0].name", "刘?", nil, "保存为 GBK 时生僻字变成了 ?，请另存为 CSV UTF-8"),
    Typed("handler.name", "刘\u{FFFD}", nil, "保存为 GBK 时生僻字变成了 ?，请另存为 CSV UTF-8"),
    // A landline that lost the area code's 0; service numbers and local numbers are fine.
    Typed("organization.phone", "75526558800", nil, "缺了区号前的 0"),
    Typed("organization.phone", "0755-26558800"),
    Typed("organization.phone", "4008301330"),
    Typed("organization.phone", "26558800"),
    Typed("organization.phone", "26558800-801"),
    // Mobiles are 13x–19x.
    Typed("handler.mobile", "12345678901", nil, "以 13–19 开头"),
    Typed("handler.mobile", "19912345678"),
    // Birth dates in the future; region codes that are no province (81–83: 港澳台居民居住证).
    Typed("handler.idNumber", idWithCheck("44030520310506123"), nil, "在今天（2026-11-25）之后"),
    Typed("handler.idNumber", idWithCheck("00000019800101123"), nil, "前两位「00」不是省级行政区划代码"),
    Typed("handler.idNumber", idWithCheck("99030519800101123"), nil, "前两位「99」不是省级行政区划代码"),
    Typed("handler.idNumber", idWithCheck("81000019800101123")),
    // 统一社会信用代码: places 3–8 are the six-digit region code.
    Typed("organization.uscc", usccWithCheck("91MA0305KHC406HYT"), nil, "第3–8位「MA0305」应为6位数字"),
    // Valid by GB 32100 (N1 = 农民专业合作社, region 440311, check R).
    Typed("organization.uscc", "N1440311KHC406HYTR"),
    // Old 15-digit IDs.
    Typed("holders[0].idNumber", "440305771201123", nil, "请使用 18 位身份证号码"),
    // Only real scientific notation is called so.
    Typed("handler.idNumber", "4.40305E+17", nil, "科学计数法"),
    Typed("organization.uscc", "9.14403E+17", nil, "科学计数法"),
    Typed("organization.uscc", "91440305E500000000"),
]

@Suite struct Normalising {
    @Test(arguments: typedTable) func inputAsTypedIsNormalisedOrRefusedWithItsReason(_ t: Typed) {
        let (value, problem) = Normaliser.normalise(field: t.field, value: t.typed, today: today)
        #expect(value == t.value)
        if let refusal = t.refusal {
            #expect(problem?.contains(refusal) == true, "\(problem ?? "accepted")")
        } else {
            #expect(problem == nil)
        }
        #expect(!(problem ?? "").unicodeScalars.contains { $0.properties.generalCategory == .control }, "no raw control character reaches a terminal")
    }

    @Test func aWholeApplicationTypedWithAChineseInputMethodIsValidOnceNormalised() {
        var app = Sample.app(.new, [.odc, .personal])
        app.organization.uscc = "９１３５０１００ｍ０００１００ｙ４３"
        app.organization.name = "\u{FEFF}深圳市南山区康宁诊所有限公司　"
        app.organization.postcode = "５１８０５７"
        app.legalRepresentative.idNumber = "11010519491231002x"
        app.handler.mobile = "１３９１２３４５６７８"
        app.handler.email = "li＠example.cn"
        app.holders = [app.legalRepresentative, Sample.holder2]
        app.holders![1].name = "黄丽娟\u{200B}"
        #expect(!Validator.validate(app, today: today).isEmpty, "as typed, the checks refuse it")
        let normal = Normaliser.normalise(app)
        #expect(Validator.validate(normal, today: today).isEmpty, "\(Validator.validate(normal, today: today))")
        #expect(normal.organization.uscc == "91350100M000100Y43" && normal.holders![0].idNumber == "11010519491231002X")
        #expect(normal.holders![1].name == "黄丽娟" && normal.handler.email == "li@example.cn")
    }

    @Test func yamlIsNormalisedWhenLoaded() throws {
        let yaml = """
            service: 新办
            certificates: {odc: {years: 1}}
            organization: {name: " 康宁诊所", uscc: "91350100m000100y43", address: 深圳市南山区, postcode: "５１８０５７"}
            legalRepresentative: {name: 陈志明, idNumber: "11010519491231002x", mobile: "１３８２３４５６７８９"}
            handler: {name: 李俊杰, idNumber: "440305199212255672", mobile: "13912345678", email: "li＠example.cn"}
            """
        let app = try ApplicationLoader.decode(yaml, format: .yaml, source: "a.yaml")
        #expect(app.organization.name == "康宁诊所" && app.organization.uscc == "91350100M000100Y43")
        #expect(app.legalRepresentative.idNumber == "11010519491231002X" && app.legalRepresentative.mobile == "13823456789")
        #expect(app.handler.email == "li@example.cn" && app.organization.postcode == "518057")
        #expect(Validator.validate(app, today: today).isEmpty)
    }

    @Test func aNameWithATabIsRefusedInTheWholeApplicationNamingTheField() {
        var app = Sample.app(.new, [.odc])
        app.handler.name = "李\t俊杰"
        let issues = Validator.validate(Normaliser.normalise(app), today: today)
        #expect(issues.map(\.field) == ["handler.name"] && issues[0].message.contains("制表符"))
    }

    @Test func messagesQuoteLongValuesCut() {
        let long = String(repeating: "深圳市南山区", count: 20)
        #expect(Normaliser.shown(long).count <= 25)
        #expect(Normaliser.shown("a\tb") == "a⟨Tab⟩b")
    }

    @Test func todayIsChinaStandardTime() {
        // 2026-11-24 17:00 UTC is 2026-11-25 01:00 in 深圳.
        #expect(CivilDate.today(now: Date(timeIntervalSince1970: 1_795_539_600)) == today)
    }
}

@Suite struct LoaderMessages {
    @Test func aJSONNumberWhereACodeBelongsIsExplained() {
        let json =
            #"{"service":"新办","certificates":{"odc":{}},"organization":{"name":"a","uscc":"91350100M000100Y43","address":"b"},"legalRepresentative":{"name":"c","idNumber":440305198003121235,"mobile":"13823456789"},"handler":{"name":"c","idNumber":"440305199212255672","mobile":"13912345678"}}"#
        #expect { try ApplicationLoader.decode(json, format: .json, source: "a.json") } throws: {
            "\($0)".contains("legalRepresentative.idNumber") && "\($0)".contains("请加引号")
        }
    }

    @Test func anUnknownServiceIsExplainedInChineseWithoutEchoingControlCharacters() {
        let yaml =
            "service: \"新\\e[31m办\"\ncertificates: {odc: {}}\norganization: {name: a, uscc: 91350100M000100Y43, address: b}\nlegalRepresentative: {name: c, idNumber: \"440305198003121235\", mobile: \"13823456789\"}\nhandler: {name: c, idNumber: \"440305199212255672\", mobile: \"13912345678\"}\n"
        #expect { try ApplicationLoader.decode(yaml, format: .yaml, source: "a.yaml") } throws: {
            "\($0)".contains("业务类型「新⟨U+001B⟩[31m办」无法识别") && !"\($0)".contains("\u{1B}")
        }
    }

    @Test func aFileThatIsNotUTF8TextIsSaidSoInChinese() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("a-\(UUID().uuidString).yaml")
        try Data([0xB3, 0xC2, 0xD6, 0xBE]).write(to: url)  // 陈志 in GBK
        defer { try? FileManager.default.removeItem(at: url) }
        #expect { try ApplicationLoader.load(url: url) } throws: { "\($0)".contains("不是 UTF-8 文本") }
        #expect { try ApplicationLoader.load(url: url.appendingPathExtension("missing")) } throws: { "\($0)".contains("找不到这个文件") }
    }
}
