import Foundation
import Rules

@testable import Roster

/// Organisations and people with valid check characters, computed (never copied).
enum Make {
    static func uscc(_ n: Int) -> String {
        let code17 = String(format: "91440300MA5%06d", n)
        return code17 + String(CheckDigits.usccCheckCharacter(code17)!)
    }

    static func id(_ n: Int, born: String = "19800101") -> String {
        let id17 = String(format: "440305%@%03d", born, n % 1000)
        return id17 + String(CheckDigits.residentIDCheckDigit(id17)!)
    }

    static func person(_ name: String, _ n: Int, born: String = "19800101") -> Person {
        Person(name: name, idNumber: id(n, born: born), mobile: String(format: "138%08d", n))
    }

    /// A 新办 of both certificates for organisation `n`, its legal representative holding the 法人证书.
    static func application(_ n: Int, name: String? = nil, legal: Person? = nil, service: Service = .new, serial: String? = nil) -> Application {
        Application(
            organization: Organization(name: name ?? "深圳市南山区第\(n)号康宁诊所有限公司", uscc: uscc(n), address: "深圳市南山区科技路\(n)号"),
            legalRepresentative: legal ?? person("陈志\(n)", n, born: "19800101"),
            handler: person("李俊\(n)", n, born: "19900202"),
            service: service, certificates: Certificates(odc: ODCRequest(years: 1), personal: PersonalRequest(years: 3)),
            existingCertificate: serial.map { ExistingCertificate(serial: $0) })
    }

    static func roster() throws -> (Roster, URL) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("certpack-roster-\(UUID().uuidString)")
        let url = folder.appendingPathComponent("sub/roster.sqlite")
        return (try Roster.create(at: url), url)
    }

    static func catalog() throws -> Catalog {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return try Catalog.load(templates: root.appendingPathComponent("Templates"))
    }

    static func day(_ s: String) -> CivilDate { CivilDate(s)! }
}
