import ArgumentParser
import Foundation
import Rules
import Web

/// `certpack serve`: the web page — fill one application, check it as you type, preview and
/// download its pack; upload a batch; see the offices' next 30 days.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "启动网页版（申请、批量、受理点）：在浏览器中填写、检查、预览并下载申请材料。",
        discussion: """
            默认只在本机监听（127.0.0.1），其他电脑无法访问。要让局域网内的同事使用，
            加 --host 0.0.0.0：此时必须使用访问令牌——启动时会生成一个并打印完整网址
            （也可用 --token 指定）；把该网址发给同事，浏览器首次打开后即记住。

            不给 --roster 时不保存任何数据：每个任务的文件放在仅本用户可读的临时目录中，下载后、
            一小时后、以及退出时（Ctrl-C）删除。给 --roster 时，机构库与草稿保存在该文件中。
            """)

    @Option(help: "监听地址（默认 127.0.0.1，仅本机）")
    var host: String = "127.0.0.1"
    @Option(help: "端口")
    var port: Int = 8080
    @Option(help: "访问令牌（非本机地址时必需；不给则自动生成）")
    var token: String?
    @Option(name: .customLong("token-file"), help: "从文件读取访问令牌（第一行；供 systemd 等服务管理器使用，令牌不出现在进程列表中）")
    var tokenFile: String?
    @Option(help: "打开页面时预先填好的申请数据（YAML 或 JSON），如 Examples/new-odc-personal.yaml")
    var example: String?
    @Option(help: "机构库文件：页面上出现「机构库」，填写中的申请自动保存为草稿（文件不存在时新建）")
    var roster: String?
    @Option(help: "同时排队的排版任务上限（超过时提示稍后再试）")
    var queue: Int = 8
    @OptionGroup var templates: TemplatesOption

    func validate() throws {
        guard (1...65535).contains(port) else { throw ValidationError("--port 应为 1–65535") }
        if token != nil, tokenFile != nil { throw ValidationError("--token 与 --token-file 只能给一个") }
        if let token, !Self.isValidToken(token) {
            throw ValidationError("--token 至少 16 个字符，只能含字母、数字、- 和 _")
        }
    }

    static func isValidToken(_ token: String) -> Bool {
        token.count >= 16 && token.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") })
    }

    /// `--token`, or the first line of `--token-file`.
    func resolvedToken() throws -> String? {
        guard let tokenFile else { return token }
        let text: String
        do { text = try InputFile.readText(URL(fileURLWithPath: tokenFile), limit: 4096) } catch {
            throw CLIFailure("无法读取令牌文件 \(tokenFile)：\(error)")
        }
        let line = text.split(whereSeparator: \.isNewline).first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
        guard Self.isValidToken(line) else {
            throw CLIFailure("令牌文件 \(tokenFile) 的第一行应为至少 16 个字符的令牌，只能含字母、数字、- 和 _")
        }
        return line
    }

    func run() async throws {
        let server: WebServer
        do {
            var configuration = WebServer.Configuration(
                host: host, port: port, token: try resolvedToken(), templates: templates.templates,
                queueCapacity: queue, example: example)
            configuration.roster = roster
            configuration.batchWorker = [
                BatchCommand.executablePath, "batch-worker", "--templates",
                try TemplatesLocator.locate(explicit: templates.templates).path,
            ]
            server = try await WebServer(configuration)
        } catch {
            throw CLIFailure("无法启动网页服务：\(error)")
        }
        let url = server.startURL
        let token = server.configuration.token != nil
        let banner: @Sendable () -> Void = {
            print("CertPack 网页版已启动，请在浏览器中打开：")
            print("  \(url)")
            print(
                token
                    ? "（网址含访问令牌，请只发给需要使用的同事；按 Ctrl-C 停止，临时文件随之删除）"
                    : "（仅本机可访问；按 Ctrl-C 停止，临时文件随之删除）")
            fflush(nil)  // the address shows at once even when stdout is a pipe
        }
        do { try await server.run(onRunning: banner) } catch {
            throw CLIFailure("网页服务出错（\(host):\(port)）：\(error)。端口被占用时请换一个：--port 8081")
        }
    }
}
