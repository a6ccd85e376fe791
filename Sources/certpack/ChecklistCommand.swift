import ArgumentParser

struct ChecklistCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "checklist", abstract: "(not yet implemented)")
    func run() async throws { throw ValidationError("certpack checklist is not implemented yet") }
}
