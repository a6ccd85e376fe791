import Foundation

@testable import Rules

/// The repository root (Tests/RulesTests/TestSupport.swift → ../..).
let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
let templatesDir = repoRoot.appendingPathComponent("Templates")
let catalog: Catalog = try! Catalog.load(templates: templatesDir)

func example(_ name: String) throws -> Application {
    try ApplicationLoader.load(url: repoRoot.appendingPathComponent("Examples/\(name)"))
}

func date(_ s: String) -> CivilDate { CivilDate(s)! }

/// Valid sample data (check characters computed by CheckDigits).
enum Sample {
    static let uscc = "91350100M000100Y43"
    static let legalRep = Person(name: "陈志明", idNumber: "11010519491231002X", mobile: "13823456789")
    static let handler = Person(name: "李俊杰", idNumber: "440305199212255672", mobile: "13912345678", email: "li@example.cn")
    static let holder2 = Person(name: "黄丽娟", idNumber: "440307198506202347", mobile: "13700002222")

    static func app(
        _ service: Service, _ kinds: [CertKind], channel: Channel = .onsite, years: Int = 1,
        holders: [Person]? = nil, change: ChangeDetails? = nil
    ) -> Application {
        Application(
            organization: Organization(name: "深圳市南山区康宁诊所有限公司", uscc: uscc, address: "深圳市南山区科技南十二路18号"),
            legalRepresentative: legalRep, handler: handler, holders: holders, service: service,
            certificates: Certificates(
                odc: kinds.contains(.odc) ? ODCRequest() : nil,
                personal: kinds.contains(.personal) ? PersonalRequest(years: years) : nil),
            channel: channel,
            existingCertificate: service == .new ? nil : ExistingCertificate(serial: "5A3F00C2B81D4E7A"),
            change: change ?? (service == .change ? ChangeDetails(items: [ChangeItem(item: "单位名称", from: "旧名", to: "新名")]) : nil))
    }
}

extension Checklist {
    func items(_ kind: ItemKind) -> [ChecklistItem] { documents.filter { $0.kind == kind } }
    func item(_ id: String) -> ChecklistItem? { documents.first { $0.id == id } }
    var ids: [String] { documents.map(\.id) }
}
