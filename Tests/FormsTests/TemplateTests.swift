import Forms
import Foundation
import Rules
import Testing

@Suite("Form templates")
struct TemplateTests {
    static let minimal = """
        kind: unitApplication
        title: 单位数字证书申请表
        blocks:
          - grid:
              columns: [40, 130]
              groups:
                - rows:
                    - height: 9
                      cells:
                        - {label: 单位名称}
                        - {value: organization.name}
        """

    @Test("the shipped templates load, one per document of the pack")
    func shippedTemplatesLoad() throws {
        let library = try FormLibrary.load(templates: repoRoot.appendingPathComponent("Templates"))
        #expect(Set(library.templates.keys) == Set(FormTemplate.Kind.allCases))
        #expect(library.template(.institutionApplication).copyMarks == ["第一联 深圳CA留存", "第二联 客户存根"])
    }

    @Test("a minimal template parses")
    func minimalParses() throws {
        let t = try TemplateLoader.parse(Self.minimal, file: "t.yaml")
        #expect(t.kind == .unitApplication)
        #expect(t.blocks.count == 1)
    }

    @Test("a field the model lacks fails at load with file, line and the field")
    func unknownField() throws {
        let text = Self.minimal.replacingOccurrences(of: "organization.name", with: "organization.nmae")
        #expect(throws: TemplateError.self) { try TemplateLoader.parse(text, file: "forms/x.yaml") }
        do { _ = try TemplateLoader.parse(text, file: "forms/x.yaml") } catch let e as TemplateError {
            #expect(e.file == "forms/x.yaml")
            #expect(e.line == 11)
            #expect(e.message.contains("organization.nmae"))
            #expect(e.description.hasPrefix("forms/x.yaml:11: unknown field 'organization.nmae'"))
        }
    }

    @Test("an unknown field inside {{…}} is caught too, with its line")
    func unknownInterpolatedField() throws {
        let text = Self.minimal.replacingOccurrences(of: "{value: organization.name}", with: "{text: \"{{handler.phone}} 年\"}")
        do {
            _ = try TemplateLoader.parse(text, file: "x.yaml")
            Issue.record("expected an error")
        } catch let e as TemplateError {
            #expect(e.line == 11 && e.message.contains("handler.phone"), "\(e)")
        }
    }

    @Test("a holder field outside a holders table is refused")
    func scopedField() throws {
        let text = Self.minimal.replacingOccurrences(of: "organization.name", with: "holder.name")
        do {
            _ = try TemplateLoader.parse(text, file: "x.yaml")
            Issue.record("expected an error")
        } catch let e as TemplateError {
            #expect(e.message.contains("holders"), "\(e)")
        }
    }

    @Test(
        "malformed templates name the line and what is wrong",
        arguments: [
            ("height: 9", "heigth: 9", 8, "unknown key 'heigth'"),
            ("kind: unitApplication", "kind: coverSheet", 1, "kind must be one of"),
            ("columns: [40, 130]", "columns: [40, 140]", 4, "the columns add up to 180 mm"),
            ("{label: 单位名称}", "{label: 单位名称, span: 2}", 8, "spans 3 columns"),
            ("- {label: 单位名称}", "- {label: [单位名称}", 10, "YAML syntax error"),
        ])
    func malformed(change: (String, String, Int, String)) throws {
        let text = Self.minimal.replacingOccurrences(of: change.0, with: change.1)
        do {
            _ = try TemplateLoader.parse(text, file: "x.yaml")
            Issue.record("expected an error for \(change.1)")
        } catch let e as TemplateError {
            #expect(e.line == change.2, "\(e)")
            #expect(e.message.contains(change.3), "\(e)")
        }
    }

    @Test("interpolation renders fields and literal text")
    func interpolation() throws {
        let i = try Interpolation(parsing: "本人{{person.name}}（{{ person.idNumber }}）")
        #expect(i.fields == ["person.name", "person.idNumber"])
        #expect(throws: InterpolationError.self) { try Interpolation(parsing: "{{person.name") }
    }

    @Test("every path the registry lists resolves on an example without crashing")
    func registryResolves() throws {
        let app = try example("new-odc-personal.yaml")
        let checklist = try Checklist.make(for: app, catalog: sharedCatalog)
        let ctx = FieldContext(application: app, checklist: checklist, request: checklist.forms.last)
        for path in Fields.validPaths { _ = Fields.value(path, in: ctx) }
        #expect(Fields.value("organization.name", in: ctx) == app.organization.name)
        #expect(Fields.value("person.name", in: ctx) == app.handler.name)
        #expect(Fields.scope(of: "organization.nmae") == nil)
    }
}
