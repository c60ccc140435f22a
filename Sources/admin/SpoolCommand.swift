import AdminServer
import ArgumentParser
import Spool
import HubKit

/// `admin spool`: look at the spool and move a sink past what it cannot deliver, without a hub.
struct SpoolCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "spool", abstract: "Inspect the spool; move a sink's cursor (only while the hub is stopped).",
        subcommands: [Inspect.self, Skip.self])

    /// Where the hub keeps its spool (Hub.swift: `data_dir` + "/spool").
    static func directory(_ options: GlobalOptions) throws -> String {
        try loadConfiguration(options).core.spoolDirectory
    }

    struct Inspect: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Segments and sizes, each sink's cursor and lag, quarantined segments.")
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let report = try SpoolInspector.inspect(directory: try SpoolCommand.directory(options))
            print("spool \(report.directory)\(report.inUse ? " (in use by a running hub)" : "")")
            print("end offset \(report.endOffset)")
            print("SEGMENT\tBYTES\tFILE")
            for segment in report.segments { print("\(segment.base)\t\(segment.fileBytes)\t\(segment.path)") }
            print("SINK\tCURSOR\tLAG_BYTES")
            for cursor in report.cursors {
                print("\(cursor.sink)\t\(cursor.offset.map(String.init) ?? "unreadable")\t\(cursor.lagBytes.map(String.init) ?? "-")")
            }
            if report.quarantined.isEmpty {
                print("quarantined: none")
            } else {
                print("QUARANTINED\tBYTES\tFILE")
                for segment in report.quarantined { print("\(segment.base)\t\(segment.fileBytes)\t\(segment.path)") }
            }
        }
    }

    struct Skip: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Move SINK's cursor to the start of a segment (refused while a hub holds the spool).")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "The sink whose cursor moves (e.g. mongodb, elasticsearch).") var sink: String
        @Option(name: .customLong("to"), help: "The segment's base offset, as `admin spool inspect` lists it.") var segment: UInt64

        func run() async throws {
            let directory = try SpoolCommand.directory(options)
            do {
                let previous = try SpoolInspector.skip(directory: directory, sink: sink, toSegment: segment)
                print("moved \(sink) from \(previous.map(String.init) ?? "no cursor") to \(segment)")
            } catch {
                if case .locked = error {
                    throw ValidationError("the spool in \(directory) is held by a running hub; stop it first (\(error))")
                }
                throw ValidationError(error.description)
            }
        }
    }
}
