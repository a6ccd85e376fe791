import Testing

@testable import Rules

/// E-mail addresses as a mail server takes them, checked after the normaliser, refused with the reason.
@Suite("E-mail syntax")
struct EmailTests {
    @Test(
        "addresses a server accepts pass",
        arguments: [
            "li@example.cn", "li.jun-jie+ca@mail.example.com.cn", "a_b@x-y.cn", "o'brien@example.org", "x@a1.io",
        ])
    func accepted(_ e: String) { #expect(Validator.emailProblem(e) == nil) }

    @Test(
        "addresses no server takes are refused with the reason",
        arguments: [
            ("li@@example.cn", "只能有一个 @"), ("liexample.cn", "缺少 @"), (".li@example.cn", "点不能在开头"),
            ("li..jj@example.cn", "连续出现"), ("li@example", "应含点"), ("li@-example.cn", "连字符"),
            ("li@exa_mple.cn", "字母、数字和连字符"), ("li@example..cn", "连续出现"), ("li(x)@example.cn", "不能含「(」"),
            ("李@example.cn", "不能有中文"), ("li@example.123", "最后一段不能全是数字"), ("li @example.cn", "空格"),
        ])
    func refused(_ e: String, _ reason: String) {
        let m = Validator.emailProblem(e)
        #expect(m?.contains(reason) == true, "\(e): \(m ?? "accepted")")
    }

    @Test("checked after the normaliser: full-width letters and 。 are made ASCII first")
    func afterNormaliser() {
        let (value, problem) = Normaliser.normalise(field: "handler.email", value: "ｌｉ@example。cn")
        #expect(value == "li@example.cn" && problem == nil)
        #expect(Normaliser.normalise(field: "handler.email", value: "li@exa mple.cn").problem != nil)
    }
}
