import ArgumentParser

/// `certpack`: the paperwork for 深圳CA's 深圳医保在线签约 certificates, from applicant data.
@main
struct CertPack: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "certpack",
        abstract: "深圳医保在线签约数字证书 — 办理清单、盖章复印件清单与申请表 PDF。",
        discussion: """
            从申请数据（YAML / JSON；批量用 CSV）生成到深圳CA受理点所需的一切：
            办理清单（带什么、费用、受理点与日期）、盖章复印件清单、A4 申请表 PDF。

            常用命令：
              certpack validate  Examples/new-odc-personal.yaml     # 检查数据
              certpack checklist Examples/new-odc-personal.yaml     # 办理清单
              certpack fill      Examples/new-odc-personal.yaml     # 申请材料.pdf
              certpack preview   Examples/new-odc-personal.yaml     # PNG 预览
              certpack batch     Examples/batch.csv [--check]       # 批量
              certpack offices   --date 2026-12-05                  # 受理点
              certpack serve                                         # 网页版（浏览器中填写、下载）
              certpack roster init                                   # 机构库：记住单位与证书到期日

            数据格式见 README.md 与 Examples/。
            退出码：0 成功；1 数据有误或拒绝覆盖；2 什么都没能写出（批量中没有一行能办理、
            磁盘已满、目录只读、输出路径是一个文件、另一个 certpack 正在写入同一目录…）。
            """,
        subcommands: [
            ChecklistCommand.self, ValidateCommand.self, OfficesCommand.self,
            FillCommand.self, PreviewCommand.self, BatchCommand.self, RosterCommand.self, ServeCommand.self, DemoCommand.self, SpecimenCommand.self,
            BatchWorkerCommand.self,
        ]
    )
}
