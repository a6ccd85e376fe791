import Foundation
import Testing
@testable import Rules

@Suite struct CSVReading {
    @Test func quotedFieldsKeepCommasQuotesAndLineBreaks() throws {
        let rows = try CSVReader.parse("a,b,c\r\n\"深圳市,南山区\",\"他说\"\"好\"\"\",\"第一行\n第二行\"\r\nx,,z\n")
        #expect(rows.map(\.fields) == [["a", "b", "c"], ["深圳市,南山区", "他说\"好\"", "第一行\n第二行"], ["x", "", "z"]])
        #expect(rows.map(\.line) == [1, 2, 4], "a row's line is where it starts, as the spreadsheet shows it")
    }

    @Test func anUnclosedQuoteIsAnErrorWithItsLine() {
        #expect(throws: CSVReader.Malformed.self) { try CSVReader.parse("a,b\n\"open,x\n") }
    }

    @Test func blankLinesAreSkipped() throws {
        #expect(try CSVReader.parse("a\n\n\nb\n").map(\.fields) == [["a"], ["b"]])
    }
}

@Suite struct TextEncodings {
    static let sample = "单位名称,统一社会信用代码\n深圳市南山区康宁诊所,堃喆赟\n"

    @Test func gbkBytesAreDetectedAndDecoded() throws {
        let gbk = try #require(TextEncoding.gb18030Data(Self.sample))
        #expect(String(data: gbk, encoding: .utf8) == nil)
        let decoded = try #require(TextEncoding.decode(gbk))
        #expect(decoded.text == Self.sample && decoded.encoding == .gb18030)
    }

    @Test func utf8WithAndWithoutBOMIsUTF8() throws {
        #expect(TextEncoding.decode(Data(Self.sample.utf8))?.text == Self.sample)
        let bom = Data([0xEF, 0xBB, 0xBF]) + Data(Self.sample.utf8)
        #expect(TextEncoding.decode(bom)?.text == Self.sample)
    }

    @Test func aForcedEncodingIsTheOnlyOneTried() throws {
        let gbk = try #require(TextEncoding.gb18030Data(Self.sample))
        #expect(TextEncoding.decode(gbk, forced: .utf8) == nil)
        #expect(TextEncoding.decode(gbk, forced: .gb18030)?.text == Self.sample)
        #expect(TextEncoding.parse("GBK") == .gb18030 && TextEncoding.parse("utf-8") == .utf8)
    }
}

@Suite struct BatchRows {
    static let header = "单位名称,统一社会信用代码,单位地址,法定代表人姓名,法定代表人证件号码,法定代表人手机,经办人姓名,经办人证件号码,经办人手机,业务类型,机构证书年限,法人证书年限,持证人姓名,持证人证件号码,持证人手机,持证人职务"
    static let org = "深圳市南山区康宁诊所有限公司,91350100M000100Y43,深圳市南山区科技路1号,张三,11010519491231002X,13800138000,李四,440305199212255672,13912345678"

    @Test func continuationRowsAddHoldersToTheOrganisationAbove() throws {
        let text = Self.header + "\n" + Self.org + ",新办,1,2,张三,11010519491231002X,13800138000,法定代表人\n"
            + ",91350100M000100Y43,,,,,,,,,,,王五,440305198003121235,13700000000,主任\n"
        let records = try BatchInput.records(csv: text, file: "t.csv")
        #expect(records.count == 1)
        let app = try #require(records[0].application, "\(records[0].issues)")
        #expect(app.personalHolders.map(\.name) == ["张三", "王五"])
        #expect(app.personalHolders[1].title == "主任")
    }

    @Test func withoutHolderColumnsTheLegalRepresentativeHoldsTheCertificate() throws {
        let records = try BatchInput.records(csv: Self.header + "\n" + Self.org + ",新办,1,1\n", file: "t.csv")
        #expect(records[0].application?.personalHolders.map(\.name) == ["张三"])
    }

    @Test func everyProblemOfARowIsReportedWithItsLineAndColumn() throws {
        let bad = "深圳市南山区康宁诊所有限公司,91350100M000100Y44,深圳市南山区科技路1号,张三,11010519491231002X,13800138000,李四,440305199212255672,,新办,2,1"
        let records = try BatchInput.records(csv: Self.header + "\n" + Self.org + ",新办,1,1\n" + bad + "\n", file: "t.csv")
        #expect(records[0].isValid)
        #expect(!records[1].isValid)
        let columns = Set(records[1].issues.map(\.column))
        #expect(columns == ["统一社会信用代码", "机构证书年限", "经办人手机"])
        #expect(records[1].issues.allSatisfy { $0.line == 3 })
    }

    @Test func chineseHeadersAndModelFieldNamesAreBothAccepted() throws {
        #expect(BatchSchema.column(named: "经办人手机")?.field == "handler.mobile")
        #expect(BatchSchema.column(named: "handler.mobile")?.field == "handler.mobile")
        #expect(BatchSchema.column(named: " 法定代表人 ")?.field == "legalRepresentative.name")
    }

    @Test func anUnknownColumnStopsTheFileNamingIt() {
        #expect {
            try BatchInput.records(csv: "单位名称,统一社会信用代码,业务类型,手机号\n", file: "t.csv")
        } throws: { "\($0)".contains("「手机号」") && "\($0)".contains("t.csv") }
    }

    @Test func excelStyleDatesAndChangeItemsAreRead() throws {
        let text = "单位名称,统一社会信用代码,单位地址,法定代表人姓名,法定代表人证件号码,法定代表人手机,经办人姓名,经办人证件号码,经办人手机,业务类型,机构证书年限,原证书序列号,变更事项,办理日期\n"
            + "深圳市南山区康宁诊所有限公司,91350100M000100Y43,深圳市南山区科技路1号,张三,11010519491231002X,13800138000,李四,440305199212255672,13912345678,变更,1,SZCA0001,单位名称：旧名公司→深圳市南山区康宁诊所有限公司,2026/12/7\n"
        let app = try #require(try BatchInput.records(csv: text, file: "t.csv")[0].application)
        #expect(app.visit?.date == CivilDate("2026-12-07"))
        #expect(app.change?.items == [ChangeItem(item: "单位名称", from: "旧名公司", to: "深圳市南山区康宁诊所有限公司")])
    }
}
