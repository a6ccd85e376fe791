import ArgumentParser

/// `certpack`: the paperwork for 深圳CA's 深圳医保在线签约 certificates, from applicant data.
@main
struct CertPack: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "certpack",
        abstract: "深圳医保在线签约数字证书 — 办理清单、盖章复印件清单与申请表 PDF。",
        discussion: """
        Takes an applicant's data (YAML/JSON, or CSV for a batch) and produces what to bring to the
        深圳CA counter: the checklist, the manifest of stamped copies, and print-ready A4 forms.

        Typical use:
          certpack validate Examples/new-odc-personal.yaml
          certpack checklist Examples/new-odc-personal.yaml --date 2026-12-05
          certpack fill Examples/new-odc-personal.yaml -o Output
          certpack batch Examples/batch.csv
        """,
        subcommands: [
            ChecklistCommand.self, ValidateCommand.self, OfficesCommand.self,
            FillCommand.self, PreviewCommand.self, BatchCommand.self, DemoCommand.self, SpecimenCommand.self,
        ]
    )
}
