import Testing

@testable import Rules

/// 变更 tab: 「机构个人证书(法人证书):免费(若法人变更,则按新申请流程办理新法人证书)」 — the new 法人证书 and the forms
/// are for `legalRepresentative`, so a 变更 whose 法定代表人 changes to someone else is a data problem.
@Suite struct LegalRepresentativeChangeValidation {
    func change(to: String, item: String = "法定代表人") -> Application {
        Sample.app(
            .change, [.odc, .personal],
            change: ChangeDetails(items: [
                ChangeItem(item: "单位名称", from: "旧名", to: "新名"), ChangeItem(item: item, from: "王建国", to: to),
            ]))
    }

    @Test func toNameMustBeTheLegalRepresentative() {
        let issues = Validator.validate(change(to: "刘海峰"))
        #expect(issues.map(\.field) == ["change.items[1].to"])
        #expect(issues.first?.message.contains("「刘海峰」") == true)
        #expect(issues.first?.message.contains("「陈志明」") == true)
        #expect(issues.first?.message.contains("法定代表人") == true)
    }

    @Test func matchingNameAndOtherItemsPass() {
        #expect(Validator.validate(change(to: "陈志明")).isEmpty)
        #expect(Validator.validate(change(to: " 陈志明 ")).isEmpty)  // surrounding spaces are not a difference
        #expect(Validator.validate(change(to: "刘海峰", item: "法人")).map(\.field) == ["change.items[1].to"])
        #expect(Validator.validate(change(to: "刘海峰", item: "单位地址")).isEmpty)
    }
}
