import Foundation
import Rules
import Testing

@testable import Input

@Suite struct CSVReading {
    @Test func quotedFieldsKeepCommasQuotesAndLineBreaks() throws {
        let rows = try CSVReader.parse("a,b,c\r\n\"深圳市,南山区\",\"他说\"\"好\"\"\",\"第一行\n第二行\"\r\nx,,z\n")
        #expect(rows.map(\.fields) == [["a", "b", "c"], ["深圳市,南山区", "他说\"好\"", "第一行\n第二行"], ["x", "", "z"]])
        #expect(rows.map(\.row) == [1, 2, 3], "Excel shows a cell with a line break as one row")
        #expect(rows.map(\.line) == [1, 2, 4], "the text line each row starts on")
    }

    @Test func blankLinesCountAsRowsTheWayExcelShowsThem() throws {
        let rows = try CSVReader.parse("h\r\n\r\n\"a\r\nb\"\r\nc\r\n")
        #expect(rows.map(\.fields) == [["h"], ["a\r\nb"], ["c"]])
        #expect(rows.map(\.row) == [1, 3, 4])
    }

    @Test func strayQuotesAreReadAsExcelReadsThem() throws {
        // Not RFC 4180, but what a hand-edited file holds; Excel keeps the quote.
        #expect(try CSVReader.parse("深圳市\"康宁\"诊所,x\n").map(\.fields) == [["深圳市\"康宁\"诊所", "x"]])
        #expect(try CSVReader.parse("\"康宁\"诊所,x\n").map(\.fields) == [["康宁诊所", "x"]])
    }

    @Test func anUnclosedQuoteIsAnErrorWithItsLine() {
        #expect { try CSVReader.parse("a,b\n\n\"open,x\n") } throws: { ($0 as? CSVReader.Malformed)?.row == 3 }
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
        let text =
            Self.header + "\n" + Self.org + ",新办,1,2,张三,11010519491231002X,13800138000,法定代表人\n"
            + ",91350100M000100Y43,,,,,,,,,,,王五,440305198003121235,13700000000,主任\n"
        let records = try BatchInput.records(csv: text, file: "t.csv")
        #expect(records.count == 1)
        let app = try #require(records[0].application, "\(records[0].issues)")
        #expect(app.personalHolders.map(\.name) == ["张三", "王五"])
        #expect(app.personalHolders[1].title == "主任")
    }

    /// What an Excel user does: copy the organisation's row down and change the holder.
    @Test func copiedDownRowsWithTheSameCodeAreOneOrganisationWithOneHolderEach() throws {
        let text =
            Self.header + "\n" + Self.org + ",新办,1,2,张三,11010519491231002X,13800138000,法定代表人\n"
            + Self.org + ",新办,1,2,王五,440305198003121235,13700000000,主任\n"
        let records = try BatchInput.records(csv: text, file: "t.csv")
        #expect(records.count == 1)
        let app = try #require(records[0].application, "\(records[0].issues)")
        #expect(app.personalHolders.map(\.name) == ["张三", "王五"])
    }

    @Test func aHolderRowWithoutCodeBelongsToTheOrganisationAbove() throws {
        let text = Self.header + "\n" + Self.org + ",新办,1,2\n" + ",,,,,,,,,,,,王五,440305198003121235,13700000000,主任\n"
        let records = try BatchInput.records(csv: text, file: "t.csv")
        #expect(records.count == 1)
        let app = try #require(records[0].application, "\(records[0].issues)")
        #expect(app.personalHolders.map(\.name) == ["张三", "王五"], "empty holder columns on the first row = the legal representative, kept first")
        #expect(app.personalHolders[0].title == "法定代表人")
    }

    @Test func aFurtherRowThatContradictsTheFirstIsReportedOnItsRowAndColumn() throws {
        let text = Self.header + "\n" + Self.org + ",新办,1,2\n" + Self.org + ",续期,1,2,王五,440305198003121235,13700000000\n"
        let records = try BatchInput.records(csv: text, file: "t.csv")
        #expect(records.count == 1 && !records[0].isValid)
        #expect(records[0].issues.map(\.line) == [3])
        #expect(records[0].issues.map(\.column) == ["业务类型"])
        #expect(records[0].issues[0].message.contains("第 2 行") && records[0].issues[0].message.contains("续期"))
    }

    @Test func aHolderRowThatBelongsToNoOrganisationIsOneProblem() throws {
        let text = Self.header + "\n" + Self.org + ",新办,1,1\n" + ",91440305MA5DPL4W0G,,,,,,,,,,,王五,440305198003121235,13700000000\n"
        let records = try BatchInput.records(csv: text, file: "t.csv")
        #expect(records.count == 2 && records[0].isValid)
        #expect(records[1].issues.count == 1)
        #expect(records[1].issues[0].line == 3 && records[1].issues[0].column == "统一社会信用代码")
    }

    @Test func aDuplicateHolderNamesTheRowOfTheFirst() throws {
        let text =
            Self.header + "\n" + Self.org + ",新办,1,2\n" + ",,,,,,,,,,,,王五,440305198003121235,13700000000\n"
            + ",,,,,,,,,,,,王五,440305198003121235,13700000000\n"
        let issues = try BatchInput.records(csv: text, file: "t.csv")[0].issues
        #expect(issues.count == 1)
        #expect(issues[0].line == 4 && issues[0].column == "持证人证件号码" && issues[0].message.contains("第 3 行的持证人"), "\(issues)")
    }

    @Test func rowNumbersAreTheSpreadsheetsEvenAfterACellWithLineBreaks() throws {
        let multiLine = Self.org.replacingOccurrences(of: "深圳市南山区科技路1号", with: "\"深圳市南山区\n科技路1号\"")
        let bad = Self.org.replacingOccurrences(of: "91350100M000100Y43", with: "91440305MA5DPL4W0G").replacingOccurrences(
            of: "13912345678", with: "1391234")
        let records = try BatchInput.records(csv: Self.header + "\n" + multiLine + ",新办,1,1\n" + bad + ",新办,1,1\n", file: "t.csv")
        #expect(records[0].isValid)
        #expect(records[1].line == 3 && records[1].issues.map(\.line) == [3], "row 3 in Excel, though text line 4")
    }

    @Test func anIDNumberExcelTurnedIntoScientificNotationIsExplainedOnce() throws {
        let mangled = Self.org.replacingOccurrences(of: "440305199212255672", with: "4.40305E+17")
        let issues = try BatchInput.records(csv: Self.header + "\n" + mangled + ",新办,1,1\n", file: "t.csv")[0].issues
        #expect(issues.count == 1, "\(issues)")
        #expect(issues[0].column == "经办人证件号码" && issues[0].message.contains("科学计数法") && issues[0].message.contains("文本"))
    }

    /// Excel's 「Unicode 文本」 is UTF-16 with a BOM, tab-separated: read as such.
    @Test func aUTF16UnicodeTextFileIsReadAsTabSeparated() throws {
        let tsv = (Self.header + "\r\n" + Self.org + ",新办,1,1\r\n").replacingOccurrences(of: ",", with: "\t")
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("batch-\(UUID().uuidString).txt")
        try (Data([0xFF, 0xFE]) + tsv.data(using: .utf16LittleEndian)!).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        let records = try BatchInput.read(url: url)
        #expect(records.count == 1 && records[0].isValid, "\(records.map(\.issues))")
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

    @Test func anUnknownColumnStopsTheFileNamingItAndItsLetter() {
        #expect {
            try BatchInput.records(csv: "单位名称,统一社会信用代码,业务类型,手机号\n", file: "t.csv")
        } throws: { "\($0)" == "t.csv: 不认识的列：第 D 列「手机号」。列名应与 certpack batch --template 的表头一致（以「备注」开头的列会被忽略）" }
    }

    @Test func excelStyleDatesAndChangeItemsAreRead() throws {
        let text =
            "单位名称,统一社会信用代码,单位地址,法定代表人姓名,法定代表人证件号码,法定代表人手机,经办人姓名,经办人证件号码,经办人手机,业务类型,机构证书年限,原证书序列号,变更事项,办理日期\n"
            + "深圳市南山区康宁诊所有限公司,91350100M000100Y43,深圳市南山区科技路1号,张三,11010519491231002X,13800138000,李四,440305199212255672,13912345678,变更,1,SZCA0001,单位名称：旧名公司→深圳市南山区康宁诊所有限公司,2026/12/7\n"
        let app = try #require(try BatchInput.records(csv: text, file: "t.csv")[0].application)
        #expect(app.visit?.date == CivilDate("2026-12-07"))
        #expect(app.change?.items == [ChangeItem(item: "单位名称", from: "旧名公司", to: "深圳市南山区康宁诊所有限公司")])
    }
}

@Suite struct BatchLists {
    @Test func theSameOrganisationTwiceInAYAMLListIsReportedOnTheSecond() throws {
        let item = """
            - organization: {name: 深圳市南山区康宁诊所有限公司, uscc: 91440305MA5DPL4W0G, address: 深圳市南山区科技南十二路18号}
              legalRepresentative: {name: 陈志明, idNumber: "440305198003121235", mobile: "13823456789"}
              handler: {name: 李俊杰, idNumber: "440305199212255672", mobile: "13912345678"}
              service: 新办
              certificates: {odc: {years: 1}}

            """
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("batch-\(UUID().uuidString).yaml")
        try (item + item).write(to: url, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: url) }
        let records = try BatchInput.read(url: url)
        #expect(records.count == 2 && records[0].isValid && !records[1].isValid)
        #expect(records[1].issues.map(\.column) == ["organization.uscc"] && records[1].issues[0].message.contains("第 1 项"))
    }
}

/// ISSUE 10: the CSV path normalises what people type and refuses what is wrong, naming the row as
/// Excel shows it and the column header the user sees.
@Suite struct BatchTyping {
    static let header = BatchRows.header
    static let org = BatchRows.org

    func issues(_ row: String) throws -> [BatchIssue] {
        try BatchInput.records(csv: Self.header + "\n" + row + "\n", file: "t.csv")[0].issues
    }

    @Test func valuesTypedByAChineseInputMethodAreNormalised() throws {
        let typed = Self.org.replacingOccurrences(of: "91350100M000100Y43", with: "９１３５０１００m000100y43　")
            .replacingOccurrences(of: "13912345678", with: "１３９１２３４５６７８")
            .replacingOccurrences(of: "11010519491231002X", with: "\u{FEFF}11010519491231002x ")
        let records = try BatchInput.records(csv: Self.header + "\n" + typed + ",新办,１,１\n", file: "t.csv")
        let app = try #require(records[0].application, "\(records[0].issues)")
        #expect(app.organization.uscc == "91350100M000100Y43" && records[0].uscc == "91350100M000100Y43")
        #expect(app.handler.mobile == "13912345678" && app.legalRepresentative.idNumber == "11010519491231002X")
        #expect(app.certificates.personal?.years == 1)
    }

    @Test func aQuestionMarkLeftByAGBKSaveIsRefusedUnderItsColumn() throws {
        let found = try issues(Self.org + ",新办,1,1,刘?,440305198003121235,13700000000")
        #expect(found.map(\.column) == ["持证人姓名"] && found[0].line == 2)
        #expect(found[0].message.contains("保存为 GBK 时生僻字变成了 ?，请另存为 CSV UTF-8"))
    }

    @Test func anIDExcelRoundedIsRefusedEvenWhenItsCheckDigitPasses() throws {
        let found = try issues(Self.org.replacingOccurrences(of: "440305199212255672", with: "440305197712015000") + ",新办,1,1")
        #expect(found.map(\.column) == ["经办人证件号码"])
        #expect(found[0].message.contains("Excel 把长数字四舍五入了，请把该列设为「文本」后重新输入"))
        #expect(!found[0].message.contains("440305197712015000"), "ID numbers are masked in messages")
    }

    @Test func onlyRealScientificNotationIsCalledSo() throws {
        let eCode = Self.org.replacingOccurrences(of: "91350100M000100Y43", with: "91440305E500000000")
        #expect(try issues(eCode + ",新办,1,1").isEmpty, "91440305E500000000 is a valid code")
        let mangled = Self.org.replacingOccurrences(of: "91350100M000100Y43", with: "9.14403E+17")
        let found = try issues(mangled + ",新办,1,1")
        #expect(found.map(\.column) == ["统一社会信用代码"] && found[0].message.contains("科学计数法"))
    }

    @Test func aLandlineWithoutItsZeroAndAMobileOutside13To19AreRefused() throws {
        let header = Self.header + ",单位电话"
        let row = Self.org.replacingOccurrences(of: "13912345678", with: "12345678901") + ",新办,1,1,,,,,75526558800"
        let found = try BatchInput.records(csv: header + "\n" + row + "\n", file: "t.csv")[0].issues
        #expect(Set(found.map(\.column)) == ["单位电话", "经办人手机"], "\(found)")
    }

    @Test func aTabInANameIsRefusedWithoutEchoingIt() throws {
        let found = try issues(Self.org.replacingOccurrences(of: "李四", with: "\"李\t四\"") + ",新办,1,1")
        #expect(found.map(\.column) == ["经办人姓名"] && found[0].message.contains("制表符"))
        #expect(!found.description.contains("\t"))
    }

    @Test func aDuplicatedColumnStopsTheFileNamingBothLetters() {
        #expect {
            try BatchInput.records(csv: "统一社会信用代码,业务类型,持证人姓名,持证人\n", file: "t.csv")
        } throws: { "\($0)" == "t.csv: 「持证人姓名」列出现了两次（第 C 列和第 D 列）：每列只能有一个，请删去多余的一列" }
    }

    @Test func changeItemsKeepTheirFullWidthBracketsAndLines() throws {
        let header = Self.header + ",原证书序列号,变更事项"
        let row = Self.org + ",变更,1,,,,,,SZCA0001,\"单位名称：康宁诊所（南山）→康宁医疗（深圳）有限公司\n单位地址：旧址→新址\""
        let records = try BatchInput.records(csv: header + "\n" + row + "\n", file: "t.csv")
        let app = try #require(records[0].application, "\(records[0].issues)")
        #expect(
            app.change?.items == [
                ChangeItem(item: "单位名称", from: "康宁诊所（南山）", to: "康宁医疗（深圳）有限公司"),
                ChangeItem(item: "单位地址", from: "旧址", to: "新址"),
            ])
    }

    @Test func aTabSeparatedFileIsRecognisedAndRead() throws {
        let tsv = (Self.header + "\n" + Self.org + ",新办,1,1\n").replacingOccurrences(of: ",", with: "\t")
        let records = try BatchInput.records(csv: tsv, file: "t.txt")
        #expect(records.count == 1 && records[0].isValid, "\(records.map(\.issues))")
    }

    @Test func aMissingColumnIsNamedInChinese() {
        #expect { try BatchInput.records(csv: "单位名称,业务类型\n", file: "t.csv") } throws: {
            "\($0)" == "t.csv: 缺少「统一社会信用代码」列：请从 certpack batch --template 生成的表头开始"
        }
    }

    @Test func longCellContentsAreCutInMessages() throws {
        let long = String(repeating: "居民身份证", count: 40)
        let header = Self.header + ",经办人证件类型"
        let records = try BatchInput.records(csv: header + "\n" + Self.org + ",新办,1,1,,,,," + long + "\n", file: "t.csv")
        let message = try #require(records[0].issues.first?.description)
        #expect(message.count < 160, "\(message)")
    }

    func read(_ data: Data, ext: String = "csv", encoding: TextEncoding? = nil) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("batch-\(UUID().uuidString).\(ext)")
        try data.write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        do {
            _ = try BatchInput.read(url: url, encoding: encoding)
            return ""
        } catch {
            return "\(error)".replacingOccurrences(of: url.path + ": ", with: "")
        }
    }

    @Test func fileLevelMessagesAreChineseAndShort() throws {
        #expect(try read(Data()) == "文件是空的：请从 certpack batch --template 生成的表头开始")
        #expect(try read(Data([0xEF, 0xBB, 0xBF])) == "文件是空的：请从 certpack batch --template 生成的表头开始")
        var binary = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        for i in 0..<4000 { binary.append(UInt8(truncatingIfNeeded: i &* 7919)) }
        #expect(try read(binary) == "这不是文本文件，读不出表格：请在 Excel 中另存为「CSV UTF-8（逗号分隔）」后再导入")
        let gbk = try #require(TextEncoding.gb18030Data(Self.header + "\n"))
        #expect(try read(gbk, encoding: .utf8).hasPrefix("文件不是有效的 UTF-8 文本"))
        let missing = FileManager.default.temporaryDirectory.appendingPathComponent("no-such-\(UUID().uuidString).csv")
        #expect { try BatchInput.read(url: missing) } throws: { "\($0)".hasSuffix("找不到这个文件，请检查路径") }
    }

    @Test func aGarbledHeaderIsOneShortLine() {
        let garbage = (0..<40).map { "列\($0)乱码" }.joined(separator: ",")
        #expect { try BatchInput.records(csv: garbage + "\n", file: "t.csv") } throws: {
            "\($0)" == "t.csv: 第一行不是认识的表头，这不像是批量申请表：请从 certpack batch --template 生成的表头开始"
        }
    }
}
