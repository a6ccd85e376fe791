import Testing

@testable import Rules

/// The documents each service needs, per kind and channel, as the guide's 申请资料 lists say.
@Suite struct Documents {
    let copies = ["businessLicense", "legalRepID", "handlerID"]

    // 申请 tab: 「机构证书: 1.《单位数字证书申请表》一份(含个人信息授权书) 2. 单位新版营业执照复印件一份 3. 法人有效身份证复印件一份
    // 4. 经办人有效身份证复印件一份」 — and 续期/变更/解锁 add 「5. Ukey」; 介质补办 does not.
    @Test(arguments: [Service.new, .renew, .change, .unlock, .replace])
    func odcOnSite(_ s: Service) throws {
        let c = try Checklist.make(for: Sample.app(s, [.odc]), catalog: catalog)
        let ukey = [Service.renew, .change, .unlock].contains(s)
        #expect(
            c.ids == ["unitApplication", "authorization"] + copies + ["original.businessLicense", "original.handlerID"]
                + (ukey ? ["ukey.odc"] : []) + ["payment"])
        #expect(c.item("unitApplication")?.count == 1)
        #expect(c.forms.map(\.form) == [.unitApplication, .authorization, .authorization])
        #expect(c.forms.allSatisfy { $0.service == s })
    }

    // 「机构个人证书: 1.《机构数字证书申请表》(含申请表两联,服务协议两联,个人信息授权书一联) 2.《机构个人数字证书附页》 3–5 复印件」
    @Test(arguments: [Service.new, .renew, .change, .unlock, .replace])
    func personalOnSite(_ s: Service) throws {
        let c = try Checklist.make(for: Sample.app(s, [.personal]), catalog: catalog)
        let ukey = [Service.renew, .change, .unlock].contains(s)
        #expect(
            c.ids == ["institutionApplication", "holderAppendix", "authorization", "serviceAgreement"] + copies
                + ["original.businessLicense", "original.handlerID"] + (ukey ? ["ukey.personal"] : []) + ["payment"])
        #expect(c.item("institutionApplication")?.count == 2)  // 申请表两联
        #expect(c.item("serviceAgreement")?.count == 2)  // 服务协议两联
        #expect(c.item("serviceAgreement")?.kind == .obtain)
        #expect(c.forms.map(\.form) == [.institutionApplication, .holderAppendix, .authorization, .authorization])
    }

    // 注3:若同时办理机构证书及机构个人证书,营业执照复印件、法人身份证复印件及经办人身份证复印件只需提供一份
    @Test(arguments: [Service.new, .renew, .change, .unlock, .replace])
    func note3BothKindsShareOneSetOfCopies(_ s: Service) throws {
        let c = try Checklist.make(for: Sample.app(s, [.odc, .personal]), catalog: catalog)
        #expect(c.items(.photocopy).map(\.id) == copies)
        #expect(c.items(.photocopy).allSatisfy { $0.count == 1 })
        #expect(c.items(.form).map(\.id) == ["unitApplication", "institutionApplication", "holderAppendix", "authorization"])
    }

    // 注1:以上资料均须加盖单位公章
    @Test func note1EveryPaperItemIsStamped() throws {
        let c = try Checklist.make(for: Sample.app(.new, [.odc, .personal]), catalog: catalog)
        for item in c.documents {
            #expect(item.stamp == [.form, .photocopy, .obtain].contains(item.kind), "\(item.title)")
        }
        #expect(c.manifest.stamped.count == c.items(.form).count + c.items(.photocopy).count + c.items(.obtain).count)
    }

    // 注2:现场办理时:营业执照、经办人身份证须核验原件收复印件 — not the 法定代表人's; online: no originals.
    @Test func note2OriginalsOnSiteOnly() throws {
        let onsite = try Checklist.make(for: Sample.app(.new, [.personal]), catalog: catalog)
        #expect(onsite.items(.original).map(\.title) == ["营业执照原件", "经办人身份证原件"])
        #expect(onsite.items(.original).allSatisfy { !$0.stamp })
        let online = try Checklist.make(for: Sample.app(.new, [.personal], channel: .online), catalog: catalog)
        #expect(online.items(.original).isEmpty)
        #expect(online.steps.contains { $0.contains("活体验证") })
    }

    // 「3. 法人有效身份证复印件一份(正反两面复印在同一张A4纸)」
    @Test func idCopiesTwoSidedOnOneA4() throws {
        let c = try Checklist.make(for: Sample.app(.new, [.odc]), catalog: catalog)
        #expect(c.item("legalRepID")?.notes.first == "正反两面复印在同一张A4纸")
        #expect(c.item("handlerID")?.notes.first == "正反两面复印在同一张A4纸")
        #expect(c.item("businessLicense")?.notes.contains("正反两面复印在同一张A4纸") == false)
    }

    // 「5. Ukey」 — one per certificate being serviced.
    @Test func oneUkeyPerCertificate() throws {
        let app = Sample.app(.unlock, [.odc, .personal], holders: [Sample.legalRep, Sample.holder2])
        let c = try Checklist.make(for: app, catalog: catalog)
        #expect(c.item("ukey.odc")?.count == 1)
        #expect(c.item("ukey.personal")?.count == 2)
    }

    // 申请 tab, 网上办理: 「注:仅支持机构个人证书网厅办理。」
    @Test func onlineNewIsPersonalOnly() throws {
        #expect(throws: RulesError.self) { try Checklist.make(for: Sample.app(.new, [.odc], channel: .online), catalog: catalog) }
        let e = #expect(throws: RulesError.self) { try Checklist.make(for: Sample.app(.new, [.odc, .personal], channel: .online), catalog: catalog) }
        #expect("\(e!)".contains("仅支持机构个人证书网厅办理"))
        let c = try Checklist.make(for: Sample.app(.new, [.personal], channel: .online), catalog: catalog)
        #expect(c.items(.form).map(\.id) == ["institutionApplication", "holderAppendix", "authorization"])
        #expect(c.collection.contains("邮寄"))
    }

    // 续期 tab, 网上办理: 「2.点击"续期" →… 输入证书序列号 … 5.付款成功后即可在线更新证书」: no paper, the Ukey to update.
    @Test(arguments: [[CertKind.odc], [.personal], [.odc, .personal]])
    func onlineRenew(_ kinds: [CertKind]) throws {
        let c = try Checklist.make(for: Sample.app(.renew, kinds, channel: .online), catalog: catalog)
        #expect(c.ids == kinds.map { "ukey.\($0.rawValue)" } + ["payment"])
        #expect(c.forms.isEmpty)
        #expect(c.steps.contains { $0.contains("输入证书序列号") })
        #expect(c.collection.contains("在线更新证书"))
    }

    // 续期 tab, 网上办理: 「5.付款成功后即可在线更新证书」 — none of the 申请 tab's 「2.使用微信扫码后请在手机端上传经办人身份证
    // 正面照、反面照,并进行经办人活体验证」 nor 「3.… 等待三个工作日深圳CA审核」: no 活体验证 notice, no 审核 date forecast.
    @Test func onlineRenewSaysNothingOfIDPhotosOrReview() throws {
        let c = try Checklist.make(for: Sample.app(.renew, [.odc, .personal], channel: .online), catalog: catalog, date: date("2026-12-03"))
        #expect(!c.warnings.contains { $0.contains("活体验证") || $0.contains("身份证正反面") })
        let v = try #require(c.visit)
        #expect(v.expectedCompletion == nil)
        #expect(!v.notes.contains { $0.contains("预计") || $0.contains("审核") })
        #expect(v.notes.contains { $0.contains("付款成功后即可在线更新证书") && $0.contains("指南：5.付款成功后即可在线更新证书") })
        for style in [ChecklistText.Style.terminal(color: false), .markdown] {
            let t = ChecklistText.render(c, style: style)
            #expect(!t.contains("活体验证") && !t.contains("审核完成") && !t.contains("预计"))
        }
        // Online 新办 keeps both: the notice (申请 tab 「2.…活体验证」) and the three working days of review.
        let n = try Checklist.make(for: Sample.app(.new, [.personal], channel: .online), catalog: catalog, date: date("2026-12-03"))
        #expect(n.warnings.contains { $0.contains("活体验证") })
        #expect(n.visit?.notes.contains { $0.contains("预计 2026-12-08（周二）审核完成") } == true)
    }

    // 变更 is on site only, even when its personal part follows 新办 (which could be done online).
    @Test func changeWithNewLegalRepresentativeStaysOnSite() {
        let change = ChangeDetails(items: [ChangeItem(item: "法定代表人", from: "王建国", to: "陈志明")])
        #expect(throws: RulesError.self) {
            try Checklist.make(for: Sample.app(.change, [.personal], channel: .online, change: change), catalog: catalog)
        }
    }

    // 变更, 解锁, 介质补办 tabs list 现场办理 only.
    @Test(arguments: [Service.change, .unlock, .replace, .revoke])
    func onlineNotAllowed(_ s: Service) {
        for kinds in [[CertKind.odc], [.personal]] {
            let e = #expect(throws: RulesError.self) { try Checklist.make(for: Sample.app(s, kinds, channel: .online), catalog: catalog) }
            #expect("\(e!)".contains("现场办理"))
        }
    }

    // 变更 tab: 「机构个人证书(法人证书):免费(若法人变更,则按新申请流程办理新法人证书)」
    // The legal representative alone holds the 法人证书: it is all 新办.
    @Test func changeOfLegalRepresentativeMakesPersonalNew() throws {
        let change = ChangeDetails(items: [ChangeItem(item: "法定代表人", from: "王建国", to: "陈志明")])
        let c = try Checklist.make(for: Sample.app(.change, [.odc, .personal], years: 2, change: change), catalog: catalog)
        #expect(c.services == [.odc: .change, .personal: .new])
        #expect(c.item("ukey.odc")?.count == 1)
        #expect(c.item("ukey.personal") == nil)  // 新办: no Ukey to bring
        #expect(c.forms.first { $0.form == .unitApplication }?.service == .change)
        #expect(c.forms.first { $0.form == .institutionApplication }?.service == .new)
        #expect(c.forms.first { $0.form == .holderAppendix }?.service == .new)
        #expect(c.fees.total == 300)  // ODC 变更 免费 + 150 × 1 × 2
        #expect(c.warnings.contains { $0.contains("法定代表人变更") })
        // Without the 法定代表人 changing, the personal part stays 变更, free, with its Ukey.
        let plain = try Checklist.make(for: Sample.app(.change, [.odc, .personal], years: 2), catalog: catalog)
        #expect(plain.services == [.odc: .change, .personal: .change])
        #expect(plain.fees.total == 0)
        #expect(plain.item("ukey.personal")?.count == 1)
    }

    // 变更 tab: 「机构个人证书(法人证书):免费(若法人变更,则按新申请流程办理新法人证书)」 — only the new legal
    // representative's certificate is new (新办 documents, 150 × years for that one person); the other holders' 变更
    // stays free, with their Ukeys. The guide says nothing of the former 法人证书: bring its Ukey and ask 深圳CA.
    @Test func changeOfLegalRepresentativeMakesOnlyTheNewLegalRepresentativesCertificateNew() throws {
        let change = ChangeDetails(items: [ChangeItem(item: "法定代表人", from: "王建国", to: "陈志明")])
        let app = Sample.app(.change, [.odc, .personal], years: 3, holders: [Sample.legalRep, Sample.holder2, Sample.handler], change: change)
        let c = try Checklist.make(for: app, catalog: catalog)
        #expect(
            c.personalParts == [
                PersonalPart(service: .new, holders: [Sample.legalRep]),
                PersonalPart(service: .change, holders: [Sample.holder2, Sample.handler]),
            ])
        // Fees: 150 × 1 person × 3 years; the ODC and the two other holders free.
        #expect(c.fees.total == 450)
        #expect(c.fees.items.map(\.amount) == [0, 450, 0])
        #expect(c.fees.items[1].label.contains("新办（陈志明）") && c.fees.items[1].label.contains("× 1人 × 3年"))
        #expect(c.fees.items[2].label.contains("变更（黄丽娟、李俊杰）（免费）"))
        // Each part its own application (2 联), agreement and appendix, with the service ticked and its holders.
        #expect(
            c.items(.form).map(\.id) == [
                "unitApplication", "institutionApplication.new", "holderAppendix.new",
                "institutionApplication.change", "holderAppendix.change", "authorization",
            ])
        #expect(c.items(.obtain).map(\.id) == ["serviceAgreement.new", "serviceAgreement.change"])
        #expect(c.items(.photocopy).map(\.id) == copies)  // 注3: still one set
        let personalForms = c.forms.filter { $0.form == .institutionApplication || $0.form == .holderAppendix }
        #expect(personalForms.map(\.service) == [.new, .new, .change, .change])
        #expect(personalForms.map { $0.holders?.map(\.name) ?? [] } == [["陈志明"], ["陈志明"], ["黄丽娟", "李俊杰"], ["黄丽娟", "李俊杰"]])
        // Ukeys: the ODC's, the two 变更 holders', and the former legal representative's.
        #expect(c.item("ukey.odc")?.count == 1)
        #expect(c.item("ukey.personal")?.count == 2)
        let former = try #require(c.item("ukey.formerLegalRepresentative"))
        #expect(former.title.contains("王建国") && former.count == 1)
        #expect(former.notes == ["指南未说明原法定代表人的法人证书及其 Ukey 如何处理：请带上该 Ukey，并向深圳CA询问"])
        #expect(c.warnings.contains { $0.contains("新法定代表人（陈志明）") && $0.contains("其他持有人（黄丽娟、李俊杰）的证书仍按变更办理") })
        #expect(ChecklistText.render(c, style: .markdown).contains("机构个人证书（法人证书）：陈志明按新办、黄丽娟、李俊杰按变更"))

        // The new legal representative not among the holders: every listed holder stays 变更, and the checklist says
        // that the new 法人证书 is applied for separately as 新办.
        let without = try Checklist.make(for: Sample.app(.change, [.personal], holders: [Sample.holder2], change: change), catalog: catalog)
        #expect(without.personalParts == [PersonalPart(service: .change, holders: [Sample.holder2])])
        #expect(without.fees.total == 0)
        #expect(without.warnings.contains { $0.contains("证书持有人中没有新法定代表人（陈志明）") && $0.contains("新办") })
        // ODC only: the former 法人证书's Ukey is still mentioned.
        let odc = try Checklist.make(for: Sample.app(.change, [.odc], change: change), catalog: catalog)
        #expect(odc.warnings.contains { $0.contains("请带上该 Ukey，并向深圳CA询问") })
        #expect(odc.item("ukey.formerLegalRepresentative") == nil)
    }

    // reference/README.md: 吊销's text was not captured — forms may be filled, documents/fee must be confirmed.
    @Test(arguments: [[CertKind.odc], [.personal], [.odc, .personal]])
    func revokeIsNotCovered(_ kinds: [CertKind]) throws {
        let c = try Checklist.make(for: Sample.app(.revoke, kinds), catalog: catalog)
        #expect(c.warnings.contains { $0.contains("未在指南中公布") && $0.contains("深圳CA确认") })
        #expect(c.fees.total == nil)
        #expect(c.fees.items.allSatisfy { $0.amount == nil })
        #expect(c.items(.photocopy).isEmpty && c.items(.ukey).isEmpty)
        #expect(c.forms.allSatisfy { $0.service == .revoke })
        #expect(c.item("payment")?.title.contains("未公布") == true)
    }

    // 吊销 is not in the guide: not the other tabs' 「现场办理:当天办结(前提是资料无误)」, nor a 1-year term
    // (「只能办理1年期」 is said of 申请 and 续期).
    @Test func revokeClaimsNoProcessingTimeNorTerm() throws {
        let c = try Checklist.make(for: Sample.app(.revoke, [.odc, .personal]), catalog: catalog, date: date("2026-12-10"))
        #expect(!c.processing.contains("当天办结") && c.processing.contains("请向深圳CA确认"))
        #expect(c.years.isEmpty)
        #expect(c.visit?.complete == true && !(c.visit?.notes.contains { $0.contains("当天办结") } ?? true))
        let t = ChecklistText.render(c, style: .terminal(color: false))
        #expect(!t.contains("当天办结") && !t.contains("1年"))
        #expect(t.contains("证书：机构证书（ODC证书）；机构个人证书（法人证书） 1人（陈志明）"))
        // The other services keep both.
        let u = try Checklist.make(for: Sample.app(.unlock, [.odc]), catalog: catalog)
        #expect(u.processing.contains("当天办结") && u.years == [.odc: 1])
    }

    // FORMS.md 4: one 个人信息授权书 per natural person (法定代表人, 经办人, each holder), same 证件号码 once.
    @Test func authorizationsPerDistinctPerson() throws {
        let app = Sample.app(.new, [.odc, .personal], holders: [Sample.legalRep, Sample.holder2, Sample.handler])
        let c = try Checklist.make(for: app, catalog: catalog)
        let auth = c.forms.filter { $0.form == .authorization }
        #expect(auth.map { $0.person!.name } == ["陈志明", "李俊杰", "黄丽娟"])
        #expect(auth[0].roles == ["法定代表人", "证书持有人"])
        #expect(auth[1].roles == ["经办人", "证书持有人"])
        #expect(c.item("authorization")?.count == 3)
        // Same person as legal rep and handler: one letter.
        var same = Sample.app(.new, [.odc])
        same.handler = Sample.legalRep
        #expect(try Checklist.make(for: same, catalog: catalog).forms.filter { $0.form == .authorization }.count == 1)
    }

    // Payment: 「收款账户 公司名称:深圳市电子商务安全证书管理有限公司 开户行:平安银行深圳高新技术区支行 账号:154 739 697 600 74」
    @Test func paymentPrintsAccountWithAmount() throws {
        let c = try Checklist.make(for: Sample.app(.new, [.odc]), catalog: catalog)
        let pay = try #require(c.item("payment"))
        #expect(pay.title.contains("300"))
        #expect(pay.notes.contains("账号：154 739 697 600 74"))
        #expect(pay.notes.contains("开户行：平安银行深圳高新技术区支行"))
        #expect(pay.notes.contains("收款账户：深圳市电子商务安全证书管理有限公司"))
        let free = try Checklist.make(for: Sample.app(.unlock, [.odc]), catalog: catalog)
        #expect(free.item("payment")?.title.contains("免费") == true)
    }

    // 「办理时效 现场办理:当天办结(前提是资料无误)」「领取方式:自取」
    @Test func processingAndCollection() throws {
        let c = try Checklist.make(for: Sample.app(.new, [.odc]), catalog: catalog)
        #expect(c.processing.contains("当天办结"))
        #expect(c.collection == "自取")
        let o = try Checklist.make(for: Sample.app(.new, [.personal], channel: .online), catalog: catalog)
        #expect(o.processing.contains("三个工作日"))
    }
}
