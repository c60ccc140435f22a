import Dispatch
import Foundation
import Logging

/// `SIGHUP` reloads the alerting configuration (the default action of SIGHUP, ending the process, is
/// turned off while the hub runs). A bad file is logged with its problems and changes nothing.
enum ReloadSignal {
    static func run(_ settings: AlertingSettings, logger: Logger) async {
        signal(SIGHUP, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGHUP, queue: .global())
        let (stream, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        source.setEventHandler { continuation.yield() }
        source.resume()
        defer { source.cancel() }
        await withTaskCancellationHandler {
            for await _ in stream {
                switch settings.reload() {
                case .success:
                    logger.notice("alerting configuration reloaded (SIGHUP)")
                case .failure(let failure):
                    logger.error("alerting configuration NOT reloaded (SIGHUP); the running one stays",
                                 metadata: ["problems": "\(failure.problems.joined(separator: "; "))"])
                }
            }
        } onCancel: {
            continuation.finish()
        }
    }
}
