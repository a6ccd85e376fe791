import Rules
import Typeset

/// Every character of the applicant's data must be printable. Checked before any layout, so the
/// error names the data field (`legalRepresentative.name`) rather than whichever form happens to
/// print the value first.
enum Printable {
    static func check(_ app: Application, fonts: FontBook) throws {
        for (field, value) in texts(of: app) {
            if let scalar = fonts.firstMissing(in: value) {
                throw TypesetError.missingGlyph(scalar: scalar, text: value, owner: "申请数据 › \(field)")
            }
        }
    }

    /// The application's text values with their field paths.
    static func texts(of app: Application) -> [(String, String)] {
        var out: [(String, String?)] = [
            ("organization.name", app.organization.name), ("organization.uscc", app.organization.uscc),
            ("organization.address", app.organization.address), ("organization.postcode", app.organization.postcode),
            ("organization.phone", app.organization.phone), ("existingCertificate.serial", app.existingCertificate?.serial),
            ("visit.office", app.visit?.office),
        ]
        func person(_ p: Person, _ path: String) {
            out += [
                ("\(path).name", p.name), ("\(path).idNumber", p.idNumber), ("\(path).mobile", p.mobile),
                ("\(path).email", p.email), ("\(path).title", p.title),
            ]
        }
        person(app.legalRepresentative, "legalRepresentative")
        person(app.handler, "handler")
        for (i, h) in (app.holders ?? []).enumerated() { person(h, "holders[\(i)]") }
        for (i, c) in (app.change?.items ?? []).enumerated() {
            out += [("change.items[\(i)].item", c.item), ("change.items[\(i)].from", c.from), ("change.items[\(i)].to", c.to)]
        }
        return out.compactMap { field, value in value.map { (field, $0) } }
    }
}
